import type { ReportModel } from '../../../shared/report/report-model';
import { periodLabel } from '../../../shared/domain/period';
import { formatNumberFr, formatPercentFr } from '../../../shared/format/number-fr';
import type { EngagementSeries } from '../../../shared/report/engagement-series';
import type { IndicatorResult } from '../../../shared/report/results-model';
import { ALL_QRRS, missingHref } from '../screens/indicators/MissingNavigator';

/** One quarter of a small chart: its value (null: a gap) and how it reads aloud. */
export interface SparkPoint {
  readonly periodCode: string;
  readonly label: string;
  readonly value: number | null;
  readonly text: string;
}

/**
 * A small SVG chart of the last quarters (gaps where there is no figure). Its
 * accessible name gives every quarter's value in French; each point carries
 * its value, so what is drawn can be checked against the database.
 */
export function Sparkline({ points, title, testId }: { points: readonly SparkPoint[]; title: string; testId?: string }) {
  const label = `${title} : ${points.map((p) => `${p.label} : ${p.text}`).join(' ; ')}`;
  const known = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  if (known.length === 0) return <span aria-label={label} data-testid={testId}>—</span>;
  const w = 64;
  const h = 16;
  const min = Math.min(...known);
  const span = Math.max(...known) - min || 1;
  const step = w / Math.max(1, points.length - 1);
  const x = (i: number) => (i * step).toFixed(1);
  const y = (v: number) => (h - 2 - ((v - min) / span) * (h - 4)).toFixed(1);
  const segments: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) return;
    segments.push(`${i > 0 && points[i - 1]!.value !== null ? 'L' : 'M'}${x(i)},${y(p.value)}`);
  });
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} className="qrr-sparkline" data-testid={testId}>
      <title>{label}</title>
      <path d={segments.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
      {points.map((p, i) =>
        p.value === null ? null : <circle key={p.periodCode} cx={x(i)} cy={y(p.value)} r="1.2" fill="currentColor" data-period={p.periodCode} data-value={p.value} />,
      )}
    </svg>
  );
}

const indicatorPoints = (r: IndicatorResult): SparkPoint[] =>
  r.series.map((s) => ({
    periodCode: s.periodCode,
    label: periodLabel(s.periodCode),
    value: s.headline,
    text: s.headline === null ? 'non renseigné' : formatNumberFr(s.headline, 1),
  }));

const implementationPoints = (series: EngagementSeries | undefined): SparkPoint[] =>
  (series?.points ?? []).map((p) => ({
    periodCode: p.periodCode,
    label: p.periodLabel,
    value: p.percent,
    text: !p.opened ? 'trimestre non ouvert' : p.percent === null ? 'aucune action applicable' : `${formatPercentFr(p.percent, 0)} (${p.done} / ${p.applicable})`,
  }));

/**
 * The département's results for the quarter (issue 13): per engagement its
 * line (météo with meaning, its taux de mise en œuvre over 8 quarters), per indicator the figure by
 * its aggregation rule, the comparison quarter, évolution, year to date for
 * flows, target and progress, and the last 8 quarters.
 */
export function ResultsTable({ model }: { model: ReportModel }) {
  const missingByEngagement = new Map<string, number>();
  const qrrsByEngagement = new Map<string, Set<number>>();
  for (const m of model.missing.indicators) {
    missingByEngagement.set(m.engagementCode, (missingByEngagement.get(m.engagementCode) ?? 0) + 1);
    qrrsByEngagement.set(m.engagementCode, (qrrsByEngagement.get(m.engagementCode) ?? new Set()).add(m.qrrId));
  }
  // One quartier concerned: its grid; several: all of them side by side.
  const qrrOf = (code: string): number | typeof ALL_QRRS => {
    const ids = [...(qrrsByEngagement.get(code) ?? [])];
    return ids.length === 1 ? ids[0]! : ALL_QRRS;
  };
  return (
    <div className="fr-table qrr-results-table">
      <table data-testid="results-table">
        <caption>Résultats du département — {model.period.label} (somme des quartiers, ratio des sommes pour un taux, hors « sans objet »)</caption>
        <thead>
          <tr>
            <th scope="col">Indicateur</th>
            <th scope="col">Nature</th>
            <th scope="col">Trimestre</th>
            <th scope="col">Comparaison</th>
            <th scope="col">Évolution</th>
            <th scope="col">Cumul de l'année</th>
            <th scope="col">Cible</th>
            <th scope="col">Progression</th>
            <th scope="col">8 trimestres</th>
          </tr>
        </thead>
        <tbody>
          {model.lines.map((line) => {
            const missing = missingByEngagement.get(line.code) ?? 0;
            const implementation = model.implementationSeries.find((x) => x.code === line.code);
            return [
              <tr key={line.code} className="qrr-results-table__engagement" data-testid={`results-engagement-${line.code}`}>
                <th scope="rowgroup" colSpan={8}>
                  {line.code} — {line.title} · <span className={`qrr-meteo qrr-meteo--${line.meteo}`}>{line.meteoMeaning}</span>
                  {missing > 0 && (
                    <>
                      {' · '}
                      <a className="fr-link" href={missingHref(model.period.code, qrrOf(line.code), line.code)} data-testid={`missing-link-${line.code}`}>
                        {missing} indicateur{missing > 1 ? 's' : ''} à compléter
                      </a>
                    </>
                  )}
                </th>
                <td>
                  <Sparkline
                    points={implementationPoints(implementation)}
                    title={`Engagement ${line.code}, taux de mise en œuvre des 8 derniers trimestres`}
                    testId={`engagement-sparkline-${line.code}`}
                  />
                </td>
              </tr>,
              ...model.results
                .filter((r) => r.engagementCode === line.code)
                .map((r) => (
                  <tr key={r.code} data-testid={`result-${r.code}`}>
                    <th scope="row">
                      {r.code} — {r.label}
                      {r.source === 'national' ? ' (SI national)' : ''}
                    </th>
                    <td>{r.natureLabel}</td>
                    <td>{r.applicable === 0 ? 'Sans objet' : r.figure.text}</td>
                    <td>{r.comparison.figure.text}</td>
                    <td>{r.evolution.text}</td>
                    <td>{r.yearToDate ? r.yearToDate.text : '—'}</td>
                    <td title={r.target?.quote ?? undefined}>{r.target ? r.target.text : '—'}</td>
                    <td>{r.target ? r.target.progressText : '—'}</td>
                    <td>
                      <Sparkline points={indicatorPoints(r)} title={`Indicateur ${r.code}, 8 derniers trimestres`} />
                    </td>
                  </tr>
                )),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}
