import type { Implementation } from '../../../shared/report/report-model';
import { formatRatioCount, formatRatioPercent } from '../../../shared/report/report-model';

/**
 * « Taux de mise en œuvre » per engagement as horizontal bars, with the
 * figures written out (the bars are decoration for sighted users).
 */
export function ImplementationChart({ rows }: { rows: readonly { code: string; title: string; implementation: Implementation }[] }) {
  return (
    <figure className="qrr-chart fr-mb-3w" aria-labelledby="implementation-chart-title">
      <figcaption id="implementation-chart-title" className="fr-text--bold fr-mb-1w">
        Taux de mise en œuvre des actions par engagement (réalisées / actions applicables)
      </figcaption>
      <ul className="qrr-chart__bars" data-testid="implementation-chart">
        {rows.map((r) => (
          <li key={r.code} className="qrr-chart__row">
            <span className="qrr-chart__label" title={r.title}>
              {r.code}
            </span>
            <span className="qrr-chart__track" aria-hidden="true">
              <span className="qrr-chart__bar" style={{ width: `${Math.round(r.implementation.percent ?? 0)}%` }} />
            </span>
            <span className="qrr-chart__value">
              {formatRatioPercent(r.implementation)} ({formatRatioCount(r.implementation)})
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
