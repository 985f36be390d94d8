/**
 * Adds objects to a PDF whose structure we know — the one jsPDF writes: one
 * revision, one classic cross-reference table, every object `N 0 obj … endobj`
 * in plain text, no object streams, no encryption — without parsing the file.
 *
 * Why: attaching the report's data and preparing its signature with pdf-lib
 * parsed and re-serialized the whole report twice (~0.3 s of a 0.5 s budget).
 * Here only the cross-reference table, the trailer and the few dictionaries
 * that change (catalog, last page) are read; the other objects are copied as
 * bytes. The result is still ONE revision with a fresh cross-reference table
 * (no incremental update: the strict verifier, signature-layout.ts, refuses
 * redefined objects in a signed report).
 *
 * Anything unexpected (another writer, a key already present, an indirect
 * /Annots…) gives null: the caller then falls back to pdf-lib.
 *
 * Plain Node, never imports electron.
 */
import zlib from 'node:zlib';

const WS = '[ \\t\\r\\n\\f\\0]';

/** Whether `dict` (a dictionary's text) names `key` anywhere. */
export const hasKey = (dict: string, key: string): boolean => new RegExp(`/${key}(?![A-Za-z0-9#._-])`).test(dict);

interface NewObject {
  readonly number: number;
  readonly bytes: Buffer;
}

export class PlainPdf {
  private readonly replaced = new Map<number, string>();
  private readonly added: NewObject[] = [];
  private nextNumber: number;

  private constructor(
    private readonly bytes: Buffer,
    private readonly text: string,
    /** Offsets of objects 1…size-1, by number. */
    private readonly offsets: readonly number[],
    private readonly xrefAt: number,
    private readonly trailer: string,
    readonly root: number,
  ) {
    this.nextNumber = offsets.length;
  }

  /** The file as jsPDF writes it, or null. */
  static read(input: Uint8Array): PlainPdf | null {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const text = bytes.toString('latin1');
    const tail = new RegExp(`startxref${WS}+(\\d+)${WS}+%%EOF${WS}*$`).exec(text.slice(-64));
    if (!tail) return null;
    const xrefAt = Number(tail[1]);
    const head = new RegExp(`xref${WS}+0${WS}+(\\d+)${WS}*?(?:\\r\\n|\\n|\\r)`, 'y');
    head.lastIndex = xrefAt;
    const h = head.exec(text);
    if (!h) return null;
    const size = Number(h[1]);
    const offsets: number[] = [0];
    const entry = /(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)/y;
    entry.lastIndex = head.lastIndex;
    for (let i = 0; i < size; i++) {
      const e = entry.exec(text);
      if (!e) return null;
      if (i === 0) continue;
      // Every object in use, generation 0: jsPDF's files (else: not ours).
      if (e[3] !== 'n' || e[2] !== '00000') return null;
      offsets.push(Number(e[1]));
    }
    const trailer = new RegExp(`${WS}*trailer${WS}*(<<[\\s\\S]*>>)${WS}*startxref`, 'y');
    trailer.lastIndex = entry.lastIndex;
    const t = trailer.exec(text);
    if (!t) return null;
    const dict = t[1]!;
    // One revision, not encrypted, not hybrid.
    if (hasKey(dict, 'Prev') || hasKey(dict, 'XRefStm') || hasKey(dict, 'Encrypt')) return null;
    const root = /\/Root\s+(\d+)\s+0\s+R/.exec(dict);
    if (!root || !new RegExp(`/Size\\s+${size}(?![0-9])`).test(dict)) return null;
    const pdf = new PlainPdf(bytes, text, offsets, xrefAt, dict, Number(root[1]));
    for (let n = 1; n < size; n++) if (!pdf.headerAt(n)) return null;
    return pdf;
  }

  private headerAt(n: number): boolean {
    const at = this.offsets[n]!;
    return at > 0 && at < this.xrefAt && this.text.startsWith(`${n} 0 obj`, at);
  }

  /** The dictionary of object `n` (`<< … >>`), when it is a dictionary and not a stream. */
  dictionary(n: number): string | null {
    if (this.replaced.has(n)) return this.replaced.get(n)!;
    if (n <= 0 || n >= this.offsets.length) return null;
    const start = this.offsets[n]! + `${n} 0 obj`.length;
    const end = this.text.indexOf('endobj', start);
    if (end < 0) return null;
    const body = this.text.slice(start, end).trim();
    if (!body.startsWith('<<') || !body.endsWith('>>') || /(?:^|[^A-Za-z])stream(?:\r\n|\n|\r)/.test(body)) return null;
    return body;
  }

  /** The last page: the last of the root /Pages node's /Kids (jsPDF writes one flat page tree). */
  lastPage(): number | null {
    const catalog = this.dictionary(this.root);
    const pages = catalog && /\/Pages\s+(\d+)\s+0\s+R/.exec(catalog);
    const tree = pages && this.dictionary(Number(pages[1]));
    const kids = tree && /\/Kids\s*\[([\d\sR]*)\]/.exec(tree);
    const refs = kids ? [...kids[1]!.matchAll(/(\d+)\s+0\s+R/g)].map((m) => Number(m[1])) : [];
    const last = refs[refs.length - 1];
    if (last === undefined || !/\/Type\s*\/Page(?![A-Za-z])/.test(this.dictionary(last) ?? '')) return null;
    return last;
  }

  /** Object `n` becomes `dict` (in place: the file keeps one definition of it). */
  replace(n: number, dict: string): void {
    this.replaced.set(n, dict);
  }

  /** A new dictionary object; returns its number. */
  add(dict: string): number {
    const number = this.nextNumber++;
    this.added.push({ number, bytes: Buffer.from(`${number} 0 obj\n${dict}\nendobj\n`, 'latin1') });
    return number;
  }

  /** A new stream, deflated; `dict` holds its other entries (no /Length, no /Filter). */
  addStream(dict: string, data: Uint8Array): number {
    const deflated = zlib.deflateSync(data);
    const number = this.nextNumber++;
    this.added.push({
      number,
      bytes: Buffer.concat([
        Buffer.from(`${number} 0 obj\n<<\n${dict}\n/Filter /FlateDecode\n/Length ${deflated.length}\n>>\nstream\n`, 'latin1'),
        deflated,
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]),
    });
    return number;
  }

  /** The whole file again: objects in their order, replaced ones rewritten, new ones appended, a fresh table. */
  save(): Uint8Array {
    const size = this.nextNumber;
    const offsets = Array.from({ length: size }, () => 0);
    const order = this.offsets
      .map((at, n) => ({ n, at }))
      .filter((o) => o.n > 0)
      .sort((a, b) => a.at - b.at);
    const chunks: Buffer[] = [this.bytes.subarray(0, order[0]?.at ?? this.xrefAt)];
    let length = chunks[0]!.length;
    const push = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
    };
    order.forEach(({ n, at }, i) => {
      offsets[n] = length;
      const replacement = this.replaced.get(n);
      const end = order[i + 1]?.at ?? this.xrefAt;
      push(replacement === undefined ? this.bytes.subarray(at, end) : Buffer.from(`${n} 0 obj\n${replacement}\nendobj\n`, 'latin1'));
    });
    for (const object of this.added) {
      offsets[object.number] = length;
      push(object.bytes);
    }
    const xrefAt = length;
    const table = offsets.map((at, n) => (n === 0 ? '0000000000 65535 f \n' : `${String(at).padStart(10, '0')} 00000 n \n`)).join('');
    const trailer = this.trailer.replace(/\/Size\s+\d+/, `/Size ${size}`);
    push(Buffer.from(`xref\n0 ${size}\n${table}trailer\n${trailer}\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
    return new Uint8Array(Buffer.concat(chunks, length));
  }
}

/** `dict` with `entries` (text of key/value pairs) added before its closing `>>`. */
export const withEntries = (dict: string, entries: string): string => dict.replace(/>>\s*$/, `\n${entries}\n>>`);
