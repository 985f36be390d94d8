import type { FipdLedger } from '../../../../shared/domain/fipd';
import type { Qrr } from '../../../../shared/domain/types';
import { formatEurosFromCents, formatPercentFr } from '../../../../shared/format/number-fr';

const rate = (r: number | null) => (r === null ? '—' : formatPercentFr(r * 100));

/** Délégué, engagé, versé for the département and per QRR, with bars (figures written out beside them). */
export function FipdLedgerPanel({ ledger, qrrs }: { ledger: FipdLedger; qrrs: readonly Qrr[] }) {
  const d = ledger.totals.departement;
  const max = Math.max(1, ...ledger.totals.byQrr.flatMap((q) => [q.delegatedCents, q.committedCents, q.paidCents]));
  const name = (id: number) => qrrs.find((q) => q.id === id)?.name ?? `QRR n° ${id}`;
  return (
    <div className="fr-mb-3w" data-testid="fipd-ledger">
      <p className="fr-text--lead fr-mb-1w">
        Délégué {formatEurosFromCents(d.delegatedCents)} · engagé {formatEurosFromCents(d.committedCents)} · versé{' '}
        {formatEurosFromCents(d.paidCents)} · reste à engager {formatEurosFromCents(d.remainingCents)} · taux de consommation{' '}
        {rate(d.consumptionRate)}
      </p>
      <figure className="qrr-chart" aria-labelledby="fipd-chart-title">
        <figcaption id="fipd-chart-title" className="fr-text--bold fr-mb-1w">
          Par quartier : délégué, engagé, versé
        </figcaption>
        <ul className="qrr-chart__bars qrr-chart__bars--fipd" data-testid="fipd-chart">
          {ledger.totals.byQrr.map((q) => (
            <li key={q.qrrId} className="qrr-fipd-row">
              <span className="qrr-fipd-row__name">{name(q.qrrId)}</span>
              {(
                [
                  ['Délégué', q.delegatedCents, 'delegated'],
                  ['Engagé', q.committedCents, 'committed'],
                  ['Versé', q.paidCents, 'paid'],
                ] as const
              ).map(([label, cents, kind]) => (
                <span key={kind} className="qrr-chart__row">
                  <span className="qrr-chart__label">{label}</span>
                  <span className="qrr-chart__track" aria-hidden="true">
                    <span className={`qrr-chart__bar qrr-chart__bar--${kind}`} style={{ width: `${Math.round((cents / max) * 100)}%` }} />
                  </span>
                  <span className="qrr-chart__value">{formatEurosFromCents(cents)}</span>
                </span>
              ))}
            </li>
          ))}
        </ul>
      </figure>
      {ledger.flags.length > 0 && (
        <div className="fr-alert fr-alert--warning fr-alert--sm" data-testid="fipd-flags">
          <h3 className="fr-alert__title">À surveiller</h3>
          <ul>
            {ledger.flags.flatMap((f) => f.flags.map((flag) => <li key={`${f.subsidyId}-${flag.code}`}>Subvention n° {f.subsidyId} : {flag.message}</li>))}
          </ul>
        </div>
      )}
    </div>
  );
}
