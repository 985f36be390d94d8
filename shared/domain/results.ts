/**
 * Results, not just completeness: how an indicator's figures add up across
 * quartiers (the département's figure, then the national one) and over a year,
 * which quarter an évolution compares with, and progress toward a target —
 * all following what the indicator measures (référentiel `measure`, see
 * docs/referentiel-mesures.md).
 *
 * Pure: imports only shared/.
 */
import type { AggregationRule, Indicator, IndicatorMeasure, IndicatorNature } from '../referential/types';
import { computeIndicator, formatIndicatorValue, formatPartValue, isIndicatorValueComplete } from './indicator-values';
import { parsePeriodCode, periodCode, previousPeriod } from './period';
import type { IndicatorValuePayload } from './types';
import { formatInteger } from '../format/fr';
import { formatEurosFromCents, formatFixedFr, formatNumberFr, NBSP } from '../format/number-fr';

/** When a référentiel has no measures (version 1): a stock, added up by its kind. */
export function measureOf(indicator: Indicator): IndicatorMeasure {
  if (indicator.measure) return indicator.measure;
  const across: AggregationRule =
    indicator.kind === 'count_rate' || indicator.kind === 'ratio_per_1000'
      ? 'ratio_of_sums'
      : indicator.kind === 'progress' || indicator.kind === 'presence' || indicator.kind === 'text'
        ? 'none'
        : 'sum';
  return { nature: 'stock', acrossQuartiers: across, overYear: 'latest', source: 'local', basis: '', actions: [], sansObjet: [] };
}

export const NATURE_LABELS: Readonly<Record<IndicatorNature, string>> = {
  stock: 'Stock en fin de trimestre',
  flow: 'Flux du trimestre',
  yearly: 'Chiffre annuel',
  seasonal: 'Saisonnier (vacances scolaires)',
};

export const AGGREGATION_LABELS: Readonly<Record<AggregationRule, string>> = {
  sum: 'somme',
  ratio_of_sums: 'ratio des sommes',
  latest: 'dernière valeur',
  none: 'répartition par état',
};

/**
 * The quarter an évolution compares with: the previous quarter for stocks and
 * flows, the same quarter a year before for yearly and seasonal figures (a
 * summer compares with the previous summer, not with the spring).
 */
export function comparisonPeriod(nature: IndicatorNature, code: string): string | null {
  if (nature === 'stock' || nature === 'flow') return previousPeriod(code);
  const p = parsePeriodCode(code);
  return p && p.year > 2018 ? periodCode({ year: p.year - 1, quarter: p.quarter }) : null;
}

/** The quarters of `code`'s year up to and including it: `2026-T3` → T1, T2, T3. */
export function quartersToDate(code: string): string[] {
  const p = parsePeriodCode(code);
  if (!p) return [];
  return Array.from({ length: p.quarter }, (_, i) => periodCode({ year: p.year, quarter: (i + 1) as 1 | 2 | 3 | 4 }));
}

const numericKeys = (indicator: Indicator): string[] =>
  indicator.parts.filter((p) => p.type === 'integer' || p.type === 'amount').map((p) => p.key);

/**
 * Adds complete values part by part (counts, amounts, numerators and
 * denominators): the figure of a « sum » or « ratio of sums » rule is then
 * read from the summed value (a ratio of sums, never an average of rates).
 * Null when no value is complete or the rule does not add up.
 */
export function sumValues(indicator: Indicator, values: readonly (IndicatorValuePayload | null | undefined)[]): IndicatorValuePayload | null {
  return sumComplete(indicator, values.filter((v): v is IndicatorValuePayload => !!v && isIndicatorValueComplete(indicator, v)));
}

/** sumValues of values already known complete (aggregateAcross has just filtered them: not checked twice). */
function sumComplete(indicator: Indicator, complete: readonly IndicatorValuePayload[]): IndicatorValuePayload | null {
  const keys = numericKeys(indicator);
  if (keys.length === 0 || complete.length === 0) return null;
  return Object.fromEntries(keys.map((k) => [k, complete.reduce((s, v) => s + (typeof v[k] === 'number' ? (v[k] as number) : 0), 0)]));
}

/**
 * The headline figure of a value, the one targets and progress are about:
 * the rate for « Nombre et taux », the ratio for « / 1 000 habitants », the
 * beneficiaries for « opérations + bénéficiaires », the total for a gender
 * split, the amount in euros for 05-02, the count otherwise. Progress states
 * read 0 (non engagé), 50 (en cours), 100 (réalisé). Null when not computable.
 */
export function headlineFigure(indicator: Indicator, value: IndicatorValuePayload | null | undefined): number | null {
  if (!value) return null;
  const n = (key: string): number | null => (typeof value[key] === 'number' ? (value[key] as number) : null);
  switch (indicator.kind) {
    case 'count_rate':
    case 'ratio_per_1000':
      return computeIndicator(indicator, value);
    case 'operations_beneficiaries':
      return n('beneficiaries');
    case 'gender_split':
      return n('total');
    case 'amount': {
      const cents = n(indicator.parts.find((p) => p.type === 'amount')?.key ?? 'amountCents');
      return cents === null ? null : cents / 100;
    }
    case 'progress': {
      const state = value[indicator.parts[0]?.key ?? 'state'];
      return state === 'realise' ? 100 : state === 'en_cours' ? 50 : state === 'non_engage' ? 0 : null;
    }
    case 'count':
      return n(indicator.parts[0]?.key ?? 'count');
    default:
      return null;
  }
}

/** What a headline figure reads like: « 12 », « 45,0 % », « 3,2 ‰ », « 1 234,00 € ». */
export function formatHeadline(indicator: Indicator, figure: number | null): string {
  if (figure === null) return '—';
  switch (indicator.kind) {
    case 'count_rate':
      return `${formatFixedFr(figure, 1)}${NBSP}%`;
    case 'ratio_per_1000':
      return `${formatFixedFr(figure, 1)}${NBSP}‰`;
    case 'amount':
      return formatEurosFromCents(Math.round(figure * 100));
    case 'progress':
      return `${formatInteger(Math.round(figure))}${NBSP}%`;
    default:
      return Number.isInteger(figure) ? formatInteger(figure) : formatNumberFr(figure, 1);
  }
}

/** A figure that adds up, or a distribution of states (rule « none »). */
export type AggregateFigure =
  | {
      readonly rule: 'sum' | 'ratio_of_sums';
      /** The summed value, or null when nothing complete was entered. */
      readonly value: IndicatorValuePayload | null;
      readonly headline: number | null;
      readonly text: string;
      /** How many values went into it. */
      readonly contributors: number;
    }
  | {
      readonly rule: 'none';
      /** State text → number of quartiers (or départements), in first-seen order. */
      readonly distribution: readonly (readonly [string, number])[];
      readonly headline: null;
      readonly text: string;
      readonly contributors: number;
    };

const stateText = (indicator: Indicator, value: IndicatorValuePayload): string =>
  indicator.kind === 'progress'
    ? formatPartValue(indicator.parts[0]!, value[indicator.parts[0]!.key] ?? null)
    : formatIndicatorValue(indicator, value);

/**
 * The figure of several quartiers (or départements) for one quarter, by the
 * indicator's rule across quartiers. Values left out (« sans objet ») must
 * not be passed; incomplete values are ignored.
 */
export function aggregateAcross(indicator: Indicator, values: readonly (IndicatorValuePayload | null | undefined)[]): AggregateFigure {
  const rule = measureOf(indicator).acrossQuartiers;
  const complete = values.filter((v): v is IndicatorValuePayload => !!v && isIndicatorValueComplete(indicator, v));
  if (rule === 'none' || rule === 'latest') {
    const counts = new Map<string, number>();
    for (const v of complete) counts.set(stateText(indicator, v), (counts.get(stateText(indicator, v)) ?? 0) + 1);
    const distribution = [...counts.entries()];
    return {
      rule: 'none',
      distribution,
      headline: null,
      text: distribution.length === 0 ? '—' : distribution.map(([s, n]) => `${s} : ${formatInteger(n)}`).join(' ; '),
      contributors: complete.length,
    };
  }
  const value = sumComplete(indicator, complete);
  const headline = headlineFigure(indicator, value);
  return {
    rule,
    value,
    headline,
    text: value === null ? '—' : formatIndicatorValue(indicator, value),
    contributors: complete.length,
  };
}

/**
 * One quartier's figure over the quarters of a year up to `periodCode`, by
 * the indicator's rule over a year: the sum of the quarters for flows and
 * seasonal figures (year to date), the latest figure for stocks and yearly
 * figures. `valueOf` gives a quarter's value.
 */
export function yearToDate(
  indicator: Indicator,
  code: string,
  valueOf: (periodCode: string) => IndicatorValuePayload | null | undefined,
): IndicatorValuePayload | null {
  return yearToDateOver(indicator, quartersToDate(code), valueOf);
}

/**
 * yearToDate over quarters already listed (`quartersToDate(code)`, oldest
 * first, left untouched): a report asks it for every quartier of the same
 * quarter, 1,600 times per indicator nationally.
 */
export function yearToDateOver(
  indicator: Indicator,
  quarters: readonly string[],
  valueOf: (periodCode: string) => IndicatorValuePayload | null | undefined,
): IndicatorValuePayload | null {
  if (measureOf(indicator).overYear === 'sum') return sumValues(indicator, quarters.map(valueOf));
  for (let i = quarters.length - 1; i >= 0; i--) {
    const v = valueOf(quarters[i]!);
    if (v && isIndicatorValueComplete(indicator, v)) return v;
  }
  return null;
}

/** True when the year-to-date figure differs in meaning from the quarter's (flows, seasonal). */
export const hasYearToDate = (indicator: Indicator): boolean => measureOf(indicator).overYear === 'sum';

/**
 * Progress toward a target, in percent: (current − initial) / (target − initial).
 * Without an initial value the start is 0. A target at or below the start
 * (« au moins 1 » where there were already 3) reads 100 % once reached, else 0 %. Null when current or target is unknown.
 */
export function progressToTarget(current: number | null, initial: number | null, target: number | null): number | null {
  if (current === null || target === null) return null;
  const start = initial ?? 0;
  // Every indicator counts something to increase: a target at or below the start is met or not.
  if (target <= start) return current >= target ? 100 : 0;
  return ((current - start) / (target - start)) * 100;
}

/** « 75 % », « — ». */
export const formatProgress = (p: number | null): string => (p === null ? '—' : `${formatInteger(Math.round(p))}${NBSP}%`);

/** The change of a headline figure, signed: « +3 », « -1,5 point », « +1 234,00 € ». */
export function formatHeadlineDelta(indicator: Indicator, delta: number | null): string {
  if (delta === null) return '—';
  const sign = delta > 0 ? '+' : '';
  switch (indicator.kind) {
    case 'count_rate': {
      const rounded = Number(delta.toFixed(1));
      return `${sign}${formatFixedFr(rounded, 1)} point${Math.abs(rounded) >= 2 ? 's' : ''}`;
    }
    case 'ratio_per_1000':
      return `${sign}${formatFixedFr(delta, 1)}${NBSP}‰`;
    case 'amount':
      return `${sign}${formatEurosFromCents(Math.round(delta * 100))}`;
    case 'progress':
      return delta === 0 ? 'Inchangé' : `${sign}${formatInteger(Math.round(delta))} points`;
    default:
      return `${sign}${Number.isInteger(delta) ? formatInteger(delta) : formatNumberFr(delta, 1)}`;
  }
}
