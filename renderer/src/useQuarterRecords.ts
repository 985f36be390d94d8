import { useCallback, useEffect, useRef, useState } from 'react';
import { previousPeriod } from '../../shared/domain/period';
import type { Period } from '../../shared/domain/types';
import type { ApiError, Result } from '../../shared/ipc/result';

/**
 * A follow-up screen's records for the selected quarter and the one before
 * it (when it was opened), reloaded after every save.
 */
export function useQuarterRecords<T>(
  periods: readonly Period[],
  selected: Period | null,
  list: (periodCode: string) => Promise<Result<readonly T[]>>,
): {
  records: readonly T[];
  previous: readonly T[];
  previousCode: string | null;
  hasPreviousPeriod: boolean;
  /** Stable: always reloads the current selection. */
  reload: () => Promise<void>;
  /** What the last load returned, at once (before React shows it): writes planned right after a save start from it. */
  latest: () => { records: readonly T[]; previous: readonly T[] };
  /** After a save: the records it touched replaced by those it returned (none returned: removed), without reloading both quarters. */
  merge: (saved: readonly T[], touched: (record: T) => boolean) => void;
  error: ApiError | null;
} {
  const [records, setRecords] = useState<readonly T[]>([]);
  const [previous, setPrevious] = useState<readonly T[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const previousCode = selected ? previousPeriod(selected.code) : null;
  const hasPreviousPeriod = periods.some((p) => p.code === previousCode);
  const latestRef = useRef<{ records: readonly T[]; previous: readonly T[] }>({ records: [], previous: [] });
  const listRef = useRef(list);
  listRef.current = list;

  const load = useCallback(async () => {
    if (!selected) return;
    const [current, prev] = await Promise.all([
      listRef.current(selected.code),
      previousCode && hasPreviousPeriod ? listRef.current(previousCode) : Promise.resolve(null),
    ]);
    if (!current.ok) return setError(current.error);
    if (prev && !prev.ok) return setError(prev.error);
    setError(null);
    latestRef.current = { records: current.value, previous: prev ? prev.value : [] };
    setRecords(current.value);
    setPrevious(prev ? prev.value : []);
  }, [selected, previousCode, hasPreviousPeriod]);

  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    void load();
  }, [load]);
  const reload = useCallback(() => loadRef.current(), []);

  const latest = useCallback(() => latestRef.current, []);
  const merge = useCallback((saved: readonly T[], touched: (record: T) => boolean) => {
    const next = [...latestRef.current.records.filter((r) => !touched(r)), ...saved];
    latestRef.current = { ...latestRef.current, records: next };
    setRecords(next);
  }, []);
  return { records, previous, previousCode, hasPreviousPeriod, reload, latest, merge, error };
}
