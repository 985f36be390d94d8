import type { ReportModel } from '../../../shared/report/report-model';
import type { IndicatorResult } from '../../../shared/report/results-model';
import { ALL_QRRS, missingHref } from '../screens/indicators/MissingNavigator';

/** A small SVG chart of the last quarters' headline figures (gaps where nothing was entered). */
export function Sparkline({ values, label }: { values: readonly (number | null)[]; label: string }) {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return <span aria-label={`${label} : aucune donnée`}>—</span>;
  const w = 64;
  const h = 16;
  const min = Math.min(...known);
  const span = Math.max(...known) - min || 1;
  const step = w / Math.max(1, values.length - 1);
  const y = (v: number) => h - 1 - ((v - min) / span) * (h - 2);
  const segments: string[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    segments.push(`${i > 0 && values[i - 1] !== null ? 'L' : 'M'}${(i * step).toFixed(1)},${y(v).toFixed(1)}`);
  });
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${label} : ${known.length} trimestres renseignés`} className="qrr-sparkline">
      <path d={segments.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

const series = (r: IndicatorResult) => r.series.map((s) => s.headline);

/**
 * The département's results for the quarter (issue 13): per engagement its
 * line (météo with meaning, key result's chart), per indicator the figure by
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
            const key = line.keyResults[0];
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
                <td>{key ? <Sparkline values={series(key)} label={`${key.code}, 8 derniers trimestres`} /> : '—'}</td>
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
                      <Sparkline values={series(r)} label={`${r.code}, 8 derniers trimestres`} />
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
