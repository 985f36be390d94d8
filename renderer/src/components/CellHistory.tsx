import { useEffect, useState } from 'react';
import type { AuditRecord } from '../../../shared/domain/types';
import { formatDateTime } from '../../../shared/format/fr';
import { api, call } from '../api';
import { fieldLabel, formatChange, originLabel } from '../../../shared/format/journal';

/**
 * The audit trail of one cell (who, when, old → new, how), newest first.
 * `describe` formats a field's values where the journal's generic formatting
 * would not say enough (an indicator's typed value).
 */
export function CellHistory({
  entity,
  entityId,
  refreshKey,
  describe,
}: {
  entity: string;
  entityId: string;
  /** Changes when the cell is saved, to read the history again. */
  refreshKey?: string;
  describe?: (record: AuditRecord) => string | null;
}) {
  const [rows, setRows] = useState<readonly AuditRecord[] | null>(null);
  useEffect(() => {
    void call(api().listAudit({ entity, entityId, limit: 50 })).then((r) => setRows(r.ok ? r.value.rows : []));
  }, [entity, entityId, refreshKey]);

  if (rows === null) return null;
  return (
    <>
      <h4 className="fr-h6 fr-mt-2w">Historique de la case</h4>
      {rows.length === 0 ? (
        <p className="fr-text--sm">Aucune modification enregistrée pour cette case.</p>
      ) : (
        <ul className="qrr-history fr-text--sm" data-testid="cell-history">
          {rows.map((h) => (
            <li key={h.id}>
              {formatDateTime(h.at)} — {h.osUser} — {originLabel(h.origin)} — {fieldLabel(h.field).toLowerCase()} : {describe?.(h) ?? formatChange(h, 160)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
