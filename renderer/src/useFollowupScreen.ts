import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isPeriodWritable, previousPeriod } from '../../shared/domain/period';
import type { QrrName } from '../../shared/domain/followup-grid';
import type { Period } from '../../shared/domain/types';
import type { ApiError, Result } from '../../shared/ipc/result';
import { useQrrChoice } from './components/QrrChoice';
import { readOnlyReasonOf } from './components/FollowupFrame';
import { usePeriods } from './usePeriods';

/** What a grid channel answers, decoded: the shown quartiers' records of the quarter and of the quarter before. */
export interface QuarterRecords<T, P> {
  readonly records: readonly T[];
  readonly previous: readonly P[];
}

/**
 * The set-up the quarterly follow-up screens (Indicateurs, Actions) share:
 * the quarters and the one selected, the quartiers and those shown, the
 * records of the quartiers shown only (not every quartier of the base) for
 * the quarter and the one before, whether the quarter can be written, and
 * the merge of what a save returns (nothing is reloaded after a save).
 */
export function useFollowupScreen<T, P, L extends QuarterRecords<T, P> = QuarterRecords<T, P>>({
  load,
  empty,
  keyOf,
}: {
  /** Loads the quarter's records of these quartiers (a grid channel: loadIndicatorGrid, loadActionGrid). */
  load: (periodCode: string, qrrIds: readonly number[]) => Promise<Result<L>>;
  /** What is shown before the first load answers. */
  empty: L;
  /** The record's quartier and item (« 12|01-03 »): a saved record replaces the one with the same key. */
  keyOf: (record: T) => string;
}) {
  const { periods, selected, select, changed, refresh: refreshPeriods, error: periodError } = usePeriods();
  const { qrrs, shown, setShown, visibleQrrs, error: qrrError } = useQrrChoice();
  const [loaded, setLoaded] = useState<L>(empty);
  const [error, setError] = useState<ApiError | null>(null);
  // Until the first load answers, the grid is not drawn (drawing it empty, then again full, costs twice).
  const [ready, setReady] = useState(false);
  const latestRef = useRef<L>(loaded);
  const shownIds = useMemo(() => visibleQrrs.map((q) => q.id), [visibleQrrs]);
  const shownKey = shownIds.join(',');
  const previousCode = selected ? previousPeriod(selected.code) : null;
  const hasPreviousPeriod = periods.some((p) => p.code === previousCode);
  const loadRef = useRef(load);
  loadRef.current = load;
  const keyRef = useRef(keyOf);
  keyRef.current = keyOf;
  // Answers can cross (quartier changed twice quickly): only the last request's answer is shown.
  const requestSeq = useRef(0);

  const reload = useCallback(async () => {
    if (!selected || shownKey === '') return;
    const seq = ++requestSeq.current;
    const result = await loadRef.current(selected.code, shownKey.split(',').map(Number));
    if (seq !== requestSeq.current) return;
    if (!result.ok) return setError(result.error);
    setError(null);
    latestRef.current = result.value;
    setLoaded(result.value);
    setReady(true);
    // `selected` is a new object whenever the periods are listed again (a quarter opened, transmitted): it reloads.
  }, [selected, shownKey]);

  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  useEffect(() => {
    void reload();
  }, [reload]);

  /** After a save: the records it wrote replace those with the same key (none returned for a key: removed). */
  const merge = useCallback((saved: readonly T[], touched: ReadonlySet<string>) => {
    const keyOf = keyRef.current;
    const next = { ...latestRef.current, records: [...latestRef.current.records.filter((r) => !touched.has(keyOf(r))), ...saved] };
    latestRef.current = next;
    setLoaded(next);
  }, []);

  const readOnly = !selected || !isPeriodWritable(selected.state);
  const readOnlyReason = readOnlyReasonOf(selected);
  return {
    periods,
    selected,
    select,
    changed,
    refreshPeriods,
    qrrs,
    shown,
    setShown,
    visibleQrrs,
    /** The whole last load (with what a screen's channel adds, e.g. « sans objet »). */
    loaded,
    records: loaded.records,
    previous: loaded.previous,
    previousCode,
    hasPreviousPeriod,
    /** Stable: loads the current selection again. */
    reload: useCallback(() => reloadRef.current(), []),
    /** What the last load or merge holds, at once (before React shows it): writes planned right after a save start from it. */
    latest: useCallback(() => latestRef.current, []),
    merge,
    readOnly,
    readOnlyReason,
    ready,
    error: error ?? periodError ?? qrrError,
  };
}

/** The quartier of a focused cell: from its column (`<qrrId>:…`), else the only quartier shown. */
export const focusedQrrId = (colId: string | null, visibleQrrs: readonly QrrName[]): number | null => {
  const match = colId ? /^(\d+):/.exec(colId) : null;
  if (match) return Number(match[1]);
  return visibleQrrs.length === 1 ? visibleQrrs[0]!.id : null;
};

/** The frame's props that come from the set-up (FollowupFrame). */
export const frameProps = (s: {
  periods: readonly Period[];
  selected: Period | null;
  qrrs: readonly QrrName[];
  readOnlyReason: string | null;
  ready: boolean;
  error: ApiError | null;
}) => ({ periods: s.periods, selected: s.selected, qrrs: s.qrrs, readOnlyReason: s.readOnlyReason, ready: s.ready, error: s.error });
