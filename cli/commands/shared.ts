/**
 * What every command of the command line shares: printing, French usage
 * errors, opening the application core, reading certificates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pkg from '../../package.json';
import { createAppCore, type AppCore } from '../../electron/services/app-core';
import { formatInteger } from '../../shared/format/fr';
import { formatFixedFr } from '../../shared/format/number-fr';
import { DomainError } from '../../shared/ipc/result';

/** A mistake in the command line: French message, help shown, exit code 2. */
export class UsageError extends Error {}

export const out = (text = ''): void => void process.stdout.write(`${text}\n`);
export const err = (text = ''): void => void process.stderr.write(`${text}\n`);

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

/**
 * No start-up backup: info and periods only read, demo only fills an empty
 * base, report only adds a report record and may mark a quarter transmitted
 * (undone by reopening it). A migration still backs up first.
 */
export async function openCore(databasePath: string, origin: string): Promise<AppCore> {
  return createAppCore({
    startupBackup: false,
    databasePath,
    backupDir: path.join(path.dirname(databasePath), 'sauvegardes'),
    communesFile: COMMUNES_FILE,
    appVersion: APP_VERSION,
    osUser: osUserName(),
    origin,
    log: { error: (message, details) => err(`[qrr] ${message} ${details instanceof Error ? (details.stack ?? details.message) : ''}`) },
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
