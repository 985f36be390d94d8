/**
 * Each TrueType font parsed once per process, not once per document.
 *
 * jsPDF parses an embedded font (its cmap, metrics, glyph locations…) every
 * time a document adds it: ~60 ms for each DejaVu font at every report. The
 * parsed font does not change afterwards; what a document changes is its own
 * record of the glyphs it used (`toUnicode`, the subset, the width table and
 * used-glyph list that jsPDF sets on it). So the parse is kept, by content, and
 * each document gets a shallow copy of it (the parsed tables shared), with its own record.
 *
 * Process-wide (like jspdf-speed.ts): every jsPDF document of the main
 * process / CLI uses it. Plain Node, never imports electron.
 */
import { createHash } from 'node:crypto';
import { jsPDF } from 'jspdf';

interface ParsedFont {
  subset: object;
  toUnicode: Record<number, number>;
}
interface TtfFontClass {
  open(data: Uint8Array): ParsedFont;
}

const TTFFont = (jsPDF.API as unknown as { TTFFont: TtfFontClass }).TTFFont;
const parseFont = TTFFont.open.bind(TTFFont);
const parsed = new Map<string, ParsedFont>();
/** Each document's copy → the parse it was copied from. */
const baseOf = new WeakMap<object, ParsedFont>();

/** The font parsed once for `data` (by content). */
function parsedFont(data: Uint8Array): ParsedFont {
  const key = createHash('sha256').update(data).digest('hex');
  let font = parsed.get(key);
  if (!font) {
    font = parseFont(data);
    parsed.set(key, font);
  }
  return font;
}

TTFFont.open = (data: Uint8Array): ParsedFont => {
  const base = parsedFont(data);
  // A shallow copy (jsPDF asks `hasOwnProperty('cmap')`): the parsed tables are shared, never changed.
  const font = Object.assign(Object.create(Object.getPrototypeOf(base) as object), base) as ParsedFont;
  baseOf.set(font, base);
  // What a document records of its own use of the font (jsPDF sets Unicode and glyIdsUsed itself, on `font`).
  font.toUnicode = {};
  font.subset = new (base.subset.constructor as new (f: ParsedFont) => object)(font);
  return font;
};

/** The parse a document's font inherits from, to share what depends on the font alone (glyph widths). */
export function parsedBaseOf(metadata: object): object | null {
  return baseOf.get(metadata) ?? null;
}

/** Parses `font` now (a TrueType file's bytes), e.g. when the fonts are loaded, so the first document does not. */
export function preparseFont(font: Uint8Array): void {
  parsedFont(font);
}
