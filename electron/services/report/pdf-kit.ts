/**
 * The drawing kit of the application's PDF documents (the quarterly report,
 * electron/services/report/pdf.ts, and the national summary,
 * national-pdf.ts): DejaVu fonts, A4 page geometry, DSFR colours, a cursor
 * that flows paragraphs, headings and tables across pages, the bar chart, the
 * deterministic document setup and the page stamps (header, footer,
 * « page x / y », mark). Extracted from pdf.ts without changing its output.
 *
 * Plain Node (reads the fonts), never imports electron.
 */
import fs from 'node:fs';
import path from 'node:path';
import { jsPDF } from 'jspdf';
import { preparseFont } from './jspdf-font-cache';
import { speedUpDocument } from './jspdf-speed';
import type { Meteo } from '../../../shared/domain/types';
import { BLUE, BOTTOM, CONTENT_W, FONT, GREEN, LIGHT, MARGIN_X, METEO_COLOURS, MUTED, PAGE_H, PAGE_W, RED, RULE, TEXT, TOP, type Rgb } from './pdf-geometry';
import { drawTable, wrapText, type TableOptions } from './pdf-table';
import { writeLines } from './pdf-text';
import { formatInteger } from '../../../shared/format/fr';
import { formatRatioCount, formatRatioPercent, type Implementation, type Ratio } from '../../../shared/report/report-model';

// The geometry and colours live in pdf-geometry.ts (shared with the tables); importable from here as before.
export * from './pdf-geometry';
export type { CellStyles, DrawnCell, TableCell, TableOptions } from './pdf-table';

// ---------------------------------------------------------------------------
// Fonts

export interface ReportFonts {
  readonly regular: Uint8Array;
  readonly bold: Uint8Array;
}

export const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;

/**
 * Where the fonts are: `seeds/fonts/` in the repository (tsx, vitest, CLI), or
 * a `fonts/` folder beside the bundle (the Electron build copies them there).
 */
export function defaultFontDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [
    path.join(here, 'fonts'),
    path.resolve(here, '..', '..', '..', 'seeds', 'fonts'),
    path.resolve(process.cwd(), 'seeds', 'fonts'),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, FONT_FILES.regular))) ?? candidates[1]!;
}

export function loadReportFonts(dir: string = defaultFontDir()): ReportFonts {
  const read = (file: string): Uint8Array => {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) throw new Error(`Police introuvable pour le rapport PDF : ${full}`);
    return new Uint8Array(fs.readFileSync(full));
  };
  const fonts = { regular: read(FONT_FILES.regular), bold: read(FONT_FILES.bold) };
  // Parsed here, once per process (jspdf-font-cache.ts): every document then starts from the parse.
  preparseFont(fonts.regular);
  preparseFont(fonts.bold);
  return fonts;
}

// ---------------------------------------------------------------------------
// Drawing context

/** A cursor on the document: `y` is where the next block goes; blocks break pages as needed. */
export class Writer {
  y = TOP;
  constructor(readonly doc: jsPDF) {}

  colour(c: Rgb): void {
    this.doc.setTextColor(c[0], c[1], c[2]);
  }
  font(style: 'normal' | 'bold', size: number, colour: Rgb = TEXT): void {
    this.doc.setFont(FONT, style);
    this.doc.setFontSize(size);
    this.colour(colour);
  }
  lineHeight(size: number): number {
    return size * 0.3528 * 1.25;
  }
  newPage(): void {
    this.doc.addPage('a4', 'portrait');
    this.y = TOP;
  }
  ensure(height: number): void {
    if (this.y + height > BOTTOM) this.newPage();
  }
  /** Wrapped paragraph at the cursor; breaks pages between lines. */
  paragraph(text: string, size: number, options: { style?: 'normal' | 'bold'; colour?: Rgb; x?: number; width?: number; after?: number } = {}): void {
    const x = options.x ?? MARGIN_X;
    this.font(options.style ?? 'normal', size, options.colour ?? TEXT);
    const lines = wrapText(this.doc, text, options.width ?? CONTENT_W - (x - MARGIN_X), size, options.style === 'bold');
    const lh = this.lineHeight(size);
    for (const line of lines) {
      this.ensure(lh);
      writeLines(this.doc, [line], x, this.y + lh * 0.8, options.style ?? 'normal', size, options.colour ?? TEXT);
      this.y += lh;
    }
    this.y += options.after ?? 1.5;
  }
  heading(text: string, level: 1 | 2 | 3): void {
    const size = level === 1 ? 16 : level === 2 ? 12.5 : 10.5;
    this.ensure(level === 1 ? 20 : level === 2 ? 45 : 30);
    this.paragraph(text, size, { style: 'bold', colour: BLUE, after: level === 1 ? 3 : 2 });
    if (level === 1) {
      this.doc.setDrawColor(RED[0], RED[1], RED[2]);
      this.doc.setLineWidth(0.6);
      this.doc.line(MARGIN_X, this.y - 1.5, MARGIN_X + 25, this.y - 1.5);
      this.y += 3;
    }
  }
  /** A table at the cursor (pdf-table.ts), breaking pages as needed; the cursor goes below it. */
  table(options: TableOptions): void {
    this.y = drawTable(this.doc, this.y, options) + 4;
  }
  meteoDot(meteo: Meteo, x: number, y: number, r = 1.4): void {
    const c = METEO_COLOURS[meteo];
    this.doc.setFillColor(c[0], c[1], c[2]);
    this.doc.setDrawColor(MUTED[0], MUTED[1], MUTED[2]);
    this.doc.setLineWidth(0.15);
    this.doc.circle(x, y, r, 'FD');
  }
}

// ---------------------------------------------------------------------------
// Pieces

export const percentText = (r: Ratio): string => (r.percent === null ? '—' : `${formatRatioPercent(r)} (${formatRatioCount(r)})`);
export const implementationText = (i: Implementation): string =>
  i.total === 0 ? 'Sans objet' : `${formatRatioPercent(i)} (${formatInteger(i.count)} réalisée${i.count > 1 ? 's' : ''} / ${formatInteger(i.total)})`;

/** Horizontal bars: completeness and implementation rate per row, 0–100 %. */
export function barChart(w: Writer, title: string, rows: readonly { label: string; completeness: Ratio; implementation: Ratio }[]): void {
  const { doc } = w;
  const labelW = 52;
  const chartX = MARGIN_X + labelW;
  const chartW = CONTENT_W - labelW - 14;
  const barH = 3.2;
  const rowH = 2 * barH + 3.2;
  const height = 16 + rows.length * rowH + 8;
  w.ensure(Math.min(height, BOTTOM - TOP));
  w.paragraph(title, 9.5, { style: 'bold', after: 1 });
  // Legend
  const legendY = w.y + 2;
  const legend = (x: number, colour: Rgb, text: string) => {
    doc.setFillColor(colour[0], colour[1], colour[2]);
    doc.rect(x, legendY - 2.2, 4, 2.6, 'F');
    w.font('normal', 7.5, TEXT);
    doc.text(text, x + 5.5, legendY);
  };
  legend(chartX, BLUE, 'Complétude des indicateurs');
  legend(chartX + 55, GREEN, 'Taux de mise en œuvre des actions');
  w.y += 6;
  // Grid
  const top = w.y;
  const bottom = top + rows.length * rowH;
  w.font('normal', 6.5, MUTED);
  for (const pct of [0, 25, 50, 75, 100]) {
    const x = chartX + (chartW * pct) / 100;
    doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
    doc.setLineWidth(pct === 0 ? 0.3 : 0.1);
    doc.line(x, top - 1, x, bottom);
    doc.text(`${pct}\u00a0%`, x, bottom + 3, { align: 'center' });
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH + 1;
    w.font('normal', 7.5, TEXT);
    const wrapped = doc.splitTextToSize(row.label, labelW - 3) as string[];
    const label = wrapped.length <= 2 ? wrapped : [wrapped[0]!, `${wrapped[1]!.replace(/\s*\S*$/, '')} …`];
    doc.text(label, MARGIN_X, y + barH * 0.9);
    const bar = (offset: number, r: Ratio, colour: Rgb) => {
      const by = y + offset;
      if (r.percent === null) {
        w.font('normal', 6.5, MUTED);
        doc.text('sans objet', chartX + 1, by + barH * 0.8);
        return;
      }
      const bw = Math.max(0, (chartW * Math.min(100, r.percent)) / 100);
      doc.setFillColor(colour[0], colour[1], colour[2]);
      if (bw > 0) doc.rect(chartX, by, bw, barH, 'F');
      w.font('normal', 6.5, TEXT);
      doc.text(formatRatioPercent(r), chartX + bw + 1.2, by + barH * 0.8);
    };
    bar(0, row.completeness, BLUE);
    bar(barH + 0.6, row.implementation, GREEN);
  });
  w.y = bottom + 8;
}

// ---------------------------------------------------------------------------
// Document

/** The cover's bloc-marque (text only: the Marianne logo is not shipped), and the issuing authority under it. */
export function blocMarque(w: Writer, authority: string | null): void {
  const { doc } = w;
  w.font('bold', 11, TEXT);
  doc.text(['RÉPUBLIQUE', 'FRANÇAISE'], MARGIN_X, 24);
  w.font('normal', 7, MUTED);
  doc.text('Liberté\nÉgalité\nFraternité', MARGIN_X, 35);
  doc.setDrawColor(BLUE[0], BLUE[1], BLUE[2]);
  doc.setLineWidth(0.8);
  doc.line(MARGIN_X, 47, MARGIN_X + 12, 47);
  doc.setDrawColor(RED[0], RED[1], RED[2]);
  doc.line(MARGIN_X + 12, 47, MARGIN_X + 24, 47);
  if (authority !== null) {
    w.font('bold', 13, TEXT);
    doc.text(authority, MARGIN_X, 57);
  }
}

/** The cover's three key figures in boxes (value large, label under), then the plan's reference; the cover ends there. */
export function coverKeyFigures(w: Writer, boxes: readonly [label: string, value: string][], referentialVersion: number): void {
  const doc = w.doc;
  const boxY = Math.max(w.y, 190);
  const bw = (CONTENT_W - 8) / 3;
  boxes.forEach(([label, value], i) => {
    const x = MARGIN_X + i * (bw + 4);
    doc.setFillColor(LIGHT[0], LIGHT[1], LIGHT[2]);
    doc.rect(x, boxY, bw, 24, 'F');
    w.font('bold', 18, BLUE);
    doc.text(value, x + bw / 2, boxY + 11, { align: 'center' });
    w.font('normal', 8.5, TEXT);
    doc.text(label, x + bw / 2, boxY + 18, { align: 'center' });
  });
  w.y = boxY + 32;
  w.paragraph(
    'Plan « quartiers de reconquête républicaine » — circulaire du Premier ministre n° 6280/SG du 24 juin 2021 ' +
      `et son vade-mecum « La République en actes » (référentiel version ${referentialVersion}).`,
    8.5,
    { colour: MUTED },
  );
}

/** PDF date `D:20261126100000+00'00'` (UTC: the same bytes whatever the machine's zone). */
export function pdfDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`Date de génération invalide : ${iso}`);
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+00'00'`;
}

/** A4 portrait document with the DejaVu fonts registered and a fixed creation date (same input, same bytes). */
export function createPdfDocument(fonts: ReportFonts, generatedAt: string): jsPDF {
  // Coordinates to a thousandth of a point (jsPDF writes 16 decimals by default): a third of the page content to compress and write.
  const doc = new jsPDF({ unit: 'mm', format: 'a4', orientation: 'portrait', compress: true, floatPrecision: 3 });
  // A binary string starting with the TrueType tag: jsPDF takes it as is (base64 would be encoded here and decoded there).
  doc.addFileToVFS(FONT_FILES.regular, Buffer.from(fonts.regular).toString('latin1'));
  doc.addFont(FONT_FILES.regular, FONT, 'normal');
  doc.addFileToVFS(FONT_FILES.bold, Buffer.from(fonts.bold).toString('latin1'));
  doc.addFont(FONT_FILES.bold, FONT, 'bold');
  speedUpDocument(doc, [
    [FONT, 'normal'],
    [FONT, 'bold'],
  ]);
  doc.setFont(FONT, 'normal');
  doc.setCreationDate(pdfDate(generatedAt));
  return doc;
}

/** Header (from page 2), footer rule and text, « page x / y », and an optional mark at the bottom of every page. */
export function stampPages(w: Writer, stamp: { readonly header: string; readonly footerLeft: string; readonly mark: string | null }): void {
  const { doc } = w;
  const total = doc.getNumberOfPages();
  for (let page = 1; page <= total; page++) {
    doc.setPage(page);
    if (page > 1) {
      w.font('normal', 7.5, MUTED);
      doc.text(stamp.header, MARGIN_X, 12);
      doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
      doc.setLineWidth(0.2);
      doc.line(MARGIN_X, 14, PAGE_W - MARGIN_X, 14);
    }
    doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
    doc.setLineWidth(0.2);
    doc.line(MARGIN_X, PAGE_H - 15, PAGE_W - MARGIN_X, PAGE_H - 15);
    w.font('normal', 7.5, MUTED);
    doc.text(stamp.footerLeft, MARGIN_X, PAGE_H - 10);
    doc.text(`page ${page} / ${total}`, PAGE_W - MARGIN_X, PAGE_H - 10, { align: 'right' });
    if (stamp.mark !== null) {
      w.font('bold', 8, RED);
      doc.text(stamp.mark, PAGE_W / 2, PAGE_H - 6, { align: 'center' });
    }
  }
}
