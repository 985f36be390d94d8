/**
 * The files embedded in a PDF revision (its /Names /EmbeddedFiles tree), read
 * from the objects a strict revision reader designated (pdf-revision.ts), and
 * which of them are the report's data and the quarter's exchange file.
 *
 * Plain Node, never imports electron.
 */
import zlib from 'node:zlib';
import { decodePDFRawStream, PDFArray, PDFDict, PDFHexString, PDFName, PDFRawStream, PDFString, type PDFObject } from 'pdf-lib';
import { EXCHANGE_ATTACHMENT_MIME, EXCHANGE_ATTACHMENT_PATTERN, REPORT_DATA_FILE_PATTERN, REPORT_DATA_MIME } from './attach';

export interface EmbeddedFile {
  readonly name: string;
  readonly subtype: string | null;
  readonly bytes: Uint8Array;
}

const MAX_DEPTH = 20;

/** Every embedded file of the document whose catalog is given (name tree walked to a bounded depth). */
export function embeddedFiles(catalog: PDFDict): EmbeddedFile[] {
  const tree = catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  if (!tree) return [];
  const specs: PDFDict[] = [];
  const walk = (node: PDFDict, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const pairs = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    if (pairs) for (let i = 1; i < pairs.size(); i += 2) {
      const spec = pairs.lookup(i);
      if (spec instanceof PDFDict) specs.push(spec);
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids) for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) walk(kid, depth + 1);
    }
  };
  walk(tree, 0);
  const text = (o: PDFObject | undefined): string | null => (o instanceof PDFHexString || o instanceof PDFString ? o.decodeText() : null);
  const out: EmbeddedFile[] = [];
  for (const spec of specs) {
    const name = text(spec.lookup(PDFName.of('UF'))) ?? text(spec.lookup(PDFName.of('F'))) ?? '';
    const stream = spec.lookupMaybe(PDFName.of('EF'), PDFDict)?.lookup(PDFName.of('F'));
    if (!(stream instanceof PDFRawStream)) continue;
    const subtype = stream.dict.lookupMaybe(PDFName.of('Subtype'), PDFName)?.decodeText() ?? null;
    out.push({ name, subtype, get bytes() { return decodeStream(stream); } });
  }
  return out;
}

/**
 * A stream's bytes: a plain Flate stream (what pdf-lib and jsPDF write) is
 * inflated by node:zlib, natively (pdf-lib's decoder is JavaScript, ~10 times
 * slower on a quarter's exchange file); any other filter chain by pdf-lib.
 */
function decodeStream(stream: PDFRawStream): Uint8Array {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  if (filter === PDFName.of('FlateDecode') && !stream.dict.has(PDFName.of('DecodeParms'))) {
    try {
      return new Uint8Array(zlib.inflateSync(stream.contents));
    } catch {
      // Damaged: pdf-lib's decoder says what it can (as before), the callers judge the result.
    }
  }
  return decodePDFRawStream(stream).decode();
}

export const isExchangeFile = (f: EmbeddedFile): boolean => f.subtype === EXCHANGE_ATTACHMENT_MIME || EXCHANGE_ATTACHMENT_PATTERN.test(f.name);
export const isReportData = (f: EmbeddedFile): boolean => !isExchangeFile(f) && (REPORT_DATA_FILE_PATTERN.test(f.name) || f.subtype === REPORT_DATA_MIME);
