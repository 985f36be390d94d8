/** Reading 1: the zip, checked before exceljs sees it (zip-bomb guards in guarded-unzip.ts). Part of exchange/xlsx (see index.ts). */
import { zipSync } from 'fflate';
import { EXCHANGE_MESSAGES } from '../../../../shared/exchange/format';
import { inflateZipEntries, listZipEntries, looksLikeZip, memorySink } from '../../guarded-unzip';
import { DEFAULT_WORKBOOK_LIMITS, WORKBOOK_MESSAGES, type WorkbookLimits } from './common';

export type UnpackResult =
  | { readonly ok: true; readonly files: Readonly<Record<string, Uint8Array>> }
  | { readonly ok: false; readonly message: string; /** Bytes really inflated before the refusal (0: refused from the central directory). */ readonly inflatedBytes: number };

/** Input fed to the inflater at a time: deflate expands at most ~1 030 times, so one step yields at most ~16 Mo before the caps are checked. */
const PUSH_CHUNK = 16 * 1024;

/**
 * The files of an .xlsx, inflated under caps, or a French refusal. First the
 * central directory alone (entry count, declared sizes: a 200 Mo entry is
 * refused without inflating anything), then every entry inflated with
 * fflate's streaming Unzip and stopped as soon as it grows beyond its
 * declared size or the total beyond the limit (electron/services/guarded-unzip.ts).
 */
export function unpackWorkbook(bytes: Uint8Array, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS): UnpackResult {
  const refuse = (message: string, inflatedBytes = 0): UnpackResult => ({ ok: false, message, inflatedBytes });
  if (bytes.byteLength > limits.maxBytes) return refuse(EXCHANGE_MESSAGES.tooBig(limits.maxBytes));
  if (!looksLikeZip(bytes)) return refuse(WORKBOOK_MESSAGES.notXlsx);

  const listing = listZipEntries(bytes, limits.maxEntries);
  if (!listing.ok) return refuse(listing.problem === 'tooManyEntries' ? WORKBOOK_MESSAGES.tooManyEntries(limits.maxEntries) : WORKBOOK_MESSAGES.notXlsx);
  const declared = new Map<string, number>();
  let declaredTotal = 0;
  let problem: string | null = null;
  for (const file of listing.entries) {
    if (declared.has(file.name)) problem ??= WORKBOOK_MESSAGES.damaged;
    if (file.compression !== 0 && file.compression !== 8) problem ??= WORKBOOK_MESSAGES.notXlsx;
    if (!Number.isSafeInteger(file.originalSize) || file.originalSize < 0) problem ??= WORKBOOK_MESSAGES.damaged;
    declared.set(file.name, file.originalSize);
    declaredTotal += file.originalSize;
  }
  if (problem) return refuse(problem);
  if (declaredTotal > limits.maxUncompressedBytes) return refuse(WORKBOOK_MESSAGES.tooBigInflated(declaredTotal, limits.maxUncompressedBytes));
  if (!declared.has('xl/workbook.xml')) return refuse(WORKBOOK_MESSAGES.notXlsx);

  const sinks = new Map<string, ReturnType<typeof memorySink>>();
  const inflated = inflateZipEntries(bytes, declared, {
    want: () => true,
    sinkFor: (name) => {
      const sink = memorySink();
      sinks.set(name, sink);
      return sink;
    },
    maxUncompressedBytes: limits.maxUncompressedBytes,
    pushChunk: PUSH_CHUNK,
  });
  const found = inflated.problem;
  if (found) {
    const message =
      found.kind === 'larger'
        ? WORKBOOK_MESSAGES.lyingEntry(found.name)
        : found.kind === 'total'
          ? WORKBOOK_MESSAGES.inflatedBeyond(limits.maxUncompressedBytes)
          : WORKBOOK_MESSAGES.damaged;
    return refuse(message, inflated.inflatedBytes);
  }
  const files: Record<string, Uint8Array> = {};
  for (const [name, sink] of sinks) files[name] = sink.bytes();
  return { ok: true, files };
}

/**
 * Elements exceljs expands cell by cell when it reads them: a validation, a
 * merge or a column style over a whole sheet (`A1:XFD1048576`, `max="16384"`
 * or far more when forged) would make it create millions or billions of
 * objects. The reader needs none of them.
 */
const EXPANDED_ELEMENTS = /<((?:[A-Za-z_][\w.-]*:)?)(dataValidations|mergeCells|cols)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1\2\s*>)/g;

export function withoutExpandedRanges(sheetXml: string): string {
  return sheetXml.replace(EXPANDED_ELEMENTS, '');
}

export function repack(files: Readonly<Record<string, Uint8Array>>): Buffer {
  const checked: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    checked[name] = /^xl\/worksheets\/[^/]+\.xml$/i.test(name)
      ? new TextEncoder().encode(withoutExpandedRanges(new TextDecoder('utf-8').decode(data)))
      : data;
  }
  // Stored, not compressed: exceljs reads it straight away, and it never holds more than what was checked.
  return Buffer.from(zipSync(checked, { level: 0 }));
}
