/**
 * The backup folder's life cycle: listing what is there, keeping it from
 * growing without end, checking a backup before it is trusted, and putting one
 * back in place of the live database.
 *
 * Only files named by `backupFileName` are ours: anything else the user drops
 * in the folder is never listed and never deleted.
 */

export * from './backup-folder';
export { inspectDatabaseFile, type DatabaseInspection, type SqliteBinding } from './backup-inspection';
export * from './backup-restore';
