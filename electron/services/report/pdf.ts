/**
 * The quarterly report as a PDF, drawn with jsPDF (plain Node: usable by the
 * application, the CLI, the benchmarks and the tests).
 *
 * - Typography: DejaVu Sans (regular + bold) embedded from seeds/fonts/: the
 *   PDF's standard fonts are WinAnsi and cannot print U+202F, which Intl puts
 *   in every French number (`1 234,56 €`). jsPDF embeds only the glyphs used.
 * - Deterministic: the same model and options give the same bytes (creation
 *   date taken from `options.generatedAt`, file identifier derived from the
 *   content, no random identifiers), so the output can be tested byte for byte.
 * - Unsigned exports carry « Document non signé » on every page.
 * - The optional visible signature block is drawn on the last page at
 *   {@link SIGNATURE_BLOCK_RECT}; sign.ts puts the signature widget there.
 *
 * Every text is French; numbers and dates go through shared/format.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jsPDF } from 'jspdf';
import { autoTable, type CellInput, type RowInput, type Styles, type UserOptions } from 'jspdf-autotable';
import type { ActionStatus, Meteo } from '../../../shared/domain/types';
import { formatDate, formatDateTime, formatInteger, plural } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import {
  formatRatioCount,
  formatRatioPercent,
  type Implementation,
  type Ratio,
  type ReportModel,
  type ReportQrr,
} from '../../../shared/report/report-model';

// ---------------------------------------------------------------------------
// Fonts

export interface ReportFonts {
  readonly regular: Uint8Array;
  readonly bold: Uint8Array;
}

export const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
const FONT = 'DejaVuSans';

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
  return { regular: read(FONT_FILES.regular), bold: read(FONT_FILES.bold) };
}

// ---------------------------------------------------------------------------
// Options

export interface RenderReportOptions {
  /** When the report is established (ISO 8601): cover date, footer, PDF creation date. */
  readonly generatedAt: string;
  /** Defaults to {@link loadReportFonts}(). */
  readonly fonts?: ReportFonts;
  /** Named on the cover; defaults to the prefect (settings). */
  readonly signatory?: { readonly name: string; readonly title: string };
  /** The PDF is going to be signed: no « Document non signé » mark. Default false. */
  readonly signed?: boolean;
  /** Visible signature block on the last page (only meaningful when `signed`). `date` is ISO 8601. */
  readonly signatureBlock?: { readonly name: string; readonly title: string; readonly date: string };
  /** Shown in the PDF's Creator field. */
  readonly appVersion?: string;
}

const MM_TO_PT = 72 / 25.4;
const PAGE_W = 210;
const PAGE_H = 297;
const MARGIN_X = 15;
const CONTENT_W = PAGE_W - 2 * MARGIN_X;
const TOP = 22;
const BOTTOM = 277;

/** The visible signature block, in millimetres from the top-left of the last page. */
export const SIGNATURE_BLOCK_MM = { x: 105, y: 222, w: 90, h: 42 } as const;
/** The same rectangle in PDF user space (points, origin bottom-left): [x1, y1, x2, y2]. */
export const SIGNATURE_BLOCK_RECT: readonly [number, number, number, number] = [
  round2(SIGNATURE_BLOCK_MM.x * MM_TO_PT),
  round2((PAGE_H - SIGNATURE_BLOCK_MM.y - SIGNATURE_BLOCK_MM.h) * MM_TO_PT),
  round2((SIGNATURE_BLOCK_MM.x + SIGNATURE_BLOCK_MM.w) * MM_TO_PT),
  round2((PAGE_H - SIGNATURE_BLOCK_MM.y) * MM_TO_PT),
];
function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export const UNSIGNED_MARK = 'Document non signé';

// ---------------------------------------------------------------------------
// Colours (DSFR)

type Rgb = readonly [number, number, number];
const BLUE: Rgb = [0, 0, 145];
const RED: Rgb = [225, 0, 15];
const TEXT: Rgb = [30, 30, 30];
const MUTED: Rgb = [102, 102, 102];
const RULE: Rgb = [200, 200, 200];
const LIGHT: Rgb = [238, 238, 248];
const GREEN: Rgb = [24, 117, 60];
const METEO_COLOURS: Readonly<Record<Meteo, Rgb>> = {
  soleil: [255, 196, 0],
  couvert: [160, 180, 215],
  nuage: [120, 120, 120],
  orage: [106, 27, 118],
  non_renseignee: [255, 255, 255],
};

// ---------------------------------------------------------------------------
// Drawing context

interface TocEntry {
  readonly title: string;
  readonly level: 0 | 1;
  page: number;
}

class Writer {
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
    const lines = this.doc.splitTextToSize(text, options.width ?? CONTENT_W - (x - MARGIN_X)) as string[];
    const lh = this.lineHeight(size);
    for (const line of lines) {
      this.ensure(lh);
      this.doc.text(line, x, this.y + lh * 0.8);
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
  table(options: Omit<UserOptions, 'startY' | 'margin'>): void {
    autoTable(this.doc, {
      theme: 'grid',
      startY: this.y,
      margin: { top: TOP, bottom: PAGE_H - BOTTOM, left: MARGIN_X, right: MARGIN_X },
      rowPageBreak: 'avoid',
      ...options,
      styles: {
        font: FONT,
        fontStyle: 'normal',
        fontSize: 7.5,
        cellPadding: 1.3,
        overflow: 'linebreak',
        textColor: [TEXT[0], TEXT[1], TEXT[2]],
        lineColor: [RULE[0], RULE[1], RULE[2]],
        lineWidth: 0.15,
        valign: 'top',
        ...options.styles,
      },
      headStyles: { fillColor: [BLUE[0], BLUE[1], BLUE[2]], textColor: [255, 255, 255], fontStyle: 'bold', ...options.headStyles },
    });
    const finalY = (this.doc as unknown as { lastAutoTable?: { finalY?: number } }).lastAutoTable?.finalY;
    this.y = (finalY ?? this.y) + 4;
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

const percentText = (r: Ratio): string => (r.percent === null ? '—' : `${formatRatioPercent(r)} (${formatRatioCount(r)})`);
const implementationText = (i: Implementation): string =>
  i.total === 0 ? 'Sans objet' : `${formatRatioPercent(i)} (${formatInteger(i.count)} réalisée${i.count > 1 ? 's' : ''} / ${formatInteger(i.total)})`;

/** Horizontal bars: completeness and implementation rate per row, 0–100 %. */
function barChart(w: Writer, title: string, rows: readonly { label: string; completeness: Ratio; implementation: Ratio }[]): void {
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

function cover(w: Writer, model: ReportModel, options: RenderReportOptions, signatory: { name: string; title: string }): void {
  const { doc } = w;
  // Bloc-marque (text only: the Marianne logo is not shipped).
  w.font('bold', 11, TEXT);
  doc.text(['RÉPUBLIQUE', 'FRANÇAISE'], MARGIN_X, 24);
  w.font('normal', 7, MUTED);
  doc.text('Liberté\nÉgalité\nFraternité', MARGIN_X, 35);
  doc.setDrawColor(BLUE[0], BLUE[1], BLUE[2]);
  doc.setLineWidth(0.8);
  doc.line(MARGIN_X, 47, MARGIN_X + 12, 47);
  doc.setDrawColor(RED[0], RED[1], RED[2]);
  doc.line(MARGIN_X + 12, 47, MARGIN_X + 24, 47);
  w.font('bold', 13, TEXT);
  doc.text(model.departement.prefecture, MARGIN_X, 57);

  w.y = 92;
  w.paragraph('Tableau de bord des quartiers de reconquête républicaine', 22, { style: 'bold', colour: BLUE, after: 4 });
  w.paragraph(`Rapport trimestriel — ${model.period.label}`, 15, { style: 'bold', after: 8 });
  w.paragraph(`Département : ${model.departement.nom} (${model.departement.code})`, 11, { after: 2 });
  w.paragraph(`Période : ${model.period.label} (période ${model.period.stateLabel})`, 11, { after: 2 });
  w.paragraph(
    `Quartiers de reconquête républicaine suivis : ${model.qrrs.length === 0 ? 'aucun' : model.qrrs.map((q) => q.name + (q.archived ? ' (archivé)' : '')).join(', ')}`,
    11,
    { after: 2 },
  );
  w.paragraph(`Établi le ${formatDate(options.generatedAt)}`, 11, { after: 2 });
  w.paragraph(`Signataire : ${signatory.name ? `${signatory.name}, ` : ''}${signatory.title}`, 11, { after: 8 });

  // Key figures
  const boxY = Math.max(w.y, 190);
  const boxes: [string, string][] = [
    ['Complétude des indicateurs', formatRatioPercent(model.completeness)],
    ['Taux de mise en œuvre', formatRatioPercent(model.implementation)],
    ['Points à compléter', formatInteger(model.missing.count)],
  ];
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
      `et son vade-mecum « La République en actes » (référentiel version ${model.referentialVersion}).`,
    8.5,
    { colour: MUTED },
  );
}

function synthesis(w: Writer, model: ReportModel): void {
  w.heading('Synthèse départementale', 1);
  w.paragraph(
    `${plural(model.qrrs.length, 'quartier suivi', 'quartiers suivis')}. Complétude des indicateurs : ${percentText(model.completeness)}. ` +
      `Taux de mise en œuvre des actions (réalisées sur actions applicables, hors « sans objet ») : ${implementationText(model.implementation)}.`,
    9.5,
    { after: 3 },
  );
  w.table({
    head: [['Quartier', 'Complétude', 'Mise en œuvre', 'Soleil', 'Couvert', 'Nuage', 'Orage', 'Non renseignée']],
    body: model.qrrs.map((q) => [
      q.name + (q.archived ? ' (archivé)' : ''),
      percentText(q.completeness),
      implementationText(q.implementation),
      formatInteger(q.meteoCounts.soleil),
      formatInteger(q.meteoCounts.couvert),
      formatInteger(q.meteoCounts.nuage),
      formatInteger(q.meteoCounts.orage),
      formatInteger(q.meteoCounts.non_renseignee),
    ]),
    columnStyles: { 0: { cellWidth: 42 }, 3: { halign: 'right' }, 4: { halign: 'right' }, 5: { halign: 'right' }, 6: { halign: 'right' }, 7: { halign: 'right' } },
  });
  barChart(
    w,
    'Par engagement, tous quartiers confondus',
    model.engagements.map((e) => ({ label: `${e.code} — ${e.title}`, completeness: e.completeness, implementation: e.implementation })),
  );
  w.heading('Avant transmission', 3);
  if (model.missing.ready) w.paragraph('Toutes les données de la période sont renseignées.', 9.5);
  else {
    w.paragraph(`${model.missing.summary.join(' ')} Le détail figure en fin de rapport (« Points à compléter avant transmission »).`, 9.5);
  }
}

function engagementPage(w: Writer, model: ReportModel, index: number): void {
  const e = model.engagements[index]!;
  w.heading(`Engagement ${e.code} — ${e.title}`, 1);
  w.paragraph(
    `${plural(e.actionCount, 'action')}, ${plural(e.indicatorCount, 'indicateur')}. ` +
      `Complétude départementale : ${percentText(e.completeness)}. Taux de mise en œuvre : ${implementationText(e.implementation)}.`,
    9.5,
    { after: 3 },
  );
  const meteoColumn = 3;
  w.table({
    head: [['Quartier', 'Complétude', 'Mise en œuvre', 'Météo', 'Tendance']],
    body: e.byQrr.map((b) => [b.qrrName, percentText(b.completeness), implementationText(b.implementation), b.meteoLabel, b.trendLabel ?? '—']),
    columnStyles: { 0: { cellWidth: 50 }, [meteoColumn]: { cellPadding: { top: 1.3, bottom: 1.3, left: 5.5, right: 1.3 } } },
    didDrawCell: (data) => {
      if (data.section === 'body' && data.column.index === meteoColumn) {
        const meteo = e.byQrr[data.row.index]?.meteo;
        if (meteo) w.meteoDot(meteo, data.cell.x + 2.8, data.cell.y + 2.9);
      }
    },
  });
  barChart(
    w,
    'Complétude des indicateurs et taux de mise en œuvre par quartier',
    e.byQrr.map((b) => ({ label: b.qrrName, completeness: b.completeness, implementation: b.implementation })),
  );
  // Side by side, when the quartiers fit in the width.
  const qrrs = model.qrrs;
  if (qrrs.length >= 1 && qrrs.length <= MATRIX_MAX_QRRS) {
    const qrrW = Math.min(40, (CONTENT_W - 11 - 55) / qrrs.length);
    w.heading(`Indicateurs du ${model.period.label} par quartier`, 3);
    w.table({
      head: [['Code', 'Indicateur', ...qrrs.map((q) => q.name)]],
      body: qrrs[0]!.engagements[index]!.indicators.map((indicator, row): RowInput => [
        indicator.code,
        indicator.label,
        ...qrrs.map((q): CellInput => {
          const cell = q.engagements[index]!.indicators[row]!;
          return { content: cell.valueText, styles: cell.complete ? {} : { textColor: [RED[0], RED[1], RED[2]] } };
        }),
      ]),
      columnStyles: { 0: { cellWidth: 11 }, ...Object.fromEntries(qrrs.map((_, i) => [i + 2, { cellWidth: qrrW }])) },
    });
    w.heading('Actions réalisées par quartier', 3);
    w.table({
      head: [['Code', 'Action', ...qrrs.map((q) => q.name)]],
      body: qrrs[0]!.engagements[index]!.actions.map((action, row): RowInput => [
        action.code,
        action.label,
        ...qrrs.map((q): CellInput => {
          const a = q.engagements[index]!.actions[row]!;
          return { content: a.statusLabel, styles: statusStyle(a.status) };
        }),
      ]),
      columnStyles: { 0: { cellWidth: 15 }, ...Object.fromEntries(qrrs.map((_, i) => [i + 2, { cellWidth: Math.min(qrrW, 26) }])) },
    });
  }
}

/** Side-by-side tables on the engagement pages up to this many quartiers. */
const MATRIX_MAX_QRRS = 4;

function statusStyle(status: ActionStatus | null): Partial<Styles> {
  switch (status) {
    case null:
      return { textColor: [RED[0], RED[1], RED[2]] };
    case 'realisee':
      return { textColor: [GREEN[0], GREEN[1], GREEN[2]], fontStyle: 'bold' };
    case 'sans_objet':
      return { textColor: [MUTED[0], MUTED[1], MUTED[2]] };
    default:
      return {};
  }
}

function qrrSection(w: Writer, model: ReportModel, q: ReportQrr): void {
  w.heading(`Quartier : ${q.name}${q.archived ? ' (archivé)' : ''}`, 1);
  const identity = [
    q.communes.length > 0 ? `Commune${q.communes.length > 1 ? 's' : ''} : ${q.communes.join(', ')}` : null,
    q.qpvCodes.length > 0 ? `QPV : ${q.qpvCodes.join(', ')}` : null,
    q.population !== null ? `Population : ${formatInteger(q.population)} habitants` : null,
  ].filter((s): s is string => s !== null);
  if (identity.length > 0) w.paragraph(identity.join(' — '), 9, { colour: MUTED, after: 2 });
  w.paragraph(
    `Complétude des indicateurs : ${percentText(q.completeness)}. Taux de mise en œuvre : ${implementationText(q.implementation)}.`,
    9.5,
    { after: 3 },
  );
  w.table({
    head: [['Engagement', 'Complétude', 'Mise en œuvre', 'Météo', 'Tendance']],
    body: q.engagements.map((e) => [`${e.code} — ${e.title}`, percentText(e.completeness), implementationText(e.implementation), e.assessment.meteoLabel, e.assessment.trendLabel ?? '—']),
    columnStyles: { 0: { cellWidth: 70 }, 3: { cellPadding: { top: 1.3, bottom: 1.3, left: 5.5, right: 1.3 } } },
    didDrawCell: (data) => {
      if (data.section === 'body' && data.column.index === 3) {
        const meteo = q.engagements[data.row.index]?.assessment.meteo;
        if (meteo) w.meteoDot(meteo, data.cell.x + 2.8, data.cell.y + 2.9);
      }
    },
  });

  const previous = `${model.previousPeriod.label ?? 'Trimestre précédent'}${model.previousPeriod.available ? '' : ' (non saisi)'}`;
  for (const e of q.engagements) {
    w.heading(`${e.code} — ${e.title}`, 2);
    // Météo and synthesis comment
    w.ensure(8);
    w.meteoDot(e.assessment.meteo, MARGIN_X + 1.6, w.y + 1.8);
    w.paragraph(
      `Météo : ${e.assessment.meteoLabel}${e.assessment.trendLabel ? ` — tendance : ${e.assessment.trendLabel.toLowerCase()}` : ''}`,
      9.5,
      { style: 'bold', x: MARGIN_X + 5, after: 1 },
    );
    if (e.assessment.comment) {
      const by = [e.assessment.commentAuthor, e.assessment.commentDate ? `le ${formatDate(e.assessment.commentDate)}` : null].filter(Boolean).join(', ');
      w.paragraph(`« ${e.assessment.comment} »${by ? ` (${by})` : ''}`, 9, { after: 2.5 });
    } else {
      w.paragraph('Pas de commentaire de synthèse.', 9, { colour: MUTED, after: 2.5 });
    }
    w.table({
      head: [['Code', 'Indicateur', model.period.label.replace(/^./, (c) => c.toUpperCase()), previous, 'Évolution', 'Cible']],
      body: e.indicators.map((i): RowInput => [
        i.code,
        i.label + (i.comment ? `\nCommentaire : ${i.comment}` : '') + (i.source ? `\nSource : ${i.source}` : ''),
        { content: i.valueText + (i.partial ? ' (incomplet)' : ''), styles: i.complete ? {} : { textColor: [RED[0], RED[1], RED[2]] } } as CellInput,
        i.previousText,
        i.change?.text ?? '—',
        i.targetText,
      ]),
      columnStyles: { 0: { cellWidth: 11 }, 1: { cellWidth: 62 }, 2: { cellWidth: 33 }, 3: { cellWidth: 29 }, 4: { cellWidth: 22 }, 5: { cellWidth: 23 } },
    });
    w.table({
      head: [['Code', 'Action', 'Statut', 'Référent', 'Commentaire']],
      body: e.actions.map((a): RowInput => [
        a.code,
        a.label,
        { content: a.statusLabel, styles: statusStyle(a.status) },
        a.referent || '—',
        a.comment || '—',
      ]),
      columnStyles: { 0: { cellWidth: 15 }, 1: { cellWidth: 85 }, 2: { cellWidth: 22 }, 3: { cellWidth: 25 }, 4: { cellWidth: 33 } },
    });
  }
}

function fipdSection(w: Writer, model: ReportModel): void {
  w.heading('Crédits du FIPD', 1);
  const f = model.fipd;
  if (f.empty) {
    w.paragraph(f.emptyText, 10);
    return;
  }
  const euros = (c: number) => formatEurosFromCents(c);
  if (f.envelopes.length > 0) {
    w.table({
      head: [['Enveloppe', 'Quartier', 'Délégué', 'Engagé', 'Payé', 'Reste à engager', 'Reste à payer']],
      body: [
        ...f.envelopes.map((e) => [e.label, e.qrrName, euros(e.delegatedCents), euros(e.committedCents), euros(e.paidCents), euros(e.remainingToCommitCents), euros(e.remainingToPayCents)]),
        [
          { content: 'Total', styles: { fontStyle: 'bold' } } as CellInput,
          '',
          euros(f.totals.delegatedCents),
          euros(f.totals.committedCents),
          euros(f.totals.paidCents),
          euros(f.totals.remainingToCommitCents),
          euros(f.totals.remainingToPayCents),
        ],
      ],
      columnStyles: { 2: { halign: 'right' }, 3: { halign: 'right' }, 4: { halign: 'right' }, 5: { halign: 'right' }, 6: { halign: 'right' } },
    });
  }
  if (f.subsidies.length > 0) {
    w.heading('Subventions', 3);
    w.table({
      head: [['Bénéficiaire', 'Quartier', 'Objet', 'Accordé', 'Payé']],
      body: f.subsidies.map((s) => [s.beneficiary, s.qrrName, s.object, euros(s.grantedCents), euros(s.paidCents)]),
      columnStyles: { 3: { halign: 'right' }, 4: { halign: 'right' } },
    });
  }
}

function missingSection(w: Writer, model: ReportModel): void {
  w.heading('Points à compléter avant transmission', 1);
  const m = model.missing;
  if (m.ready) {
    w.paragraph('Aucun : tous les indicateurs sont renseignés, tous les engagements ont une météo et toutes les actions un statut.', 10);
    return;
  }
  w.paragraph(m.summary.join(' '), 10, { after: 3 });
  if (m.indicators.length > 0) {
    w.heading('Indicateurs non renseignés ou incomplets', 3);
    w.table({
      head: [['Quartier', 'Code', 'Indicateur', 'État']],
      body: m.indicators.map((i) => [i.qrrName, i.indicatorCode, i.label, i.partial ? 'Incomplet' : 'Vide']),
      columnStyles: { 0: { cellWidth: 35 }, 1: { cellWidth: 12 }, 3: { cellWidth: 18 } },
    });
  }
  if (m.assessments.length > 0) {
    w.heading('Engagements sans météo', 3);
    w.table({
      head: [['Quartier', 'Engagement']],
      body: m.assessments.map((a) => [a.qrrName, `${a.engagementCode} — ${a.title}`]),
      columnStyles: { 0: { cellWidth: 35 } },
    });
  }
  if (m.actions.length > 0) {
    w.heading('Actions sans statut', 3);
    w.table({
      head: [['Quartier', 'Code', 'Action']],
      body: m.actions.map((a) => [a.qrrName, a.actionCode, a.label]),
      columnStyles: { 0: { cellWidth: 35 }, 1: { cellWidth: 15 } },
    });
  }
}

function signatureBlock(w: Writer, model: ReportModel, block: NonNullable<RenderReportOptions['signatureBlock']>, mark: (title: string) => void): void {
  const { doc } = w;
  const { x, y, w: bw, h } = SIGNATURE_BLOCK_MM;
  if (w.y > y - 30) w.newPage();
  w.y = Math.max(w.y + 4, y - 24);
  mark('Signature');
  w.heading('Signature', 3);
  w.paragraph(
    `Le présent rapport du ${model.period.label} est signé électroniquement pour sa transmission ; ` +
      'la signature couvre le document entier et les données jointes.',
    9,
    { after: 0 },
  );
  doc.setDrawColor(BLUE[0], BLUE[1], BLUE[2]);
  doc.setLineWidth(0.4);
  doc.setFillColor(LIGHT[0], LIGHT[1], LIGHT[2]);
  doc.rect(x, y, bw, h, 'FD');
  w.font('bold', 9.5, BLUE);
  doc.text('Signature électronique', x + 4, y + 7);
  w.font('normal', 8.5, TEXT);
  const lines = [
    ...(doc.splitTextToSize(`Signé par : ${block.name}`, bw - 8) as string[]),
    ...(doc.splitTextToSize(`Qualité : ${block.title}`, bw - 8) as string[]),
    `Date : ${formatDateTime(block.date).replace(' ', ' à ')}`,
  ];
  doc.text(lines.slice(0, 5), x + 4, y + 13.5, { lineHeightFactor: 1.3 });
  w.font('normal', 6.5, MUTED);
  doc.text('Signature numérique PAdES (certificat du signataire) : voir le panneau des signatures du lecteur PDF.', x + 4, y + h - 4, {
    maxWidth: bw - 8,
  });
}

// ---------------------------------------------------------------------------
// Document

/** PDF date `D:20261126100000+00'00'` (UTC: the same bytes whatever the machine's zone). */
function pdfDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`Date de génération invalide : ${iso}`);
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+00'00'`;
}

function tocEntries(model: ReportModel, options: RenderReportOptions): TocEntry[] {
  return [
    { title: 'Synthèse départementale', level: 0, page: 0 },
    { title: 'Synthèse par engagement', level: 0, page: 0 },
    ...model.engagements.map((e): TocEntry => ({ title: `Engagement ${e.code} — ${e.title}`, level: 1, page: 0 })),
    { title: 'Quartiers', level: 0, page: 0 },
    ...model.qrrs.map((q): TocEntry => ({ title: q.name + (q.archived ? ' (archivé)' : ''), level: 1, page: 0 })),
    { title: 'Crédits du FIPD', level: 0, page: 0 },
    { title: 'Points à compléter avant transmission', level: 0, page: 0 },
    ...(options.signatureBlock ? [{ title: 'Signature', level: 0, page: 0 } as TocEntry] : []),
  ];
}

const TOC_LINE = 6.2;
const TOC_PER_PAGE = Math.floor((BOTTOM - TOP - 18) / TOC_LINE);

export function renderReportPdf(model: ReportModel, options: RenderReportOptions): Uint8Array {
  const fonts = options.fonts ?? loadReportFonts();
  const doc = new jsPDF({ unit: 'mm', format: 'a4', orientation: 'portrait', compress: true });
  doc.addFileToVFS(FONT_FILES.regular, Buffer.from(fonts.regular).toString('base64'));
  doc.addFont(FONT_FILES.regular, FONT, 'normal');
  doc.addFileToVFS(FONT_FILES.bold, Buffer.from(fonts.bold).toString('base64'));
  doc.addFont(FONT_FILES.bold, FONT, 'bold');
  doc.setFont(FONT, 'normal');
  doc.setCreationDate(pdfDate(options.generatedAt));
  // A content-derived identifier: stable for the same input, different for another report.
  const fileId = createHash('sha256')
    .update(JSON.stringify({ model, options: { ...options, fonts: undefined } }))
    .digest('hex')
    .slice(0, 32);
  doc.setFileId(fileId);
  doc.setLanguage('fr-FR');
  doc.setProperties({
    title: `Tableau de bord QRR - ${model.departement.nom} - ${model.period.label}`,
    subject: 'Rapport trimestriel des quartiers de reconquête républicaine',
    author: model.departement.prefecture,
    creator: `Tableau de bord QRR${options.appVersion ? ` ${options.appVersion}` : ''}`,
  });

  const signatory = options.signatory ?? { name: model.people.prefetName, title: model.departement.prefetTitle };
  const w = new Writer(doc);
  cover(w, model, options, signatory);

  // Table of contents: pages reserved now, filled once every section's page is known.
  const toc = tocEntries(model, options);
  const tocPages = Math.max(1, Math.ceil(toc.length / TOC_PER_PAGE));
  for (let i = 0; i < tocPages; i++) w.newPage();
  const firstTocPage = 2;

  const mark = (title: string): void => {
    const entry = toc.find((t) => t.title === title && t.page === 0);
    if (entry) entry.page = doc.getNumberOfPages();
  };

  w.newPage();
  mark('Synthèse départementale');
  synthesis(w, model);

  model.engagements.forEach((e, i) => {
    w.newPage();
    if (i === 0) mark('Synthèse par engagement');
    mark(`Engagement ${e.code} — ${e.title}`);
    engagementPage(w, model, i);
  });

  model.qrrs.forEach((q, i) => {
    w.newPage();
    if (i === 0) mark('Quartiers');
    mark(q.name + (q.archived ? ' (archivé)' : ''));
    qrrSection(w, model, q);
  });
  if (model.qrrs.length === 0) {
    w.newPage();
    mark('Quartiers');
    w.heading('Quartiers', 1);
    w.paragraph('Aucun quartier de reconquête républicaine enregistré.', 10);
  }

  w.newPage();
  mark('Crédits du FIPD');
  fipdSection(w, model);

  w.y += 4;
  w.ensure(40);
  mark('Points à compléter avant transmission');
  missingSection(w, model);

  if (options.signatureBlock) signatureBlock(w, model, options.signatureBlock, mark);

  // Table of contents
  for (let p = 0; p < tocPages; p++) {
    doc.setPage(firstTocPage + p);
    w.y = TOP;
    if (p === 0) w.heading('Sommaire', 1);
    for (const entry of toc.slice(p * TOC_PER_PAGE, (p + 1) * TOC_PER_PAGE)) {
      const x = MARGIN_X + (entry.level === 1 ? 6 : 0);
      const y = w.y + 4;
      w.font(entry.level === 0 ? 'bold' : 'normal', entry.level === 0 ? 10 : 9.5, TEXT);
      const title = (doc.splitTextToSize(entry.title, CONTENT_W - (x - MARGIN_X) - 18) as string[])[0]!;
      const shown = title === entry.title ? title : `${title.replace(/\s*\S*$/, '')} …`;
      doc.text(shown, x, y);
      const pageText = formatInteger(entry.page);
      doc.text(pageText, MARGIN_X + CONTENT_W, y, { align: 'right' });
      doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
      doc.setLineWidth(0.1);
      doc.setLineDashPattern([0.4, 0.8], 0);
      doc.line(x + doc.getTextWidth(shown) + 1.5, y, MARGIN_X + CONTENT_W - doc.getTextWidth(pageText) - 1.5, y);
      doc.setLineDashPattern([], 0);
      doc.link(x, y - 4, CONTENT_W - (x - MARGIN_X), TOC_LINE, { pageNumber: entry.page });
      w.y += TOC_LINE;
    }
  }

  // Bookmarks (the viewer's side panel), same entries as the table of contents.
  let parent: unknown = null;
  doc.outline.add(null, 'Couverture', { pageNumber: 1 });
  doc.outline.add(null, 'Sommaire', { pageNumber: firstTocPage });
  for (const entry of toc) {
    if (entry.page === 0) continue;
    const item = doc.outline.add(entry.level === 1 ? parent : null, entry.title, { pageNumber: entry.page });
    if (entry.level === 0) parent = item;
  }

  // Header, footer, page numbers, « non signé » mark on every page.
  const total = doc.getNumberOfPages();
  const footerLeft = `${model.departement.prefecture} — QRR — ${model.period.label} — établi le ${formatDate(options.generatedAt)}`;
  for (let page = 1; page <= total; page++) {
    doc.setPage(page);
    if (page > 1) {
      w.font('normal', 7.5, MUTED);
      doc.text(`Tableau de bord QRR — ${model.departement.nom} (${model.departement.code}) — ${model.period.label}`, MARGIN_X, 12);
      doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
      doc.setLineWidth(0.2);
      doc.line(MARGIN_X, 14, PAGE_W - MARGIN_X, 14);
    }
    doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
    doc.setLineWidth(0.2);
    doc.line(MARGIN_X, PAGE_H - 15, PAGE_W - MARGIN_X, PAGE_H - 15);
    w.font('normal', 7.5, MUTED);
    doc.text(footerLeft, MARGIN_X, PAGE_H - 10);
    doc.text(`page ${page} / ${total}`, PAGE_W - MARGIN_X, PAGE_H - 10, { align: 'right' });
    if (!options.signed) {
      w.font('bold', 8, RED);
      doc.text(UNSIGNED_MARK, PAGE_W / 2, PAGE_H - 6, { align: 'center' });
    }
  }

  return new Uint8Array(doc.output('arraybuffer'));
}
