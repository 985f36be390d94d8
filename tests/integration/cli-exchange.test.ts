/**
 * `npm run cli -- export` and `import`, run as child processes like a user
 * would: the département demonstration exported, imported into an empty base
 * (same values), one value edited on each side (exactly two conflicts in the
 * --dry-run --json preview), a dry run leaving the base byte for byte as it
 * was, --resolve mine then theirs with the « avant-import » backup and the
 * origin import:<file> in the audit trail, and every refused file (another
 * département, corrupted, truncated, newer version, unknown codes) refused in
 * French with a non-zero exit code and the base untouched.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportPreviewJson, PreviewLineJson } from '../../cli/commands/exchange';
import { saveActionStatuses, valueEntityId } from '../../electron/services/followup';
import { ACTION_STATUS_LABELS, ACTION_STATUSES, type ActionStatus } from '../../shared/domain/types';
import { lineKey } from '../../shared/exchange/diff';
import { EXCHANGE_VERSION, sealExchangeDocument, serializeExchangeDocument, type ExchangeDocument } from '../../shared/exchange/format';
import { openCore, readOnly, steppingClock, tempDir } from '../support/db';
import { CLI_ENTRY, REPO_ROOT } from '../support/paths';


interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Run {
  // The --json preview of a whole département lists every cell: a few megabytes.
  const result = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The follow-up tables, QRRs named instead of numbered, without who/when wrote the row here. */
function contents(file: string): Record<string, unknown[]> {
  return readOnly(file, (db) => {
    const q = (sql: string) => db.prepare(sql).all();
    return {
      qrr: q(`SELECT name, security_zone, wave, population, (SELECT group_concat(insee_code) FROM qrr_commune c WHERE c.qrr_id = qrr.id) AS communes FROM qrr ORDER BY name`),
      indicator_value: q(`SELECT q.name, indicator_code, period_code, value, target, comment, source FROM indicator_value v JOIN qrr q ON q.id = v.qrr_id ORDER BY 1, 2, 3`),
      action_status: q(`SELECT q.name, action_code, period_code, status, comment, referent FROM action_status v JOIN qrr q ON q.id = v.qrr_id ORDER BY 1, 2, 3`),
      assessment: q(`SELECT q.name, engagement_code, period_code, meteo, trend, comment, comment_author, comment_date FROM assessment v JOIN qrr q ON q.id = v.qrr_id ORDER BY 1, 2, 3`),
    };
  });
}

const count = (file: string, table: string): number => readOnly(file, (db) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
const avantImport = (dir: string): string[] =>
  fs.existsSync(path.join(dir, 'sauvegardes')) ? fs.readdirSync(path.join(dir, 'sauvegardes')).filter((f) => f.endsWith('-avant-import.sqlite')) : [];

interface Cell {
  readonly qrrId: number;
  readonly qrrName: string;
  readonly actionCode: string;
  readonly status: ActionStatus;
}

/** The first action of `qrrName` with a status in `period`, in the base `file`. */
function actionCell(file: string, qrrName: string, period: string): Cell {
  return readOnly(file, (db) => {
    const row = db
      .prepare(
        `SELECT q.id AS qrrId, q.name AS qrrName, a.action_code AS actionCode, a.status FROM action_status a JOIN qrr q ON q.id = a.qrr_id
         WHERE q.name = ? AND a.period_code = ? AND a.status IS NOT NULL ORDER BY a.action_code LIMIT 1`,
      )
      .get(qrrName, period) as Cell | undefined;
    if (!row) throw new Error(`no action status for ${qrrName} in ${period}`);
    return row;
  });
}

const statusOf = (file: string, qrrName: string, actionCode: string, period: string): string | null =>
  readOnly(file, (db) =>
    db
      .prepare(`SELECT a.status FROM action_status a JOIN qrr q ON q.id = a.qrr_id WHERE q.name = ? AND a.action_code = ? AND a.period_code = ?`)
      .pluck()
      .get(qrrName, actionCode, period) as string | null,
  );

/** Writes one action status as `osUser`, through the service, in the base of `dir` (dir/qrr.sqlite). */
async function editStatus(dir: string, osUser: string, period: string, cell: Cell, status: ActionStatus): Promise<void> {
  const core = await openCore(dir);
  try {
    const qrrId = core.db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(cell.qrrName) as number;
    saveActionStatuses({ db: core.db, now: steppingClock('2026-11-30T10:00:00.000Z'), osUser, origin: 'ui' }, period, [
      { qrrId, actionCode: cell.actionCode, status },
    ]);
  } finally {
    core.close();
  }
}

const otherStatus = (status: ActionStatus): ActionStatus => ACTION_STATUSES.find((s) => s !== status)!;

describe('command line: export and import of exchange files', () => {
  let dir: string;
  let dirA: string;
  let dirB: string;
  let dbA: string;
  let dbB: string;
  let openPeriod: string;
  let fullFile: string;
  let editedFile: string;
  let document: ExchangeDocument;
  // Filled by the conflicts test, used by the apply tests.
  let x: Cell & { aliceStatus: ActionStatus };
  let y: Cell & { bobStatus: ActionStatus };

  beforeAll(async () => {
    dir = tempDir('qrr-cli-echange-');
    dirA = path.join(dir, 'a');
    dirB = path.join(dir, 'b');
    fs.mkdirSync(dirA);
    fs.mkdirSync(dirB);
    dbA = path.join(dirA, 'qrr.sqlite');
    dbB = path.join(dirB, 'qrr.sqlite');
    const demo = cli('demo', '--db', dbA);
    expect(demo.code, demo.stderr).toBe(0);
    openPeriod = readOnly(dbA, (db) => db.prepare(`SELECT code FROM period WHERE state = 'open' ORDER BY code DESC LIMIT 1`).pluck().get() as string);
    // The empty base of a colleague of the same département.
    const b = await openCore(dirB);
    const saved = await b.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' });
    b.close();
    expect(saved.ok).toBe(true);
  }, 180_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports every quarter (extension added), then imports it into an empty base: same values, audited, backed up', () => {
    const exported = cli('export', '--db', dbA, '--out', path.join(dir, 'echange'));
    expect(exported.code, exported.stderr).toBe(0);
    fullFile = path.join(dir, 'echange.qrr');
    expect(fs.existsSync(fullFile)).toBe(true);
    document = JSON.parse(fs.readFileSync(fullFile, 'utf8')) as ExchangeDocument;
    expect(exported.stdout).toContain(`Fichier d'échange enregistré : ${fullFile}\n`);
    expect(exported.stdout).toMatch(/Département :\s+Seine-Saint-Denis \(93\)\n/);
    expect(exported.stdout).toMatch(new RegExp(`Trimestres :\\s+8 \\(${document.scope.periods.join(', ')}\\)\\n`));
    expect(exported.stdout).toMatch(/Quartiers :\s+3\n/);
    expect(exported.stdout).toContain(`Statuts d'actions :          ${new Intl.NumberFormat('fr-FR').format(count(dbA, 'action_status'))}\n`);
    expect(exported.stdout).toContain(sha256(fullFile));
    expect(document.indicatorValues).toHaveLength(count(dbA, 'indicator_value'));

    const bytesA = sha256(dbA);
    const imported = cli('import', '--db', dbB, fullFile);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^Import de « echange\.qrr » terminé : \d+ nouvelles données ajoutées/);
    expect(imported.stdout).toMatch(/3 quartiers créés/);
    const backups = avantImport(dirB);
    expect(backups).toHaveLength(1);
    expect(imported.stdout).toContain(path.join(dirB, 'sauvegardes', backups[0]!));

    expect(contents(dbB)).toEqual(contents(dbA));
    expect(sha256(dbA)).toBe(bytesA); // export only reads
    const origins = readOnly(dbB, (db) => db.prepare(`SELECT DISTINCT origin FROM audit_log WHERE entity IN ('indicator_value', 'action_status', 'assessment')`).pluck().all());
    expect(origins).toEqual(['import:echange.qrr']);
    const entry = readOnly(dbB, (db) => db.prepare(`SELECT origin, entity_id AS hash, new_value AS value FROM audit_log WHERE entity = 'exchange_import'`).all()) as {
      origin: string;
      hash: string;
      value: string;
    }[];
    expect(entry).toHaveLength(1);
    expect(entry[0]).toMatchObject({ origin: 'import:echange.qrr', hash: sha256(fullFile) });
    expect(JSON.parse(entry[0]!.value)).toMatchObject({ fileName: 'echange.qrr', backupFile: backups[0] });
  }, 120_000);

  it('refuses to export a quarter that was never opened: French message, exit code 1, no file', () => {
    const target = path.join(dir, 'jamais.qrr');
    const run = cli('export', '--db', dbA, '--period', openPeriod, '--period', '2019-T1', '--out', target);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Erreur : Rien à exporter pour 1er trimestre 2019 : cette période n'a pas été ouverte.");
    expect(run.stdout).toBe('');
    expect(fs.existsSync(target)).toBe(false);
  }, 60_000);

  it('--dry-run --json lists exactly the two conflicts after one edit on each side, and leaves the base byte for byte as it was', async () => {
    const [nord, est] = document.qrrs;
    const cellX = actionCell(dbA, nord!.name, openPeriod);
    const cellY = actionCell(dbB, est!.name, openPeriod);
    x = { ...cellX, aliceStatus: otherStatus(cellX.status) };
    y = { ...cellY, bobStatus: otherStatus(cellY.status) };
    await editStatus(dirA, 'alice', openPeriod, x, x.aliceStatus);
    await editStatus(dirB, 'bob', openPeriod, y, y.bobStatus);
    const exported = cli('export', '--db', dbA, '--period', openPeriod, '--out', path.join(dir, 'modifie.qrr'));
    expect(exported.code, exported.stderr).toBe(0);
    editedFile = path.join(dir, 'modifie.qrr');

    const before = sha256(dbB);
    const run = cli('import', '--db', dbB, editedFile, '--dry-run', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const preview = JSON.parse(run.stdout) as ImportPreviewJson;
    expect(preview).toMatchObject({
      file: 'modifie.qrr',
      path: editedFile,
      hash: sha256(editedFile),
      departement: { code: '93', nom: 'Seine-Saint-Denis' },
      qrrsToCreate: [],
      periodsToOpen: [],
    });
    expect(preview.counts).toEqual({
      new: preview.new.length,
      identical: preview.identical.length,
      conflicts: preview.conflicts.length,
      locked: preview.locked.length,
      refused: preview.refused.length,
    });
    expect(preview.new).toEqual([]);
    expect(preview.identical.length).toBeGreaterThan(100); // one quarter of a département, all but the two cells

    const keyOf = (cell: Cell) => lineKey('action_status', document.qrrs.find((q) => q.name === cell.qrrName)!.key, cell.actionCode, openPeriod, 'status');
    const byKey = new Map<string, PreviewLineJson>(preview.conflicts.map((c) => [c.key, c]));
    expect([...byKey.keys()].sort()).toEqual([keyOf(x), keyOf(y)].sort());
    // Edited in A: the file holds Alice's value, B still the one it imported.
    expect(byKey.get(keyOf(x))).toMatchObject({
      table: 'action_status',
      qrrName: x.qrrName,
      code: x.actionCode,
      periodCode: openPeriod,
      field: 'status',
      mine: { value: x.status },
      theirs: { value: x.aliceStatus, updatedBy: 'alice', updatedAt: expect.stringMatching(/^2026-11-30T10:00:\d\d/) },
    });
    // Edited in B: Bob's value here, the original in the file.
    expect(byKey.get(keyOf(y))).toMatchObject({
      qrrName: y.qrrName,
      code: y.actionCode,
      mine: { value: y.bobStatus, updatedBy: 'bob', updatedAt: expect.stringMatching(/^2026-11-30T10:00:\d\d/) },
      theirs: { value: y.status },
    });
    for (const c of preview.conflicts) expect(Date.parse(c.theirs.updatedAt!)).not.toBeNaN();

    // The readable summary: counts per kind, then the conflicts.
    const text = cli('import', '--db', dbB, editedFile, '--dry-run');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Aperçu de l'import de « modifie\.qrr » — rien n'a été modifié\.\n/);
    expect(text.stdout).toMatch(/Nouvelles données :\s+0\n/);
    expect(text.stdout).toMatch(/Conflits :\s+2\n/);
    expect(text.stdout).toContain(`${x.qrrName} — `);
    expect(text.stdout).toContain(`${y.qrrName} — `);
    expect(text.stdout).toContain(`action ${x.actionCode}, statut`);
    // Statuses by their French label, as the Journal shows them.
    expect(text.stdout).toContain(`ici :     ${ACTION_STATUS_LABELS[y.bobStatus]} — bob, 30/11/2026`);
    expect(text.stdout).toContain(`fichier : ${ACTION_STATUS_LABELS[x.aliceStatus]} — alice, 30/11/2026`);

    // Nothing written, nothing created beside the base (the read-only connection is on a private copy).
    expect(sha256(dbB)).toBe(before);
    expect(fs.existsSync(`${dbB}-wal`)).toBe(false);
    expect(fs.existsSync(`${dbB}-shm`)).toBe(false);
    expect(avantImport(dirB)).toHaveLength(1);
  }, 120_000);

  it('applies: conflicts keep this base by default, --resolve theirs takes the file, audited with import:<file>', () => {
    const kept = cli('import', '--db', dbB, editedFile);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/^Import de « modifie\.qrr » terminé : 0 nouvelle donnée ajoutée, 0 conflit résolu avec la valeur reçue, 2 valeurs conservées/);
    expect(statusOf(dbB, x.qrrName, x.actionCode, openPeriod)).toBe(x.status);
    expect(statusOf(dbB, y.qrrName, y.actionCode, openPeriod)).toBe(y.bobStatus);
    expect(avantImport(dirB)).toHaveLength(2);

    const taken = cli('import', '--db', dbB, editedFile, '--resolve', 'theirs');
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/^Import de « modifie\.qrr » terminé : 0 nouvelle donnée ajoutée, 2 conflits résolus avec la valeur reçue/);
    expect(taken.stdout).toMatch(/Sauvegarde avant import :\s+.+-avant-import\.sqlite\n/);
    expect(avantImport(dirB)).toHaveLength(3);
    expect(statusOf(dbB, x.qrrName, x.actionCode, openPeriod)).toBe(x.aliceStatus);
    expect(statusOf(dbB, y.qrrName, y.actionCode, openPeriod)).toBe(y.status);

    const lastOrigin = (db: Database.Database, cell: Cell) =>
      db
        .prepare(`SELECT origin FROM audit_log WHERE entity = 'action_status' AND entity_id = ? ORDER BY id DESC LIMIT 1`)
        .pluck()
        .get(valueEntityId(db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(cell.qrrName) as number, cell.actionCode, openPeriod));
    readOnly(dbB, (db) => {
      expect(lastOrigin(db, x)).toBe('import:modifie.qrr');
      expect(lastOrigin(db, y)).toBe('import:modifie.qrr');
    });

    // Now the same on both sides: a new preview has no conflict left.
    const again = cli('import', '--db', dbB, editedFile, '--dry-run', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as ImportPreviewJson).counts.conflicts).toBe(0);
  }, 120_000);

  it('refuses every bad file in French with exit code 1, the base byte for byte unchanged and no backup taken', async () => {
    const { sha256: _hash, ...unsigned } = document;
    const write = (name: string, text: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const resealed = (changes: Partial<ExchangeDocument>): string => serializeExchangeDocument(sealExchangeDocument({ ...unsigned, ...changes }));
    const original = fs.readFileSync(fullFile, 'utf8');
    const firstValue = document.indicatorValues[0]!;
    const cases: { file: string; message: string }[] = [
      {
        file: write('autre-departement.qrr', resealed({ departement: { code: '13', nom: 'Bouches-du-Rhône' } })),
        message: 'Ce fichier concerne le département Bouches-du-Rhône (13), pas celui de cette base (93) : il ne peut pas être importé.',
      },
      {
        // One character changed after the export, hash left as it was.
        file: write('corrompu.qrr', original.replace(`"updatedBy":"${firstValue.updatedBy}"`, `"updatedBy":"${firstValue.updatedBy}x"`)),
        message: 'Le contenu a été modifié depuis son export (empreinte SHA-256 différente).',
      },
      { file: write('tronque.qrr', original.slice(0, Math.floor(original.length / 2))), message: "Le fichier est tronqué ou n'est pas un fichier d'échange JSON." },
      {
        file: write('plus-recent.qrr', resealed({ version: (EXCHANGE_VERSION + 1) as ExchangeDocument['version'] })),
        message: `a été produit par une version plus récente de l'application`,
      },
      {
        file: write('codes-inconnus.qrr', resealed({ indicatorValues: document.indicatorValues.map((v, i) => (i === 0 ? { ...v, indicatorCode: 'ZZ-99' } : v)) })),
        message: 'Ce fichier contient des codes inconnus du référentiel de cette application : indicateur(s) « ZZ-99 »',
      },
    ];
    expect(fs.readFileSync(cases[1]!.file, 'utf8')).not.toBe(original);

    const before = sha256(dbB);
    const backups = avantImport(dirB).length;
    for (const [i, { file, message }] of cases.entries()) {
      // Each process takes seconds: every file applied; previewed too for a refusal by the database (département)
      // and one by the file itself (hash), which the dry run meets on different paths.
      const forms = i === 0 ? [[], ['--resolve', 'theirs'], ['--dry-run'], ['--dry-run', '--json']] : i === 1 ? [[], ['--dry-run', '--json']] : [[]];
      for (const extra of forms) {
        const run = cli('import', '--db', dbB, file, ...extra);
        expect(run.code, `${path.basename(file)} ${extra.join(' ')}: ${run.stdout}`).toBe(1);
        expect(run.stderr).toMatch(/^Erreur : /);
        expect(run.stderr).toContain(message);
        expect(run.stdout).toBe('');
      }
    }
    expect(sha256(dbB)).toBe(before);
    expect(avantImport(dirB)).toHaveLength(backups);

    // A base whose département was never chosen.
    const dirC = path.join(dir, 'c');
    fs.mkdirSync(dirC);
    (await openCore(dirC)).close();
    const dbC = path.join(dirC, 'qrr.sqlite');
    const bytesC = sha256(dbC);
    const unset = cli('import', '--db', dbC, fullFile);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain("Choisissez d'abord le département dans les paramètres");
    expect(sha256(dbC)).toBe(bytesC);
    expect(avantImport(dirC)).toEqual([]);
  }, 300_000);

  it('reads without writing: info, periods and --dry-run leave the base as it was, and refuse a base of an older schema', () => {
    const before = sha256(dbB);
    const info = cli('info', '--db', dbB);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/Quartiers :\s+3\n/);
    const periods = cli('periods', '--db', dbB);
    expect(periods.code, periods.stderr).toBe(0);
    expect(periods.stdout).toContain(openPeriod);
    expect(sha256(dbB)).toBe(before);
    expect(fs.existsSync(`${dbB}-wal`)).toBe(false);

    // An older schema would have to be migrated: a read refuses instead, in French.
    const old = path.join(dir, 'ancienne.sqlite');
    fs.copyFileSync(dbB, old);
    const version = readOnly(dbB, (db) => db.pragma('user_version', { simple: true }) as number);
    const writable = new Database(old);
    writable.pragma(`user_version = ${version - 1}`);
    writable.close();
    const oldBytes = sha256(old);
    for (const args of [['info'], ['periods'], ['import', editedFile, '--dry-run']]) {
      const [command, ...rest] = args;
      const run = cli(command!, '--db', old, ...rest);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`a été enregistrée par une version précédente de l'application (schéma ${version - 1}`);
      expect(run.stderr).toContain("ouvrez-la une fois dans l'application");
    }
    expect(sha256(old)).toBe(oldBytes);
    expect(fs.existsSync(`${old}-wal`)).toBe(false);
  }, 120_000);

  it('refuses command line mistakes with exit code 2', () => {
    const cases: [string[], string][] = [
      [['import', '--db', dbB, editedFile, '--json'], "L'option --json ne sert qu'avec --dry-run"],
      [['import', '--db', dbB, editedFile, '--resolve', 'les-miennes'], '--resolve attend mine'],
      [['import', '--db', dbB, editedFile, '--dry-run', '--resolve', 'theirs'], "L'option --resolve ne sert qu'à l'import réel"],
      [['import', '--db', dbB], "Indiquez le fichier d'échange à importer"],
      [['export', '--db', dbA, '--period', '2026-Q4'], "« 2026-Q4 » n'est pas un trimestre"],
      [['report', '--db', dbA, '--period', openPeriod, '--period', openPeriod, '--out', path.join(dir, 'r.pdf')], "L'option --period ne se donne qu'une fois"],
    ];
    for (const [args, message] of cases) {
      const run = cli(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
  }, 120_000);
});
