/**
 * Tables of the application's PDF documents, drawn directly with jsPDF's
 * primitives (rect, text): the report's tables went through jspdf-autotable,
 * which built style objects, measured and wrapped every cell several times and
 * spent ~40 % of the report's drawing time doing so.
 *
 * Same look and same layout as the autotable « grid » theme the reports used
 * (pdf-kit.ts): the same column-width rule (fixed widths kept, the other
 * columns sized by their content and resized to fill the page's width, never
 * below their longest word when possible), the same wrapping (jsPDF's
 * splitTextToSize algorithm, word widths cached per font), the same cell
 * geometry, and the same page breaks: a row that does not fit goes to the next
 * page whole (split only when taller than a page), the header row repeated on
 * every page.
 *
 * Plain Node, never imports electron.
 */
import type { jsPDF } from 'jspdf';
import { BLUE, BOTTOM, FONT, MARGIN_X, PAGE_H, RULE, TEXT, TOP, type Rgb } from './pdf-geometry';
import { writeLines } from './pdf-text';

export interface Padding {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface CellStyles {
  readonly fontSize?: number;
  readonly fontStyle?: 'normal' | 'bold';
  readonly textColor?: Rgb;
  readonly fillColor?: Rgb;
  readonly halign?: 'left' | 'right' | 'center';
  readonly cellPadding?: number | Partial<Padding>;
  /** Fixed width in millimetres (column styles); otherwise sized by content. */
  readonly cellWidth?: number;
}

export type TableCell = string | { readonly content: string; readonly colSpan?: number; readonly styles?: CellStyles };

/** A body cell once drawn (for drawings on top of it: météo dots, sparklines). */
export interface DrawnCell {
  readonly row: number;
  readonly column: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface TableOptions {
  readonly head: readonly string[];
  readonly body: readonly (readonly TableCell[])[];
  /** Over the defaults, for every cell. */
  readonly styles?: CellStyles;
  /** Over `styles`, for the header row. */
  readonly headStyles?: CellStyles;
  /** Over `styles`, for the body cells of a column (by index). */
  readonly columnStyles?: Readonly<Record<number, CellStyles>>;
  readonly didDrawCell?: (cell: DrawnCell) => void;
}

// ---------------------------------------------------------------------------
// Styles

const WHITE: Rgb = [255, 255, 255];
const K = 72 / 25.4; // jsPDF's scale factor for millimetres
const LINE_HEIGHT_FACTOR = 1.15; // jsPDF's default, used by its multi-line text
/** A column never narrower than this when sized by content (autotable's default minimum). */
const MIN_AUTO_WIDTH = 10 / K;
const LINE_WIDTH = 0.15;
/**
 * jsPDF's A4 is 595.28 × 841.89 points, a little more than 210 × 297 mm: the
 * tables fill that exact width and break pages at that exact height (as
 * autotable did), so that the same text wraps and breaks the same way.
 */
const TABLE_W = 595.28 / K - 2 * MARGIN_X;
const TABLE_BOTTOM = 841.89 / K - (PAGE_H - BOTTOM);

interface Style {
  readonly fontSize: number;
  readonly bold: boolean;
  readonly textColor: Rgb;
  readonly fillColor: Rgb;
  readonly halign: 'left' | 'right' | 'center';
  readonly padding: Padding;
  readonly cellWidth: number | null;
}

const DEFAULT_STYLE: CellStyles = { fontSize: 7.5, fontStyle: 'normal', textColor: TEXT, fillColor: WHITE, halign: 'left', cellPadding: 1.3 };
const HEAD_STYLE: CellStyles = { fillColor: BLUE, textColor: WHITE, fontStyle: 'bold' };

function padding(value: number | Partial<Padding> | undefined, fallback: number): Padding {
  if (typeof value === 'number') return { top: value, right: value, bottom: value, left: value };
  return { top: value?.top ?? fallback, right: value?.right ?? fallback, bottom: value?.bottom ?? fallback, left: value?.left ?? fallback };
}

function resolve(layers: readonly (CellStyles | undefined)[]): Style {
  const s: { -readonly [K in keyof CellStyles]: CellStyles[K] } = {};
  for (const layer of layers) if (layer) Object.assign(s, layer);
  return {
    fontSize: s.fontSize!,
    bold: s.fontStyle === 'bold',
    textColor: s.textColor!,
    fillColor: s.fillColor!,
    halign: s.halign!,
    // A partial padding object takes its missing sides from 0 (autotable's rule), a number from itself.
    padding: padding(s.cellPadding, typeof s.cellPadding === 'object' ? 0 : 1.3),
    cellWidth: typeof s.cellWidth === 'number' ? s.cellWidth : null,
  };
}

// ---------------------------------------------------------------------------
// Measuring and wrapping

interface FontMetadata {
  characterToGlyph(code: number): number;
  widthOfGlyph(glyph: number): number;
  widthOfString(text: string, size: number, charSpace: number): number;
}

/**
 * Widths of one embedded font, in jsPDF's own arithmetic (same additions in
 * the same order), so the lines break where jsPDF's splitTextToSize breaks them.
 */
class Metrics {
  private readonly words = new Map<string, number>();
  constructor(private readonly font: FontMetadata) {}

  /** Width in millimetres at `size` points, as jsPDF's getTextWidth. */
  textWidth(text: string, size: number): number {
    return ((this.font.widthOfString(text, size, 0) / size) * size) / K;
  }
  private charUnits(code: number): number {
    return (this.font.widthOfGlyph(this.font.characterToGlyph(code)) || 0) / 1000;
  }
  private wordUnits(word: string): number {
    let width = this.words.get(word);
    if (width === undefined) {
      width = 0;
      for (let i = 0; i < word.length; i++) width += this.charUnits(word.charCodeAt(i));
      this.words.set(word, width);
    }
    return width;
  }

  /** jsPDF's splitTextToSize for one paragraph (no indent), `max` in font units. */
  private splitParagraph(text: string, max: number): string[] {
    const space = this.charUnits(32);
    let line: string[] = [];
    const lines: string[][] = [line];
    let lineLength = 0;
    let separator = 0;
    for (const word of text.split(' ')) {
      let wordLength = this.wordUnits(word);
      if (lineLength + separator + wordLength > max) {
        if (wordLength > max) {
          // A word longer than the line (a long file name): cut where it overflows, no hyphen.
          const widths = Array.from({ length: word.length }, (_, i) => this.charUnits(word.charCodeAt(i)));
          const pieces = splitLongWord(word, widths, max - (lineLength + separator), max);
          line.push(pieces.shift()!);
          line = [pieces.pop()!];
          while (pieces.length > 0) lines.push([pieces.shift()!]);
          wordLength = widths.slice(word.length - (line[0] ? line[0].length : 0)).reduce((a, b) => a + b, 0);
        } else {
          line = [word];
        }
        lines.push(line);
        lineLength = wordLength;
        separator = space;
      } else {
        line.push(word);
        lineLength += separator + wordLength;
        separator = space;
      }
    }
    return lines.map((l) => l.join(' '));
  }

  /** Lines of `paragraphs` within `width` millimetres at `size` points. */
  wrap(paragraphs: readonly string[], width: number, size: number): string[] {
    const max = (K * width) / size;
    const out: string[] = [];
    for (const p of paragraphs) out.push(...this.splitParagraph(p, max));
    return out;
  }
}

function splitLongWord(word: string, widths: readonly number[], firstLineMax: number, max: number): string[] {
  const answer: string[] = [];
  let i = 0;
  let working = 0;
  while (i !== word.length && working + widths[i]! < firstLineMax) {
    working += widths[i]!;
    i++;
  }
  answer.push(word.slice(0, i));
  let start = i;
  working = 0;
  while (i !== word.length) {
    if (working + widths[i]! > max) {
      answer.push(word.slice(start, i));
      working = 0;
      start = i;
    }
    working += widths[i]!;
    i++;
  }
  if (start !== i) answer.push(word.slice(start, i));
  return answer;
}

const metricsOf = new WeakMap<jsPDF, { normal: Metrics; bold: Metrics }>();

function metrics(doc: jsPDF): { normal: Metrics; bold: Metrics } {
  let m = metricsOf.get(doc);
  if (!m) {
    const internal = doc.internal as unknown as { getFont(family: string, style: string): { metadata: FontMetadata } };
    m = { normal: new Metrics(internal.getFont(FONT, 'normal').metadata), bold: new Metrics(internal.getFont(FONT, 'bold').metadata) };
    metricsOf.set(doc, m);
  }
  return m;
}

/** Lines of a paragraph within `width` millimetres, as jsPDF's splitTextToSize (with the same font and size). */
export function wrapText(doc: jsPDF, text: string, width: number, size: number, bold: boolean): string[] {
  return (bold ? metrics(doc).bold : metrics(doc).normal).wrap(text.split(/\r?\n/), width, size);
}

// ---------------------------------------------------------------------------
// Layout

interface LaidCell {
  readonly column: number;
  readonly colSpan: number;
  readonly style: Style;
  /** The content's lines (split on line breaks), then wrapped to the cell's width. */
  lines: string[];
  width: number;
}

interface LaidRow {
  readonly index: number;
  readonly cells: LaidCell[];
  height: number;
}

const vertical = (s: Style): number => s.padding.top + s.padding.bottom;
const horizontal = (s: Style): number => s.padding.left + s.padding.right;
const lineHeight = (s: Style): number => (s.fontSize / K) * LINE_HEIGHT_FACTOR;
const contentHeight = (s: Style, lines: number): number => lines * lineHeight(s) + vertical(s);

function parseRow(cells: readonly TableCell[], styleOf: (column: number, cell: TableCell) => Style, columns: number, index: number): LaidRow {
  const laid: LaidCell[] = [];
  let column = 0;
  for (const cell of cells) {
    if (column >= columns) break;
    const content = typeof cell === 'string' ? cell : cell.content;
    const colSpan = typeof cell === 'string' ? 1 : (cell.colSpan ?? 1);
    laid.push({ column, colSpan, style: styleOf(column, cell), lines: content.split(/\r\n|\r|\n/), width: 0 });
    column += colSpan;
  }
  return { index, cells: laid, height: 0 };
}

/** Column widths: autotable's rule (fixed widths kept; the others from their content, resized to fill the width). */
function columnWidths(doc: jsPDF, rows: readonly LaidRow[], columnStyles: TableOptions['columnStyles'], count: number): number[] {
  const m = metrics(doc);
  const wrapped = Array.from({ length: count }, () => 0);
  const minimum = Array.from({ length: count }, () => 0);
  const readable = Array.from({ length: count }, () => 0);
  const fixed = Array.from({ length: count }, () => 0);
  for (const row of rows) {
    for (const cell of row.cells) {
      const s = cell.style;
      if (s.cellWidth !== null) fixed[cell.column] = Math.max(fixed[cell.column]!, s.cellWidth);
      if (cell.colSpan !== 1) continue;
      const font = s.bold ? m.bold : m.normal;
      let content = 0;
      for (const line of cell.lines) content = Math.max(content, font.textWidth(line, s.fontSize));
      let word = 0;
      for (const w of cell.lines.join(' ').split(/[^\S\u00A0]+/)) word = Math.max(word, font.textWidth(w, s.fontSize));
      const min = s.cellWidth ?? MIN_AUTO_WIDTH;
      wrapped[cell.column] = Math.max(wrapped[cell.column]!, s.cellWidth ?? Math.max(content + horizontal(s), min));
      minimum[cell.column] = Math.max(minimum[cell.column]!, min);
      readable[cell.column] = Math.max(readable[cell.column]!, word + horizontal(s));
    }
  }
  // Columns holding only spanning cells take their declared width.
  for (let c = 0; c < count; c++) {
    const declared = columnStyles?.[c]?.cellWidth;
    if (wrapped[c] === 0 && typeof declared === 'number') {
      wrapped[c] = declared;
      minimum[c] = declared;
    } else if (wrapped[c] === 0) {
      wrapped[c] = MIN_AUTO_WIDTH;
      minimum[c] = MIN_AUTO_WIDTH;
    }
  }
  const widths = wrapped.map((w, c) => (fixed[c]! > 0 ? fixed[c]! : w));
  const resizable = widths.map((_, c) => c).filter((c) => fixed[c] === 0);
  let left = TABLE_W - widths.reduce((a, b) => a + b, 0);
  if (left) left = resize(resizable, widths, wrapped, left, (c) => Math.max(readable[c]!, minimum[c]!));
  if (left) resize(resizable, widths, wrapped, left, (c) => minimum[c]!);
  return widths;
}

/** Shares `left` among `columns` in proportion to their content width, none below its minimum; what could not be shared. */
function resize(columns: readonly number[], widths: number[], wrapped: readonly number[], left: number, min: (c: number) => number): number {
  const initial = left;
  const total = columns.reduce((a, c) => a + wrapped[c]!, 0);
  for (const c of columns) {
    const suggested = widths[c]! + initial * (wrapped[c]! / total);
    const next = suggested < min(c) ? min(c) : suggested;
    left -= next - widths[c]!;
    widths[c] = next;
  }
  left = Math.round(left * 1e10) / 1e10;
  if (left) {
    const still = columns.filter((c) => (left < 0 ? widths[c]! > min(c) : true));
    if (still.length > 0) left = resize(still, widths, wrapped, left, min);
  }
  return left;
}

/** Cell widths (spans added up), lines wrapped to them, row heights. */
function fit(doc: jsPDF, rows: readonly LaidRow[], widths: readonly number[]): void {
  const m = metrics(doc);
  for (const row of rows) {
    for (const cell of row.cells) {
      let width = 0;
      for (let c = cell.column; c < Math.min(widths.length, cell.column + cell.colSpan); c++) width += widths[c]!;
      cell.width = width;
      const s = cell.style;
      // autotable adds a point to the text's room (rounding).
      cell.lines = (s.bold ? m.bold : m.normal).wrap(cell.lines, width - horizontal(s) + 1 / K, s.fontSize);
      row.height = Math.max(row.height, contentHeight(s, cell.lines.length));
    }
  }
}

// ---------------------------------------------------------------------------
// Drawing

function drawRow(doc: jsPDF, row: LaidRow, y: number, widths: readonly number[], onCell: ((cell: DrawnCell) => void) | null): void {
  let x = MARGIN_X;
  let column = 0;
  for (const cell of row.cells) {
    while (column < cell.column) x += widths[column++]!;
    const s = cell.style;
    doc.setFillColor(s.fillColor[0], s.fillColor[1], s.fillColor[2]);
    doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
    doc.setLineWidth(LINE_WIDTH);
    doc.rect(x, y, cell.width, row.height, 'DF');
    const size = s.fontSize / K;
    const top = y + s.padding.top + size * (2 - LINE_HEIGHT_FACTOR);
    const style = s.bold ? 'bold' : 'normal';
    if (s.halign === 'left') {
      writeLines(doc, cell.lines, x + s.padding.left, top, style, s.fontSize, s.textColor);
    } else {
      const font = s.bold ? metrics(doc).bold : metrics(doc).normal;
      const right = s.halign === 'right' ? x + cell.width - s.padding.right : x + (cell.width - horizontal(s)) / 2 + s.padding.left;
      const share = s.halign === 'right' ? 1 : 0.5;
      cell.lines.forEach((line, i) =>
        writeLines(doc, [line], right - font.textWidth(line, s.fontSize) * share, top + i * size * LINE_HEIGHT_FACTOR, style, s.fontSize, s.textColor),
      );
    }
    onCell?.({ row: row.index, column: cell.column, x, y, width: cell.width, height: row.height });
    x += cell.width;
    column = cell.column + cell.colSpan;
  }
}

/** The part of `row` that fits in `room` millimetres; `row` keeps the rest (a row taller than a page). */
function takeFitting(row: LaidRow, room: number): LaidRow {
  const cells = row.cells.map((cell) => {
    const fits = Math.max(0, Math.floor((room - vertical(cell.style)) / lineHeight(cell.style)));
    const taken = { ...cell, lines: cell.lines.slice(0, fits) };
    cell.lines = cell.lines.slice(fits);
    return taken;
  });
  const first: LaidRow = { index: row.index, cells, height: Math.min(room, Math.max(...cells.map((c) => contentHeight(c.style, c.lines.length)))) };
  row.height = Math.max(...row.cells.map((c) => contentHeight(c.style, c.lines.length)));
  return first;
}

/**
 * Draws the table from `y` on the current page, adding pages as needed (the
 * header row on each); returns where the table ends.
 */
export function drawTable(doc: jsPDF, y: number, options: TableOptions): number {
  const count = options.head.length;
  const headStyle = resolve([DEFAULT_STYLE, options.styles, HEAD_STYLE, options.headStyles]);
  const head = parseRow(options.head, () => headStyle, count, -1);
  const bodyStyles = new Map<number, Style>();
  const bodyStyle = (column: number): Style => {
    let s = bodyStyles.get(column);
    if (!s) {
      s = resolve([DEFAULT_STYLE, options.styles, options.columnStyles?.[column]]);
      bodyStyles.set(column, s);
    }
    return s;
  };
  const body = options.body.map((cells, index) =>
    parseRow(cells, (column, cell) => (typeof cell === 'string' || !cell.styles ? bodyStyle(column) : resolve([DEFAULT_STYLE, options.styles, options.columnStyles?.[column], cell.styles])), count, index),
  );
  const widths = columnWidths(doc, [head, ...body], options.columnStyles, count);
  fit(doc, [head, ...body], widths);

  const onCell = options.didDrawCell ?? null;
  const maxRow = TABLE_BOTTOM - TOP - head.height;
  let cursor = y;
  const newPage = (): void => {
    doc.addPage('a4', 'portrait');
    cursor = TOP;
    drawRow(doc, head, cursor, widths, null);
    cursor += head.height;
  };
  if (cursor + head.height > TABLE_BOTTOM) {
    doc.addPage('a4', 'portrait');
    cursor = TOP;
  }
  drawRow(doc, head, cursor, widths, null);
  cursor += head.height;
  for (const row of body) {
    for (;;) {
      const room = TABLE_BOTTOM - cursor;
      if (row.height <= room) {
        drawRow(doc, row, cursor, widths, onCell);
        cursor += row.height;
        break;
      }
      const smallest = Math.max(...row.cells.map((c) => vertical(c.style) + lineHeight(c.style)));
      if (smallest < room && row.height > maxRow) {
        // Taller than a page: what fits here, the rest on the next page.
        const part = takeFitting(row, room);
        drawRow(doc, part, cursor, widths, onCell);
        cursor += part.height;
      }
      newPage();
    }
  }
  return cursor;
}
