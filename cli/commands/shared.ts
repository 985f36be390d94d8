/**
 * What every command of the command line shares: printing, French usage
 * errors, opening the application core, reading certificates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pkg from '../../package.json';
import type { Database } from 'better-sqlite3';
// Types only: the services are loaded when a command opens a database (see
// openCore), so `--help`, `verify` and usage errors start without them.
import type { AppCore } from '../../electron/services/app-core';
import { formatInteger } from '../../shared/format/fr';
import { formatFixedFr } from '../../shared/format/number-fr';
import { debugging } from '../terminal';
import { DomainError } from '../../shared/ipc/result';

/** A mistake in the command line: French message, help shown, exit code 2. */
export class UsageError extends Error {}

export const out = (text = ''): void => void process.stdout.write(`${text}\n`);
export const err = (text = ''): void => void process.stderr.write(`${text}\n`);

const debugLog = (message: string, details: unknown): void => {
  if (debugging()) err(`[qrr] ${message} ${details instanceof Error ? (details.stack ?? details.message) : ''}`);
};

export const APP_VERSION: string = pkg.version;
export const COMMUNES_FILE: string = require.resolve('@etalab/decoupage-administratif/data/communes.json');

/** `  Label :                    value` */
export const line = (label: string, value: string): string => `  ${`${label} :`.padEnd(28)} ${value}`;

export const yesNo = (value: boolean): string => (value ? 'oui' : 'non');

/** `12,3 Mo` */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatInteger(bytes)} octets`;
  if (bytes < 1024 * 1024) return `${formatFixedFr(bytes / 1024, 1)} Ko`;
  return `${formatFixedFr(bytes / (1024 * 1024), 1)} Mo`;
}

export function requireDb(db: string | undefined, command: string, mustExist: boolean): string {
  if (!db || db.trim() === '') throw new UsageError(`L'option --db CHEMIN est obligatoire pour la commande ${command}.`);
  const file = path.resolve(process.cwd(), db);
  if (mustExist && !fs.existsSync(file)) throw new DomainError('NOT_FOUND', `Le fichier « ${file} » n'existe pas.`);
  return file;
}

/** An input file, relative to the current folder; `what` names it in the message (« Le certificat », « Le rapport »…). */
export function requireFile(file: string, what: string): string {
  const resolved = path.resolve(process.cwd(), file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new DomainError('NOT_FOUND', `${what} « ${resolved} » n'existe pas.`);
  }
  if (!stat.isFile()) throw new DomainError('VALIDATION', `${what} « ${resolved} » n'est pas un fichier.`);
  return resolved;
}

export function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'inconnu';
  }
}

/** Where the application keeps a database's backups (electron/services/paths.ts): beside it. */
export const backupDirOf = (databasePath: string): string => path.join(path.dirname(databasePath), 'sauvegardes');

/**
 * No start-up backup: export only reads, demo only fills an empty base, report
 * only adds a report record and may mark a quarter transmitted (undone by
 * reopening it), import takes its own « avant-import » backup. A migration
 * still backs up first. (info, periods and import --dry-run use withReadOnlyCore.)
 */
export async function openCore(databasePath: string, origin: string): Promise<AppCore> {
  const { createAppCore } = await import('../../electron/services/app-core');
  return createAppCore({
    startupBackup: false,
    databasePath,
    backupDir: backupDirOf(databasePath),
    communesFile: COMMUNES_FILE,
    appVersion: APP_VERSION,
    osUser: osUserName(),
    origin,
    // Technical details only on request (QRR_DEBUG=1): the command's own French line says what failed.
    log: { error: (message, details) => debugLog(message, details) },
  });
}

export async function withCore<T>(databasePath: string, origin: string, run: (core: AppCore) => Promise<T>): Promise<T> {
  const core = await openCore(databasePath, origin);
  try {
    return await run(core);
  } finally {
    core.close();
  }
}

/**
 * The connection alone, opened as the application opens it (migrated and its
 * référentiel updated, backups first: db/open-session.ts), for commands that
 * call services directly (report): no handler is loaded, so the command starts
 * without the code of every other service (the workbook library among them).
 */
export async function withDatabase<T>(databasePath: string, run: (db: Database) => Promise<T>): Promise<T> {
  const { openDatabaseSession } = await import('../../electron/services/db/open-session');
  const { db } = await openDatabaseSession({ file: databasePath, backupDir: backupDirOf(databasePath), now: () => new Date(), osUser: osUserName() });
  try {
    return await run(db);
  } finally {
    db.close();
  }
}

/** What the read-only commands need: the connection and the application's dispatcher over it. */
export interface ReadOnlyCore {
  readonly db: Database;
  readonly dispatch: AppCore['dispatch'];
}

const refuseWrite = (): never => {
  throw new DomainError('VALIDATION', 'La base est ouverte en lecture seule par cette commande : rien ne peut y être enregistré.');
};

/** The schema (and, when asked, the référentiel) must be this version's: a read never migrates. */
async function requireCurrent(db: Database, databasePath: string, referential: boolean): Promise<void> {
  const [{ schemaVersionOf }, { LATEST_SCHEMA_VERSION }, { referentialUpgradePending, SEED_REFERENTIAL, storedReferentialVersion }, { readDb }, { selectTableExists }] =
    await Promise.all([
      import('../../electron/services/db/migrate'),
      import('../../electron/services/db/migrations'),
      import('../../electron/services/referential'),
      import('../../electron/services/db/query'),
      import('../../electron/services/db/tables/sqlite-schema'),
    ]);
  const version = schemaVersionOf(db);
  const hasSettings = readDb(db).get(selectTableExists, 'settings') !== undefined;
  if (version < 1 || !hasSettings) {
    throw new DomainError('VALIDATION', `Le fichier « ${databasePath} » n'est pas une base du Tableau de bord QRR (ou n'a jamais été ouvert par l'application).`);
  }
  if (version > LATEST_SCHEMA_VERSION) {
    throw new DomainError(
      'DATABASE_TOO_NEW',
      `La base « ${databasePath} » a été enregistrée par une version plus récente de l'application ` +
        `(schéma ${version}, cette version connaît le schéma ${LATEST_SCHEMA_VERSION}) : installez la dernière version. Rien n'a été modifié.`,
    );
  }
  const update =
    "ouvrez-la une fois dans l'application, ou lancez sur elle une commande qui écrit (export, report, import sans --dry-run) : " +
    "elle sera alors mise à jour, après une sauvegarde. Rien n'a été modifié.";
  if (version < LATEST_SCHEMA_VERSION) {
    throw new DomainError(
      'VALIDATION',
      `La base « ${databasePath} » a été enregistrée par une version précédente de l'application ` +
        `(schéma ${version}, cette version utilise le schéma ${LATEST_SCHEMA_VERSION}) : ${update}`,
    );
  }
  if (referential && referentialUpgradePending(db)) {
    throw new DomainError(
      'VALIDATION',
      `Le référentiel de la base « ${databasePath} » (version ${storedReferentialVersion(db) ?? 'aucune'}) est plus ancien que celui ` +
        `de l'application (version ${SEED_REFERENTIAL.version}), et l'aperçu en dépend : ${update}`,
    );
  }
}

/**
 * For commands that only read (info, periods, import --dry-run): the database
 * file must stay byte for byte as it was, so none of what createAppCore does
 * on opening (migration, référentiel update, WAL switch). And SQLite opening a
 * WAL database, even read-only, creates -wal and -shm beside it and leaves
 * them (or fails, in a read-only folder): the connection is made read-only on
 * a private copy (with its -wal, which may hold the latest changes) in the
 * temporary folder, deleted afterwards. The application's own handlers answer
 * over it, so the figures are the application's.
 *
 * `referential`: also require the stored référentiel to be current (the import
 * preview checks codes against it; a real import would update it first).
 */
export async function withReadOnlyCore<T>(
  databasePath: string,
  run: (core: ReadOnlyCore) => Promise<T>,
  /** scratch: the private copy is opened for writing, for work rolled back (the import preview's trial writes). */
  options: { readonly referential?: boolean; readonly scratch?: boolean } = {},
): Promise<T> {
  const [{ openSqlite }, { createGeography }, { createDispatcher }, { createHandlers }] = await Promise.all([
    import('../../electron/services/db/sqlite'),
    import('../../electron/services/geography'),
    import('../../electron/services/ipc/dispatch'),
    import('../../electron/services/ipc/handlers'),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-lecture-'));
  try {
    const copy = path.join(dir, path.basename(databasePath));
    fs.copyFileSync(databasePath, copy);
    if (fs.existsSync(`${databasePath}-wal`)) fs.copyFileSync(`${databasePath}-wal`, `${copy}-wal`);
    let db: Database;
    try {
      db = openSqlite(copy, options.scratch ? { wal: false } : { readonly: true });
    } catch (error) {
      // The message names the file the user gave, not the copy.
      if (error instanceof DomainError) throw new DomainError(error.code, error.message.split(copy).join(databasePath));
      throw error;
    }
    try {
      await requireCurrent(db, databasePath, options.referential === true);
      const handlers = createHandlers({
        ctx: { db, now: () => new Date(), osUser: osUserName(), origin: 'cli' },
        geography: createGeography(COMMUNES_FILE),
        backups: { list: refuseWrite, backupNow: async () => refuseWrite(), restore: async () => refuseWrite() },
        installDemo: async () => refuseWrite(),
        info: { appVersion: APP_VERSION, databasePath, backupDir: backupDirOf(databasePath) },
      });
      const dispatch = createDispatcher(handlers, {
        error: (message, details) => debugLog(message, details),
      });
      return await run({ db, dispatch });
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Trusted root certificates (`--trust`), as PEM text for verifyReportPdf: a
 * PEM file (one or several certificates) or a DER one (.cer, .crt as the
 * IGC/A publishes them), converted.
 */
export function readTrustedRoots(files: readonly string[]): string[] {
  return files.map((file) => {
    const resolved = requireFile(file, 'Le certificat de confiance');
    const bytes = fs.readFileSync(resolved);
    const text = bytes.toString('latin1');
    if (text.match(PEM_CERTIFICATE)) return text;
    if (text.includes('-----BEGIN')) {
      throw new DomainError('VALIDATION', `Le fichier « ${resolved} » ne contient aucun certificat (bloc -----BEGIN CERTIFICATE-----).`);
    }
    // DER (an ASN.1 SEQUENCE): wrapped in PEM; the verifier says if it is not a certificate.
    if (bytes[0] !== 0x30) throw new DomainError('VALIDATION', `Le fichier « ${resolved} » n'est pas un certificat (ni PEM ni DER).`);
    const base64 = bytes.toString('base64').replace(/.{64}/g, '$&\n');
    return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
  });
}
