import Database from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';

/**
 * Opens a SQLite file with the settings every connection of the application
 * uses: WAL (readers never block the writer), synchronous=FULL (an entry
 * acknowledged to the user survives a power cut), foreign keys enforced.
 */
export interface SqliteOptions {
  readonly readonly?: boolean;
  /**
   * Path of a better-sqlite3 binary built for another runtime. `npm start`
   * builds one for Electron's ABI beside the Node one, which tests keep using.
   */
  readonly nativeBinding?: string;
}

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
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Reading the schema fails here, not later, when the file is not a database.
    db.pragma('user_version', { simple: true });
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
