/**
 * Reading a zip received from someone else (an .xlsx workbook, a transfer
 * archive) without trusting it: a zip bomb or a forged archive must be
 * refused before it fills the memory or the disk. Two steps, both on fflate:
 * 1. `listZipEntries`: the central directory alone, nothing inflated (the
 *    caller checks names, declared sizes and their total against its limits);
 * 2. `inflateZipEntries`: the entries inflated with fflate's streaming Unzip,
 *    stopped at once when an entry grows beyond the size the central
 *    directory declared for it (so the declared total, checked in step 1, is
 *    a real bound) or the total beyond the limit.
 * Problems come back as data; each caller says them in its own French words.
 */
import { Unzip, UnzipInflate, unzipSync, type UnzipFile } from 'fflate';

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

export interface ZipEntryInfo {
  readonly name: string;
  /** As the central directory declares it: not trusted until inflated. */
  readonly originalSize: number;
  /** 0 stored, 8 deflate; anything else is refused by the callers. */
  readonly compression: number;
}

export type ZipListing =
  | { readonly ok: true; readonly entries: readonly ZipEntryInfo[] }
  | { readonly ok: false; readonly problem: 'notZip' | 'tooManyEntries' };

/** Starts like a zip (local header signature) and is long enough to hold an end of central directory. */
export const looksLikeZip = (bytes: Uint8Array): boolean => bytes.length >= 22 && ZIP_LOCAL_HEADER.every((b, i) => bytes[i] === b);

/** The central directory, read by fflate without inflating anything (the filter declines every entry). */
export function listZipEntries(bytes: Uint8Array, maxEntries: number): ZipListing {
  if (!looksLikeZip(bytes)) return { ok: false, problem: 'notZip' };
  const entries: ZipEntryInfo[] = [];
  const tooMany = new Error('too many entries');
  try {
    unzipSync(bytes, {
      filter: (file) => {
        // A forged count (zip64 allows 2^32) would otherwise keep fflate reading garbage for a long time.
        if (entries.length >= maxEntries) throw tooMany;
        entries.push({ name: file.name, originalSize: file.originalSize, compression: file.compression });
        return false;
      },
    });
  } catch (error) {
    return { ok: false, problem: error === tooMany ? 'tooManyEntries' : 'notZip' };
  }
  return { ok: true, entries };
}

/** Where one inflated entry goes. */
export interface ZipSink {
  write(chunk: Uint8Array): void;
  close(): void;
}

export type InflateProblem =
  /** A local entry the central directory does not list (or lists once): the two disagree. */
  | { readonly kind: 'inconsistent' }
  /** The inflater reported an error in this entry. */
  | { readonly kind: 'damaged'; readonly name: string }
  /** This entry grew beyond its declared size. */
  | { readonly kind: 'larger'; readonly name: string }
  /** The total passed `maxUncompressedBytes`. */
  | { readonly kind: 'total' }
  /** The reading itself failed (truncated or garbled archive). */
  | { readonly kind: 'corrupt' }
  /** A wanted entry of the central directory never came to its end. */
  | { readonly kind: 'incomplete'; readonly name: string };

export interface InflateOptions {
  /** Entries to inflate (the others are only checked against the central directory). */
  readonly want: (name: string) => boolean;
  readonly sinkFor: (name: string) => ZipSink;
  readonly maxUncompressedBytes: number;
  /**
   * Input fed to the inflater at a time. A deflate stream inflates at most
   * about 1 030 times, so no single step produces more than ~1 030 × this
   * before the caps are checked.
   */
  readonly pushChunk: number;
}

/**
 * Inflates the wanted entries of `bytes` into their sinks (every sink opened
 * is closed, also on a problem). `declared`: each entry's size as the central
 * directory declared it (from `listZipEntries`, checked by the caller).
 */
export function inflateZipEntries(
  bytes: Uint8Array,
  declared: ReadonlyMap<string, number>,
  options: InflateOptions,
): { readonly problem: InflateProblem | null; /** Bytes really inflated. */ readonly inflatedBytes: number } {
  let problem: InflateProblem | null = null;
  let total = 0;
  const seen = new Set<string>();
  const finished = new Set<string>();
  const open = new Map<string, ZipSink>();
  const unzip = new Unzip((file: UnzipFile) => {
    if (problem) return;
    const declaredSize = declared.get(file.name);
    if (declaredSize === undefined || seen.has(file.name)) {
      problem = { kind: 'inconsistent' };
      return;
    }
    seen.add(file.name);
    if (!options.want(file.name)) return;
    const sink = options.sinkFor(file.name);
    open.set(file.name, sink);
    let size = 0;
    file.ondata = (error, chunk, final) => {
      if (problem) return;
      if (error) {
        problem = { kind: 'damaged', name: file.name };
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > declaredSize) {
        problem = { kind: 'larger', name: file.name };
        file.terminate();
        return;
      }
      if (total > options.maxUncompressedBytes) {
        problem = { kind: 'total' };
        file.terminate();
        return;
      }
      sink.write(chunk);
      if (final) {
        sink.close();
        open.delete(file.name);
        finished.add(file.name);
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let offset = 0; offset < bytes.length && !problem; offset += options.pushChunk) {
      const end = Math.min(offset + options.pushChunk, bytes.length);
      unzip.push(bytes.subarray(offset, end), end === bytes.length);
    }
  } catch {
    problem ??= { kind: 'corrupt' };
  } finally {
    for (const sink of open.values()) sink.close();
  }
  if (!problem) {
    for (const name of declared.keys()) {
      if (options.want(name) && !finished.has(name)) {
        problem = { kind: 'incomplete', name };
        break;
      }
    }
  }
  return { problem, inflatedBytes: total };
}

/** Keeps an entry in memory. */
export function memorySink(): ZipSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    // Copied: the inflater may hand out views of a buffer it reuses.
    write: (chunk) => void chunks.push(chunk.slice()),
    close: () => undefined,
    bytes: () => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)),
  };
}
