/**
 * jsPDF made fast for our documents, without changing what it draws.
 *
 * Profiling the quarterly report (55 pages, ~1,500 table cells) showed most of
 * jsPDF's time going to work that does not depend on the document:
 * - its Flate filter compresses with fflate in JavaScript and rebuilds the
 *   result string byte by byte (`reduce(… + String.fromCharCode)`): node:zlib
 *   does the same deflate natively;
 * - every string width walks the TrueType tables glyph by glyph, again for the
 *   same cell texts (autoTable measures each cell several times);
 * - every character drawn is pushed to the font's list of used glyphs (tens
 *   of thousands of duplicates that the subsetter then walks) and searched
 *   linearly in its width table;
 * - autoTable asks for the font list at every cell, which jsPDF rebuilds;
 * - the Arabic shaper runs on every text, Arabic or not.
 * Each fix below keeps jsPDF's own result: same widths, same glyph subset,
 * same operators; Arabic text still goes through the shaper.
 *
 * Plain Node, never imports electron.
 */
import zlib from 'node:zlib';
import { jsPDF } from 'jspdf';
import { parsedBaseOf } from './jspdf-font-cache';

interface Filtered {
  data: string;
  reverseChain: string;
}
interface TtfMetadata {
  characterToGlyph(code: number): number;
  widthOfGlyph(glyph: number): number;
  widthOfString(text: string, size: number, charSpace: number): number;
  glyIdsUsed: number[];
  Unicode: { widths: unknown[] };
}
interface PubSub {
  getTopics(): Record<string, Record<string, [(...args: unknown[]) => void, boolean]>>;
  unsubscribe(token: string): boolean;
  subscribe(topic: string, callback: (...args: unknown[]) => void): string;
}
type Api = typeof jsPDF.API & {
  processDataByFilters: (this: unknown, data: string, filters?: string | string[]) => Filtered;
  processArabic?: (args: unknown) => unknown;
};

const api = jsPDF.API as Api;
const originalFilters = api.processDataByFilters;
const isFlate = (filters: string | string[] | undefined): boolean => {
  const chain = typeof filters === 'string' ? [filters] : (filters ?? []);
  return chain.length === 1 && (chain[0] === 'FlateEncode' || chain[0] === '/FlateEncode');
};
// Process-wide, once: every jsPDF document of the main process / CLI is ours.
// The same zlib stream format (RFC 1950) as fflate's zlibSync, at the same default level.
api.processDataByFilters = function (this: unknown, data: string, filters?: string | string[]): Filtered {
  if (!isFlate(filters)) return originalFilters.call(this, data, filters);
  return { data: zlib.deflateSync(Buffer.from(data ?? '', 'latin1')).toString('latin1'), reverseChain: '/FlateDecode' };
};

/** Letters the Arabic shaper acts on (Arabic, Arabic Supplement, presentation forms). */
const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;
const hasArabic = (text: unknown): boolean =>
  typeof text === 'string' ? ARABIC.test(text) : Array.isArray(text) ? text.some((t) => hasArabic(Array.isArray(t) ? t[0] : t)) : false;

/** `compute` cached by key; past `limit` entries the cache starts again (a long-lived process measures many texts). */
function memo<K, V>(compute: (key: K) => V, limit = Number.POSITIVE_INFINITY): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      if (cache.size >= limit) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}

/** Texts whose width is kept per font (shared by the documents of the process). */
const TEXT_WIDTHS_KEPT = 100_000;

interface FontMemos {
  readonly glyphOf: (code: number) => number;
  readonly widthOf: (glyph: number) => number;
  readonly unitSum: (text: string) => number;
}
/** By parsed font (jspdf-font-cache.ts): glyphs and widths depend on the font alone, so documents share them. */
const fontMemos = new WeakMap<object, FontMemos>();

function memosOf(metadata: TtfMetadata): FontMemos {
  const base = parsedBaseOf(metadata);
  let memos = base ? fontMemos.get(base) : undefined;
  if (!memos) {
    const glyphOf = memo(metadata.characterToGlyph.bind(metadata));
    const widthOf = memo(metadata.widthOfGlyph.bind(metadata));
    // jsPDF's own loop (same additions in the same order: the same float), summed once per text.
    const unitSum = memo((text: string): number => {
      let width = 0;
      for (let i = 0; i < text.length; i++) width += widthOf(glyphOf(text.charCodeAt(i))) || 0;
      return width;
    }, TEXT_WIDTHS_KEPT);
    memos = { glyphOf, widthOf, unitSum };
    if (base) fontMemos.set(base, memos);
  }
  return memos;
}

/** Glyph lookups and string widths of one embedded TrueType font, cached; its used-glyph list without duplicates. */
function speedUpFont(metadata: TtfMetadata): void {
  const { glyphOf, widthOf, unitSum } = memosOf(metadata);
  metadata.characterToGlyph = glyphOf;
  metadata.widthOfGlyph = widthOf;
  const widthOfString = metadata.widthOfString.bind(metadata);
  metadata.widthOfString = (text, size, charSpace) => (charSpace ? widthOfString(text, size, charSpace) : unitSum(`${text}`) * (size / 1000));

  const used = metadata.glyIdsUsed;
  const seen = new Set(used);
  Object.defineProperty(used, 'push', {
    value: (...ids: number[]): number => {
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        Array.prototype.push.call(used, id);
      }
      return used.length;
    },
  });
  // The width table is [glyph, [width], glyph, [width], …]; pdfEscape16 only asks whether a glyph is in it.
  const widths = metadata.Unicode.widths;
  const listed = new Set(widths.filter((w) => typeof w === 'number'));
  Object.defineProperties(widths, {
    push: {
      value: (...items: unknown[]): number => {
        for (const item of items) if (typeof item === 'number') listed.add(item);
        return Array.prototype.push.apply(widths, items);
      },
    },
    indexOf: { value: (item: unknown): number => (typeof item === 'number' && !listed.has(item) ? -1 : Array.prototype.indexOf.call(widths, item)) },
  });
}

interface TextPayload {
  text: unknown;
  options?: Record<string, unknown>;
  mutex: { activeFontKey: string; isHex?: boolean };
}

/** What the text handlers read from the options (bidi: jsPDF defaults isInputVisual to true). */
const BIDI_OPTIONS = ['isInputVisual', 'isOutputVisual', 'isInputRtl', 'isOutputRtl', 'isSymmetricSwapping'] as const;

/**
 * jsPDF turns every text into glyph codes (its « postProcessText » handlers:
 * the Unicode font's encoder, then the bidi reordering), character by
 * character, at every call — the same table labels hundreds of times. Both
 * handlers treat each line on its own and depend only on the line, the font
 * and the bidi options, so each line is encoded once per font and reused. The
 * first encoding still runs jsPDF's own handlers (which record the glyphs the
 * font subset needs).
 */
function memoizeTextEncoding(events: PubSub): void {
  const subscribed = Object.entries(events.getTopics().postProcessText ?? {});
  if (subscribed.length === 0) return;
  for (const [token] of subscribed) events.unsubscribe(token);
  const handlers = subscribed.map(([, [callback]]) => callback);
  const cache = new Map<string, { text: unknown; isHex: boolean | undefined }>();
  const encode = (payload: TextPayload, line: unknown, key: string): { text: unknown; isHex: boolean | undefined } => {
    let done = cache.get(key);
    if (!done) {
      const single: TextPayload = { ...payload, text: line, mutex: { ...payload.mutex } };
      for (const handler of handlers) handler(single);
      done = { text: single.text, isHex: single.mutex.isHex };
      cache.set(key, done);
    }
    return done;
  };
  events.subscribe('postProcessText', (arg: unknown) => {
    const payload = arg as TextPayload;
    const options = payload.options ?? {};
    const prefix = `${payload.mutex.activeFontKey}\u0000${BIDI_OPTIONS.map((k) => String(k === 'isInputVisual' && typeof options[k] !== 'boolean' ? true : options[k])).join(',')}\u0000`;
    const keyOf = (line: unknown): string | null => (typeof line === 'string' ? `${prefix}s${line}` : Array.isArray(line) && line.every((x) => typeof x === 'string' || typeof x === 'number') ? `${prefix}a${JSON.stringify(line)}` : null);
    const lines = Array.isArray(payload.text) ? payload.text : null;
    const keys = lines ? lines.map((line: unknown) => keyOf(line)) : [keyOf(payload.text)];
    if (options.isInputVisual === undefined && payload.options) payload.options.isInputVisual = true; // as the bidi handler does
    if (keys.some((k) => k === null)) {
      for (const handler of handlers) handler(payload); // anything else: jsPDF's own way
      return;
    }
    if (!lines) {
      const done = encode(payload, payload.text, keys[0]!);
      payload.text = done.text;
      if (done.isHex !== undefined) payload.mutex.isHex = done.isHex;
      return;
    }
    // One line at a time, as the handlers do themselves for a list of lines.
    const encoded = lines.map((line: unknown, i: number) => encode(payload, [line], keys[i]!));
    payload.text = encoded.map((e) => (e.text as unknown[])[0]);
    const isHex = encoded.find((e) => e.isHex !== undefined)?.isHex;
    if (isHex !== undefined) payload.mutex.isHex = isHex;
  });
}

/**
 * Each finished page kept as one string (its operators joined, as jsPDF joins
 * them when it writes the file) instead of an array of hundreds of small
 * strings: the national report has ~15,000 pages. Whatever is drawn on a page
 * later (header, footer, « page x / y ») is appended after it, as before.
 */
function compactFinishedPages(doc: jsPDF, events: PubSub): void {
  const pages = (doc.internal as unknown as { pages: (string[] | undefined)[] }).pages;
  let next = 1;
  events.subscribe('addPage', () => {
    for (; next < pages.length - 1; next++) {
      const page = pages[next];
      if (page && page.length > 1) page.splice(0, page.length, page.join('\n'));
    }
  });
}

/**
 * Applies the caches to `doc`, once its fonts are added (they are looked up by
 * family and style). Call before drawing anything.
 */
export function speedUpDocument(doc: jsPDF, fonts: readonly (readonly [family: string, style: string])[]): void {
  const internal = doc.internal as unknown as {
    events: PubSub;
    getFont(family: string, style: string): { metadata: TtfMetadata };
  };
  for (const [family, style] of fonts) speedUpFont(internal.getFont(family, style).metadata);

  // The font list does not change once the fonts are added: built once.
  const fontList = doc.getFontList();
  doc.getFontList = () => fontList;

  // The Arabic shaper only when there is Arabic to shape.
  const shaper = api.processArabic;
  if (shaper) {
    const topics = internal.events.getTopics();
    for (const [token, [callback]] of Object.entries(topics.preProcessText ?? {})) {
      if (callback !== shaper) continue;
      internal.events.unsubscribe(token);
      internal.events.subscribe('preProcessText', (args: unknown) => {
        if (hasArabic((args as { text?: unknown }).text)) shaper(args);
      });
    }
  }
  memoizeTextEncoding(internal.events);
  compactFinishedPages(doc, internal.events);

  // Widths: jsPDF's getStringUnitWidth, with the same Arabic guard (widths themselves are cached per font).
  const unitWidth = doc.getStringUnitWidth.bind(doc);
  const fontOf = doc.internal as unknown as { getFont(): { metadata: TtfMetadata }; getFontSize(): number; getCharSpace(): number };
  doc.getStringUnitWidth = (text: string, options?: { font?: unknown; fontSize?: number; charSpace?: number }): number => {
    if (options || hasArabic(text) || fontOf.getCharSpace()) return unitWidth(text, options);
    const font = fontOf.getFont();
    if (typeof font.metadata?.widthOfString !== 'function') return unitWidth(text);
    const size = fontOf.getFontSize();
    return font.metadata.widthOfString(text, size, 0) / size;
  };
}
