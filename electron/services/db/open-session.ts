/**
 * Opens the database the way the application does before it answers any
 * request: the schema migrated (openAppDatabase, backup first) and the
 * référentiel brought to this version (an existing database is backed up
 * first, its labels change). Shared by the application core (app-core.ts) and
 * the command-line commands that only need the connection (`report`), which
 * thereby start without loading every service's handlers.
 *
 * Plain Node, never imports electron.
 */
import type { Database } from 'better-sqlite3';
import { referentialUpgradePending, storedReferentialVersion, syncReferential } from '../referential';
import { backupDatabase, type BackupReason } from './backup';
import { pruneBackups } from './backups';
import { openAppDatabase, type OpenedDatabase } from './open-app-database';

/** A backup in `dir`, then the folder pruned (never the new file): how every backup of the application is taken. */
export async function backupAndPrune(db: Database, dir: string, reason: BackupReason, now: Date): Promise<string> {
  const file = await backupDatabase(db, dir, reason, now);
  pruneBackups(dir, now, undefined, [file]);
  return file;
}

export async function openDatabaseSession(options: Parameters<typeof openAppDatabase>[0]): Promise<OpenedDatabase> {
  const opened = await openAppDatabase(options);
  const { db } = opened;
  try {
    // A référentiel upgrade rewrites labels (never values): an existing database is backed up first.
    if (referentialUpgradePending(db) && storedReferentialVersion(db) !== null) await backupAndPrune(db, options.backupDir, 'avant-migration', options.now());
    syncReferential({ db, now: options.now, osUser: options.osUser, origin: 'migration' });
  } catch (error) {
    db.close();
    throw error;
  }
  return opened;
}
