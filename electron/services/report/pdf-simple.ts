/**
 * The first pages of a report: the « tableau de bord simple et normalisé »
 * the circular asks for — one line per engagement (météo with its meaning,
 * trend, implementation, key results with évolution and target, synthesis),
 * then the figure of every indicator (département or national) by its
 * aggregation rule, with its évolution, year to date, target, progress and a
 * small chart of the last 8 quarters. Shared by the département report
 * (pdf.ts) and the national synthesis (national-pdf.ts).
 */
import type { Implementation, Ratio } from '../../../shared/report/report-model';
import type { EngagementLine, IndicatorResult } from '../../../shared/report/results-model';
import { BLUE, CONTENT_W, GREEN, MUTED, RULE, Writer, implementationText, percentText, type TableCell } from './pdf-kit';

const SOURCE_MARK = ' (SI national)';

/** Clipped text: tables of the first pages stay one or two lines a row. */
const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1).replace(/\s+\S*$/, '')} …`);

function keyResultText(r: IndicatorResult): string {
  const figure = r.yearToDate ? `${r.yearToDate.headlineText} depuis janvier` : r.figure.headlineText;
  const evolution = r.evolution.text !== '—' ? ` (${r.evolution.text})` : '';
  const target = r.target?.targetValue != null ? ` ; cible ${r.target.text}, ${r.target.progressText}` : '';
  return `${r.code} ${clip(r.label.replace(/^Nombre d(?:e |')/u, ''), 34)} : ${figure}${evolution}${target}`;
}

/** One line per engagement. `implementationOf` gives the engagement's implementation rate (and completeness). */
export function engagementLinesTable(
  w: Writer,
  lines: readonly EngagementLine[],
  statsOf: (code: string) => { readonly implementation: Implementation; readonly completeness: Ratio },
): void {
  w.table({
    head: ['Engagement', 'Météo', 'Tendance', 'Mise en œuvre', 'Résultats clés (évolution ; cible, progression)', 'Synthèse'],
    body: lines.map((l): TableCell[] => {
      const stats = statsOf(l.code);
      const typed = [
        ...l.successes.map((t) => `Réussite : ${t}`),
        ...l.obstacles.map((t) => `Frein : ${t}`),
        ...l.nextSteps.map((t) => `À venir : ${t}`),
      ];
      return [
        { content: `${l.code} — ${l.title}`, styles: { fontStyle: 'bold' } },
        l.meteoMeaning,
        l.trendLabel,
        `${implementationText(stats.implementation)}\nComplétude ${percentText(stats.completeness)}`,
        l.keyResults.length === 0 ? '—' : l.keyResults.slice(0, 2).map(keyResultText).join('\n'),
        clip([...l.synthesis, ...typed].join('\n') || '—', 170),
      ];
    }),
    styles: { fontSize: 6.6, cellPadding: 1 },
    columnStyles: {
      0: { cellWidth: 30 },
      1: { cellWidth: 25, cellPadding: { top: 1, bottom: 1, left: 4.5, right: 1 } },
      2: { cellWidth: 14 },
      3: { cellWidth: 22 },
      4: { cellWidth: 50 },
      5: { cellWidth: CONTENT_W - 141 },
    },
    didDrawCell: (cell) => {
      if (cell.column === 1) {
        const meteo = lines[cell.row]?.meteo;
        if (meteo) w.meteoDot(meteo, cell.x + 2.2, cell.y + 2.4, 1.2);
      }
    },
  });
}

/** A small line chart of the last quarters (missing quarters leave a gap). */
function sparkline(w: Writer, values: readonly (number | null)[], x: number, y: number, width: number, height: number): void {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return;
  const { doc } = w;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const span = max - min || 1;
  const step = width / Math.max(1, values.length - 1);
  const point = (i: number, v: number): [number, number] => [x + i * step, y + height - ((v - min) / span) * height];
  doc.setDrawColor(RULE[0], RULE[1], RULE[2]);
  doc.setLineWidth(0.1);
  doc.line(x, y + height, x + width, y + height);
  doc.setDrawColor(BLUE[0], BLUE[1], BLUE[2]);
  doc.setLineWidth(0.3);
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1];
    const b = values[i];
    if (a != null && b != null) doc.line(...point(i - 1, a), ...point(i, b));
  }
  const last = values.at(-1);
  if (last != null) {
    const [px, py] = point(values.length - 1, last);
    doc.setFillColor(GREEN[0], GREEN[1], GREEN[2]);
    doc.circle(px, py, 0.5, 'F');
  }
}

/** The figure of every indicator, grouped by engagement. `scope` names whose figure it is (« du département »). */
export function indicatorResultsTable(w: Writer, results: readonly IndicatorResult[], lines: readonly EngagementLine[], periodLabel: string): void {
  const rows: TableCell[][] = [];
  const rowResults: (IndicatorResult | null)[] = [];
  for (const l of lines) {
    rows.push([{ content: `${l.code} — ${l.title}`, colSpan: 9, styles: { fontStyle: 'bold', fillColor: [238, 238, 248], textColor: [BLUE[0], BLUE[1], BLUE[2]] } } as TableCell]);
    rowResults.push(null);
    for (const r of results.filter((x) => x.engagementCode === l.code)) {
      const none = r.applicable === 0;
      rows.push([
        r.code,
        clip(r.label, 95) + (r.source === 'national' ? SOURCE_MARK : ''),
        r.natureLabel.replace(' (vacances scolaires)', '').replace(' en fin de trimestre', '').replace(' du trimestre', ''),
        { content: none ? 'Sans objet' : r.figure.text, styles: none ? { textColor: [MUTED[0], MUTED[1], MUTED[2]] } : {} } as TableCell,
        r.evolution.text === '—' ? '—' : `${r.evolution.text}\n(${r.comparison.periodLabel ?? ''})`,
        r.yearToDate ? r.yearToDate.text : '—',
        r.target ? r.target.text : '—',
        r.target ? r.target.progressText : '—',
        '',
      ]);
      rowResults.push(r);
    }
  }
  w.table({
    head: ['Code', 'Indicateur', 'Nature', periodLabel.replace(/^./, (c) => c.toUpperCase()), 'Évolution', 'Cumul de l\'année', 'Cible', 'Progr.', '8 trim.'],
    body: rows,
    styles: { fontSize: 6.3, cellPadding: 0.8 },
    columnStyles: {
      0: { cellWidth: 9 },
      1: { cellWidth: 50 },
      2: { cellWidth: 13 },
      3: { cellWidth: 27 },
      4: { cellWidth: 19 },
      5: { cellWidth: 20 },
      6: { cellWidth: 17 },
      7: { cellWidth: 11 },
      8: { cellWidth: CONTENT_W - 166 },
    },
    didDrawCell: (cell) => {
      if (cell.column === 8) {
        const r = rowResults[cell.row];
        if (r) sparkline(w, r.series.map((s) => s.headline), cell.x + 1.2, cell.y + 1.2, cell.width - 2.4, Math.min(4, cell.height - 2.4));
      }
    },
  });
  w.paragraph(
    'Chiffre du trimestre : somme des quartiers (ratio des sommes pour un taux ; répartition pour un état d\'avancement), ' +
      'hors quartiers où l\'indicateur est sans objet. Évolution : par rapport au trimestre précédent pour un stock ou un flux, ' +
      'au même trimestre de l\'année précédente pour un chiffre annuel ou saisonnier. Cumul de l\'année : flux et saisonniers. ' +
      '« SI national » : chiffre produit par un système d\'information national. Règles : docs/referentiel-mesures.md.',
    6.5,
    { colour: MUTED, after: 2 },
  );
}
