import { previousPeriod } from '../../shared/domain/period';
import { encodeActionGrid, encodeIndicatorGrid, type ActionGridLoad, type IndicatorGridLoad } from '../../shared/domain/followup-grid';
import type { ServiceContext } from './context';
import { prepared } from './db/statement-cache';
import { listActionStatuses, listIndicatorValues } from './followup';

/*
 * What the Indicateurs and Actions grids load when a quarter or a quartier is
 * chosen: only the quartiers shown, as columns (shared/domain/followup-grid.ts),
 * with the quarter before when it was opened. A save answers the rows it
 * wrote; the screens merge them, so nothing here runs again after a save.
 */

/** The quarter before, when it was opened (its values feed « Trimestre précédent » and « Reprendre »). */
function openedPrevious(ctx: ServiceContext, periodCode: string): string | null {
  const code = previousPeriod(periodCode);
  return code && prepared(ctx.db, 'SELECT 1 AS found FROM period WHERE code = ?').get(code) ? code : null;
}

export function loadIndicatorGrid(ctx: ServiceContext, periodCode: string, qrrIds: readonly number[]): IndicatorGridLoad {
  const previousCode = openedPrevious(ctx, periodCode);
  return encodeIndicatorGrid(
    periodCode,
    previousCode,
    listIndicatorValues(ctx, periodCode, qrrIds),
    previousCode ? listIndicatorValues(ctx, previousCode, qrrIds).filter((r) => r.value !== null) : [],
  );
}

export function loadActionGrid(ctx: ServiceContext, periodCode: string, qrrIds: readonly number[]): ActionGridLoad {
  const previousCode = openedPrevious(ctx, periodCode);
  return encodeActionGrid(periodCode, previousCode, listActionStatuses(ctx, periodCode, qrrIds), previousCode ? listActionStatuses(ctx, previousCode, qrrIds) : []);
}
