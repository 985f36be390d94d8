/**
 * The national summary (« Synthèse nationale ») as a PDF: several
 * départements' exchange files consolidated for one quarter
 * (shared/exchange/consolidate.ts), drawn with the quarterly report's kit
 * (pdf-kit.ts: DejaVu fonts, DSFR colours, tables, bars, page x / y).
 *
 * Never signed: it is a consolidation made by the national task force from
 * files it received, not a prefecture's report; every page says so.
 * Deterministic like the report: same model and options, same bytes.
 *
 * Every text is French; numbers and dates go through shared/format.
 */
import { createHash } from 'node:crypto';
import { METEOS, METEO_LABELS, type Meteo } from '../../../shared/domain/types';
import { departementText, type FipdTotals, type MeteoCounts, type NationalModel } from '../../../shared/exchange/consolidate';
import { formatDate, formatDateTime, formatInteger, plural } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import { formatRatioPercent } from '../../../shared/report/report-model';
import {
  barChart,
  blocMarque,
  coverKeyFigures,
  BLUE,
  CONTENT_W,
  createPdfDocument,
  implementationText,
  loadReportFonts,
  MARGIN_X,
  MUTED,
  percentText,
  RED,
  stampPages,
  Writer,
  type ReportFonts,
  type TableCell,
} from './pdf-kit';
import { engagementLinesTable, indicatorResultsTable } from './pdf-simple';
import { departementResultsSection } from './national-results-pdf';
import { COMMENTS_ANNEX_TITLE, commentsPointer, departementCommentsSection } from './national-comments-pdf';

export const NATIONAL_TITLE = 'Synthèse nationale — Quartiers de reconquête républicaine';
/** On every page: this document is a consolidation, not a signed report. */
export const CONSOLIDATION_MARK = 'Consolidation nationale — document non signé';

export interface RenderNationalOptions {
  /** When the summary is established (ISO 8601): cover, footer, PDF creation date. */
  readonly generatedAt: string;
  /** Defaults to {@link loadReportFonts}(). */
  readonly fonts?: ReportFonts;
  /** Shown in the PDF's Creator field. */
  readonly appVersion?: string;
}

/** One letter per météo, beside its coloured dot in the per-QRR table (readable in black and white and by pdftotext). */
const METEO_LETTERS: Readonly<Record<Meteo, string>> = { soleil: 'S', couvert: 'C', nuage: 'N', orage: 'O', non_renseignee: '–' };

const meteoCells = (m: MeteoCounts): string[] => METEOS.map((k) => formatInteger(m[k]));
const euros = (cents: number): string => formatEurosFromCents(cents);
const capitalised = (s: string): string => s.replace(/^./, (c) => c.toUpperCase());

function cover(w: Writer, model: NationalModel, options: RenderNationalOptions): void {
  blocMarque(w, null);

  w.y = 80;
  w.paragraph(NATIONAL_TITLE, 22, { style: 'bold', colour: BLUE, after: 4 });
  w.paragraph(`Consolidation des fichiers d'échange — ${model.period.label}`, 15, { style: 'bold', after: 8 });
  w.paragraph(`Période : ${model.period.explanation}`, 11, { after: 2 });
  const t = model.totals;
  w.paragraph(
    `Départements : ${formatInteger(t.departements)}${t.departementsCounted < t.departements ? ` (dont ${formatInteger(t.departementsCounted)} comptés pour ce trimestre)` : ''} — ` +
      `${plural(t.qrrs, 'quartier compté', 'quartiers comptés')}.`,
    11,
    { after: 2 },
  );
  w.paragraph(`Établie le ${formatDate(options.generatedAt)}`, 11, { after: 2 });
  w.paragraph(
    "Document de consolidation non signé, établi à partir des fichiers d'échange transmis par les départements : " +
      'il ne remplace pas les rapports trimestriels signés des préfectures.',
    10,
    { colour: MUTED, after: 8 },
  );

  coverKeyFigures(
    w,
    [
      ['Complétude des indicateurs', formatRatioPercent(t.completeness)],
      ['Taux de mise en œuvre', formatRatioPercent(t.implementation)],
      ['Points d’attention', formatInteger(model.warnings.length)],
    ],
    model.referentialVersion,
  );
}

function departementsSection(w: Writer, model: NationalModel): void {
  w.heading('Départements consolidés', 1);
  w.paragraph(
    `${plural(model.departements.length, 'fichier retenu', 'fichiers retenus')}, un par département (le plus récent quand un département en a envoyé plusieurs).`,
    9.5,
    { after: 3 },
  );
  w.table({
    head: ['Département', 'Fichier', 'Exporté le', 'Expéditeur', 'Quartiers', 'Trimestre', 'Complétude', 'Mise en œuvre'],
    body: model.departements.map((d): TableCell[] => [
      departementText(d),
      d.fileName,
      formatDateTime(d.exportedAt),
      d.sender.name || d.sender.osUser || '—',
      formatInteger(d.qrrCount),
      { content: d.periodStateLabel, styles: d.counted ? {} : { textColor: [RED[0], RED[1], RED[2]] } } as TableCell,
      d.counted ? formatRatioPercent(d.completeness) : 'non compté',
      d.counted ? formatRatioPercent(d.implementation) : 'non compté',
    ]),
    columnStyles: { 0: { cellWidth: 30 }, 1: { cellWidth: 30 }, 2: { cellWidth: 27 }, 4: { halign: 'right' }, 6: { halign: 'right' }, 7: { halign: 'right' } },
  });
  w.heading('Points d’attention', 3);
  if (model.warnings.length === 0) w.paragraph('Aucun : un fichier par département, tous contiennent le trimestre.', 9.5);
  else for (const warning of model.warnings) w.paragraph(`• ${warning.message}`, 9, { x: MARGIN_X + 2, after: 1 });
}

function engagementsSection(w: Writer, model: NationalModel): void {
  w.heading('Synthèse par engagement', 1);
  const t = model.totals;
  w.paragraph(
    `${plural(t.qrrs, 'quartier compté', 'quartiers comptés')} dans ${plural(t.departementsCounted, 'département')}. ` +
      `Complétude des indicateurs : ${percentText(t.completeness)}. ` +
      `Taux de mise en œuvre des actions (réalisées sur actions applicables, hors « sans objet ») : ${implementationText(t.implementation)}.`,
    9.5,
    { after: 3 },
  );
  // 52 + 15 + 20 + 24 + 4 × 13 + 17 = 180 mm, the content width; « renseignée » fits in 17 mm at 6,5 pt with narrow padding.
  const meteoColumns = Object.fromEntries(METEOS.map((m, i) => [i + 4, { halign: 'right' as const, cellWidth: m === 'non_renseignee' ? 17 : 13 }]));
  w.table({
    head: ['Engagement', 'QRR concernés', 'Complétude', 'Mise en œuvre', ...METEOS.map((m) => METEO_LABELS[m].replace(' ', '\n'))],
    body: [
      ...model.engagements.map((e): TableCell[] => [
        `${e.code} — ${e.title}`,
        `${formatInteger(e.concernedQrrs)} / ${formatInteger(e.qrrs)}`,
        percentText(e.completeness),
        implementationText(e.implementation),
        ...meteoCells(e.meteoCounts),
      ]),
      [
        { content: 'Ensemble', styles: { fontStyle: 'bold' } } as TableCell,
        '',
        percentText(t.completeness),
        implementationText(t.implementation),
        ...meteoCells(t.meteoCounts),
      ],
    ],
    columnStyles: { 0: { cellWidth: 52 }, 1: { halign: 'right', cellWidth: 15 }, 2: { cellWidth: 20 }, 3: { cellWidth: 24 }, ...meteoColumns },
    styles: { fontSize: 6.8 },
    headStyles: { fontSize: 6.5, cellPadding: { top: 1.3, bottom: 1.3, left: 1, right: 1 } },
  });
  barChart(
    w,
    'Par engagement, tous départements confondus',
    model.engagements.map((e) => ({ label: `${e.code} — ${e.title}`, completeness: e.completeness, implementation: e.implementation })),
  );
}

function qrrsSection(w: Writer, model: NationalModel): void {
  w.heading('Quartiers par département', 1);
  w.paragraph(
    `Météo de chaque engagement : ${METEOS.map((m) => `${METEO_LABELS[m]} (${METEO_LETTERS[m]})`).join(', ')}.`,
    9,
    { colour: MUTED, after: 3 },
  );
  const codes = model.engagements.map((e) => e.code);
  for (const d of model.departements) {
    w.heading(`${departementText(d)} — ${plural(d.qrrCount, 'quartier')}`, 2);
    if (!d.counted) {
      w.paragraph(`Le fichier « ${d.fileName} » ne contient pas le ${model.period.label} : ce département n'est pas compté.`, 9.5, { colour: RED });
      continue;
    }
    const rows = model.qrrs.filter((q) => q.departementCode === d.code);
    if (rows.length === 0) {
      w.paragraph('Aucun quartier dans ce fichier.', 9.5, { colour: MUTED });
      continue;
    }
    const first = 3;
    w.table({
      head: ['Quartier', 'Complétude', 'Mise en œuvre', ...codes],
      body: rows.map((q): TableCell[] => [
        q.name,
        percentText(q.completeness),
        implementationText(q.implementation),
        ...q.engagements.map((e) => METEO_LETTERS[e.meteo]),
      ]),
      styles: { fontSize: 7 },
      columnStyles: {
        0: { cellWidth: 42 },
        1: { cellWidth: 24 },
        2: { cellWidth: 30 },
        ...Object.fromEntries(codes.map((_, i) => [i + first, { cellWidth: (CONTENT_W - 96) / codes.length, halign: 'right' as const }])),
      },
      didDrawCell: (cell) => {
        if (cell.column >= first) {
          const meteo = rows[cell.row]?.engagements[cell.column - first]?.meteo;
          if (meteo) w.meteoDot(meteo, cell.x + 2.4, cell.y + 2.6, 1.2);
        }
      },
    });
  }
}

function fipdRow(label: TableCell, t: FipdTotals): TableCell[] {
  return [label, euros(t.delegatedCents), euros(t.committedCents), euros(t.paidCents), euros(t.remainingCents), euros(t.toPayCents), formatInteger(t.subsidies)];
}

function fipdSection(w: Writer, model: NationalModel): void {
  w.heading('Crédits du FIPD', 1);
  if (model.fipd === null) {
    w.paragraph("Les fichiers consolidés ne contiennent pas de crédits FIPD (fichiers d'échange de version 1).", 10);
    return;
  }
  const f = model.fipd;
  w.paragraph(
    `Enveloppes et subventions FIPD de l'année ${f.budgetYear} (programme 216), ${plural(f.departements, 'département')}. ` +
      `Délégué : ${euros(f.totals.delegatedCents)} ; engagé : ${euros(f.totals.committedCents)} ; payé : ${euros(f.totals.paidCents)}.`,
    9.5,
    { after: 3 },
  );
  const withFipd = model.departements.filter((d) => d.fipd !== null);
  w.table({
    head: ['Département', 'Délégué', 'Engagé', 'Payé', 'Reste à engager', 'Reste à payer', 'Subventions'],
    body: [
      ...withFipd.map((d) => fipdRow(departementText(d), d.fipd!)),
      fipdRow({ content: 'Total', styles: { fontStyle: 'bold' } }, f.totals),
    ],
    columnStyles: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [i, { halign: 'right' as const }])),
  });
}

/** The same simple first pages as a département's report, with national figures (every counted QRR added up). */
function simpleSection(w: Writer, model: NationalModel): void {
  w.heading('Tableau de bord simple et normalisé', 1);
  engagementLinesTable(w, model.results.lines, (code) => model.engagements.find((e) => e.code === code)!);
  w.paragraph(commentsPointer(model), 8.5, { colour: MUTED, after: 3 });
  w.heading(`Résultats nationaux par indicateur — ${model.period.label}`, 2);
  indicatorResultsTable(w, model.results.results, model.results.lines, model.period.label);
}

export function renderNationalPdf(model: NationalModel, options: RenderNationalOptions): { readonly bytes: Uint8Array; readonly pages: number } {
  const fonts = options.fonts ?? loadReportFonts();
  const doc = createPdfDocument(fonts, options.generatedAt);
  // A content-derived identifier: stable for the same input, different for another summary.
  doc.setFileId(
    createHash('sha256')
      .update(JSON.stringify({ model, options: { ...options, fonts: undefined } }))
      .digest('hex')
      .slice(0, 32),
  );
  doc.setLanguage('fr-FR');
  doc.setProperties({
    title: `Synthèse nationale QRR - ${model.period.label}`,
    subject: "Consolidation des fichiers d'échange des départements (quartiers de reconquête républicaine)",
    author: 'Tableau de bord QRR',
    creator: `Tableau de bord QRR${options.appVersion ? ` ${options.appVersion}` : ''}`,
  });

  const w = new Writer(doc);
  cover(w, model, options);
  const sections: [string, (w: Writer, model: NationalModel) => void][] = [
    ['Tableau de bord simple et normalisé', simpleSection],
    ['Résultats par département', departementResultsSection],
    ['Départements consolidés', departementsSection],
    ['Synthèse par engagement', engagementsSection],
    ['Quartiers par département', qrrsSection],
    ['Crédits du FIPD', fipdSection],
    [COMMENTS_ANNEX_TITLE, departementCommentsSection],
  ];
  doc.outline.add(null, 'Couverture', { pageNumber: 1 });
  for (const [title, draw] of sections) {
    w.newPage();
    doc.outline.add(null, title, { pageNumber: doc.getNumberOfPages() });
    draw(w, model);
  }

  stampPages(w, {
    header: `Synthèse nationale QRR — ${model.period.label} — ${plural(model.totals.departements, 'département')}`,
    footerLeft: `${capitalised(model.period.label)} — consolidation établie le ${formatDate(options.generatedAt)}`,
    mark: CONSOLIDATION_MARK,
  });
  return { bytes: new Uint8Array(doc.output('arraybuffer')), pages: doc.getNumberOfPages() };
}
