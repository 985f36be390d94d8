import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../electron/services/db/open-app-database';
import { migrate, schemaVersionOf, type Migration } from '../../electron/services/db/migrate';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from '../../electron/services/db/migrations';
import { backupDatabase } from '../../electron/services/db/backup';
import { openSqlite } from '../../electron/services/db/sqlite';
import { DomainError } from '../../shared/ipc/result';
import { readOnly, steppingClock, tempDir } from '../support/db';
import { REPO_ROOT } from '../support/paths';

const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');

const open = (dir: string) =>
  openAppDatabase({ file: path.join(dir, 'qrr.sqlite'), backupDir: path.join(dir, 'sauvegardes'), now: steppingClock(), osUser: 'test' });

describe('database opening and migrations', () => {
  it('creates a new database at the latest schema, with WAL, foreign keys and STRICT tables', async () => {
    const dir = tempDir();
    const { db, migration } = await open(dir);
    expect(migration).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, backupPath: null });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const tables = db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table'`).all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name).sort()).toEqual([
      'action',
      'action_status',
      'assessment',
      'audit_log',
      'engagement',
      'fipd_envelope',
      'indicator',
      'indicator_target',
      'indicator_value',
      'period',
      'qrr',
      'qrr_commune',
      'qrr_qpv',
      'referential_meta',
      'report',
      'sans_objet',
      'settings',
      'subsidy',
      'subsidy_payment',
    ]);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
    // No backup for a brand-new file: there was nothing to protect.
    expect(fs.existsSync(path.join(dir, 'sauvegardes'))).toBe(false);
    // Each applied step is in the audit trail.
    expect(db.prepare(`SELECT entity, entity_id, action FROM audit_log`).all()).toEqual(
      MIGRATIONS.map((m) => ({ entity: 'schema', entity_id: String(m.version), action: 'migrate' })),
    );
    db.close();
  });

  it('reopens an up-to-date database without touching it', async () => {
    const dir = tempDir();
    (await open(dir)).db.close();
    const before = fs.readFileSync(path.join(dir, 'qrr.sqlite'));
    const { db, migration } = await open(dir);
    expect(migration.backupPath).toBeNull();
    db.close();
    expect(fs.readFileSync(path.join(dir, 'qrr.sqlite')).equals(before)).toBe(true);
  });

  it('refuses a database written by a newer version, in French, and leaves it unchanged', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'qrr.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.exec(`CREATE TABLE future (x TEXT) STRICT; INSERT INTO future VALUES ('donnée du futur')`);
    raw.close();
    const before = fs.readFileSync(file);
    const error = await open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('DATABASE_TOO_NEW');
    expect((error as DomainError).message).toMatch(/version plus récente de l'application.*n'a pas été modifié/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database with a French message', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'qrr.sqlite'), 'Ceci est un tableur, pas une base de données. '.repeat(200));
    await expect(open(dir)).rejects.toThrow(/n'est pas une base de données SQLite/);
  });

  it('backs up an existing database before migrating, and applies pending steps all together', async () => {
    const dir = tempDir();
    const { db } = await open(dir);
    db.prepare(`INSERT INTO qrr (name, created_at, updated_at) VALUES ('QRR Nord', 'x', 'x')`).run();
    const step2: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'test : colonne test_extra',
      up: (d) => d.exec(`ALTER TABLE qrr ADD COLUMN test_extra INTEGER`),
    };
    const step3: Migration = {
      version: LATEST_SCHEMA_VERSION + 2,
      name: 'test : table supplémentaire',
      up: (d) => d.exec(`CREATE TABLE test_extra (id TEXT PRIMARY KEY) STRICT`),
    };
    const report = await migrate(db, [...MIGRATIONS, step2, step3], {
      backup: () => backupDatabase(db, path.join(dir, 'sauvegardes'), 'avant-migration', new Date('2026-11-26T10:00:00Z')),
      audit: () => undefined,
    });
    expect(report.from).toBe(LATEST_SCHEMA_VERSION);
    expect(report.to).toBe(LATEST_SCHEMA_VERSION + 2);
    expect(path.basename(report.backupPath!)).toBe('qrr-20261126-100000-000-avant-migration.sqlite');
    // The backup is a consistent database at the previous version, with the data.
    readOnly(report.backupPath!, (backup) => {
      expect(schemaVersionOf(backup)).toBe(LATEST_SCHEMA_VERSION);
      expect(backup.prepare('SELECT name FROM qrr').pluck().all()).toEqual(['QRR Nord']);
    });
    expect(schemaVersionOf(db)).toBe(LATEST_SCHEMA_VERSION + 2);
    db.close();
  });

  it('migrates step 1 → 2 from a real version-1 file: data kept, new fields defaulted, backup first', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'qrr.sqlite');
    fs.copyFileSync(path.join(FIXTURES, 'schema-v1.sqlite'), file);
    const original = fs.readFileSync(file);
    const { db, migration } = await open(dir);
    expect(migration.from).toBe(1);
    expect(migration.to).toBe(LATEST_SCHEMA_VERSION);
    // The backup holds exactly the version-1 data.
    readOnly(migration.backupPath!, (backup) => {
      expect(schemaVersionOf(backup)).toBe(1);
      expect(backup.prepare('SELECT name FROM qrr ORDER BY id').pluck().all()).toEqual(['QRR Saint-Denis', 'QRR Épinay (archivé)']);
    });
    expect(original.length).toBeGreaterThan(0);
    expect(db.prepare('SELECT id, name, archived_at IS NOT NULL AS archived, security_zone, wave, delegue_prefet, population, notes FROM qrr ORDER BY id').all()).toEqual([
      { id: 1, name: 'QRR Saint-Denis', archived: 0, security_zone: null, wave: null, delegue_prefet: '', population: null, notes: '' },
      { id: 2, name: 'QRR Épinay (archivé)', archived: 1, security_zone: null, wave: null, delegue_prefet: '', population: null, notes: '' },
    ]);
    expect(db.prepare('SELECT insee_code FROM qrr_commune ORDER BY qrr_id, insee_code').pluck().all()).toEqual(['93001', '93066', '93031']);
    expect(db.prepare('SELECT count(*) FROM audit_log WHERE entity = ?').pluck().get('qrr')).toBe(1);
    expect(db.prepare("SELECT entity_id FROM audit_log WHERE entity = 'schema'").pluck().all()).toEqual(MIGRATIONS.slice(1).map((m) => String(m.version)));
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('migrates step 2 → 3 from a real version-2 file: values, statuses and assessments kept, reports table added', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(FIXTURES, 'schema-v2.sqlite'), path.join(dir, 'qrr.sqlite'));
    const { db, migration } = await open(dir);
    expect([migration.from, migration.to]).toEqual([2, LATEST_SCHEMA_VERSION]);
    readOnly(migration.backupPath!, (backup) => expect(schemaVersionOf(backup)).toBe(2));
    expect(db.prepare('SELECT value FROM indicator_value').pluck().all()).toEqual(['{"count":12}']);
    expect(db.prepare('SELECT status FROM action_status').pluck().all()).toEqual(['realisee']);
    expect(db.prepare('SELECT meteo, comment FROM assessment').get()).toEqual({ meteo: 'orage', comment: 'Tensions.' });
    expect(db.prepare('SELECT count(*) FROM report').pluck().get()).toBe(0);
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'assessment_period'`).pluck().get()).toBe('assessment_period');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('migrates step 3 → 4 from a real version-3 file: reports kept, FIPD tables added', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(FIXTURES, 'schema-v3.sqlite'), path.join(dir, 'qrr.sqlite'));
    const { db, migration } = await open(dir);
    expect([migration.from, migration.to]).toEqual([3, LATEST_SCHEMA_VERSION]);
    readOnly(migration.backupPath!, (backup) => expect(schemaVersionOf(backup)).toBe(3));
    expect(db.prepare('SELECT file_name, signer, transmitted FROM report').get()).toEqual({
      file_name: 'rapport-qrr-34-2026-T1-signe.pdf',
      signer: 'Préfète de test',
      transmitted: 1,
    });
    expect(db.prepare('SELECT value FROM indicator_value').pluck().all()).toEqual(['{"count":12}']);
    expect(db.prepare('SELECT count(*) FROM subsidy').pluck().get()).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('migrates step 4 → 5 from a real version-4 file: FIPD lines kept, each with a uid, new lines get one too', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(FIXTURES, 'schema-v4.sqlite'), path.join(dir, 'qrr.sqlite'));
    const { db, migration } = await open(dir);
    expect([migration.from, migration.to]).toEqual([4, LATEST_SCHEMA_VERSION]);
    readOnly(migration.backupPath!, (backup) => expect(schemaVersionOf(backup)).toBe(4));
    const subsidy = db.prepare('SELECT beneficiary_name, granted_cents, status, uid FROM subsidy').get() as { uid: string };
    expect(subsidy).toMatchObject({ beneficiary_name: 'Association Mosson Avenir', granted_cents: 1200000, status: 'versee' });
    expect(subsidy.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(db.prepare('SELECT amount_cents, uid FROM subsidy_payment').get()).toMatchObject({ amount_cents: 600000, uid: expect.stringMatching(/^[0-9a-f]{32}$/) });
    db.prepare(
      `INSERT INTO subsidy (budget_year, qrr_id, source, beneficiary_name, title, created_at, updated_at) VALUES (2026, 1, 'fipd', 'Autre', 'Autre action', 'x', 'x')`,
    ).run();
    const uids = db.prepare('SELECT uid FROM subsidy ORDER BY id').pluck().all() as string[];
    expect(uids).toHaveLength(2);
    expect(new Set(uids).size).toBe(2);
    expect(uids[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('migrates step 5 → 6 from a real version-5 file: data kept, « sans objet », targets and typed comments added', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(FIXTURES, 'schema-v5.sqlite'), path.join(dir, 'qrr.sqlite'));
    const { db, migration } = await open(dir);
    expect([migration.from, migration.to]).toEqual([5, LATEST_SCHEMA_VERSION]);
    readOnly(migration.backupPath!, (backup) => expect(schemaVersionOf(backup)).toBe(5));
    expect(db.prepare('SELECT value FROM indicator_value').pluck().get()).toBe('{"count":12}');
    expect(db.prepare('SELECT meteo, comment, obstacles, next_steps, successes FROM assessment').get()).toEqual({
      meteo: 'orage',
      comment: 'Tensions.',
      obstacles: '',
      next_steps: '',
      successes: '',
    });
    expect(db.prepare('SELECT count(*) FROM subsidy').pluck().get()).toBe(1);
    // Empty until referential-sync rewrites the référentiel at start-up (tests/integration/referential-upgrade.test.ts).
    expect(db.prepare(`SELECT measure FROM indicator WHERE code = '01-03'`).pluck().get()).toBe('{}');
    db.prepare(`INSERT INTO sans_objet VALUES (1, 'action', '01-01', 1, 'Motif', 'x', 'x')`).run();
    expect(() => db.prepare(`INSERT INTO sans_objet VALUES (1, 'indicator', '01-03', 1, ' ', 'x', 'x')`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO indicator_target VALUES (1, '01-03', 12, '2026-03-31', 24, '2027-03-31', 'saisie', 'x', 'x')`).run();
    expect(() => db.prepare(`INSERT INTO indicator_target VALUES (1, '01-03', 12, '31/03/2026', 24, NULL, 'saisie', 'x', 'x')`).run()).toThrow();
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('rolls back every pending step when one fails: same version, same schema, same data', async () => {
    const dir = tempDir();
    const { db } = await open(dir);
    db.prepare(`INSERT INTO qrr (name, created_at, updated_at) VALUES ('QRR Sud', 'x', 'x')`).run();
    const schemaBefore = db.prepare(`SELECT sql FROM sqlite_schema ORDER BY name`).pluck().all();
    const good: Migration = { version: LATEST_SCHEMA_VERSION + 1, name: 'ok', up: (d) => d.exec(`ALTER TABLE qrr ADD COLUMN x TEXT`) };
    const bad: Migration = { version: LATEST_SCHEMA_VERSION + 2, name: 'ko', up: (d) => d.exec(`ALTER TABLE nowhere ADD COLUMN y TEXT`) };
    let backups = 0;
    await expect(
      migrate(db, [...MIGRATIONS, good, bad], { backup: async () => `backup-${++backups}`, audit: () => undefined }),
    ).rejects.toThrow(/no such table: nowhere/);
    expect(backups).toBe(1);
    expect(schemaVersionOf(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT sql FROM sqlite_schema ORDER BY name`).pluck().all()).toEqual(schemaBefore);
    expect(db.prepare('SELECT name FROM qrr').pluck().all()).toEqual(['QRR Sud']);
    db.close();
  });

  it('refuses a broken migration list before touching anything', async () => {
    const db = openSqlite(path.join(tempDir(), 'x.sqlite'));
    const skip: Migration = { version: MIGRATIONS.length + 2, name: 'trou', up: () => undefined };
    await expect(migrate(db, [...MIGRATIONS, skip], { backup: async () => '', audit: () => undefined })).rejects.toThrow(
      /Migration list broken/,
    );
    expect(schemaVersionOf(db)).toBe(0);
    db.close();
  });
});
