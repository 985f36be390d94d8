/**
 * Lines of text written straight into the page's content stream, the
 * operators jsPDF's own `text()` writes for them (font and size, leading,
 * colour, position, glyph codes), without its per-call machinery (options,
 * events, transformations): the tables and paragraphs of a report draw
 * thousands of lines.
 *
 * The glyph codes go through jsPDF's own encoder (pdfEscape16), which also
 * records the glyphs the embedded font subset needs. Lines jsPDF would reorder
 * or shape (right-to-left scripts) are left to `doc.text()`.
 *
 * Plain Node, never imports electron.
 */
import type { jsPDF } from 'jspdf';
import { FONT, type Rgb } from './pdf-geometry';

const K = 72 / 25.4;
const LINE_HEIGHT_FACTOR = 1.15;
/** Right-to-left and shaped scripts (Hebrew, Arabic and their presentation forms): jsPDF's bidi and shaping apply. */
const NEEDS_JSPDF = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;

/** A number as jsPDF writes it with `floatPrecision: 3` (pdf-kit.ts): fixed, trailing zeros dropped. */
const num = (n: number): string => n.toFixed(3).replace(/0+$/, '');
const colour = (c: Rgb): string =>
  c[0] === c[1] && c[1] === c[2] ? `${num(c[0] / 255)} g` : `${num(c[0] / 255)} ${num(c[1] / 255)} ${num(c[2] / 255)} rg`;

interface EmbeddedFont {
  readonly id: string;
  readonly metadata: { readonly cmap?: { readonly unicode?: { readonly codeMap: Record<number, number> } } };
}
interface DocFont {
  readonly id: string;
  /** Glyph codes of a line, as jsPDF encodes them (cached: each encoding also registers the glyphs once). */
  hex(line: string): string;
}

const fontsOf = new WeakMap<jsPDF, Map<string, DocFont>>();

function fontOf(doc: jsPDF, style: 'normal' | 'bold'): DocFont {
  let fonts = fontsOf.get(doc);
  if (!fonts) {
    fonts = new Map();
    fontsOf.set(doc, fonts);
  }
  let font = fonts.get(style);
  if (!font) {
    const embedded = (doc.internal as unknown as { getFont(family: string, style: string): EmbeddedFont }).getFont(FONT, style);
    const escape = (doc as unknown as { pdfEscape16(text: string, font: EmbeddedFont): string }).pdfEscape16.bind(doc);
    const codeMap = embedded.metadata.cmap?.unicode?.codeMap ?? {};
    const cache = new Map<string, string>();
    font = {
      id: embedded.id,
      hex: (line) => {
        let hex = cache.get(line);
        if (hex === undefined) {
          // jsPDF's Unicode text handler: characters the font maps (or below 256) are kept, others dropped.
          let kept = '';
          for (const ch of line) if (codeMap[ch.charCodeAt(0)] || ch.charCodeAt(0) < 256) kept += ch;
          hex = escape(kept, embedded);
          cache.set(line, hex);
        }
        return hex;
      },
    };
    fonts.set(style, font);
  }
  return font;
}

/**
 * `lines` from (x, y) millimetres (first baseline), one under the other at
 * jsPDF's line height, in the report font. Leaves jsPDF's own font and colour
 * state as it was (the next `doc.text()` sets its own).
 */
export function writeLines(doc: jsPDF, lines: readonly string[], x: number, y: number, style: 'normal' | 'bold', size: number, color: Rgb): void {
  if (lines.length === 0) return;
  if (lines.some((line) => NEEDS_JSPDF.test(line))) {
    doc.setFont(FONT, style);
    doc.setFontSize(size);
    doc.setTextColor(color[0], color[1], color[2]);
    doc.text([...lines], x, y);
    return;
  }
  const font = fontOf(doc, style);
  const pageHeight = doc.internal.pageSize.getHeight();
  const ops = ['BT', `/${font.id} ${size} Tf`, `${num(size * LINE_HEIGHT_FACTOR)} TL`, colour(color), `${num(x * K)} ${num((pageHeight - y) * K)} Td`];
  lines.forEach((line, i) => ops.push(`${i === 0 ? '' : 'T* '}<${font.hex(line)}> Tj`));
  ops.push('ET');
  (doc.internal as unknown as { write(text: string): void }).write(ops.join('\n'));
}
