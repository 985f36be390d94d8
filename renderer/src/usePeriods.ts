import { useCallback, useEffect, useState } from 'react';
import type { Period } from '../../shared/domain/types';
import type { ApiError } from '../../shared/ipc/result';
import { api, call } from './api';

/** The periods and the one being worked on (the most recent by default), shared by the follow-up screens. */
export function usePeriods(): {
  periods: readonly Period[];
  selected: Period | null;
  select: (code: string) => void;
  changed: (period: Period) => void;
  /** Reloads the list, the selection kept. */
  refresh: () => void;
  error: ApiError | null;
} {
  const [periods, setPeriods] = useState<readonly Period[]>([]);
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const reload = useCallback(async () => {
    const result = await call(api().listPeriods());
    if (!result.ok) return setError(result.error);
    setPeriods(result.value);
    setCode((current) => current ?? result.value[0]?.code ?? null);
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  return {
    periods,
    selected: periods.find((p) => p.code === code) ?? null,
    select: setCode,
    changed: (period) => {
      setCode(period.code);
      void reload();
    },
    refresh: () => void reload(),
    error,
  };
}
