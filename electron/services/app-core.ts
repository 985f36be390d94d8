import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ServiceContext } from './context';
import { backupDatabase } from './db/backup';
import { openAppDatabase } from './db/open-app-database';
import { referentialUpgradePending, storedReferentialVersion, syncReferential } from './referential';
import type { MigrationReport } from './db/migrate';
import { createGeography } from './geography';
import { createDispatcher, type Dispatch, type DispatchLog } from './ipc/dispatch';
import { createHandlers } from './ipc/handlers';

export interface AppCoreOptions {
  readonly databasePath: string;
  readonly backupDir: string;
  /** @etalab/decoupage-administratif's communes.json (copied beside the main bundle at build time). */
  readonly communesFile: string;
  readonly appVersion: string;
  readonly osUser: string;
  readonly origin: string;
  readonly now?: () => Date;
  readonly log: DispatchLog;
  /** better-sqlite3 binary for Electron's ABI, when it is not the default one (see scripts/electron-native.mjs). */
  readonly nativeBinding?: string;
}

export interface AppCore {
  readonly db: Database;
  readonly dispatch: Dispatch;
  readonly migration: MigrationReport;
  close(): void;
}

/**
 * Everything behind `window.api`, without Electron: the Electron main process,
 * the end-to-end test bridge and the CLI all build the application this way,
 * so the tests exercise the very handlers users run.
 */
export async function createAppCore(options: AppCoreOptions): Promise<AppCore> {
  const now = options.now ?? (() => new Date());
  fs.mkdirSync(path.dirname(options.databasePath), { recursive: true });
  const { db, migration } = await openAppDatabase({
    file: options.databasePath,
    backupDir: options.backupDir,
    now,
    osUser: options.osUser,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  const ctx: ServiceContext = { db, now, osUser: options.osUser, origin: options.origin };
  try {
    // A référentiel upgrade rewrites labels (never values): an existing database is backed up first.
    if (referentialUpgradePending(db) && storedReferentialVersion(db) !== null) {
      await backupDatabase(db, options.backupDir, 'avant-migration', now());
    }
    syncReferential({ ...ctx, origin: 'migration' });
  } catch (error) {
    db.close();
    throw error;
  }
  const handlers = createHandlers({
    ctx,
    geography: createGeography(options.communesFile),
    info: { appVersion: options.appVersion, databasePath: options.databasePath, backupDir: options.backupDir },
  });
  return {
    db,
    dispatch: createDispatcher(handlers, options.log),
    migration,
    close: () => db.close(),
  };
}
