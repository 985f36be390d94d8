import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';
import { parisClock } from '../../../shared/format/paris-time';
import { backupDatabase, backupFileName, type BackupReason } from './backup';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { openSqlite } from './sqlite';

/**
 * The backup folder's life cycle: listing what is there, keeping it from
 * growing without end, checking a backup before it is trusted, and putting one
 * back in place of the live database.
 *
 * Only files named by `backupFileName` are ours: anything else the user drops
 * in the folder is never listed and never deleted.
 */

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/** Every reason, checked by the compiler against `BackupReason` both ways. */
const REASONS: Record<BackupReason, true> = {
  demarrage: true,
  'avant-migration': true,
  'avant-import': true,
  'avant-restauration': true,
  manuelle: true,
};
export const BACKUP_REASONS = Object.keys(REASONS) as readonly BackupReason[];

const isReason = (value: string): value is BackupReason => Object.hasOwn(REASONS, value);

const NAME_PATTERN = /^qrr-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})-([a-z-]+)\.sqlite$/;

/** SQLite's side files: a backup's are deleted with it, the live database's are removed before a restore. */
const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** Inverse of `backupFileName`; `null` for any other name (including impossible dates such as 31 February). */
export function parseBackupFileName(name: string): { at: Date; reason: BackupReason } | null {
  const match = NAME_PATTERN.exec(name);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, ms, reason] = match;
  if (!reason || !isReason(reason)) return null;
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms)));
  // Date.UTC rolls 31/02 over to 03/03: only a name that round-trips is a real one.
  if (Number.isNaN(at.getTime()) || backupFileName(at, reason) !== name) return null;
  return { at, reason };
}

// ---------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------

export interface BackupEntry {
  /** Absolute path. */
  readonly file: string;
  readonly name: string;
  /** ISO 8601, UTC, from the file name (not the file's mtime, which copies change). */
  readonly at: string;
  readonly reason: BackupReason;
  readonly sizeBytes: number;
}

/** Newest first; same instant: by name, descending, so the order is total. */
const newestFirst = (a: BackupEntry, b: BackupEntry): number =>
  a.at < b.at ? 1 : a.at > b.at ? -1 : a.name < b.name ? 1 : a.name > b.name ? -1 : 0;

/** The backups in `dir`, newest first. A missing folder has none. Other files and folders are ignored. */
export function listBackups(dir: string): BackupEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: BackupEntry[] = [];
  for (const name of names) {
    const parsed = parseBackupFileName(name);
    if (!parsed) continue;
    const file = path.resolve(dir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue; // deleted between readdir and stat
    }
    if (!stat.isFile()) continue;
    entries.push({ file, name, at: parsed.at.toISOString(), reason: parsed.reason, sizeBytes: stat.size });
  }
  return entries.sort(newestFirst);
}

// ---------------------------------------------------------------------------
// Pruning
// ---------------------------------------------------------------------------

export interface PrunePolicy {
  /** The newest `keepLast` backups are always kept (at least 1: the newest one always survives). */
  readonly keepLast: number;
  /**
   * Plus the newest backup of each of the last `keepDailyDays` calendar days,
   * today included, in Europe/Paris time (0: none).
   */
  readonly keepDailyDays: number;
}

export const DEFAULT_PRUNE_POLICY: PrunePolicy = { keepLast: 10, keepDailyDays: 30 };

/**
 * Calendar day in metropolitan French time, `YYYY-MM-DD`. Paris rather than
 * UTC because the Paramètres screen shows dates in Paris time (shared/format/fr):
 * « one per day » must mean the day the coordinator reads next to the backup.
 * With UTC, a backup made at 00:30 in summer would count for the day before.
 */
function parisDay(at: Date): { y: number; m: number; d: number } {
  const { year, month, day } = parisClock(at);
  return { y: year, m: month, d: day };
}

/** Calendar arithmetic on the date alone (no hours), so 23- and 25-hour days change nothing. */
const dayKey = ({ y, m, d }: { y: number; m: number; d: number }, plusDays = 0): string =>
  new Date(Date.UTC(y, m - 1, d + plusDays)).toISOString().slice(0, 10);

/**
 * PURE. The backups to delete under `policy` at `now`: everything except
 * - the newest `keepLast` (never fewer than 1: the backup just made is the newest),
 * - the newest backup of each Paris calendar day from `keepDailyDays - 1` days
 *   before today up to today (backups dated after `now`, from a clock put back,
 *   count as recent and are kept by the same rules),
 * - any backup named in `protect` (file name or path), e.g. the one just made
 *   when the clock may have gone backwards.
 * Returned newest first; the input order does not matter.
 */
export function selectBackupsToPrune(
  backups: readonly BackupEntry[],
  now: Date,
  policy: PrunePolicy = DEFAULT_PRUNE_POLICY,
  protect: readonly string[] = [],
): BackupEntry[] {
  const sorted = [...backups].sort(newestFirst);
  const keep = new Set<BackupEntry>(sorted.slice(0, Math.max(1, Math.floor(policy.keepLast))));
  const protectedNames = new Set(protect.map((p) => path.basename(p)));
  for (const b of sorted) if (protectedNames.has(b.name)) keep.add(b);

  const dailyDays = Math.floor(policy.keepDailyDays);
  if (dailyDays > 0) {
    const firstDay = dayKey(parisDay(now), -(dailyDays - 1));
    const seenDays = new Set<string>();
    for (const b of sorted) {
      const day = dayKey(parisDay(new Date(b.at)));
      if (day < firstDay || seenDays.has(day)) continue;
      seenDays.add(day); // sorted newest first: the first one met is the day's newest
      keep.add(b);
    }
  }
  return sorted.filter((b) => !keep.has(b));
}

/**
 * Deletes the backups `selectBackupsToPrune` selects in `dir` (with any
 * `-wal`/`-shm` left beside them) and returns them. Only files whose name
 * `parseBackupFileName` accepts are ever candidates.
 */
export function pruneBackups(
  dir: string,
  now: Date,
  policy: PrunePolicy = DEFAULT_PRUNE_POLICY,
  protect: readonly string[] = [],
): BackupEntry[] {
  const doomed = selectBackupsToPrune(listBackups(dir), now, policy, protect);
  const deleted: BackupEntry[] = [];
  for (const backup of doomed) {
    // Belt and braces: the path is rebuilt from the folder and a name that parses.
    if (!parseBackupFileName(path.basename(backup.file))) continue;
    try {
      fs.unlinkSync(backup.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const suffix of COMPANION_SUFFIXES) fs.rmSync(backup.file + suffix, { force: true });
    deleted.push(backup);
  }
  return deleted;
}

// ---------------------------------------------------------------------------
// Inspection
// ---------------------------------------------------------------------------

export interface DatabaseInspection {
  /** `PRAGMA user_version`; at most LATEST_SCHEMA_VERSION (older ones are migrated at the next start). */
  readonly schemaVersion: number;
  /** `null` while the département has not been chosen. */
  readonly departementCode: string | null;
  /** Every QRR, archived ones included. */
  readonly qrrCount: number;
  /** Always 'ok': a file failing `PRAGMA integrity_check` is refused. */
  readonly integrity: 'ok';
}

export interface SqliteBinding {
  /** better-sqlite3 binary for Electron's ABI (see openAppDatabase). */
  readonly nativeBinding?: string;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

const isCorruption = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
};

const bindingOf = (options: SqliteBinding) => (options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});

function notSqlite(label: string): DomainError {
  return new DomainError(
    'VALIDATION',
    `Le fichier « ${label} » n'est pas une base de données SQLite : il ne peut pas être restauré.`,
  );
}

function corrupted(label: string, detail: string): DomainError {
  return new DomainError(
    'VALIDATION',
    `Le fichier « ${label} » est endommagé (contrôle d'intégrité : ${detail}) : il ne peut pas être restauré.`,
  );
}

function readHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(100);
    const read = fs.readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copies `file` (and its `-wal`, which holds part of its content when there is
 * one) into a private temporary folder. SQLite opening a WAL-mode file, even
 * read-only, creates `-wal`/`-shm` beside it and leaves them there: working on
 * a copy keeps the backup folder (or a read-only USB key) untouched.
 */
function privateCopy(file: string): { file: string; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-inspection-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const copy = path.join(dir, 'copie.sqlite');
    fs.copyFileSync(file, copy);
    if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
    return { file: copy, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The checks themselves, on a connection already open (read-only) on a private copy. */
function inspectOpen(db: Database, label: string): DatabaseInspection {
  let problems: string[];
  try {
    problems = (db.pragma('integrity_check(20)') as { integrity_check: string }[]).map((row) => row.integrity_check);
  } catch (error) {
    if (isCorruption(error)) throw corrupted(label, (error as Error).message);
    throw error;
  }
  if (problems.length !== 1 || problems[0] !== 'ok') throw corrupted(label, problems.slice(0, 3).join(' ; '));

  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  const hasTable = (name: string): boolean =>
    db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(name) !== undefined;
  if (schemaVersion < 1 || !hasTable('settings')) {
    throw new DomainError(
      'VALIDATION',
      `Le fichier « ${label} » est une base SQLite, mais pas une base du Tableau de bord QRR : il ne peut pas être restauré.`,
    );
  }
  if (schemaVersion > LATEST_SCHEMA_VERSION) {
    throw new DomainError(
      'DATABASE_TOO_NEW',
      `Le fichier « ${label} » a été enregistré par une version plus récente de l'application ` +
        `(schéma ${schemaVersion}, cette version connaît le schéma ${LATEST_SCHEMA_VERSION}). ` +
        `Installez la dernière version de l'application pour le restaurer ; rien n'a été modifié.`,
    );
  }
  const settings = db.prepare(`SELECT departement_code FROM settings WHERE id = 1`).get() as
    | { departement_code: string }
    | undefined;
  const qrrCount = hasTable('qrr') ? (db.prepare(`SELECT count(*) AS n FROM qrr`).get() as { n: number }).n : 0;
  return { schemaVersion, departementCode: settings?.departement_code ?? null, qrrCount, integrity: 'ok' };
}

/**
 * Opens a private copy of `file` read-only and checks it is an application
 * database this version can use. Refusals are DomainErrors with a French message:
 * NOT_FOUND (no such file), VALIDATION (not SQLite, damaged, not one of ours),
 * DATABASE_TOO_NEW (schema newer than LATEST_SCHEMA_VERSION). `file` itself is
 * never written to, and nothing is created beside it.
 */
export function inspectDatabaseFile(file: string, options: SqliteBinding = {}): DatabaseInspection {
  const checked = openCheckedCopy(file, options);
  try {
    return checked.inspection;
  } finally {
    checked.dispose();
  }
}

interface CheckedCopy {
  /** Read-only connection to the private copy. */
  readonly db: Database;
  readonly inspection: DatabaseInspection;
  /** Closes the connection and deletes the copy. */
  readonly dispose: () => void;
}

/** A read-only connection to a checked private copy of `file`; refusals leave nothing behind. */
function openCheckedCopy(file: string, options: SqliteBinding): CheckedCopy {
  const label = path.basename(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new DomainError('NOT_FOUND', `Le fichier « ${label} » est introuvable : il a peut-être été déplacé ou supprimé.`);
  }
  if (!stat.isFile()) throw notSqlite(label);
  const header = readHeader(file);
  if (header.length < 100 || !header.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) throw notSqlite(label);

  const copy = privateCopy(file);
  let db: Database;
  try {
    db = openSqlite(copy.file, { readonly: true, ...bindingOf(options) });
  } catch (error) {
    copy.dispose();
    // Past the header check, « not a database » means a damaged first page.
    if ((error instanceof DomainError && error.code === 'VALIDATION') || isCorruption(error)) {
      throw corrupted(label, (error as Error).message);
    }
    throw error;
  }
  const dispose = () => {
    try {
      db.close();
    } finally {
      copy.dispose();
    }
  };
  try {
    return { db, inspection: inspectOpen(db, label), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------

/** The file-system steps of a restore that tests replace to simulate a failure. */
export interface RestoreFsOps {
  readonly rename: (from: string, to: string) => void;
  readonly unlink: (file: string) => void;
  /** Pause before retrying a rename Windows refused because something held the file. */
  readonly wait: (ms: number) => Promise<void>;
}

export const DEFAULT_RESTORE_FS_OPS: RestoreFsOps = {
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (file) => fs.unlinkSync(file),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RestoreOptions extends SqliteBinding {
  /** The backup to put back (any path: from the backup folder or chosen by the user). */
  readonly backupFile: string;
  /** The live database. PRECONDITION: every connection to it is CLOSED by the caller. */
  readonly databasePath: string;
  /** Where the safety backup of the current state goes. */
  readonly backupDir: string;
  /** Stamps the safety backup. */
  readonly now: Date;
  readonly fsOps?: Partial<RestoreFsOps>;
}

export interface RestoreReport {
  /** Backup of the database as it was just before the restore; `null` when there was no database file. */
  readonly safetyBackup: string | null;
  /** Absolute path of the backup now in place. */
  readonly restoredFrom: string;
  /** What was restored (schema version, département, number of QRRs). */
  readonly restored: DatabaseInspection;
}

/** Windows: antivirus, indexer or backup software may hold the file for a moment. */
const RENAME_RETRY_CODES = new Set(['EPERM', 'EBUSY', 'EACCES']);
const RENAME_ATTEMPTS = 5;
const RENAME_RETRY_MS = 200;

const exists = (file: string): boolean => fs.existsSync(file);

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes the rename durable on POSIX; Windows cannot open a folder this way, NTFS journals the rename itself. */
function fsyncDirBestEffort(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse it; the rename has happened all the same.
  }
}

const stillOpen = (): DomainError =>
  new DomainError(
    'CONFLICT',
    "La base de données est encore ouverte : la restauration a été annulée et la base actuelle n'a pas été modifiée. " +
      "Fermez les autres fenêtres ou programmes qui l'utilisent, puis réessayez.",
  );

/**
 * Saves the current database before it is replaced. Normally with the online
 * backup API (which also folds its `-wal` into the file, checkpointed first, so
 * the live file is complete on its own afterwards). When the live file cannot
 * be read as a database at all — often the very reason for restoring — its raw
 * bytes (and `-wal`) are copied instead, so nothing the user had is lost.
 * Returns the safety backup and whether the live file was opened cleanly.
 */
async function saveCurrentState(
  databasePath: string,
  backupDir: string,
  at: Date,
  options: SqliteBinding,
): Promise<{ safetyBackup: string | null; openedCleanly: boolean }> {
  if (!exists(databasePath)) return { safetyBackup: null, openedCleanly: false };
  let live: Database | null = null;
  try {
    live = openSqlite(databasePath, { wal: false, ...bindingOf(options) });
  } catch {
    live = null;
  }
  if (live) {
    try {
      live.pragma('wal_checkpoint(TRUNCATE)');
      const safetyBackup = await backupDatabase(live, backupDir, 'avant-restauration', at);
      return { safetyBackup, openedCleanly: true };
    } catch {
      // Unreadable page, for instance: fall through to the raw copy.
    } finally {
      live.close();
    }
  }
  const target = path.join(backupDir, backupFileName(at, 'avant-restauration'));
  try {
    fs.mkdirSync(backupDir, { recursive: true });
    fs.copyFileSync(databasePath, target);
    if (exists(`${databasePath}-wal`)) fs.copyFileSync(`${databasePath}-wal`, `${target}-wal`);
  } catch (cause) {
    for (const f of [target, `${target}-wal`]) fs.rmSync(f, { force: true });
    throw Object.assign(
      new DomainError(
        'INTERNAL',
        `Impossible de sauvegarder la base actuelle avant la restauration (${(cause as Error).message}) : ` +
          "la restauration a été annulée et rien n'a été modifié.",
      ),
      { cause },
    );
  }
  return { safetyBackup: target, openedCleanly: false };
}

/**
 * Puts `backupFile`'s content in place of the database at `databasePath`.
 *
 * PRECONDITION: the caller has CLOSED every connection to `databasePath`
 * (and reopens it afterwards, which migrates an older backup as at start-up).
 * A connection left open is detected (its `-wal` survives our close) and the
 * restore refused with CONFLICT; on Windows the rename would fail anyway.
 *
 * Steps, each leaving the live database intact if it fails:
 * 1. check a private copy of the backup (`inspectDatabaseFile`'s refusals; nothing touched);
 * 2. back up the current database (reason 'avant-restauration');
 * 3. write the backup's content with the online backup API into a temporary
 *    file beside the database, check it (`quick_check`, schema version) and fsync it;
 * 4. when the live file was unreadable, remove its stale `-wal`/`-shm` (already
 *    copied into the safety backup; SQLite would replay them onto the restored
 *    file). A readable one has none left: step 2 checkpointed it and closed the
 *    last connection, which deletes them;
 * 5. rename the temporary file over the database (atomic on the same volume),
 *    retried a few times on Windows' EPERM/EBUSY/EACCES, then fsync the folder.
 * On failure the temporary file is removed; the safety backup stays.
 */
export async function restoreBackupInto(options: RestoreOptions): Promise<RestoreReport> {
  const fsOps: RestoreFsOps = { ...DEFAULT_RESTORE_FS_OPS, ...options.fsOps };
  const backupFile = path.resolve(options.backupFile);
  const databasePath = path.resolve(options.databasePath);
  if (backupFile === databasePath) {
    throw new DomainError('VALIDATION', 'Ce fichier est la base de données actuelle : il ne peut pas être restauré sur elle-même.');
  }
  const tmpPath = path.join(
    path.dirname(databasePath),
    `${path.basename(databasePath)}.restauration-${process.pid}-${options.now.getTime()}.tmp`,
  );

  const { db: source, inspection: restored, dispose } = openCheckedCopy(backupFile, options);
  try {
    const { safetyBackup, openedCleanly } = await saveCurrentState(databasePath, options.backupDir, options.now, options);
    const companions = COMPANION_SUFFIXES.map((suffix) => databasePath + suffix).filter(exists);
    if (openedCleanly && companions.length > 0) throw stillOpen();

    try {
      await source.backup(tmpPath);
      const check = openSqlite(tmpPath, { wal: false, ...bindingOf(options) });
      try {
        const quick = check.pragma('quick_check', { simple: true });
        const version = check.pragma('user_version', { simple: true });
        if (quick !== 'ok' || version !== restored.schemaVersion) {
          throw new Error(`copie temporaire incohérente (contrôle : ${String(quick)}, schéma ${String(version)})`);
        }
      } finally {
        check.close();
      }
      fsyncFile(tmpPath);

      // Only stale side files of an unreadable database (already copied into the safety backup) get here.
      for (const companion of companions) fsOps.unlink(companion);

      for (let attempt = 1; ; attempt++) {
        try {
          fsOps.rename(tmpPath, databasePath);
          break;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? '';
          if (attempt >= RENAME_ATTEMPTS || !RENAME_RETRY_CODES.has(code)) throw error;
          await fsOps.wait(RENAME_RETRY_MS);
        }
      }
      fsyncDirBestEffort(path.dirname(databasePath));
    } catch (cause) {
      for (const f of [tmpPath, ...COMPANION_SUFFIXES.map((s) => tmpPath + s)]) fs.rmSync(f, { force: true });
      if (cause instanceof DomainError) throw cause;
      const code = (cause as NodeJS.ErrnoException).code;
      const busy = code !== undefined && RENAME_RETRY_CODES.has(code);
      throw Object.assign(
        new DomainError(
          busy ? 'CONFLICT' : 'INTERNAL',
          `La restauration a échoué (${(cause as Error).message}) : la base de données actuelle n'a pas été modifiée.` +
            (busy ? " Un autre programme utilise peut-être le fichier ; fermez-le puis réessayez." : '') +
            (safetyBackup ? ` Une sauvegarde de son état a été faite : « ${path.basename(safetyBackup)} ».` : ''),
        ),
        { cause },
      );
    }
    return { safetyBackup, restoredFrom: backupFile, restored };
  } finally {
    dispose();
  }
}
