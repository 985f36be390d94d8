import { useEffect, useId, useState, type ReactNode } from 'react';
import type { FipdLedger } from '../../../../shared/domain/fipd';
import type { Qrr } from '../../../../shared/domain/types';
import { formatEurosFromCents, formatPercentFr } from '../../../../shared/format/number-fr';

const rate = (r: number | null) => (r === null ? '—' : formatPercentFr(r * 100));

/**
 * Délégué, engagé, versé for the département on one line; per QRR with bars
 * (figures written out beside them) and the envelopes in a fold; the alerts
 * as a count that opens their list, so the subsidies keep the screen's height.
 */
export function FipdLedgerPanel({ ledger, qrrs, envelopes, envelopesOpen }: { ledger: FipdLedger; qrrs: readonly Qrr[]; envelopes: ReactNode; envelopesOpen: boolean }) {
  const alertsId = useId();
  const [alertsShown, setAlertsShown] = useState(false);
  const alertCount = ledger.flags.reduce((n, f) => n + f.flags.length, 0);
  // Opens by itself while an envelope is missing, never closes by itself (the user may be typing in it).
  const [open, setOpen] = useState(envelopesOpen);
  useEffect(() => {
    if (envelopesOpen) setOpen(true);
  }, [envelopesOpen]);
  const d = ledger.totals.departement;
  const max = Math.max(1, ...ledger.totals.byQrr.flatMap((q) => [q.delegatedCents, q.committedCents, q.paidCents]));
  const name = (id: number) => qrrs.find((q) => q.id === id)?.name ?? `QRR n° ${id}`;
  return (
    <div className="fr-mb-1w" data-testid="fipd-ledger">
      <div className="qrr-ledger__head">
        <p className="fr-text--bold fr-mb-0">
          Délégué {formatEurosFromCents(d.delegatedCents)} · engagé {formatEurosFromCents(d.committedCents)} · versé{' '}
          {formatEurosFromCents(d.paidCents)} · reste à engager {formatEurosFromCents(d.remainingCents)} · taux de consommation{' '}
          {rate(d.consumptionRate)}
        </p>
        {alertCount > 0 && (
          <button
            type="button"
            className="fr-btn fr-btn--sm fr-btn--secondary qrr-ledger__alerts"
            aria-expanded={alertsShown}
            aria-controls={alertsId}
            data-testid="fipd-alerts-toggle"
            onClick={() => setAlertsShown((s) => !s)}
          >
            ⚠ {alertCount} alerte{alertCount > 1 ? 's' : ''} à surveiller
          </button>
        )}
      </div>
      {alertCount > 0 && (
        // Scrolls when long: focusable so the keyboard reaches it.
        <div id={alertsId} hidden={!alertsShown} tabIndex={0} className="fr-alert fr-alert--warning fr-alert--sm qrr-ledger__flags" data-testid="fipd-flags">
          <h3 className="fr-alert__title">À surveiller</h3>
          <ul>
            {ledger.flags.flatMap((f) => f.flags.map((flag) => <li key={`${f.subsidyId}-${flag.code}`}>Subvention n° {f.subsidyId} : {flag.message}</li>))}
          </ul>
        </div>
      )}
      <details className="qrr-collapsible" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>Enveloppes déléguées et consommation par quartier</summary>
          {envelopes}
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
      </details>
    </div>
  );
}
