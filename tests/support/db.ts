import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createAppCore, type AppCore } from '../../electron/services/app-core';
import { COMMUNES_FILE } from './paths';

export const tempDir = (prefix = 'qrr-test-'): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A fixed clock that advances one second per reading: ordered, reproducible timestamps. */
export function steppingClock(start = '2026-11-26T09:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

export async function openCore(dir = tempDir(), overrides: { now?: () => Date } = {}): Promise<AppCore & { dir: string; databasePath: string }> {
  const databasePath = path.join(dir, 'qrr.sqlite');
  const core = await createAppCore({
    databasePath,
    backupDir: path.join(dir, 'sauvegardes'),
    communesFile: COMMUNES_FILE,
    appVersion: 'test',
    osUser: 'test-user',
    origin: 'ui',
    now: overrides.now ?? steppingClock(),
    log: { error: () => undefined },
  });
  return Object.assign(core, { dir, databasePath });
}

/** Reads a database file with a separate connection, as another program would. */
export function readOnly<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every row of every table: two equal snapshots mean nothing was written. */
export function snapshot(db: Database.Database): Record<string, unknown[]> {
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

/**
 * Fresh databases made from one prepared one (a département chosen…): each
 * `fresh()` opens a copy in its own folder, so that no test run (nor a
 * property's shrinking) sees what another wrote. `closeAll()` in afterAll.
 */
export async function templateCopies(prepare: (core: AppCore) => Promise<void>, prefix = 'qrr-copie-') {
  const template = await openCore();
  await prepare(template);
  template.db.pragma('wal_checkpoint(TRUNCATE)');
  template.close();
  const opened = new Set<AppCore & { dir: string; databasePath: string }>();
  return {
    async fresh() {
      const dir = tempDir(prefix);
      fs.copyFileSync(template.databasePath, path.join(dir, 'qrr.sqlite'));
      const core = await openCore(dir);
      opened.add(core);
      return core;
    },
    release(core: AppCore & { dir: string }) {
      core.close();
      opened.delete(core as AppCore & { dir: string; databasePath: string });
      fs.rmSync(core.dir, { recursive: true, force: true });
    },
    closeAll() {
      for (const core of opened) core.close();
      opened.clear();
    },
  };
}
