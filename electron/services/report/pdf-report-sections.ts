/**
 * The quarterly report's pages, section by section: cover, département
 * synthesis, one page per engagement, one section per quartier. Assembled by
 * pdf.ts (renderReportPdf), which also owns the table of contents.
 *
 * Every text is French; numbers and dates go through shared/format.
 */
import type { ActionStatus } from '../../../shared/domain/types';
import { formatDate, formatInteger, plural } from '../../../shared/format/fr';
import { formatRatioPercent, type ReportModel, type ReportQrr } from '../../../shared/report/report-model';
import {
  barChart,
  blocMarque,
  coverKeyFigures,
  BLUE,
  CONTENT_W,
  GREEN,
  implementationText,
  MARGIN_X,
  MUTED,
  percentText,
  RED,
  Writer,
  type CellStyles,
  type ReportFonts,
  type TableCell,
} from './pdf-kit';

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

// ---------------------------------------------------------------------------
// Pages

export function cover(w: Writer, model: ReportModel, options: RenderReportOptions, signatory: { name: string; title: string }): void {
  blocMarque(w, model.departement.prefecture);

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

export function synthesis(w: Writer, model: ReportModel): void {
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

export function engagementPage(w: Writer, model: ReportModel, index: number, context: { objectives: readonly string[]; levers: readonly string[] } | undefined): void {
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

export function qrrSection(w: Writer, model: ReportModel, q: ReportQrr): void {
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
