import { previousPeriod } from '../../shared/domain/period';
import { encodeActionGrid, encodeIndicatorGrid, toColumns, type ActionGridLoad, type IndicatorGridLoad, type QrrNames } from '../../shared/domain/followup-grid';
import type { ServiceContext } from './context';
import { prepared } from './db/statement-cache';
import { listActionStatuses, listIndicatorValues } from './followup';
import { listSansObjetOf } from './results';

/** Same order as the quartier list (qrr.ts): SQLite's NOCASE knows only ASCII. */
const byName = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/** The active quartiers' ids and names only: the grids' quartier choice (the full list weighs 1 MB at national scale). */
export function listQrrNames(ctx: ServiceContext): QrrNames {
  const rows = prepared(ctx.db, 'SELECT id, name FROM qrr WHERE archived_at IS NULL').all() as { id: number; name: string }[];
  return toColumns(rows.sort((a, b) => byName.compare(a.name, b.name)), ['id', 'name'] as const);
}

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
    toColumns(
      listSansObjetOf(ctx, qrrIds).filter((s) => s.itemType === 'indicator' && s.sansObjet),
      ['qrrId', 'code', 'reason'] as const,
    ),
  );
}

export function loadActionGrid(ctx: ServiceContext, periodCode: string, qrrIds: readonly number[]): ActionGridLoad {
  const previousCode = openedPrevious(ctx, periodCode);
  return encodeActionGrid(periodCode, previousCode, listActionStatuses(ctx, periodCode, qrrIds), previousCode ? listActionStatuses(ctx, previousCode, qrrIds) : []);
}
