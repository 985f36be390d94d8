/**
 * Databases of 3, 62, 400 and 1,600 quartiers × 56 indicators × 8 quarters
 * for the grid benches, made in seconds: the département demonstration (3
 * quartiers, 8 quarters, FIPD credits), its quartiers copied in SQL with
 * every follow-up row (values, statuses, assessments, « sans objet »,
 * targets, communes, QPV) until the count is reached. Generating the
 * national demonstration through the services takes hours on this machine
 * (bench/national-file.ts says the same); the copies have the same rows per
 * quartier and quarter, the same texts, the same shape.
 *
 * Kept in the temp folder per quarter (the demonstration's quarters follow
 * today's date), so a second run starts at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateDemo } from '../electron/services/demo';
import { periodOfDate } from '../shared/domain/period';
import { benchFolder } from './support';

/** Bump when the way the copies are made changes. */
const LAYOUT = 'v1';

/** The tables whose rows belong to one quartier (FIPD credits stay with the demonstration's three). */
const PER_QRR_TABLES = ['qrr_commune', 'qrr_qpv', 'indicator_value', 'action_status', 'assessment', 'sans_objet', 'indicator_target'];

const fileFor = (count: number, now: Date): string => path.join(os.tmpdir(), `qrr-bench-grille-${LAYOUT}-${periodOfDate(now)}-${count}q.sqlite`);

async function template(now: Date): Promise<string> {
  const file = fileFor(3, now);
  if (fs.existsSync(file)) return file;
  const folder = benchFolder('qrr-bench-grille-');
  try {
    const core = await folder.open('demo.sqlite');
    await generateDemo(core, { scale: 'departement', now });
    core.close();
    fs.copyFileSync(path.join(folder.dir, 'demo.sqlite'), `${file}.tmp`);
    fs.renameSync(`${file}.tmp`, file);
    return file;
  } finally {
    fs.rmSync(folder.dir, { recursive: true, force: true });
  }
}

const columnsOf = (db: Database.Database, table: string): string[] =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

/** Copies the template's quartiers (in turn) until the database holds `count`. */
function grow(file: string, count: number): void {
  const db = new Database(file);
  try {
    const models = db.prepare('SELECT id FROM qrr ORDER BY id').pluck().all() as number[];
    const qrrColumns = columnsOf(db, 'qrr').filter((c) => c !== 'id' && c !== 'name');
    const insertQrr = db.prepare(`INSERT INTO qrr (name, ${qrrColumns.join(', ')}) SELECT @name, ${qrrColumns.join(', ')} FROM qrr WHERE id = @model`);
    const copies = PER_QRR_TABLES.map((table) => {
      const others = columnsOf(db, table).filter((c) => c !== 'qrr_id');
      return db.prepare(`INSERT INTO ${table} (qrr_id, ${others.join(', ')}) SELECT @id, ${others.join(', ')} FROM ${table} WHERE qrr_id = @model`);
    });
    db.transaction(() => {
      for (let n = models.length; n < count; n++) {
        const model = models[n % models.length]!;
        const id = Number(insertQrr.run({ name: `Quartier n° ${String(n + 1).padStart(4, '0')} (copie)`, model }).lastInsertRowid);
        for (const copy of copies) copy.run({ id, model });
      }
    })();
  } finally {
    db.close();
  }
}

/** A database with `count` quartiers (≥ 3), made once per quarter and kept. */
export async function gridDatabase(count: number, now = new Date()): Promise<string> {
  const base = await template(now);
  if (count <= 3) return base;
  const file = fileFor(count, now);
  if (!fs.existsSync(file)) {
    fs.copyFileSync(base, `${file}.tmp`);
    grow(`${file}.tmp`, count);
    fs.renameSync(`${file}.tmp`, file);
  }
  return file;
}

/** A throwaway copy to measure on (writes must not pile up in the kept database from run to run). */
export function scratchCopy(file: string): { path: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-bench-grille-copie-'));
  const copy = path.join(dir, 'qrr.sqlite');
  fs.copyFileSync(file, copy);
  return { path: copy, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
