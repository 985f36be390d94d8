import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { BackupInfo } from '../../shared/domain/types';
import { DomainError } from '../../shared/ipc/result';
import type { ServiceContext } from './context';
import type { BackupReason } from './db/backup';
import { listBackups, restoreBackupInto } from './db/backups';
import type { MigrationReport } from './db/migrate';
import { writeTransaction } from './db/query';
import { backupAndPrune, openDatabaseSession } from './db/open-session';
import { createGeography, type Geography } from './geography';
import { createDispatcher, type Dispatch, type DispatchLog } from './ipc/dispatch';
import type { BackupService } from './ipc/handler-kit';
import { createHandlers } from './ipc/handlers';
import { DEMO_DEPARTEMENT_STEPS, generateDemo } from './demo';
import { createOpenedFileQueue, type OpenedFileQueue } from './desktop/open-file';
import { recordAudit } from './audit';
import { createTransferService } from './transfer/service';
import { createTrustStore } from './trust';
import { dataFolders } from './paths';

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
  /** Take the rolling start-up backup (default true; tests that count files turn it off). */
  readonly startupBackup?: boolean;
  /**
   * Files waiting to be opened by the window (Electron's main fills it from the
   * command line, second instances and the menu). A new empty queue by default.
   */
  readonly openedFiles?: OpenedFileQueue;
  /** Per-user signing preferences (PKCS#11 module, last certificate); default beside the database. */
  readonly preferencesFile?: string;
}

export interface AppCore {
  /** The live connection (a new one after a restore). */
  readonly db: Database;
  readonly dispatch: Dispatch;
  readonly migration: MigrationReport;
  /** The queue behind `takeOpenedFile` (the one passed in options, or the core's own). */
  readonly openedFiles: OpenedFileQueue;
  close(): void;
}

export type { BackupService } from './ipc/handler-kit';

interface Session {
  readonly db: Database;
  readonly dispatch: Dispatch;
  readonly migration: MigrationReport;
}

/**
 * Everything behind `window.api`, without Electron: the Electron main process,
 * the end-to-end test bridge and the CLI all build the application this way,
 * so the tests exercise the very handlers users run.
 */
export async function createAppCore(options: AppCoreOptions): Promise<AppCore> {
  const now = options.now ?? (() => new Date());
  const binding = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  fs.mkdirSync(path.dirname(options.databasePath), { recursive: true });
  const geography: Geography = createGeography(options.communesFile);
  const openedFiles = options.openedFiles ?? createOpenedFileQueue();

  const toInfo = (file: string): BackupInfo => {
    const entry = listBackups(options.backupDir).find((b) => b.file === file);
    if (!entry) throw new Error(`backup ${file} not listed`);
    return { name: entry.name, at: entry.at, reason: entry.reason, sizeBytes: entry.sizeBytes };
  };
  /** Every backup the application makes goes through here, so the folder never grows without bound. */
  const backup = (db: Database, reason: BackupReason): Promise<string> => backupAndPrune(db, options.backupDir, reason, now());

  // Restores replace the connection: requests wait for the one in progress.
  let restoring: Promise<unknown> | null = null;

  const backups: BackupService = {
    list: () => listBackups(options.backupDir).map(({ name, at, reason, sizeBytes }) => ({ name, at, reason, sizeBytes })),
    backupNow: async (reason) => toInfo(await backup(session.db, reason)),
    restore: async (name) => {
      const entry = listBackups(options.backupDir).find((b) => b.name === name);
      if (!entry) throw new DomainError('NOT_FOUND', `La sauvegarde « ${name} » n'existe pas (ou plus) dans le dossier des sauvegardes.`);
      const report = await swapDatabase(entry.file);
      return { restoredFrom: entry.name, safetyBackup: report.safetyBackup ? path.basename(report.safetyBackup) : null };
    },
  };

  /**
   * The one way the database file is replaced (a backup put back, or the database of a
   * transfer archive): close the session, back up the current state and swap the file in
   * (restoreBackupInto), then reopen whatever is in place — migrated if older.
   */
  async function swapDatabase(file: string) {
    session.db.close();
    try {
      return await restoreBackupInto({ backupFile: file, databasePath: options.databasePath, backupDir: options.backupDir, now: now(), ...binding });
    } finally {
      // Whatever happened, reopen (and migrate, if the backup is older) the file now in place.
      session = await openSession();
    }
  }

  /** Runs something that replaces the database; other requests wait until it is over. */
  function exclusive<T>(run: () => Promise<T>): Promise<T> {
    const running = run();
    // Waiters only need to know it is over; the outcome goes back to the caller through `running`.
    restoring = running.catch(() => undefined).finally(() => (restoring = null));
    return running;
  }

  const transfer = createTransferService({
    dataDir: path.dirname(options.databasePath),
    appVersion: options.appVersion,
    osUser: options.osUser,
    now,
    ...binding,
    db: () => session.db,
    swapDatabase,
    trustedFingerprints: () => createTrustStore(dataFolders(options.databasePath).trustedRoots).list().map((r) => r.fingerprint),
    audit: (entries) => {
      const ctx: ServiceContext = { db: session.db, now, osUser: options.osUser, origin: options.origin };
      writeTransaction(ctx, () => recordAudit(ctx, entries));
    },
  });

  async function openSession(): Promise<Session> {
    const { db, migration } = await openDatabaseSession({
      file: options.databasePath,
      backupDir: options.backupDir,
      now,
      osUser: options.osUser,
      ...binding,
    });
    const ctx: ServiceContext = { db, now, osUser: options.osUser, origin: options.origin };
    const handlers = createHandlers({
      ctx,
      geography,
      backups: {
        ...backups,
        restore: (name) => exclusive(() => backups.restore(name)),
      },
      transfer: {
        exportEverything: (call) => transfer.exportEverything(call),
        restoreEverything: (archive, request, call) => exclusive(() => transfer.restoreEverything(archive, request, call)),
      },
      // Through the dispatcher, so the demonstration obeys every rule and fills the audit trail.
      installDemo: (call) => {
        let step = 0;
        return generateDemo(
          { dispatch: (channel, payload) => dispatchRef.current(channel, payload) },
          // Not cancellable: each of its requests commits on its own.
          { scale: 'departement', now: now(), onProgress: (message) => call?.progress(message, ++step, DEMO_DEPARTEMENT_STEPS) },
        );
      },
      info: { appVersion: options.appVersion, databasePath: options.databasePath, backupDir: options.backupDir },
      openedFiles,
      ...(options.preferencesFile ? { preferencesFile: options.preferencesFile } : {}),
    });
    return { db, dispatch: createDispatcher(handlers, options.log), migration };
  }

  const dispatchRef: { current: Dispatch } = { current: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'Application en cours de démarrage.' } }) };
  let session = await openSession();
  if (options.startupBackup !== false && session.migration.from > 0) await backup(session.db, 'demarrage');

  const dispatch: Dispatch = async (channel, payload, call) => {
    if (restoring) await restoring;
    return session.dispatch(channel, payload, call);
  };
  dispatchRef.current = dispatch;
  return {
    get db() {
      return session.db;
    },
    dispatch,
    migration: session.migration,
    openedFiles,
    close: () => session.db.close(),
  };
}
