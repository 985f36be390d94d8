import { useEffect, useId, useState } from 'react';
import { PERIOD_STATE_LABELS, parsePeriodCode, periodCode, periodLabel, periodOfDate } from '../../../shared/domain/period';
import type { Period } from '../../../shared/domain/types';
import { formatDate } from '../../../shared/format/fr';
import type { ApiError, Result } from '../../../shared/ipc/result';
import { api, call } from '../api';
import { ErrorAlert } from './ErrorAlert';
import { MissingSummary } from './MissingSummary';
import type { ReportMissing } from '../../../shared/report/report-model';

/** The current quarter, the next one and the eight before it: what a coordinator may open. */
function openableCodes(now: Date, existing: readonly Period[]): string[] {
  const current = parsePeriodCode(periodOfDate(now))!;
  const index = current.year * 4 + current.quarter - 1;
  const codes: string[] = [];
  for (let i = index + 1; i >= index - 8; i--) {
    codes.push(periodCode({ year: Math.floor(i / 4), quarter: ((i % 4) + 1) as 1 | 2 | 3 | 4 }));
  }
  return codes.filter((c) => !existing.some((p) => p.code === c));
}

const BADGE: Readonly<Record<Period['state'], string>> = {
  open: 'fr-badge--info',
  transmitted: 'fr-badge--success',
  reopened: 'fr-badge--warning',
};

/**
 * Chooses the quarter being worked on, opens a new one, transmits it (read-only
 * afterwards) or reopens it with a reason.
 */
export function PeriodBar({
  periods,
  selected,
  onSelect,
  onChanged,
}: {
  periods: readonly Period[];
  selected: Period | null;
  onSelect: (code: string) => void;
  onChanged: (period: Period) => void;
}) {
  const id = useId();
  const [error, setError] = useState<ApiError | null>(null);
  const [toOpen, setToOpen] = useState('');
  const [confirming, setConfirming] = useState<'transmit' | 'reopen' | null>(null);
  const [reason, setReason] = useState('');
  // The transmission check, the same as Rapports and the CLI (electron/services/transmission.ts).
  const [missing, setMissing] = useState<ReportMissing | null>(null);
  const [confirmIncomplete, setConfirmIncomplete] = useState(false);
  const openable = openableCodes(new Date(), periods);
  useEffect(() => {
    setMissing(null);
    setConfirmIncomplete(false);
    if (confirming !== 'transmit' || !selected) return;
    let live = true;
    void call(api().getReportModel({ periodCode: selected.code })).then((r) => {
      if (live && r.ok) setMissing(r.value.missing);
    });
    return () => {
      live = false;
    };
  }, [confirming, selected]);

  const run = async (request: Promise<Result<Period>>) => {
    const result = await call(request);
    if (result.ok) {
      setError(null);
      setConfirming(null);
      setReason('');
      onChanged(result.value);
    } else setError(result.error);
  };

  return (
    <div className="qrr-period-bar fr-mb-3w" data-testid="period-bar">
      <ErrorAlert error={error} title="Période" />
      <div className="qrr-period-bar__row">
        <div className="fr-select-group">
          <label className="fr-label" htmlFor={`${id}-period`}>
            Trimestre
          </label>
          <select
            id={`${id}-period`}
            className="fr-select"
            value={selected?.code ?? ''}
            onChange={(e) => onSelect(e.target.value)}
            disabled={periods.length === 0}
          >
            {periods.length === 0 && <option value="">Aucun trimestre ouvert</option>}
            {periods.map((p) => (
              <option key={p.code} value={p.code}>
                {p.label} ({PERIOD_STATE_LABELS[p.state]})
              </option>
            ))}
          </select>
        </div>
        {selected && (
          <p className="qrr-period-bar__state">
            <span className={`fr-badge ${BADGE[selected.state]}`}>{PERIOD_STATE_LABELS[selected.state]}</span>
            {selected.transmittedAt && selected.state === 'transmitted' && ` le ${formatDate(selected.transmittedAt)}`}
          </p>
        )}
        {selected && selected.state !== 'transmitted' && (
          <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => setConfirming('transmit')}>
            Marquer comme transmis
          </button>
        )}
        {selected && selected.state === 'transmitted' && (
          <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => setConfirming('reopen')}>
            Rouvrir
          </button>
        )}
        {openable.length > 0 && (
          <div className="qrr-period-bar__open">
            <label className="fr-label fr-sr-only" htmlFor={`${id}-open`}>
              Trimestre à ouvrir
            </label>
            <select id={`${id}-open`} className="fr-select" value={toOpen} onChange={(e) => setToOpen(e.target.value)}>
              <option value="">Ouvrir un trimestre…</option>
              {openable.map((code) => (
                <option key={code} value={code}>
                  {periodLabel(code)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="fr-btn fr-btn--sm"
              disabled={toOpen === ''}
              onClick={() => void run(api().openPeriod({ code: toOpen })).then(() => setToOpen(''))}
            >
              Ouvrir
            </button>
          </div>
        )}
      </div>
      {confirming === 'transmit' && selected && (
        <div className="fr-callout fr-mt-2w" role="dialog" aria-label="Confirmer la transmission">
          <p className="fr-callout__text">
            Une fois transmis, le {selected.label} passe en lecture seule. Il pourra être rouvert, avec un motif qui sera
            journalisé. Le rapport signé pourra être produit ensuite depuis « Rapports », sur les chiffres figés.
          </p>
          {missing === null ? <p>Vérification de ce qui manque…</p> : <MissingSummary missing={missing} />}
          {missing !== null && !missing.ready && (
            <div className="fr-checkbox-group fr-mb-2w">
              <input type="checkbox" id={`${id}-confirm-incomplete`} checked={confirmIncomplete} onChange={(e) => setConfirmIncomplete(e.target.checked)} />
              <label className="fr-label" htmlFor={`${id}-confirm-incomplete`}>
                Transmettre malgré ces manques (les éléments « sans objet » ne sont pas demandés)
              </label>
            </div>
          )}
          <ul className="fr-btns-group fr-btns-group--inline-sm">
            <li>
              <button
                type="button"
                className="fr-btn fr-btn--sm"
                disabled={missing === null || (!missing.ready && !confirmIncomplete)}
                onClick={() => void run(api().transmitPeriod({ code: selected.code, confirmIncomplete }))}
              >
                Confirmer la transmission
              </button>
            </li>
            <li>
              <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => setConfirming(null)}>
                Annuler
              </button>
            </li>
          </ul>
        </div>
      )}
      {confirming === 'reopen' && selected && (
        <div className="fr-callout fr-mt-2w" role="dialog" aria-label="Rouvrir le trimestre">
          <div className="fr-input-group">
            <label className="fr-label" htmlFor={`${id}-reason`}>
              Motif de la réouverture
              <span className="fr-hint-text">Obligatoire ; il figure au journal des modifications.</span>
            </label>
            <textarea id={`${id}-reason`} className="fr-input" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <ul className="fr-btns-group fr-btns-group--inline-sm">
            <li>
              <button type="button" className="fr-btn fr-btn--sm" onClick={() => void run(api().reopenPeriod({ code: selected.code, reason }))}>
                Rouvrir le trimestre
              </button>
            </li>
            <li>
              <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm" onClick={() => setConfirming(null)}>
                Annuler
              </button>
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
