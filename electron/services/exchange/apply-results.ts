import type { ExchangeLine } from '../../../shared/exchange/diff';
import { parseSansObjetCode, type SansObjetCell, type TargetCell } from '../../../shared/exchange/diff-results';
import type { ServiceContext } from '../context';
import { saveSansObjet, saveTarget } from '../results';
import type { Attempt } from './attempt';

/*
 * Writes the results lines taken from an import (« sans objet » decisions,
 * baselines and targets) through the services' own write paths, so each is
 * validated and audited with the import's origin; one savepoint per line: a
 * line the services refuse is refused alone, with their French message.
 */
export function applyResultsLines(ctx: ServiceContext, writable: readonly ExchangeLine[], qrrIds: ReadonlyMap<string, number>, attempt: Attempt): number {
  let written = 0;
  for (const line of writable) {
    const qrrId = qrrIds.get(line.qrrKey);
    if (qrrId === undefined) continue;
    if (line.table === 'sans_objet') {
      const item = parseSansObjetCode(line.code);
      const value = line.theirs.value as SansObjetCell;
      if (item && attempt([line.key], () => saveSansObjet(ctx, { qrrId, ...item, sansObjet: value.sansObjet, reason: value.reason }))) written++;
    } else if (line.table === 'indicator_target') {
      const value = line.theirs.value as TargetCell;
      if (attempt([line.key], () => saveTarget(ctx, { qrrId, indicatorCode: line.code, ...value }))) written++;
    }
  }
  return written;
}
