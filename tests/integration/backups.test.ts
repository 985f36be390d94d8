import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { runs } from '../support/property';
import { describe, expect, it } from 'vitest';
import { backupDatabase, backupFileName, type BackupReason } from '../../electron/services/db/backup';
import {
  BACKUP_REASONS,
  DEFAULT_PRUNE_POLICY,
  inspectDatabaseFile,
  listBackups,
  parseBackupFileName,
  pruneBackups,
  restoreBackupInto,
  selectBackupsToPrune,
  type BackupEntry,
  type PrunePolicy,
} from '../../electron/services/db/backups';
import { LATEST_SCHEMA_VERSION } from '../../electron/services/db/migrations';
import { DomainError } from '../../shared/ipc/result';
import { openCore, readOnly, snapshot, tempDir } from '../support/db';
import { REPO_ROOT } from '../support/paths';

const DAY_MS = 86_400_000;

/** A real application database with a département and one QRR, and its backup folder. */
async function appWithData() {
  const core = await openCore();
  expect((await core.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: '' })).ok).toBe(true);
  expect((await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] })).ok).toBe(true);
  return Object.assign(core, { backupDir: path.join(core.dir, 'sauvegardes') });
}

const entry = (at: Date, reason: BackupReason, dir = '/sauvegardes'): BackupEntry => {
  const name = backupFileName(at, reason);
  return { file: path.join(dir, name), name, at: at.toISOString(), reason, sizeBytes: 1 };
};

async function refusal(run: () => unknown): Promise<DomainError> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** Every file in a folder tree with its bytes, to prove nothing changed. */
function folderState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) out[name] = fs.readFileSync(full).toString('base64');
  }
  return out;
}

describe('backup file names', () => {
  it('round-trip for every reason and instant, and refuse anything else', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        fc.constantFrom(...BACKUP_REASONS),
        (at, reason) => {
          expect(parseBackupFileName(backupFileName(at, reason))).toEqual({ at, reason });
        },
      ),
    );
    expect(BACKUP_REASONS).toEqual(['demarrage', 'avant-migration', 'avant-import', 'avant-restauration', 'manuelle']);
    for (const name of [
      'qrr.sqlite',
      'qrr-20261126-154502-123-manuelle.sqlite.bak',
      'qrr-20261126-154502-123-manuelle.sqlite-wal',
      'qrr-20261126-154502-123-inconnue.sqlite',
      'qrr-20260231-154502-123-manuelle.sqlite', // 31 February
      'qrr-20261126-246000-000-manuelle.sqlite', // 24:60
      'QRR-20261126-154502-123-manuelle.sqlite',
      'qrr-20261126-154502-12-manuelle.sqlite',
      'notes.txt',
    ]) {
      expect(parseBackupFileName(name), name).toBeNull();
    }
  });
});

describe('listing backups', () => {
  it('lists ours newest first with size and reason, ignores foreign files and folders; no folder, no backups', async () => {
    expect(listBackups(path.join(tempDir(), 'absent'))).toEqual([]);
    const app = await appWithData();
    const older = await backupDatabase(app.db, app.backupDir, 'demarrage', new Date('2026-11-25T08:00:00Z'));
    const newer = await backupDatabase(app.db, app.backupDir, 'avant-import', new Date('2026-11-26T08:00:00Z'));
    app.close();
    fs.writeFileSync(path.join(app.backupDir, 'lisez-moi.txt'), 'notes du coordinateur');
    fs.writeFileSync(path.join(app.backupDir, `${path.basename(newer)}.copie`), 'x');
    fs.mkdirSync(path.join(app.backupDir, backupFileName(new Date('2026-11-27T08:00:00Z'), 'manuelle')));
    const list = listBackups(app.backupDir);
    expect(list.map((b) => [b.file, b.name, b.at, b.reason])).toEqual([
      [newer, path.basename(newer), '2026-11-26T08:00:00.000Z', 'avant-import'],
      [older, path.basename(older), '2026-11-25T08:00:00.000Z', 'demarrage'],
    ]);
    for (const b of list) {
      expect(path.isAbsolute(b.file)).toBe(true);
      expect(b.sizeBytes).toBe(fs.statSync(b.file).size);
      expect(b.sizeBytes).toBeGreaterThan(0);
    }
  });
});

describe('pruning policy', () => {
  /** Independent oracle: Paris calendar day as a day number, through another Intl path. */
  const parisDayNumber = (at: Date): number => {
    const [dd, mm, yyyy] = at
      .toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' })
      .split('/')
      .map(Number) as [number, number, number];
    return Date.UTC(yyyy, mm - 1, dd) / DAY_MS;
  };

  const around = (iso: string, days: number) =>
    fc.integer({ min: Date.parse(iso) - days * DAY_MS, max: Date.parse(iso) + days * DAY_MS });
  // Whole years, plus the DST changes and midnights, where day arithmetic goes wrong.
  const instant = fc.oneof(
    fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }),
    around('2026-03-29T01:00:00Z', 3),
    around('2026-10-25T01:00:00Z', 3),
    around('2026-12-31T23:00:00Z', 2),
  );

  it('keeps the newest keepLast and the newest backup of each Paris day within keepDailyDays, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(instant, { maxLength: 60 }),
        fc.array(fc.constantFrom(...BACKUP_REASONS), { minLength: 60, maxLength: 60 }),
        instant,
        fc.record({ keepLast: fc.integer({ min: 0, max: 15 }), keepDailyDays: fc.integer({ min: 0, max: 45 }) }),
        fc.array(fc.nat(), { maxLength: 3 }),
        (times, reasons, nowMs, policy: PrunePolicy, protectIdx) => {
          const backups = times.map((t, i) => entry(new Date(t), reasons[i]!));
          const shuffled = [...backups].reverse();
          const protect = backups.length === 0 ? [] : protectIdx.map((i) => backups[i % backups.length]!.name);
          const now = new Date(nowMs);
          const deleted = selectBackupsToPrune(shuffled, now, policy, protect);

          const deletedNames = new Set(deleted.map((b) => b.name));
          expect(deletedNames.size).toBe(deleted.length);
          for (const b of deleted) expect(backups).toContain(b);

          const newestFirst = [...backups].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
          const mustKeep = new Set<string>(newestFirst.slice(0, Math.max(1, policy.keepLast)).map((b) => b.name));
          const today = parisDayNumber(now);
          const daysSeen = new Set<number>();
          for (const b of newestFirst) {
            const day = parisDayNumber(new Date(b.at));
            if (policy.keepDailyDays > 0 && day > today - policy.keepDailyDays && !daysSeen.has(day)) {
              daysSeen.add(day);
              mustKeep.add(b.name);
            }
          }
          for (const name of protect) mustKeep.add(name);
          // Exactly the complement: everything required is kept, everything else goes.
          expect([...deletedNames].sort()).toEqual(backups.map((b) => b.name).filter((n) => !mustKeep.has(n)).sort());
          // The newest backup (the one just made) always survives.
          if (newestFirst[0]) expect(deletedNames.has(newestFirst[0].name)).toBe(false);
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('counts days in Paris time: 00:30 in Paris is the next day even though it is still the day before in UTC', () => {
    const lateEvening = entry(new Date('2026-06-30T21:30:00Z'), 'demarrage'); // 30 June, 23:30 in Paris
    const justAfterMidnight = entry(new Date('2026-06-30T22:30:00Z'), 'demarrage'); // 1 July, 00:30 in Paris
    const earlierSameParisDay = entry(new Date('2026-06-30T06:00:00Z'), 'demarrage');
    const now = new Date('2026-07-05T12:00:00Z');
    const deleted = selectBackupsToPrune([lateEvening, justAfterMidnight, earlierSameParisDay], now, {
      keepLast: 1,
      keepDailyDays: 30,
    });
    expect(deleted).toEqual([earlierSameParisDay]);
    // Older than the window: only the newest keepLast remain.
    expect(selectBackupsToPrune([lateEvening, justAfterMidnight], new Date('2026-09-01T12:00:00Z'), { keepLast: 1, keepDailyDays: 30 })).toEqual([
      lateEvening,
    ]);
    expect(DEFAULT_PRUNE_POLICY).toEqual({ keepLast: 10, keepDailyDays: 30 });
  });

  it('deletes on disk only what the policy selects, with its side files, and never a foreign file', () => {
    const foreignName = fc.oneof(
      fc.stringMatching(/^[a-zA-Z0-9._-]{1,30}$/).filter((n) => n !== '.' && n !== '..'),
      fc.constantFrom(
        'qrr.sqlite',
        'qrr.sqlite-wal',
        'lisez-moi.txt',
        'qrr-20261126-154502-123-manuelle.sqlite.bak',
        'qrr-20260231-154502-123-manuelle.sqlite',
        'qrr-20261126-154502-123-inconnue.sqlite',
        'QRR-20261126-154502-123-manuelle.sqlite',
      ),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }), {
          maxLength: 25,
        }),
        fc.uniqueArray(foreignName, { maxLength: 8 }),
        fc.integer({ min: Date.parse('2026-06-01T00:00:00Z'), max: Date.parse('2027-02-01T00:00:00Z') }),
        fc.record({ keepLast: fc.integer({ min: 0, max: 6 }), keepDailyDays: fc.integer({ min: 0, max: 20 }) }),
        (times, foreign, nowMs, policy: PrunePolicy) => {
          const dir = tempDir('qrr-prune-');
          const names = times.map((t) => backupFileName(new Date(t), 'demarrage'));
          for (const name of [...names, ...foreign]) fs.writeFileSync(path.join(dir, name), name);
          if (names[0]) fs.writeFileSync(path.join(dir, `${names[0]}-wal`), 'wal');
          const expected = selectBackupsToPrune(listBackups(dir), new Date(nowMs), policy).map((b) => b.name);
          const deleted = pruneBackups(dir, new Date(nowMs), policy).map((b) => b.name);
          expect(deleted).toEqual(expected);
          const left = new Set(fs.readdirSync(dir));
          for (const name of foreign) expect(left.has(name), name).toBe(true);
          for (const name of names) expect(left.has(name), name).toBe(!deleted.includes(name));
          if (names[0]) expect(left.has(`${names[0]}-wal`)).toBe(!deleted.includes(names[0]));
          fs.rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it('keeps a protected backup (the one just made) even when the clock went backwards', () => {
    const future = Array.from({ length: 3 }, (_, i) => entry(new Date(Date.parse('2027-05-01T00:00:00Z') + i * 1000), 'demarrage'));
    const justMade = entry(new Date('2026-01-10T00:00:00Z'), 'avant-import');
    const policy = { keepLast: 2, keepDailyDays: 0 };
    expect(selectBackupsToPrune([...future, justMade], new Date('2026-01-10T00:00:00Z'), policy)).toContain(justMade);
    expect(selectBackupsToPrune([...future, justMade], new Date('2026-01-10T00:00:00Z'), policy, [justMade.file])).not.toContain(justMade);
  });
});

describe('inspecting a database file', () => {
  it('describes a backup of the application without writing anything in its folder', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    app.close();
    const before = folderState(app.backupDir);
    expect(inspectDatabaseFile(backup)).toEqual({ schemaVersion: LATEST_SCHEMA_VERSION, departementCode: '34', qrrCount: 1, integrity: 'ok' });
    expect(folderState(app.backupDir)).toEqual(before);
  });

  it('accepts a database of an older schema (it is migrated when reopened)', () => {
    const fixture = path.join(REPO_ROOT, 'tests', 'fixtures', 'schema-v1.sqlite');
    const inspection = inspectDatabaseFile(fixture);
    expect(inspection.schemaVersion).toBe(1);
    expect(inspection.integrity).toBe('ok');
    expect(inspection.qrrCount).toBeGreaterThan(0);
  });

  it('refuses a missing file, a text file and a non-application SQLite file, in French', async () => {
    const dir = tempDir();
    const missing = await refusal(() => inspectDatabaseFile(path.join(dir, 'absente.sqlite')));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/« absente\.sqlite » est introuvable/);

    const text = path.join(dir, 'tableur.sqlite');
    fs.writeFileSync(text, 'Ceci est un tableur, pas une base de données. '.repeat(200));
    const notSqlite = await refusal(() => inspectDatabaseFile(text));
    expect(notSqlite.code).toBe('VALIDATION');
    expect(notSqlite.message).toMatch(/n'est pas une base de données SQLite : il ne peut pas être restauré/);

    const empty = path.join(dir, 'vide.sqlite');
    fs.writeFileSync(empty, '');
    expect((await refusal(() => inspectDatabaseFile(empty))).message).toMatch(/n'est pas une base de données SQLite/);

    const foreign = path.join(dir, 'autre-logiciel.sqlite');
    const raw = new Database(foreign);
    raw.pragma('user_version = 1');
    raw.exec(`CREATE TABLE clients (nom TEXT); INSERT INTO clients VALUES ('Dupont')`);
    raw.close();
    const notOurs = await refusal(() => inspectDatabaseFile(foreign));
    expect(notOurs.code).toBe('VALIDATION');
    expect(notOurs.message).toMatch(/est une base SQLite, mais pas une base du Tableau de bord QRR/);
  });

  it('refuses a database from a newer version of the application, in French', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    app.close();
    const future = path.join(tempDir(), 'future.sqlite');
    fs.copyFileSync(backup, future);
    const raw = new Database(future);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const error = await refusal(() => inspectDatabaseFile(future));
    expect(error.code).toBe('DATABASE_TOO_NEW');
    expect(error.message).toMatch(
      new RegExp(`version plus récente de l'application \\(schéma ${LATEST_SCHEMA_VERSION + 1}, cette version connaît le schéma ${LATEST_SCHEMA_VERSION}\\)`),
    );
  });

  it('refuses a damaged copy (garbage written in the middle of a table), in French', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    app.close();
    const damaged = path.join(tempDir(), 'endommagee.sqlite');
    fs.copyFileSync(backup, damaged);
    const { pageSize, rootPage } = readOnly(damaged, (db) => ({
      pageSize: db.pragma('page_size', { simple: true }) as number,
      rootPage: db.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'qrr'`).pluck().get() as number,
    }));
    for (const side of ['-wal', '-shm']) fs.rmSync(damaged + side, { force: true });
    const fd = fs.openSync(damaged, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (rootPage - 1) * pageSize);
    fs.closeSync(fd);
    const error = await refusal(() => inspectDatabaseFile(damaged));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/« endommagee\.sqlite » est endommagé \(contrôle d'intégrité : .+\) : il ne peut pas être restauré/);
  });
});

describe('restoring a backup', () => {
  it('brings back exactly the backup, after backing up the state it replaces; the application reopens it', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    const atBackup = snapshot(app.db);
    expect((await app.dispatch('createQrr', { name: 'QRR Petit Bard', communes: ['34172'] })).ok).toBe(true);
    const beforeRestore = snapshot(app.db);
    expect(beforeRestore).not.toEqual(atBackup);
    app.close();

    const report = await restoreBackupInto({
      backupFile: backup,
      databasePath: app.databasePath,
      backupDir: app.backupDir,
      now: new Date('2026-11-27T08:00:00Z'),
    });
    expect(report.restoredFrom).toBe(backup);
    expect(report.restored).toEqual({ schemaVersion: LATEST_SCHEMA_VERSION, departementCode: '34', qrrCount: 1, integrity: 'ok' });
    expect(path.basename(report.safetyBackup!)).toBe('qrr-20261127-080000-000-avant-restauration.sqlite');
    // Read with separate connections, as another program would.
    expect(readOnly(app.databasePath, snapshot)).toEqual(atBackup);
    expect(readOnly(report.safetyBackup!, snapshot)).toEqual(beforeRestore);
    expect(listBackups(app.backupDir).map((b) => b.reason)).toEqual(['avant-restauration', 'manuelle']);
    // No temporary file left beside the database.
    expect(fs.readdirSync(app.dir).filter((f) => f.includes('restauration'))).toEqual([]);

    const reopened = await openCore(app.dir);
    const list = await reopened.dispatch('listQrrs', { includeArchived: true });
    expect(list.ok && (list.value as { name: string }[]).map((q) => q.name)).toEqual(['QRR Mosson']);
    reopened.close();
  });

  it('refuses a bad backup before touching anything: no safety backup, database unchanged', async () => {
    const app = await appWithData();
    app.close();
    const text = path.join(tempDir(), 'pas-une-base.sqlite');
    fs.writeFileSync(text, 'texte '.repeat(100));
    const before = folderState(app.dir);
    const error = await refusal(() =>
      restoreBackupInto({ backupFile: text, databasePath: app.databasePath, backupDir: app.backupDir, now: new Date() }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(folderState(app.dir)).toEqual(before);
    expect(listBackups(app.backupDir)).toEqual([]);

    const self = await refusal(() =>
      restoreBackupInto({ backupFile: app.databasePath, databasePath: app.databasePath, backupDir: app.backupDir, now: new Date() }),
    );
    expect(self.message).toMatch(/base de données actuelle/);
    expect(folderState(app.dir)).toEqual(before);
  });

  it('leaves the original database byte for byte identical when the final rename fails', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    expect((await app.dispatch('createQrr', { name: 'QRR Petit Bard', communes: ['34172'] })).ok).toBe(true);
    app.close();
    const original = fs.readFileSync(app.databasePath);
    const error = await refusal(() =>
      restoreBackupInto({
        backupFile: backup,
        databasePath: app.databasePath,
        backupDir: app.backupDir,
        now: new Date('2026-11-27T08:00:00Z'),
        fsOps: {
          rename: () => {
            throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
          },
        },
      }),
    );
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(
      /La restauration a échoué .* la base de données actuelle n'a pas été modifiée\. Une sauvegarde de son état a été faite : « qrr-20261127-080000-000-avant-restauration\.sqlite »/,
    );
    expect(fs.readFileSync(app.databasePath).equals(original)).toBe(true);
    expect(fs.readdirSync(app.dir).sort()).toEqual(['qrr.sqlite', 'sauvegardes']);
    expect(readOnly(app.databasePath, (db) => db.prepare('SELECT name FROM qrr ORDER BY id').pluck().all())).toEqual([
      'QRR Mosson',
      'QRR Petit Bard',
    ]);
  });

  it('retries a rename Windows refuses for a moment (antivirus), then succeeds', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    app.close();
    let attempts = 0;
    const waits: number[] = [];
    await restoreBackupInto({
      backupFile: backup,
      databasePath: app.databasePath,
      backupDir: app.backupDir,
      now: new Date('2026-11-27T08:00:00Z'),
      fsOps: {
        rename: (from, to) => {
          if (++attempts < 3) throw Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' });
          fs.renameSync(from, to);
        },
        wait: async (ms) => void waits.push(ms),
      },
    });
    expect(attempts).toBe(3);
    expect(waits).toHaveLength(2);
    expect(inspectDatabaseFile(app.databasePath).qrrCount).toBe(1);
  });

  it('refuses while the database is still open elsewhere, leaving it as it was', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    expect((await app.dispatch('createQrr', { name: 'QRR Petit Bard', communes: ['34172'] })).ok).toBe(true);
    const error = await refusal(() =>
      restoreBackupInto({ backupFile: backup, databasePath: app.databasePath, backupDir: app.backupDir, now: new Date('2026-11-27T08:00:00Z') }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/encore ouverte/);
    expect(app.db.prepare('SELECT count(*) FROM qrr').pluck().get()).toBe(2);
    app.close();
    expect(readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM qrr').pluck().get())).toBe(2);
  });

  it('restores over an unreadable database, keeping its raw bytes as the safety backup', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    const atBackup = snapshot(app.db);
    app.close();
    const garbage = Buffer.from('fichier écrasé par erreur '.repeat(300));
    fs.writeFileSync(app.databasePath, garbage);
    const report = await restoreBackupInto({
      backupFile: backup,
      databasePath: app.databasePath,
      backupDir: app.backupDir,
      now: new Date('2026-11-27T08:00:00Z'),
    });
    expect(fs.readFileSync(report.safetyBackup!).equals(garbage)).toBe(true);
    expect(readOnly(app.databasePath, snapshot)).toEqual(atBackup);
  });

  it('restores where there is no database yet, without a safety backup', async () => {
    const app = await appWithData();
    const backup = await backupDatabase(app.db, app.backupDir, 'manuelle', new Date('2026-11-26T10:00:00Z'));
    app.close();
    const target = path.join(tempDir(), 'nouvelle.sqlite');
    const report = await restoreBackupInto({ backupFile: backup, databasePath: target, backupDir: path.join(path.dirname(target), 'sauvegardes'), now: new Date() });
    expect(report.safetyBackup).toBeNull();
    expect(inspectDatabaseFile(target).departementCode).toBe('34');
  });
});
