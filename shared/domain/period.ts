/**
 * Quarterly periods, coded `2026-T4` as coordinators write them.
 * States: open → transmitted (read-only) → reopened (with a logged reason) → transmitted…
 */
import { parisClock } from '../format/paris-time';

export const PERIOD_STATES = ['open', 'transmitted', 'reopened'] as const;
export type PeriodState = (typeof PERIOD_STATES)[number];

/** Said of a « trimestre » (masculine). */
export const PERIOD_STATE_LABELS: Readonly<Record<PeriodState, string>> = {
  open: 'ouvert',
  transmitted: 'transmis',
  reopened: 'rouvert',
};

export const PERIOD_CODE_PATTERN = /^(\d{4})-T([1-4])$/;

export interface PeriodParts {
  readonly year: number;
  readonly quarter: 1 | 2 | 3 | 4;
}

export function parsePeriodCode(code: string): PeriodParts | null {
  const match = PERIOD_CODE_PATTERN.exec(code);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 2018 || year > 2100) return null;
  return { year, quarter: Number(match[2]) as PeriodParts['quarter'] };
}

export const periodCode = ({ year, quarter }: PeriodParts): string => `${year}-T${quarter}`;

/** The quarter containing `date`, in metropolitan French time. */
export function periodOfDate(date: Date): string {
  const { year, month } = parisClock(date);
  return periodCode({ year, quarter: (Math.floor((month - 1) / 3) + 1) as PeriodParts['quarter'] });
}

export function previousPeriod(code: string): string | null {
  const p = parsePeriodCode(code);
  if (!p) return null;
  return p.quarter === 1 ? periodCode({ year: p.year - 1, quarter: 4 }) : periodCode({ year: p.year, quarter: (p.quarter - 1) as PeriodParts['quarter'] });
}

/** « 1er trimestre 2026 », « 4e trimestre 2026 ». */
export function periodLabel(code: string): string {
  const p = parsePeriodCode(code);
  if (!p) return code;
  return `${p.quarter === 1 ? '1er' : `${p.quarter}e`} trimestre ${p.year}`;
}

/** Comparison for sorting, oldest first. */
export const comparePeriods = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const isPeriodWritable = (state: PeriodState): boolean => state !== 'transmitted';
