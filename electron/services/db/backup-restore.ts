import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';
import { backupDatabase, backupFileName } from './backup';
import { COMPANION_SUFFIXES } from './backup-folder';
import { bindingOf, openCheckedCopy, type DatabaseInspection, type SqliteBinding } from './backup-inspection';
import { readDb } from './query';
import { checkpointWal, openSqlite } from './sqlite';
import { quickCheck, selectSchemaVersion } from './tables/sqlite-schema';

/**
 * Putting a backup back in place of the live database, after a safety backup
 * of the live one; a failure at any step leaves the live database as it was.
 */

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
      checkpointWal(live);
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
        const read = readDb(check);
        const quick = read.get(quickCheck);
        const version = read.get(selectSchemaVersion);
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
