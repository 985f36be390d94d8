import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { readDb } from './query';
import { openSqlite } from './sqlite';
import { countQrrs } from './tables/qrr';
import { selectDepartementCode } from './tables/settings';
import { checkIntegrity, selectSchemaVersion, selectTableExists } from './tables/sqlite-schema';

/**
 * Checking a database file before it is trusted (a backup to restore, a file
 * to open): SQLite header, integrity, one of ours, not from a newer version.
 * Always on a private copy: the file itself is never written to.
 */

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

export const isCorruption = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
};

export const bindingOf = (options: SqliteBinding) => (options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});

function notSqlite(label: string): DomainError {
  return new DomainError(
    'VALIDATION',
    `Le fichier « ${label} » n'est pas une base de données SQLite : il ne peut pas être restauré.`,
  );
}

export function corrupted(label: string, detail: string): DomainError {
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
    problems = readDb(db).all(checkIntegrity);
  } catch (error) {
    if (isCorruption(error)) throw corrupted(label, (error as Error).message);
    throw error;
  }
  if (problems.length !== 1 || problems[0] !== 'ok') throw corrupted(label, problems.slice(0, 3).join(' ; '));

  const read = readDb(db);
  const schemaVersion = read.get(selectSchemaVersion)!;
  const hasTable = (name: string): boolean => read.get(selectTableExists, name) !== undefined;
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
  const settings = read.get(selectDepartementCode);
  const qrrCount = hasTable('qrr') ? read.get(countQrrs)! : 0;
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

export interface CheckedCopy {
  /** Read-only connection to the private copy. */
  readonly db: Database;
  readonly inspection: DatabaseInspection;
  /** Closes the connection and deletes the copy. */
  readonly dispose: () => void;
}

/** A read-only connection to a checked private copy of `file`; refusals leave nothing behind. */
export function openCheckedCopy(file: string, options: SqliteBinding): CheckedCopy {
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
