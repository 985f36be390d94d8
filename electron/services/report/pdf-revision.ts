/**
 * A strict reader of one revision of a PDF file: the objects its
 * cross-reference sections designate, and nothing else.
 *
 * Why not pdf-lib's parser: it reads the file top to bottom and keeps the LAST
 * definition of each object it meets, whatever the cross-reference table says.
 * A forged copy of an object written anywhere after the genuine one (inside a
 * signature's unsigned /Contents gap, for instance) would then replace it.
 * Here every object is read at the offset its cross-reference entry gives, its
 * header must name that very object, and the revision ends where we say (the
 * end of the signed bytes), following /Prev back to the first section.
 *
 * pdf-lib is still used for what it does well: parsing one object at a known
 * offset (PDFObjectParser), the entries of a cross-reference stream and the
 * objects of an object stream.
 *
 * Plain Node, never imports electron.
 */
import {
  PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFObjectParser,
  PDFObjectStreamParser,
  PDFRawStream,
  PDFRef,
  PDFXRefStreamParser,
  type PDFObject,
} from 'pdf-lib';

/** The file's structure does not hold: the message is French, for the user. */
export class PdfStructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfStructureError';
  }
}

export interface ObjectSpan {
  /** Offset of the `N G obj` header. */
  readonly start: number;
  /** Offset just after `endobj`. */
  readonly end: number;
}

export interface PdfRevision {
  /** The revision's last byte + 1 (after its `%%EOF`). */
  readonly end: number;
  readonly context: PDFContext;
  readonly trailer: PDFDict;
  readonly catalog: PDFDict;
  /** Where each object stored directly in the file lies, by object number. */
  readonly spans: ReadonlyMap<number, ObjectSpan>;
  /** Object numbers given by more than one cross-reference section (an incremental update redefined them). */
  readonly redefined: readonly number[];
  /** Offsets of the cross-reference sections, newest first. */
  readonly xrefOffsets: readonly number[];
}

const WS = '[ \\t\\r\\n\\f\\0]';
const MAX_SECTIONS = 64;

/** pdf-lib keeps the parser's position protected; it is needed to check what follows an object. */
const parserOffset = (parser: PDFObjectParser): number => (parser as unknown as { bytes: { offset(): number } }).bytes.offset();

interface Entry {
  readonly ref: PDFRef;
  /** Byte offset (type 1), or the object stream's number (type 2). */
  readonly offset: number;
  readonly inObjectStream: boolean;
}

interface Section {
  readonly trailer: PDFDict;
  readonly entries: Entry[];
}

class RevisionReader {
  readonly context = PDFContext.create();
  readonly text: string;
  readonly spans = new Map<number, ObjectSpan>();

  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  }

  fail(message: string): never {
    throw new PdfStructureError(message);
  }

  /** The offset after `startxref` at the very end of the revision (only white space may follow `%%EOF`). */
  startXref(): number {
    const tail = this.text.slice(Math.max(0, this.end - 1024));
    const m = new RegExp(`startxref${WS}+(\\d+)${WS}+%%EOF${WS}*$`).exec(tail);
    if (!m) this.fail('La fin du fichier PDF (startxref, %%EOF) est introuvable ou suivie de données inattendues.');
    return Number(m[1]);
  }

  /** The object at `offset`, whose header must be `ref`'s; followed by `endobj`. */
  objectAt(offset: number, ref: PDFRef): PDFObject {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.end) {
      this.fail(`La table des références désigne l’objet ${ref.objectNumber} hors du fichier.`);
    }
    const header = new RegExp(`(\\d+)${WS}+(\\d+)${WS}+obj`, 'y');
    header.lastIndex = offset;
    const m = header.exec(this.text);
    if (!m || Number(m[1]) !== ref.objectNumber || Number(m[2]) !== ref.generationNumber) {
      this.fail(`La table des références désigne, pour l’objet ${ref.objectNumber}, un emplacement qui ne le contient pas.`);
    }
    const bodyStart = header.lastIndex;
    const parser = PDFObjectParser.forBytes(this.bytes.subarray(bodyStart, this.end), this.context);
    let object: PDFObject;
    try {
      object = parser.parseObject();
    } catch {
      this.fail(`L’objet ${ref.objectNumber} du fichier PDF est illisible.`);
    }
    const after = new RegExp(`${WS}*endobj`, 'y');
    after.lastIndex = bodyStart + parserOffset(parser);
    if (!after.exec(this.text)) this.fail(`L’objet ${ref.objectNumber} du fichier PDF n’est pas terminé par « endobj ».`);
    this.spans.set(ref.objectNumber, { start: offset, end: after.lastIndex });
    return object;
  }

  /** A classic `xref` table and its trailer. */
  table(offset: number): Section {
    const entries: Entry[] = [];
    const sub = new RegExp(`${WS}*(\\d+)${WS}+(\\d+)${WS}*?(?:\\r\\n|\\r|\\n)`, 'y');
    // 20-byte entries; some writers end them with a single EOL byte.
    const entry = /(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n|\r|\n| )/y;
    let at = offset + 4;
    for (;;) {
      sub.lastIndex = at;
      const s = sub.exec(this.text);
      if (!s) break;
      const first = Number(s[1]);
      const count = Number(s[2]);
      at = sub.lastIndex;
      for (let i = 0; i < count; i++) {
        entry.lastIndex = at;
        const e = entry.exec(this.text);
        if (!e) this.fail('La table des références du fichier PDF est mal formée.');
        at = entry.lastIndex;
        if (e[3] === 'n') entries.push({ ref: PDFRef.of(first + i, Number(e[2])), offset: Number(e[1]), inObjectStream: false });
      }
    }
    const trailer = new RegExp(`${WS}*trailer${WS}*`, 'y');
    trailer.lastIndex = at;
    if (!trailer.exec(this.text)) this.fail('Le « trailer » du fichier PDF est introuvable.');
    let dict: PDFObject;
    try {
      dict = PDFObjectParser.forBytes(this.bytes.subarray(trailer.lastIndex, this.end), this.context).parseObject();
    } catch {
      this.fail('Le « trailer » du fichier PDF est illisible.');
    }
    if (!(dict instanceof PDFDict)) this.fail('Le « trailer » du fichier PDF est illisible.');
    return { trailer: dict, entries };
  }

  /** A cross-reference stream (`N G obj << /Type /XRef … >> stream`). */
  stream(offset: number): Section {
    const header = new RegExp(`(\\d+)${WS}+(\\d+)${WS}+obj`, 'y');
    header.lastIndex = offset;
    const m = header.exec(this.text);
    if (!m) this.fail('La table des références du fichier PDF est introuvable à l’emplacement indiqué.');
    const ref = PDFRef.of(Number(m[1]), Number(m[2]));
    const stream = this.objectAt(offset, ref);
    if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of('Type')) !== PDFName.of('XRef')) {
      this.fail('La table des références du fichier PDF est illisible.');
    }
    let parsed: ReturnType<PDFXRefStreamParser['parseIntoContext']>;
    try {
      parsed = PDFXRefStreamParser.forStream(stream).parseIntoContext();
    } catch {
      this.fail('La table des références du fichier PDF est illisible.');
    }
    const entries = parsed.filter((e) => !e.deleted).map((e) => ({ ref: e.ref, offset: e.offset, inObjectStream: e.inObjectStream }));
    // The stream object itself is part of the revision, where the section starts.
    entries.push({ ref, offset, inObjectStream: false });
    return { trailer: stream.dict, entries };
  }

  section(offset: number): Section {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.end) this.fail('La table des références du fichier PDF est hors du fichier.');
    if (this.text.startsWith('xref', offset)) {
      const section = this.table(offset);
      // Hybrid files: a classic table completed by a cross-reference stream.
      const xrefStm = section.trailer.get(PDFName.of('XRefStm'));
      if (xrefStm instanceof PDFNumber) section.entries.push(...this.stream(xrefStm.asNumber()).entries);
      return section;
    }
    return this.stream(offset);
  }

  async read(): Promise<PdfRevision> {
    const sections: Section[] = [];
    const xrefOffsets: number[] = [];
    for (let offset: number | null = this.startXref(); offset !== null; ) {
      if (xrefOffsets.includes(offset) || sections.length >= MAX_SECTIONS) this.fail('Les tables de références du fichier PDF forment une boucle.');
      xrefOffsets.push(offset);
      const section = this.section(offset);
      sections.push(section);
      const prev = section.trailer.get(PDFName.of('Prev'));
      offset = prev instanceof PDFNumber ? prev.asNumber() : null;
    }

    // Newest section first: the first entry met for an object number is the one in force.
    const current = new Map<number, Entry>();
    const redefined = new Set<number>();
    for (const section of sections) {
      for (const entry of section.entries) {
        if (entry.ref.objectNumber === 0) continue;
        if (current.has(entry.ref.objectNumber)) redefined.add(entry.ref.objectNumber);
        else current.set(entry.ref.objectNumber, entry);
      }
    }

    // Object streams first (they may hold extra objects), then the direct objects.
    const inStreams = [...current.values()].filter((e) => e.inObjectStream);
    for (const streamNumber of new Set(inStreams.map((e) => e.offset))) {
      const holder = current.get(streamNumber);
      if (!holder || holder.inObjectStream) this.fail('Un flux d’objets désigné par la table des références est introuvable.');
      const stream = this.objectAt(holder.offset, holder.ref);
      if (!(stream instanceof PDFRawStream)) this.fail('Un flux d’objets du fichier PDF est illisible.');
      try {
        await PDFObjectStreamParser.forStream(stream).parseIntoContext();
      } catch {
        this.fail('Un flux d’objets du fichier PDF est illisible.');
      }
    }
    for (const entry of current.values()) {
      if (!entry.inObjectStream) this.context.assign(entry.ref, this.objectAt(entry.offset, entry.ref));
    }
    // Only what the cross-reference sections designate belongs to the revision.
    for (const [ref] of this.context.enumerateIndirectObjects()) {
      const entry = current.get(ref.objectNumber);
      if (!entry || entry.ref.generationNumber !== ref.generationNumber) this.context.delete(ref);
    }
    this.checkStreamLengths();

    const trailer = sections[0]!.trailer;
    const catalog = this.context.lookupMaybe(trailer.get(PDFName.of('Root')), PDFDict);
    if (!catalog) this.fail('Le catalogue du document PDF est introuvable.');
    return { end: this.end, context: this.context, trailer, catalog, spans: this.spans, redefined: [...redefined], xrefOffsets };
  }

  /** Each stream must hold exactly /Length bytes: pdf-lib otherwise falls back to searching for `endstream`. */
  checkStreamLengths(): void {
    for (const [ref, object] of this.context.enumerateIndirectObjects()) {
      if (!(object instanceof PDFRawStream)) continue;
      const length = this.context.lookupMaybe(object.dict.get(PDFName.of('Length')), PDFNumber);
      if (!length || length.asNumber() !== object.contents.length) this.fail(`La longueur du flux de l’objet ${ref.objectNumber} ne correspond pas à son contenu.`);
    }
  }
}

/**
 * The revision of `bytes` that ends at `end` (exclusive): its last
 * cross-reference section is the one named by the `startxref` just before
 * `end`. Throws {@link PdfStructureError}.
 */
export async function readRevision(bytes: Uint8Array, end: number = bytes.length): Promise<PdfRevision> {
  if (end < 0 || end > bytes.length) throw new PdfStructureError('La révision demandée dépasse la fin du fichier.');
  return new RevisionReader(bytes, end).read();
}

/**
 * Object headers (`N G obj`) at the top level of [0, end): those that do not
 * lie inside an object the revision designates (a stream's data may contain
 * anything). Two headers for one object number mean a shadow definition.
 */
export function topLevelObjectHeaders(bytes: Uint8Array, revision: PdfRevision): Map<number, number[]> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, revision.end).toString('latin1');
  const spans = [...revision.spans.values()].sort((a, b) => a.start - b.start);
  const inside = (at: number): boolean => {
    // Binary search for the last span starting before `at`.
    let lo = 0;
    let hi = spans.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]!.start < at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && at < spans[found]!.end;
  };
  const headers = new Map<number, number[]>();
  for (const m of text.matchAll(new RegExp(`(?<![0-9])(\\d+)${WS}+(\\d+)${WS}+obj(?![A-Za-z])`, 'g'))) {
    if (inside(m.index)) continue;
    const n = Number(m[1]);
    headers.set(n, [...(headers.get(n) ?? []), m.index]);
  }
  return headers;
}
