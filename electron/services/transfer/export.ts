import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { DomainError } from '../../../shared/ipc/result';
import type { TransferExportDto } from '../../../shared/transfer/transfer';
import { readDb } from '../db/query';
import { disableWal, openSqlite } from '../db/sqlite';
import { selectReferentialVersion } from '../db/tables/referential';
import { selectDepartementCode } from '../db/tables/settings';
import { selectSchemaVersion, selectTableExists } from '../db/tables/sqlite-schema';
import { findDepartement } from '../geography';
import { DATA_FOLDERS } from '../paths';
import {
  archivePathProblem,
  BACKUPS_NOTE,
  DATABASE_ENTRY,
  DEFAULT_TRANSFER_LIMITS,
  formatMegabytes,
  isLeftOutOfExport,
  MANIFEST_NAME,
  TRANSFER_FORMAT,
  TRANSFER_VERSION,
  TRANSFERRED_FOLDERS,
  transferFileName,
  type ManifestFileEntry,
  type TransferLimits,
  type TransferManifest,
  type TransferredFolder,
} from './rules';
import { writeFileAtomic } from '../atomic-write';

export interface ExportEverythingOptions {
  /** The live connection: copied with SQLite's online backup, never as raw bytes (WAL). */
  readonly db: Database;
  /** The folder holding the database and the transferred folders. */
  readonly dataDir: string;
  readonly appVersion: string;
  readonly osUser: string;
  readonly now: Date;
  readonly limits?: TransferLimits;
  readonly nativeBinding?: string;
}

interface Collected {
  readonly files: { readonly entry: string; readonly absolute: string }[];
  readonly skipped: string[];
}

/**
 * The files of the transferred folders, sorted, with archive paths written
 * with `/`. Symbolic links and other special files are not followed (a link
 * could point anywhere on the disk); a name another workstation could not
 * recreate (archivePathProblem) is left out and reported rather than making
 * the whole archive impossible to restore.
 */
function collectFiles(dataDir: string): Collected {
  const files: { entry: string; absolute: string }[] = [];
  const skipped: string[] = [];
  const walk = (folder: TransferredFolder, absolute: string, relative: string) => {
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const dirent of dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const entry = `${relative}/${dirent.name}`;
      const child = path.join(absolute, dirent.name);
      if (dirent.isDirectory()) walk(folder, child, entry);
      else if (dirent.isFile()) {
        if (isLeftOutOfExport(folder, dirent.name)) continue;
        if (archivePathProblem(entry)) skipped.push(entry);
        else files.push({ entry, absolute: child });
      }
    }
  };
  for (const folder of TRANSFERRED_FOLDERS) walk(folder, path.join(dataDir, folder), folder);
  return { files, skipped };
}

const sha256 = (bytes: Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * « Exporter tout »: one archive (`qrr-transfert-<département>-<date>.qrrsauv`,
 * a zip) in the « exports » folder holding a consistent copy of the database,
 * the reports, the exports (except earlier transfer archives) and the trusted
 * roots, with a manifest giving every file's size and SHA-256. Backups are not
 * included. Written through a temporary file, so a crash never leaves half an
 * archive under the final name.
 */
export async function exportEverything(options: ExportEverythingOptions): Promise<TransferExportDto> {
  const limits = options.limits ?? DEFAULT_TRANSFER_LIMITS;
  const binding = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-transfert-'));
  try {
    const copy = path.join(temp, 'qrr.sqlite');
    await options.db.backup(copy);
    const snapshot = openSqlite(copy, { wal: false, ...binding });
    let meta: Pick<TransferManifest, 'schemaVersion' | 'referentialVersion'> & { departementCode: string | null };
    try {
      // The copy keeps the WAL flag of its source; in rollback mode it is complete on its own, with no side file.
      disableWal(snapshot);
      const read = readDb(snapshot);
      meta = {
        schemaVersion: read.get(selectSchemaVersion) ?? 0,
        referentialVersion: read.get(selectTableExists, 'referential_meta') ? (read.get(selectReferentialVersion) ?? null) : null,
        departementCode: read.get(selectDepartementCode)?.departement_code ?? null,
      };
    } finally {
      snapshot.close();
    }

    const { files, skipped } = collectFiles(options.dataDir);
    const contents: Zippable = {};
    const listed: ManifestFileEntry[] = [];
    let total = 0;
    const add = (entry: string, bytes: Uint8Array) => {
      total += bytes.length;
      if (total > limits.maxUncompressedBytes) {
        throw new DomainError(
          'VALIDATION',
          `Les données dépassent ${formatMegabytes(limits.maxUncompressedBytes)} : elles ne peuvent pas être exportées en une archive. ` +
            "Demandez à votre service informatique de copier le dossier des données. Rien n'a été écrit.",
        );
      }
      contents[entry] = bytes;
      listed.push({ path: entry, size: bytes.length, sha256: sha256(bytes) });
    };
    add(DATABASE_ENTRY, fs.readFileSync(copy));
    for (const file of files) add(file.entry, fs.readFileSync(file.absolute));

    const departement = meta.departementCode
      ? { code: meta.departementCode, nom: findDepartement(meta.departementCode)?.nom ?? meta.departementCode }
      : null;
    const manifest: TransferManifest = {
      format: TRANSFER_FORMAT,
      version: TRANSFER_VERSION,
      createdAt: options.now.toISOString(),
      appVersion: options.appVersion,
      schemaVersion: meta.schemaVersion,
      referentialVersion: meta.referentialVersion,
      departement,
      osUser: options.osUser,
      database: DATABASE_ENTRY,
      includesBackups: false,
      note: BACKUPS_NOTE,
      files: listed,
    };
    // Sizes known up front: zipSync writes them in every local header (no data descriptors to scan for on reading).
    const archive = zipSync({ [MANIFEST_NAME]: strToU8(JSON.stringify(manifest, null, 2)), ...contents }, { level: 6, mtime: options.now });
    if (archive.length > limits.maxArchiveBytes) {
      throw new DomainError(
        'VALIDATION',
        `L'archive ferait ${formatMegabytes(archive.length)}, au-delà des ${formatMegabytes(limits.maxArchiveBytes)} qu'une restauration accepte. ` +
          "Demandez à votre service informatique de copier le dossier des données. Rien n'a été écrit.",
      );
    }

    const exportsDir = path.join(options.dataDir, DATA_FOLDERS.exports);
    fs.mkdirSync(exportsDir, { recursive: true });
    const fileName = transferFileName(meta.departementCode, options.now);
    const target = path.join(exportsDir, fileName);
    writeFileAtomic(target, archive);
    return { path: target, fileName, bytes: archive.length, files: listed.length, skipped };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
