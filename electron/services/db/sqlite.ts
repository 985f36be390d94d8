import Database from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';

/**
 * Opens a SQLite file with the settings every connection of the application
 * uses: WAL (see enableWal), synchronous=FULL (an entry
 * acknowledged to the user survives a power cut), foreign keys enforced.
 */
export interface SqliteOptions {
  readonly readonly?: boolean;
  /**
   * Path of a better-sqlite3 binary built for another runtime. `npm start`
   * builds one for Electron's ABI beside the Node one, which tests keep using.
   */
  readonly nativeBinding?: string;
  /**
   * Switch to WAL on open (default). Off when the caller must first check the
   * schema version: turning WAL on writes to the file, and a database from a
   * newer application must be left byte for byte as it was.
   */
  readonly wal?: boolean;
}

/** WAL: readers never block the writer, and a crash never leaves a half-written page. */
export const enableWal = (db: Database.Database): void => {
  db.pragma('journal_mode = WAL');
};

/** Rollback journal: a copy that must be complete on its own, with no side file (transfer archives). */
export const disableWal = (db: Database.Database): void => {
  db.pragma('journal_mode = DELETE');
};

/** Copies the WAL's pages into the database file and empties the WAL, so the file alone is the whole database. */
export const checkpointWal = (db: Database.Database): void => {
  db.pragma('wal_checkpoint(TRUNCATE)');
};

export function openSqlite(file: string, options: SqliteOptions = {}): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (cause) {
    throw new DomainError(
      'INTERNAL',
      `Impossible d'ouvrir la base de données « ${file} » : ${(cause as Error).message}`,
    );
  }
  try {
    // Reading the schema fails here, not later, when the file is not a database.
    db.pragma('user_version', { simple: true });
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly && options.wal !== false) enableWal(db);
  } catch (cause) {
    db.close();
    if ((cause as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new DomainError(
        'VALIDATION',
        `Le fichier « ${file} » n'est pas une base de données SQLite : l'application ne peut pas l'ouvrir.`,
      );
    }
    throw cause;
  }
  return db;
}

/** What the user reads when another writer holds the file longer than the busy timeout. */
export const DATABASE_BUSY_MESSAGE =
  "La base de données est utilisée par une autre fenêtre de l'application ou une autre commande (import, rapport…) : " +
  "rien n'a été enregistré. Réessayez quand elle aura fini.";

/**
 * SQLITE_BUSY / SQLITE_LOCKED (after the 5 s busy timeout: another connection
 * holds the write lock) as a French DomainError; null for any other error.
 * Write transactions are IMMEDIATE, so a second writer waits at BEGIN and
 * fails here before doing anything.
 */
export function busyDatabaseError(error: unknown): DomainError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^SQLITE_(BUSY|LOCKED)/.test(code)) return null;
  return new DomainError('DATABASE_BUSY', DATABASE_BUSY_MESSAGE);
}
