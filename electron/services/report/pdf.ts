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
import { formatDate, formatInteger } from '../../../shared/format/fr';
import type { ReportModel } from '../../../shared/report/report-model';
import { engagementLinesTable, indicatorResultsTable } from './pdf-simple';
import {
  BOTTOM,
  CONTENT_W,
  createPdfDocument,
  loadReportFonts,
  MARGIN_X,
  MUTED,
  RULE,
  stampPages,
  TEXT,
  TOP,
  Writer,
} from './pdf-kit';
import { cover, engagementPage, qrrSection, synthesis, type RenderReportOptions } from './pdf-report-sections';
import { fipdSection, missingSection, signatureBlock } from './pdf-report-closing';

// The fonts live in the drawing kit, the sections in their modules; importable from here as before.
export { defaultFontDir, FONT_FILES, loadReportFonts, type ReportFonts } from './pdf-kit';
export type { RenderReportOptions } from './pdf-report-sections';
export { SIGNATURE_BLOCK_MM, SIGNATURE_BLOCK_RECT } from './pdf-report-closing';

export const UNSIGNED_MARK = 'Document non signé';

// ---------------------------------------------------------------------------
// Document

interface TocEntry {
  readonly title: string;
  readonly level: 0 | 1;
  page: number;
}


// ---------------------------------------------------------------------------
// Document

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
  const doc = createPdfDocument(fonts, options.generatedAt);
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

  // Pages 2 and following: the « tableau de bord simple et normalisé », before any detail.
  w.newPage();
  w.heading('Tableau de bord simple et normalisé', 1);
  w.paragraph(
    `${model.departement.nom} — ${model.period.label}. Une ligne par engagement : météo la plus défavorable des quartiers, ` +
      'tendance, taux de mise en œuvre (hors « sans objet »), résultats clés avec leur évolution et leur cible, synthèse.',
    8,
    { colour: MUTED, after: 2 },
  );
  const statsOf = (code: string) => model.engagements.find((e) => e.code === code)!;
  engagementLinesTable(w, model.lines, statsOf);
  w.heading(`Résultats du département par indicateur — ${model.period.label}`, 2);
  indicatorResultsTable(w, model.results, model.lines, model.period.label);

  // Annex: table of contents (pages reserved now, filled once every section's page is known), then the detail.
  const toc = tocEntries(model, options);
  const tocPages = Math.max(1, Math.ceil(toc.length / TOC_PER_PAGE));
  for (let i = 0; i < tocPages; i++) w.newPage();
  const firstTocPage = doc.getNumberOfPages() - tocPages + 1;

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
    engagementPage(w, model, i, options.engagementContext?.find((c) => c.code === e.code));
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
    if (p === 0) w.heading('Annexes — sommaire', 1);
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
  doc.outline.add(null, 'Tableau de bord simple et normalisé', { pageNumber: 2 });
  doc.outline.add(null, 'Annexes — sommaire', { pageNumber: firstTocPage });
  for (const entry of toc) {
    if (entry.page === 0) continue;
    const item = doc.outline.add(entry.level === 1 ? parent : null, entry.title, { pageNumber: entry.page });
    if (entry.level === 0) parent = item;
  }

  // Header, footer, page numbers, « non signé » mark on every page.
  stampPages(w, {
    header: `Tableau de bord QRR — ${model.departement.nom} (${model.departement.code}) — ${model.period.label}`,
    footerLeft: `${model.departement.prefecture} — QRR — ${model.period.label} — établi le ${formatDate(options.generatedAt)}`,
    mark: options.signed ? null : UNSIGNED_MARK,
  });

  return new Uint8Array(doc.output('arraybuffer'));
}
