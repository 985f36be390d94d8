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
import type { ActionStatus } from '../../../shared/domain/types';
import { formatDate, formatDateTime, formatInteger, plural } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import { formatRatioPercent, type ReportModel, type ReportQrr } from '../../../shared/report/report-model';
import { engagementLinesTable, indicatorResultsTable } from './pdf-simple';
import {
  barChart,
  coverKeyFigures,
  BLUE,
  BOTTOM,
  CONTENT_W,
  createPdfDocument,
  GREEN,
  implementationText,
  LIGHT,
  loadReportFonts,
  MARGIN_X,
  MM_TO_PT,
  MUTED,
  PAGE_H,
  percentText,
  RED,
  RULE,
  stampPages,
  TEXT,
  TOP,
  Writer,
  type CellStyles,
  type ReportFonts,
  type TableCell,
} from './pdf-kit';

// The fonts live in the drawing kit; their helpers stay importable from here.
export { defaultFontDir, FONT_FILES, loadReportFonts, type ReportFonts } from './pdf-kit';

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
  /** Objectives and levers of each engagement (référentiel), shown in the annex. */
  readonly engagementContext?: readonly { readonly code: string; readonly objectives: readonly string[]; readonly levers: readonly string[] }[];
}

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
// Pieces

interface TocEntry {
  readonly title: string;
  readonly level: 0 | 1;
  page: number;
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

  w.y = 82;
  w.paragraph('Tableau de bord des quartiers de reconquête républicaine', 22, { style: 'bold', colour: BLUE, after: 4 });
  w.paragraph(`Rapport trimestriel — ${model.period.label}`, 15, { style: 'bold', after: 8 });
  w.paragraph(`Département : ${model.departement.nom} (${model.departement.code})`, 11, { after: 2 });
  // « trimestre » is masculine: « trimestre ouvert / transmis / rouvert ».
  w.paragraph(`Période : ${model.period.label} (trimestre ${model.period.stateLabel})`, 11, { after: 2 });
  w.paragraph(
    `Quartiers de reconquête républicaine suivis : ${
      model.qrrs.length === 0
        ? 'aucun'
        : model.qrrs
            .map((q) => q.name + (q.archived ? ' (archivé)' : '') + (q.deleguePrefet ? ` (délégué du préfet : ${q.deleguePrefet})` : ''))
            .join(', ')
    }`,
    11,
    { after: 2 },
  );
  w.paragraph(`Établi le ${formatDate(options.generatedAt)}`, 11, { after: 2 });
  w.paragraph(`Autorité : ${signatory.name ? `${signatory.name}, ` : ''}${signatory.title}`, 11, { after: 2 });
  w.paragraph(model.signature.signer ? `Signé par : ${model.signature.signer}` : 'Signé par : — (export de travail non signé)', 11, { style: 'bold', after: 8 });

  // Key figures
  coverKeyFigures(
    w,
    [
      ['Complétude des indicateurs', formatRatioPercent(model.completeness)],
      ['Taux de mise en œuvre', formatRatioPercent(model.implementation)],
      ['Points à compléter', formatInteger(model.missing.count)],
    ],
    model.referentialVersion,
  );
  if (model.sansObjetCount.indicators + model.sansObjetCount.actions > 0) {
    w.paragraph(
      `Sans objet dans les quartiers (hors complétude et hors taux de mise en œuvre) : ${plural(model.sansObjetCount.indicators, 'indicateur')}, ` +
        `${plural(model.sansObjetCount.actions, 'action')} ; le motif figure en annexe.`,
      8.5,
      { colour: MUTED },
    );
  }
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
    head: ['Quartier', 'Complétude', 'Mise en œuvre', 'Soleil', 'Couvert', 'Nuage', 'Orage', 'Non renseignée'],
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

function engagementPage(w: Writer, model: ReportModel, index: number, context: { objectives: readonly string[]; levers: readonly string[] } | undefined): void {
  const e = model.engagements[index]!;
  w.heading(`Engagement ${e.code} — ${e.title}`, 1);
  if (context && context.objectives.length > 0) {
    w.paragraph(`Objectifs : ${context.objectives.join(' ; ')}`, 8.5, { colour: MUTED, after: 1 });
  }
  if (context && context.levers.length > 0) {
    w.paragraph(`Leviers : ${context.levers.map((l) => l.replace(/\s*<?https?:\S+/gu, '')).join(' ; ')}`, 7.5, { colour: MUTED, after: 3 });
  }
  w.paragraph(
    `${plural(e.actionCount, 'action')}, ${plural(e.indicatorCount, 'indicateur')}. ` +
      `Complétude départementale : ${percentText(e.completeness)}. Taux de mise en œuvre : ${implementationText(e.implementation)}.`,
    9.5,
    { after: 3 },
  );
  const meteoColumn = 3;
  w.table({
    head: ['Quartier', 'Complétude', 'Mise en œuvre', 'Météo', 'Tendance'],
    body: e.byQrr.map((b) => [b.qrrName, percentText(b.completeness), implementationText(b.implementation), b.meteoLabel, b.trendLabel ?? '—']),
    columnStyles: { 0: { cellWidth: 50 }, [meteoColumn]: { cellPadding: { top: 1.3, bottom: 1.3, left: 5.5, right: 1.3 } } },
    didDrawCell: (cell) => {
      if (cell.column === meteoColumn) {
        const meteo = e.byQrr[cell.row]?.meteo;
        if (meteo) w.meteoDot(meteo, cell.x + 2.8, cell.y + 2.9);
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
      head: ['Code', 'Indicateur', ...qrrs.map((q) => q.name)],
      body: qrrs[0]!.engagements[index]!.indicators.map((indicator, row): TableCell[] => [
        indicator.code,
        indicator.label,
        ...qrrs.map((q): TableCell => {
          const cell = q.engagements[index]!.indicators[row]!;
          return { content: cell.valueText, styles: cell.complete ? {} : { textColor: [RED[0], RED[1], RED[2]] } };
        }),
      ]),
      columnStyles: { 0: { cellWidth: 11 }, ...Object.fromEntries(qrrs.map((_, i) => [i + 2, { cellWidth: qrrW }])) },
    });
    w.heading('Actions réalisées par quartier', 3);
    w.table({
      head: ['Code', 'Action', ...qrrs.map((q) => q.name)],
      body: qrrs[0]!.engagements[index]!.actions.map((action, row): TableCell[] => [
        action.code,
        action.label,
        ...qrrs.map((q): TableCell => {
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

function statusStyle(status: ActionStatus | null): CellStyles {
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
    q.securityZoneLabel,
    `Délégué du préfet : ${q.deleguePrefet || 'non désigné'}`,
  ].filter((s): s is string => s !== null);
  if (identity.length > 0) w.paragraph(identity.join(' — '), 9, { colour: MUTED, after: 2 });
  w.paragraph(
    `Complétude des indicateurs : ${percentText(q.completeness)}. Taux de mise en œuvre : ${implementationText(q.implementation)}.`,
    9.5,
    { after: 3 },
  );
  w.table({
    head: ['Engagement', 'Complétude', 'Mise en œuvre', 'Météo', 'Tendance'],
    body: q.engagements.map((e) => [`${e.code} — ${e.title}`, percentText(e.completeness), implementationText(e.implementation), e.assessment.meteoLabel, e.assessment.trendLabel ?? '—']),
    columnStyles: { 0: { cellWidth: 70 }, 3: { cellPadding: { top: 1.3, bottom: 1.3, left: 5.5, right: 1.3 } } },
    didDrawCell: (cell) => {
      if (cell.column === 3) {
        const meteo = q.engagements[cell.row]?.assessment.meteo;
        if (meteo) w.meteoDot(meteo, cell.x + 2.8, cell.y + 2.9);
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
    const line = model.lines.find((l) => l.code === e.code);
    const typed = [
      ...(line?.successes ?? []).filter((t) => model.qrrs.length === 1 || t.startsWith(`${q.name} : `)).map((t) => `Réussites : ${t.replace(`${q.name} : `, '')}`),
      ...(line?.obstacles ?? []).filter((t) => model.qrrs.length === 1 || t.startsWith(`${q.name} : `)).map((t) => `Freins : ${t.replace(`${q.name} : `, '')}`),
      ...(line?.nextSteps ?? []).filter((t) => model.qrrs.length === 1 || t.startsWith(`${q.name} : `)).map((t) => `Actions à venir : ${t.replace(`${q.name} : `, '')}`),
    ];
    if (typed.length > 0) w.paragraph(typed.join('\n'), 8.5, { after: 2.5 });
    w.table({
      head: ['Code', 'Indicateur', model.period.label.replace(/^./, (c) => c.toUpperCase()), previous, 'Évolution', 'Cible'],
      body: e.indicators.map((i): TableCell[] => [
        i.code,
        i.label + (i.comment ? `\nCommentaire : ${i.comment}` : '') + (i.source ? `\nSource : ${i.source}` : ''),
        i.sansObjetReason !== null
          ? ({ content: `Sans objet : ${i.sansObjetReason}`, styles: { textColor: [MUTED[0], MUTED[1], MUTED[2]] } } as TableCell)
          : ({ content: i.valueText + (i.partial ? ' (incomplet)' : ''), styles: i.complete ? {} : { textColor: [RED[0], RED[1], RED[2]] } } as TableCell),
        i.previousText,
        i.change?.text ?? '—',
        i.goal ? `${i.goal.text}\nProgression : ${i.goal.progressText}` : i.targetText,
      ]),
      columnStyles: { 0: { cellWidth: 11 }, 1: { cellWidth: 62 }, 2: { cellWidth: 33 }, 3: { cellWidth: 29 }, 4: { cellWidth: 22 }, 5: { cellWidth: 23 } },
    });
    w.table({
      head: ['Code', 'Action', 'Statut', 'Référent', 'Commentaire'],
      body: e.actions.map((a): TableCell[] => [
        a.code,
        a.label,
        { content: a.statusLabel, styles: statusStyle(a.status) },
        a.referent || '—',
        a.sansObjetReason ?? (a.comment || '—'),
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
      head: ['Enveloppe', 'Quartier', 'Délégué', 'Engagé', 'Payé', 'Reste à engager', 'Reste à payer'],
      body: [
        ...f.envelopes.map((e) => [e.label, e.qrrName, euros(e.delegatedCents), euros(e.committedCents), euros(e.paidCents), euros(e.remainingToCommitCents), euros(e.remainingToPayCents)]),
        [
          { content: 'Total', styles: { fontStyle: 'bold' } } as TableCell,
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
    w.heading('Subventions FIPD décidées dans le trimestre', 3);
    w.table({
      head: ['Bénéficiaire', 'Quartier', 'Objet', 'Accordé', 'Payé'],
      body: f.subsidies.map((s) => [s.beneficiary, s.qrrName, s.object, euros(s.grantedCents), euros(s.paidCents)]),
      columnStyles: { 3: { halign: 'right' }, 4: { halign: 'right' } },
    });
  }
  if (f.otherSubsidies.length > 0) {
    w.heading('Autres crédits (hors FIPD) décidés dans le trimestre', 3);
    w.table({
      head: ['Source', 'Bénéficiaire', 'Quartier', 'Objet', 'Accordé', 'Payé'],
      body: f.otherSubsidies.map((s) => [s.sourceLabel, s.beneficiary, s.qrrName, s.object, euros(s.grantedCents), euros(s.paidCents)]),
      columnStyles: { 0: { cellWidth: 24 }, 4: { halign: 'right' }, 5: { halign: 'right' } },
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
      head: ['Quartier', 'Code', 'Indicateur', 'État'],
      body: m.indicators.map((i) => [i.qrrName, i.indicatorCode, i.label, i.partial ? 'Incomplet' : 'Vide']),
      columnStyles: { 0: { cellWidth: 35 }, 1: { cellWidth: 12 }, 3: { cellWidth: 18 } },
    });
  }
  if (m.assessments.length > 0) {
    w.heading('Engagements sans météo', 3);
    w.table({
      head: ['Quartier', 'Engagement'],
      body: m.assessments.map((a) => [a.qrrName, `${a.engagementCode} — ${a.title}`]),
      columnStyles: { 0: { cellWidth: 35 } },
    });
  }
  if (m.actions.length > 0) {
    w.heading('Actions sans statut', 3);
    w.table({
      head: ['Quartier', 'Code', 'Action'],
      body: m.actions.map((a) => [a.qrrName, a.actionCode, a.label]),
      columnStyles: { 0: { cellWidth: 35 }, 1: { cellWidth: 15 } },
    });
  }
}

function signatureBlock(w: Writer, model: ReportModel, block: NonNullable<RenderReportOptions['signatureBlock']>, mark: (title: string) => void): void {
  const { doc } = w;
  const { x, y, w: bw, h } = SIGNATURE_BLOCK_MM;
  if (w.y > y - 30) {
    // No page holding a signature alone: the signature page recalls what is signed.
    w.newPage();
    w.heading(`Récapitulatif signé — ${model.period.label}`, 1);
    w.table({
      head: ['Engagement', 'Météo', 'Mise en œuvre', 'Complétude'],
      body: model.lines.map((l) => {
        const e = model.engagements.find((x) => x.code === l.code)!;
        return [`${l.code} — ${l.title}`, l.meteoMeaning, implementationText(e.implementation), percentText(e.completeness)];
      }),
      columnStyles: { 0: { cellWidth: 80 } },
    });
    w.paragraph(
      `${model.signature.authority}. ${model.missing.ready ? 'Toutes les données de la période sont renseignées.' : model.missing.summary.join(' ')}`,
      9,
    );
  }
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
