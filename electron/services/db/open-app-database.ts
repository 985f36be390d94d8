import type { Database } from 'better-sqlite3';
import { recordAudit } from '../audit';
import { backupDatabase } from './backup';
import { migrate, type MigrationReport } from './migrate';
import { MIGRATIONS } from './migrations';
import { enableWal, openSqlite } from './sqlite';

export interface OpenedDatabase {
  readonly db: Database;
  readonly migration: MigrationReport;
}

/**
 * Opens (or creates) the application's database and migrates it, taking a
 * backup first when an existing database is about to change. The connection is
 * closed again if migrating fails, so the file is left as it was.
 */
export async function openAppDatabase(options: {
  readonly file: string;
  readonly backupDir: string;
  readonly now: () => Date;
  readonly osUser: string;
  readonly nativeBinding?: string;
}): Promise<OpenedDatabase> {
  const db = openSqlite(options.file, { wal: false, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  try {
    const migration = await migrate(db, MIGRATIONS, {
      backup: () => backupDatabase(db, options.backupDir, 'avant-migration', options.now()),
      audit: (step) =>
        recordAudit({ db, now: options.now, osUser: options.osUser, origin: 'migration' }, [
          { entity: 'schema', entityId: step.version, action: 'migrate', newValue: step.name },
        ]),
    });
    enableWal(db);
    return { db, migration };
  } catch (error) {
    db.close();
    throw error;
  }
}
