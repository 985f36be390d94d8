import type { ReactNode } from 'react';
import type { QrrName } from '../../../shared/domain/followup-grid';
import type { Period } from '../../../shared/domain/types';
import type { ApiError } from '../../../shared/ipc/result';
import { ErrorAlert } from './ErrorAlert';
import { PeriodBar } from './PeriodBar';

/**
 * The frame of the quarterly follow-up screens (Indicateurs, Actions): title,
 * quarter bar, what to do when there is no quarter or no QRR yet, and the
 * read-only notice of a transmitted quarter.
 */
export function FollowupFrame({
  id,
  title,
  error,
  periods,
  selected,
  onSelect,
  onChanged,
  qrrs,
  readOnlyReason,
  ready = true,
  children,
}: {
  id: string;
  title: string;
  error: ApiError | null;
  periods: readonly Period[];
  selected: Period | null;
  onSelect: (code: string) => void;
  onChanged: (period: Period) => void;
  qrrs: readonly QrrName[];
  /** Set when the selected quarter is read-only. */
  readOnlyReason: string | null;
  /** False until the quarter's records first arrive: the grid is drawn once, full. */
  ready?: boolean;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className="qrr-screen--grid">
      <div className="qrr-screen__head">
        <h1 id={`${id}-title`}>{title}</h1>
        <PeriodBar periods={periods} selected={selected} onSelect={onSelect} onChanged={onChanged} />
      </div>
      <ErrorAlert error={error} title="Chargement impossible" />
      {periods.length === 0 ? (
        <p>Ouvrez un trimestre pour commencer la saisie.</p>
      ) : qrrs.length === 0 ? (
        <p>Aucun quartier actif : créez-en un dans l'écran « Quartiers ».</p>
      ) : !ready && !error ? (
        <p role="status">Chargement…</p>
      ) : (
        <>
          {readOnlyReason && (
            <div className="fr-alert fr-alert--info fr-alert--sm fr-mb-1w">
              <p>{readOnlyReason}</p>
            </div>
          )}
          {children}
        </>
      )}
    </section>
  );
}

/** Why a quarter cannot be edited, or null. */
export const readOnlyReasonOf = (selected: Period | null): string | null =>
  selected && selected.state === 'transmitted' ? `Le ${selected.label} a été transmis : il est en lecture seule. Rouvrez-le pour le modifier.` : null;
