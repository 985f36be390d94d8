/**
 * Each engagement's taux de mise en œuvre over the last 8 quarters (the
 * dashboard's per-engagement sparkline): actions « réalisée » over the actions
 * that apply, across the active quartiers, as the report computes it for one
 * quarter — an action « sans objet » for the quartier (decided or proposed) or
 * in the quarter (its status) is left out; an action without status counts as
 * not carried out. A quarter never opened has no point (a gap, not 0 %).
 *
 * Pure: imports only shared/.
 */
import { periodLabel } from '../domain/period';
import type { SansObjetIndex } from '../domain/sans-objet';
import type { ActionStatus, ActionStatusRecord } from '../domain/types';
import type { Engagement } from '../referential/types';

export interface ImplementationPoint {
  readonly periodCode: string;
  /** « 3e trimestre 2026 » */
  readonly periodLabel: string;
  /** False for a quarter never opened: no figure. */
  readonly opened: boolean;
  readonly done: number;
  readonly applicable: number;
  /** Null when not opened or nothing applies. */
  readonly percent: number | null;
}

export interface EngagementSeries {
  readonly code: string;
  /** Oldest first, ending with the report's quarter. */
  readonly points: readonly ImplementationPoint[];
}

export function implementationSeries(
  engagements: readonly Engagement[],
  qrrIds: readonly number[],
  periods: readonly string[],
  /** Statuses of each opened quarter; a quarter absent was never opened. */
  statusesByPeriod: ReadonlyMap<string, readonly ActionStatusRecord[]>,
  sansObjet: SansObjetIndex,
): EngagementSeries[] {
  const byPeriod = new Map(
    [...statusesByPeriod].map(([code, statuses]) => [code, new Map(statuses.map((s) => [`${s.qrrId}|${s.actionCode}`, s.status] as const))] as const),
  );
  return engagements.map((e) => ({
    code: e.code,
    points: periods.map((code): ImplementationPoint => {
      const statuses = byPeriod.get(code);
      if (!statuses) return { periodCode: code, periodLabel: periodLabel(code), opened: false, done: 0, applicable: 0, percent: null };
      let done = 0;
      let applicable = 0;
      for (const qrrId of qrrIds) {
        for (const a of e.actions) {
          const status: ActionStatus | null = sansObjet.isSansObjet(qrrId, 'action', a.code) ? 'sans_objet' : (statuses.get(`${qrrId}|${a.code}`) ?? null);
          if (status === 'sans_objet') continue;
          applicable++;
          if (status === 'realisee') done++;
        }
      }
      return { periodCode: code, periodLabel: periodLabel(code), opened: true, done, applicable, percent: applicable > 0 ? (done / applicable) * 100 : null };
    }),
  }));
}
