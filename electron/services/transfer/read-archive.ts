import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DomainError } from '../../../shared/ipc/result';
import { inflateZipEntries, listZipEntries, memorySink, type InflateProblem, type ZipSink } from '../guarded-unzip';
import {
  checkArchiveEntries,
  checkManifest,
  crossCheck,
  DATABASE_ENTRY,
  DEFAULT_TRANSFER_LIMITS,
  formatMegabytes,
  MANIFEST_NAME,
  type ArchiveEntryInfo,
  type TransferLimits,
  type TransferManifest,
} from './rules';

/** Every refusal of an archive: French, and says nothing was touched (nothing is, before every check passed). */
export const refusal = (detail: string): DomainError =>
  new DomainError('VALIDATION', `Restauration refusée : ${detail}. Rien n'a été modifié.`);

const NOT_A_ZIP = "ce fichier n'est pas une archive de transfert du Tableau de bord QRR (ce n'est pas un fichier zip lisible)";

/**
 * Input is fed to the decompressor this much at a time. A deflate stream
 * inflates at most about 1 000 times, so no single step can produce more than
 * ~64 Mo before the caps below are checked and the reading stopped. (Measured
 * on 150 Mo: 16 Ko chunks take twice as long; larger ones gain nothing.)
 */
const PUSH_CHUNK = 64 * 1024;

export interface ExtractedArchive {
  readonly manifest: TransferManifest;
  /** SHA-256 of the whole archive, for the audit trail. */
  readonly sha256: string;
  /** The extracted database (a private file in a temporary folder). */
  readonly databaseFile: string;
  /** Where each file of the manifest was extracted (checked: size and SHA-256 as the manifest says). */
  readonly extracted: ReadonlyMap<string, string>;
  /** Removes the temporary folder. */
  readonly dispose: () => void;
}

/** The central directory, read without inflating anything. */
function listEntries(bytes: Uint8Array, limits: TransferLimits): readonly ArchiveEntryInfo[] {
  const listing = listZipEntries(bytes, limits.maxEntries);
  if (listing.ok) return listing.entries;
  throw refusal(listing.problem === 'tooManyEntries' ? "l'archive contient trop de fichiers" : NOT_A_ZIP);
}

/** The French words for what the guarded inflater found. */
function describeProblem(problem: InflateProblem, limits: TransferLimits): string {
  switch (problem.kind) {
    case 'inconsistent':
      return "l'archive est incohérente (son contenu ne correspond pas à son sommaire)";
    case 'damaged':
      return `le fichier « ${problem.name} » est endommagé dans l'archive`;
    case 'larger':
      return `le fichier « ${problem.name} » est plus volumineux une fois décompressé que ce qu'annonce l'archive`;
    case 'total':
      return `une fois décompressée, l'archive dépasserait la limite de ${formatMegabytes(limits.maxUncompressedBytes)}`;
    case 'corrupt':
      return "l'archive est endommagée";
    case 'incomplete':
      return `le fichier « ${problem.name} » est incomplet dans l'archive`;
  }
}

/**
 * Inflates the entries `want` selects under the caps (guarded-unzip.ts),
 * giving each one's bytes to its sink. Returns a French problem, or null.
 */
function inflateEntries(
  bytes: Uint8Array,
  declared: ReadonlyMap<string, number>,
  want: (name: string) => boolean,
  sinkFor: (name: string) => ZipSink,
  limits: TransferLimits,
): string | null {
  const { problem } = inflateZipEntries(bytes, declared, { want, sinkFor, maxUncompressedBytes: limits.maxUncompressedBytes, pushChunk: PUSH_CHUNK });
  return problem ? describeProblem(problem, limits) : null;
}

/** Writes to a file and hashes on the way. */
function fileSink(file: string, done: (size: number, sha256: string) => void): ZipSink {
  const fd = fs.openSync(file, 'wx');
  const hash = crypto.createHash('sha256');
  let size = 0;
  let closed = false;
  return {
    write: (chunk) => {
      fs.writeSync(fd, chunk);
      hash.update(chunk);
      size += chunk.length;
    },
    close: () => {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
      done(size, hash.digest('hex'));
    },
  };
}

/**
 * Checks an archive completely and extracts it into a private temporary
 * folder, or throws a French refusal (nothing outside that folder is ever
 * written, and the folder is removed on refusal). In order:
 * 1. a zip at all, entries (count, names — no `..`, no absolute path —, duplicates,
 *    compression) and declared total size, all before inflating anything;
 * 2. the manifest: ours, not a newer format, well-formed (rules.checkManifest),
 *    and the same files as the zip with the same sizes;
 * 3. every file inflated under caps, then its size and SHA-256 against the manifest.
 * The database inside is checked by the caller (it needs SQLite).
 */
export function extractTransferArchive(bytes: Uint8Array, limits: TransferLimits = DEFAULT_TRANSFER_LIMITS): ExtractedArchive {
  if (bytes.length > limits.maxArchiveBytes) {
    throw refusal(`l'archive dépasse ${formatMegabytes(limits.maxArchiveBytes)}`);
  }
  const entries = listEntries(bytes, limits);
  const declared = checkArchiveEntries(entries, limits);
  if (!declared.ok) throw refusal(declared.message);

  const manifestSink = memorySink();
  const manifestProblem = inflateEntries(bytes, declared.value, (name) => name === MANIFEST_NAME, () => manifestSink, limits);
  if (manifestProblem) throw refusal(manifestProblem);
  const manifestBytes = manifestSink.bytes();
  const manifest = checkManifest(Buffer.from(manifestBytes.buffer, manifestBytes.byteOffset, manifestBytes.byteLength).toString('utf8'), limits);
  if (!manifest.ok) throw refusal(manifest.message);
  const mismatch = crossCheck(manifest.value, declared.value);
  if (mismatch) throw refusal(mismatch);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-restauration-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const byPath = new Map(manifest.value.files.map((f) => [f.path, f]));
    const extracted = new Map<string, string>();
    const results = new Map<string, { size: number; sha256: string }>();
    fs.mkdirSync(path.join(dir, 'base'));
    fs.mkdirSync(path.join(dir, 'fichiers'));
    let index = 0;
    const problem = inflateEntries(
      bytes,
      declared.value,
      (name) => byPath.has(name),
      (name) => {
        // Extracted under a name of ours: the archive's paths are used only once checked, for the final copy.
        const target =
          name === DATABASE_ENTRY ? path.join(dir, 'base', 'qrr.sqlite') : path.join(dir, 'fichiers', String(index++));
        extracted.set(name, target);
        return fileSink(target, (size, sha256) => results.set(name, { size, sha256 }));
      },
      limits,
    );
    if (problem) throw refusal(problem);
    for (const file of manifest.value.files) {
      const got = results.get(file.path);
      if (!got || got.size !== file.size || got.sha256 !== file.sha256) {
        throw refusal(`le fichier « ${file.path} » a été modifié ou est endommagé (son empreinte SHA-256 diffère de celle du manifeste)`);
      }
    }
    return {
      manifest: manifest.value,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      databaseFile: extracted.get(DATABASE_ENTRY)!,
      extracted,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}
