import { useEffect, useMemo, useState } from 'react';
import { decodeQrrNames, type QrrName } from '../../../shared/domain/followup-grid';
import type { ApiError } from '../../../shared/ipc/result';
import { api, call } from '../api';

const ALL = 'all';

/** The active QRRs (ids and names only) and which one is shown (or all side by side), for the follow-up grids. */
export function useQrrChoice(): {
  qrrs: readonly QrrName[];
  shown: string;
  setShown: (value: string) => void;
  visibleQrrs: readonly QrrName[];
  error: ApiError | null;
} {
  const [qrrs, setQrrs] = useState<readonly QrrName[]>([]);
  const [shown, setShown] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void call(api().listQrrNames()).then((r) => {
      if (!r.ok) return setError(r.error);
      const names = decodeQrrNames(r.value);
      setQrrs(names);
      setShown((current) => current || (names[0] ? String(names[0].id) : ''));
    });
  }, []);
  const visibleQrrs = useMemo(() => (shown === ALL ? qrrs : qrrs.filter((q) => String(q.id) === shown)), [qrrs, shown]);
  return { qrrs, shown, setShown, visibleQrrs, error };
}

export function QrrChoice({ qrrs, shown, onChange, id }: { qrrs: readonly QrrName[]; shown: string; onChange: (value: string) => void; id: string }) {
  return (
    <div className="fr-select-group">
      <label className="fr-label" htmlFor={id}>
        Quartier
      </label>
      <select id={id} className="fr-select" value={shown} onChange={(e) => onChange(e.target.value)}>
        {qrrs.map((q) => (
          <option key={q.id} value={String(q.id)}>
            {q.name}
          </option>
        ))}
        {qrrs.length > 1 && <option value={ALL}>Tous les quartiers, côte à côte</option>}
      </select>
    </div>
  );
}
