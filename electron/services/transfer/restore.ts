import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';
import { formatDateTime, plural } from '../../../shared/format/fr';
import type { TransferOfferedRoot, TransferRestoreDto } from '../../../shared/transfer/transfer';
import { DATA_FOLDERS } from '../paths';
import { inspectDatabaseFile, type DatabaseInspection } from '../db/backups';
import { readDb } from '../db/query';
import { openSqlite } from '../db/sqlite';
import { countQrrs } from '../db/tables/qrr';
import { selectReferentialVersion } from '../db/tables/referential';
import { selectDepartementCode } from '../db/tables/settings';
import { selectTableExists } from '../db/tables/sqlite-schema';
import { findDepartement } from '../geography';
import { SEED_REFERENTIAL } from '../referential';
import { extractTransferArchive, refusal, type ExtractedArchive } from './read-archive';
import { requireOwnSchema } from './schema-check';
import { alternativeName, DATABASE_ENTRY, type TransferLimits } from './rules';

/** The database being replaced, as far as the département check needs it. */
export interface CurrentData {
  readonly departementCode: string | null;
  readonly qrrCount: number;
}

export function currentData(db: Database): CurrentData {
  const read = readDb(db);
  return { departementCode: read.get(selectDepartementCode)?.departement_code ?? null, qrrCount: read.get(countQrrs) ?? 0 };
}

export interface PreparedRestore extends ExtractedArchive {
  readonly inspection: DatabaseInspection;
}

const departementLabel = (code: string | null): string =>
  code ? `le département ${findDepartement(code)?.nom ?? code} (${code})` : 'aucun département';

/**
 * Every check of a restore, before anything is changed: the archive
 * (extractTransferArchive), then its database — integrity, an application
 * database, schema and référentiel not newer than this application's, the
 * manifest telling the truth about it — and finally the département: replacing
 * a configured database that already follows QRRs of another département
 * needs `confirmOtherDepartement`. Refusals throw in French and leave nothing
 * behind; on success the caller must `dispose()` the extracted files.
 */
export function prepareRestore(
  bytes: Uint8Array,
  options: {
    readonly current: CurrentData;
    readonly confirmOtherDepartement: boolean;
    readonly limits?: TransferLimits;
    readonly nativeBinding?: string;
  },
): PreparedRestore {
  const binding = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  const archive = extractTransferArchive(bytes, options.limits);
  try {
    let inspection: DatabaseInspection;
    try {
      inspection = inspectDatabaseFile(archive.databaseFile, binding);
    } catch (error) {
      if (error instanceof DomainError) {
        const unchanged = /rien n'a été modifié/i.test(error.message) ? '' : " Rien n'a été modifié.";
        throw new DomainError(error.code, `Restauration refusée : la base de données de l'archive ne convient pas. ${error.message}${unchanged}`);
      }
      throw error;
    }
    // Only what this application creates: no foreign trigger, view, table, index or column.
    requireOwnSchema(archive.databaseFile, inspection.schemaVersion, binding);
    const referentialVersion = readReferentialVersion(archive.databaseFile, binding);
    if (referentialVersion !== null && referentialVersion > SEED_REFERENTIAL.version) {
      throw new DomainError(
        'DATABASE_TOO_NEW',
        `Restauration refusée : la base de l'archive utilise le référentiel version ${referentialVersion}, plus récent que celui ` +
          `de cette application (version ${SEED_REFERENTIAL.version}). Installez la dernière version de l'application ; rien n'a été modifié.`,
      );
    }
    const { manifest } = archive;
    if (manifest.schemaVersion !== inspection.schemaVersion || (manifest.departement?.code ?? null) !== inspection.departementCode) {
      throw refusal("le manifeste ne correspond pas à la base de données de l'archive");
    }

    const { current } = options;
    const replacesOtherDepartement =
      current.departementCode !== null && current.qrrCount > 0 && inspection.departementCode !== current.departementCode;
    if (replacesOtherDepartement && !options.confirmOtherDepartement) {
      throw new DomainError(
        'CONFLICT',
        `L'archive concerne ${departementLabel(inspection.departementCode)}, alors que cette base suit ` +
          `${departementLabel(current.departementCode)} (${plural(current.qrrCount, 'quartier')}). ` +
          "La restaurer remplacerait ces données : confirmez-le explicitement pour continuer. Rien n'a été modifié.",
        [{ path: 'confirmOtherDepartement', message: "Confirmation nécessaire : l'archive concerne un autre département." }],
      );
    }
    return { ...archive, inspection };
  } catch (error) {
    archive.dispose();
    throw error;
  }
}

/** `referential_meta.version` of an extracted database (a private file: a read-only open may create side files there). */
function readReferentialVersion(file: string, binding: { nativeBinding?: string }): number | null {
  const db = openSqlite(file, { readonly: true, ...binding });
  try {
    const read = readDb(db);
    return read.get(selectTableExists, 'referential_meta') ? (read.get(selectReferentialVersion) ?? null) : null;
  } finally {
    db.close();
  }
}

const hashFile = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** SHA-256 of what is at `target`, `null` when nothing is; a folder in the way counts as a different file. */
function existingHash(target: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return stat.isFile() ? hashFile(target) : 'autre';
}

/** Copies under a temporary name, then renames only if the name is still free: an existing file is never overwritten. */
function writeNew(source: string, target: string): boolean {
  const partial = `${target}.${process.pid}.transfert.tmp`;
  fs.copyFileSync(source, partial, fs.constants.COPYFILE_EXCL);
  try {
    if (fs.existsSync(target)) return false;
    fs.renameSync(partial, target);
    return true;
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

export type CopyReport = TransferRestoreDto['files'];

/**
 * The archive's trusted roots, described for confirmation one by one (never
 * copied into the trust store: see TransferRestoreDto.offeredRoots). A file
 * that is not a certificate authority is left out.
 */
export function offeredRoots(archive: ExtractedArchive, trusted: ReadonlySet<string>): TransferOfferedRoot[] {
  const prefix = `${DATA_FOLDERS.trustedRoots}/`;
  return archive.manifest.files.flatMap((file) => {
    const source = archive.extracted.get(file.path);
    if (!file.path.startsWith(prefix) || !source) return [];
    try {
      const bytes = fs.readFileSync(source);
      const cert = new X509Certificate(bytes);
      if (!cert.ca) return [];
      const fingerprint = cert.fingerprint256.replaceAll(':', '').toLowerCase();
      return [
        {
          fingerprint,
          subject: cert.subject.replaceAll('\n', ', '),
          validTo: new Date(cert.validTo).toISOString(),
          certificateBase64: bytes.toString('base64'),
          alreadyTrusted: trusted.has(fingerprint),
        },
      ];
    } catch {
      return [];
    }
  });
}

/**
 * Copies the archive's reports and exports into the data folder (trusted
 * roots are only offered: offeredRoots). Never deletes nor overwrites: a file already there with the same
 * content is left as it is; a different file with the same name is kept and
 * the incoming one written as « nom (transfert).ext » (or « (transfert 2) »…,
 * or counted identical if such a copy is already there, so restoring twice
 * changes nothing the second time). A file that cannot be written is reported,
 * the others are still copied.
 */
export function copyTransferredFiles(archive: ExtractedArchive, dataDir: string): CopyReport {
  const root = path.resolve(dataDir);
  let written = 0;
  let identical = 0;
  const renamed: { from: string; to: string }[] = [];
  const failed: string[] = [];
  for (const file of archive.manifest.files) {
    // Trusted roots are offered for confirmation one by one, never copied (offeredRoots).
    if (file.path === DATABASE_ENTRY || file.path.startsWith(`${DATA_FOLDERS.trustedRoots}/`)) continue;
    const source = archive.extracted.get(file.path);
    const parts = file.path.split('/');
    const name = parts.pop()!;
    const folder = path.resolve(root, ...parts);
    // Paths were checked against the rules already; this guards the join itself.
    if (!source || !folder.startsWith(root + path.sep)) {
      failed.push(file.path);
      continue;
    }
    try {
      fs.mkdirSync(folder, { recursive: true });
      let done = false;
      for (let attempt = 0; attempt < 1000 && !done; attempt++) {
        const candidate = attempt === 0 ? name : alternativeName(name, attempt);
        const target = path.join(folder, candidate);
        const hash = existingHash(target);
        if (hash === file.sha256) {
          identical += 1;
          done = true;
        } else if (hash === null && writeNew(source, target)) {
          if (attempt === 0) written += 1;
          else renamed.push({ from: file.path, to: [...parts, candidate].join('/') });
          done = true;
        }
      }
      if (!done) failed.push(file.path);
    } catch {
      failed.push(file.path);
    }
  }
  return { written, identical, renamed, failed };
}

const quoteList = (names: readonly string[], max = 5): string =>
  names.slice(0, max).map((n) => `« ${n} »`).join(', ') + (names.length > max ? ` et ${names.length - max} autres` : '');

/** PURE. The French summary shown after a restore. */
export function restoreSummaryMessage(summary: Omit<TransferRestoreDto, 'message'>): string {
  const { files } = summary;
  const origin =
    `Les données exportées le ${formatDateTime(summary.createdAt)} par ${summary.createdBy || 'un utilisateur inconnu'}` +
    (summary.departement ? ` (${summary.departement.nom}, ${summary.departement.code})` : '');
  const sentences = [`${origin} ont été restaurées : ${plural(summary.qrrCount, 'quartier')} dans la base de données.`];
  const copied: string[] = [];
  if (files.written > 0) copied.push(plural(files.written, 'fichier copié', 'fichiers copiés'));
  if (files.identical > 0) copied.push(plural(files.identical, 'fichier déjà présent à l’identique', 'fichiers déjà présents à l’identique'));
  if (copied.length > 0) sentences.push(`Rapports et exports : ${copied.join(', ')}.`);
  const toConfirm = summary.offeredRoots.filter((r) => !r.alreadyTrusted).length;
  if (toConfirm > 0) {
    sentences.push(
      `L'archive propose ${plural(toConfirm, 'autorité de certification', 'autorités de certification')} : ` +
        "aucune n'a été ajoutée aux autorités de confiance ; vérifiez l'empreinte de chacune auprès de son émetteur avant de la confirmer.",
    );
  }
  if (files.renamed.length > 0) {
    sentences.push(
      `${plural(files.renamed.length, 'fichier portait', 'fichiers portaient')} le nom d'un fichier différent déjà présent, qui a été conservé ; ` +
        `la version de l'archive est enregistrée sous ${quoteList(files.renamed.map((r) => r.to))}.`,
    );
  }
  if (files.failed.length > 0) {
    sentences.push(
      `${plural(files.failed.length, "fichier n'a pas pu être copié", "fichiers n'ont pas pu être copiés")} : ${quoteList(files.failed)}. ` +
        "La base de données est restaurée ; copiez ces fichiers depuis l'archive avec l'aide de votre service informatique.",
    );
  }
  sentences.push(
    summary.safetyBackup
      ? `L'état précédent de cette base est sauvegardé dans « ${summary.safetyBackup} ».`
      : "Il n'y avait pas de base de données à sauvegarder avant la restauration.",
  );
  sentences.push("Les sauvegardes de l'ancien poste ne sont pas transférées.");
  return sentences.join(' ');
}
