import { indicatorCompleteness } from '../../../../shared/domain/completeness';
import type { SansObjetIndex } from '../../../../shared/domain/sans-objet';
import type { IndicatorValueRecord } from '../../../../shared/domain/types';
import type { Engagement } from '../../../../shared/referential/types';
import { partColId } from './indicator-grid-model';

/**
 * The indicator cells still to fill (the transmission check's list: « sans
 * objet » left out), in the order the user goes through them: engagement,
 * indicator, then quartier. Each points at the first empty part of its row.
 */
export interface MissingCell {
  readonly qrrId: number;
  readonly engagementCode: string;
  readonly indicatorCode: string;
  readonly rowId: string;
  readonly colId: string;
}

export function missingCells(
  engagements: readonly Engagement[],
  records: readonly IndicatorValueRecord[],
  qrrIds: readonly number[],
  sansObjet: SansObjetIndex,
  engagementCode: string | null = null,
): MissingCell[] {
  const values = new Map(records.map((r) => [`${r.qrrId}|${r.indicatorCode}`, r.value] as const));
  const perQrr = qrrIds.map((qrrId) => ({
    qrrId,
    missing: new Set(
      indicatorCompleteness(
        engagements,
        (code) => values.get(`${qrrId}|${code}`),
        (code) => sansObjet.isSansObjet(qrrId, 'indicator', code),
      ).flatMap((c) => c.missing),
    ),
  }));
  const out: MissingCell[] = [];
  for (const e of engagements) {
    if (engagementCode !== null && e.code !== engagementCode) continue;
    for (const indicator of e.indicators) {
      for (const { qrrId, missing } of perQrr) {
        if (!missing.has(indicator.code)) continue;
        const value = values.get(`${qrrId}|${indicator.code}`) ?? null;
        const empty = indicator.parts.findIndex((p) => {
          const v = value?.[p.key];
          return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
        });
        out.push({ qrrId, engagementCode: e.code, indicatorCode: indicator.code, rowId: indicator.code, colId: partColId(qrrId, Math.max(0, empty)) });
      }
    }
  }
  return out;
}

/** The cell after (or before) the focused one in the list, wrapping round; the first when nothing is focused. */
export function stepMissing(list: readonly MissingCell[], focused: { rowId: string; qrrId: number } | null, direction: 1 | -1): MissingCell | null {
  if (list.length === 0) return null;
  const at = focused ? list.findIndex((c) => c.rowId === focused.rowId && c.qrrId === focused.qrrId) : -1;
  if (at >= 0) return list[(at + direction + list.length) % list.length]!;
  if (!focused) return direction === 1 ? list[0]! : list.at(-1)!;
  // Focus on a filled row: the next missing one below it (or above), in the référentiel's order.
  const order = (c: { rowId: string }) => c.rowId;
  const after = list.filter((c) => (direction === 1 ? order(c) > focused.rowId : order(c) < focused.rowId));
  return direction === 1 ? (after[0] ?? list[0]!) : (after.at(-1) ?? list.at(-1)!);
}
