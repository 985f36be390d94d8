/**
 * Baselines and targets per QRR × indicator, after the State's PILOTE tool:
 * initial value and its date, target value and its deadline, on the
 * indicator's headline figure (shared/domain/results.ts). Where the circular
 * states a target (référentiel `measure.target`), it is proposed until the
 * user saves their own.
 *
 * Pure: imports only shared/.
 */
import type { Indicator } from '../referential/types';
import { headlineFigure } from './results';
import type { IndicatorValuePayload } from './types';

export interface IndicatorTarget {
  readonly qrrId: number;
  readonly indicatorCode: string;
  readonly initialValue: number | null;
  /** `AAAA-MM-JJ` */
  readonly initialDate: string | null;
  readonly targetValue: number | null;
  /** `AAAA-MM-JJ` */
  readonly targetDeadline: string | null;
  /** circulaire: proposed from the circular's wording (`quote`); saisie: entered by the user. */
  readonly origin: 'circulaire' | 'saisie';
  /** The circular's wording, for a target it states. */
  readonly quote: string | null;
  /** True when stored (entered or accepted); false when only proposed. */
  readonly stored: boolean;
}

/** Last day of a quarter: `2026-T3` → `2026-09-30`. */
export function quarterEnd(periodCode: string): string {
  const year = Number(periodCode.slice(0, 4));
  const quarter = Number(periodCode.slice(-1));
  return ['', `${year}-03-31`, `${year}-06-30`, `${year}-09-30`, `${year}-12-31`][quarter]!;
}

const addYears = (isoDate: string, years: number): string => `${Number(isoDate.slice(0, 4)) + years}${isoDate.slice(4)}`;

/**
 * The target the circular states for this indicator in one QRR, from the QRR's
 * first complete value (its baseline), or null when the circular states none.
 * « en doublant … à échéance N +1 » needs a baseline: without one only the
 * wording is proposed, with no figure.
 */
export function circularTarget(
  indicator: Indicator,
  qrrId: number,
  firstValue: { readonly periodCode: string; readonly value: IndicatorValuePayload } | null,
): IndicatorTarget | null {
  const t = indicator.measure?.target;
  if (!t) return null;
  const initialValue = firstValue ? headlineFigure(indicator, firstValue.value) : null;
  const initialDate = firstValue ? quarterEnd(firstValue.periodCode) : null;
  const base = { qrrId, indicatorCode: indicator.code, initialValue, initialDate, origin: 'circulaire' as const, quote: t.quote, stored: false };
  switch (t.rule) {
    case 'at_least':
    case 'rate':
      return { ...base, targetValue: t.value, targetDeadline: null };
    case 'double':
      return {
        ...base,
        targetValue: initialValue === null ? null : initialValue * 2,
        targetDeadline: initialDate === null ? null : addYears(initialDate, t.years),
      };
  }
}
