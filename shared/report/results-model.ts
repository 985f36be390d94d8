/**
 * The « tableau de bord simple et normalisé » part of the report model: for
 * each indicator the département's figure for the quarter by its aggregation
 * rule, the figure it compares with (by its nature), the évolution, the year
 * to date for flows, the target and the progress toward it, and the last 8
 * quarters; for each engagement one line (météo with its meaning, trend,
 * implementation, key results, synthesis).
 *
 * Pure: imports only shared/. The same functions serve a département (its
 * quartiers) and the national consolidation (its départements).
 */
import { periodLabel, previousPeriod } from '../domain/period';
import {
  aggregateAcross,
  comparisonPeriod,
  formatHeadline,
  formatHeadlineDelta,
  formatProgress,
  hasYearToDate,
  measureOf,
  NATURE_LABELS,
  progressToTarget,
  quartersToDate,
  yearToDateOver,
  type AggregateFigure,
} from '../domain/results';
import type { SansObjetIndex } from '../domain/sans-objet';
import type { IndicatorTarget } from '../domain/targets';
import { METEO_MEANINGS, TREND_LABELS, type IndicatorValuePayload, type Meteo, type Trend } from '../domain/types';
import { formatDate } from '../format/fr';
import type { Engagement, Indicator, IndicatorNature, IndicatorSource } from '../referential/types';

/** Quarters of history a report shows (small charts): the quarter and the 7 before. */
export const SERIES_LENGTH = 8;

/** Values of one quarter, keyed `qrrId|indicatorCode`. */
export type QuarterValues = ReadonlyMap<string, IndicatorValuePayload | null>;

export interface ResultFigure {
  readonly text: string;
  readonly headline: number | null;
  readonly headlineText: string;
}

export interface IndicatorTargetSummary {
  readonly initialValue: number | null;
  readonly initialDate: string | null;
  readonly targetValue: number | null;
  readonly targetDeadline: string | null;
  /** « 2 d'ici le 30/09/2026 », « au moins 1 ». */
  readonly text: string;
  readonly progress: number | null;
  readonly progressText: string;
  /** The circular's wording when the target comes from it. */
  readonly quote: string | null;
}

export interface IndicatorResult {
  readonly code: string;
  readonly label: string;
  readonly engagementCode: string;
  readonly nature: IndicatorNature;
  readonly natureLabel: string;
  readonly rule: 'sum' | 'ratio_of_sums' | 'none';
  readonly source: IndicatorSource;
  /** Quartiers (or départements) where the indicator applies, and those with a complete value. */
  readonly applicable: number;
  readonly reporting: number;
  readonly sansObjet: number;
  readonly figure: ResultFigure;
  readonly comparison: { readonly periodCode: string | null; readonly periodLabel: string | null; readonly figure: ResultFigure };
  readonly evolution: { readonly delta: number | null; readonly text: string };
  /** Flows and seasonal figures: the sum of the year's quarters to date. */
  readonly yearToDate: ResultFigure | null;
  readonly target: IndicatorTargetSummary | null;
  /** Headline figure of the last {@link SERIES_LENGTH} quarters, oldest first. */
  readonly series: readonly { readonly periodCode: string; readonly headline: number | null }[];
}

export interface EngagementLine {
  readonly code: string;
  readonly title: string;
  readonly meteo: Meteo;
  /** « Orage — objectifs compromis » */
  readonly meteoMeaning: string;
  readonly trend: Trend | null;
  readonly trendLabel: string;
  /** Up to 3 indicators: those with a target first. */
  readonly keyResults: readonly IndicatorResult[];
  /** « QRR Nord : … », one per quartier with a synthesis. */
  readonly synthesis: readonly string[];
  readonly obstacles: readonly string[];
  readonly nextSteps: readonly string[];
  readonly successes: readonly string[];
}

export interface ResultsInput {
  readonly engagements: readonly Engagement[];
  /** The units added up: quartiers of a département (or départements nationally). */
  readonly units: readonly { readonly id: number; readonly name: string }[];
  readonly periodCode: string;
  /** Values by quarter code; quarters never opened are absent. */
  readonly quarters: ReadonlyMap<string, QuarterValues>;
  readonly sansObjet: SansObjetIndex;
  readonly targets: readonly IndicatorTarget[];
}

const key = (unitId: number, code: string): string => `${unitId}|${code}`;

/** The 8 quarter codes ending with `code`, oldest first. */
export function seriesPeriods(code: string): string[] {
  const out = [code];
  while (out.length < SERIES_LENGTH) {
    const p = previousPeriod(out[0]!);
    if (!p) break;
    out.unshift(p);
  }
  return out;
}

const figureOf = (indicator: Indicator, text: string, headline: number | null): ResultFigure => ({
  text,
  headline,
  headlineText: formatHeadline(indicator, headline),
});

function targetSummary(indicator: Indicator, targets: readonly IndicatorTarget[], current: number | null, rule: IndicatorResult['rule']): IndicatorTargetSummary | null {
  const withValue = targets.filter((t) => t.targetValue !== null);
  if (withValue.length === 0 || rule === 'none') {
    const quote = targets.find((t) => t.quote)?.quote ?? null;
    return quote ? { initialValue: null, initialDate: null, targetValue: null, targetDeadline: null, text: 'À fixer', progress: null, progressText: '—', quote } : null;
  }
  let targetValue: number | null;
  let initialValue: number | null;
  if (rule === 'sum') {
    targetValue = withValue.reduce((s, t) => s + t.targetValue!, 0);
    initialValue = withValue.every((t) => t.initialValue === null) ? null : withValue.reduce((s, t) => s + (t.initialValue ?? 0), 0);
  } else {
    // A rate is not summed: the département's target is the quartiers' common target, if they share one.
    targetValue = withValue.every((t) => t.targetValue === withValue[0]!.targetValue) ? withValue[0]!.targetValue : null;
    initialValue = null;
  }
  const deadlines = withValue.map((t) => t.targetDeadline).filter((d): d is string => d !== null).sort();
  const initialDates = withValue.map((t) => t.initialDate).filter((d): d is string => d !== null).sort();
  const targetDeadline = deadlines.at(-1) ?? null;
  const progress = progressToTarget(current, initialValue, targetValue);
  const atLeast = withValue.every((t) => t.origin === 'circulaire' && t.quote?.includes('minima'));
  return {
    initialValue,
    initialDate: initialDates[0] ?? null,
    targetValue,
    targetDeadline,
    text:
      targetValue === null
        ? 'Cibles différentes par quartier'
        : `${atLeast ? 'au moins ' : ''}${formatHeadline(indicator, targetValue)}${targetDeadline ? ` d'ici le ${formatDate(`${targetDeadline}T12:00:00Z`)}` : ''}`,
    progress,
    progressText: formatProgress(progress),
    quote: withValue.find((t) => t.quote)?.quote ?? null,
  };
}

/** Every indicator's result for the units, in the référentiel's order. */
export function indicatorResults(input: ResultsInput): IndicatorResult[] {
  return indicatorResultsByGroup(input, []).all;
}

/** Some of the units, with their own targets (a département among the nation's quartiers). */
export interface ResultsGroup {
  readonly units: readonly { readonly id: number; readonly name: string }[];
  readonly targets: readonly IndicatorTarget[];
}

/**
 * indicatorResults for all the units and for each group of them (each group's
 * units are among `input.units`, same ids): the figures are those of
 * indicatorResults called on the group, but each unit's values are read once
 * (the national consolidation: the nation, then each of its 100 départements,
 * over 1,600 quartiers).
 */
export function indicatorResultsByGroup(
  input: ResultsInput,
  groups: readonly ResultsGroup[],
): { readonly all: IndicatorResult[]; readonly groups: IndicatorResult[][] } {
  const series = seriesPeriods(input.periodCode);
  const yearQuarters = quartersToDate(input.periodCode);
  const positionOf = new Map(input.units.map((u, i) => [u.id, i] as const));
  const allPositions = input.units.map((_, i) => i);
  const groupPositions = groups.map((g) =>
    g.units.map((u) => {
      const p = positionOf.get(u.id);
      if (p === undefined) throw new Error(`indicatorResultsByGroup: unit ${u.id} is not among the units`);
      return p;
    }),
  );
  const all: IndicatorResult[] = [];
  const byGroup: IndicatorResult[][] = groups.map(() => []);
  for (const e of input.engagements) {
    for (const indicator of e.indicators) {
      const m = measureOf(indicator);
      const applies = input.units.map((u) => !input.sansObjet.isSansObjet(u.id, 'indicator', indicator.code));
      // Each unit's key built once and each quarter read once, then shared by the figure, the comparison,
      // the series and the year to date of every group (null: the quarter was never opened).
      const keys = input.units.map((u, i) => (applies[i] ? key(u.id, indicator.code) : ''));
      const unitValues = new Map<string | null, (IndicatorValuePayload | null)[] | null>();
      const unitValuesAt = (code: string | null): (IndicatorValuePayload | null)[] | null => {
        let values = unitValues.get(code);
        if (values === undefined) {
          const quarter = code ? input.quarters.get(code) : undefined;
          values = quarter ? keys.map((k, i) => (applies[i] ? (quarter.get(k) ?? null) : null)) : null;
          unitValues.set(code, values);
        }
        return values;
      };
      let unitYearToDate: (IndicatorValuePayload | null)[] | undefined;
      const yearToDateAt = (p: number): IndicatorValuePayload | null => {
        unitYearToDate ??= input.units.map((_, i) =>
          applies[i] ? yearToDateOver(indicator, yearQuarters, (code) => unitValuesAt(code)?.[i] ?? null) : null,
        );
        return unitYearToDate[p]!;
      };
      const resultOver = (positions: readonly number[], groupTargets: readonly IndicatorTarget[]): IndicatorResult => {
        const applicable = positions.filter((p) => applies[p]);
        const valuesAt = (code: string | null): (IndicatorValuePayload | null)[] => {
          const values = unitValuesAt(code);
          return values ? applicable.map((p) => values[p]!) : [];
        };
        const aggregates = new Map<string | null, AggregateFigure>();
        const aggregate = (code: string | null): AggregateFigure => {
          let figure = aggregates.get(code);
          if (!figure) aggregates.set(code, (figure = aggregateAcross(indicator, valuesAt(code))));
          return figure;
        };
        const now = aggregate(input.periodCode);
        const comparisonCode = comparisonPeriod(m.nature, input.periodCode);
        const before = aggregate(comparisonCode);
        const delta = now.headline !== null && before.headline !== null ? now.headline - before.headline : null;
        const ytd = hasYearToDate(indicator) ? aggregateAcross(indicator, applicable.map(yearToDateAt)) : null;
        const rule = now.rule;
        const current = ytd?.headline ?? now.headline;
        // A Set, not applicable.some() per target: 1,600 quartiers × their targets (national consolidation).
        const applicableIds = new Set(applicable.map((p) => input.units[p]!.id));
        const targets = groupTargets.filter((t) => t.indicatorCode === indicator.code && applicableIds.has(t.qrrId));
        return {
          code: indicator.code,
          label: indicator.label,
          engagementCode: e.code,
          nature: m.nature,
          natureLabel: NATURE_LABELS[m.nature],
          rule,
          source: m.source,
          applicable: applicable.length,
          reporting: now.contributors,
          sansObjet: positions.length - applicable.length,
          figure: figureOf(indicator, now.text, now.headline),
          comparison: {
            periodCode: comparisonCode,
            periodLabel: comparisonCode ? periodLabel(comparisonCode) : null,
            figure: figureOf(indicator, before.text, before.headline),
          },
          evolution: {
            delta,
            text: rule === 'none' ? (now.text === before.text || before.contributors === 0 ? '—' : 'Modifié') : formatHeadlineDelta(indicator, delta),
          },
          yearToDate: ytd ? figureOf(indicator, ytd.text, ytd.headline) : null,
          target: targetSummary(indicator, targets, current, rule),
          series: series.map((code) => ({ periodCode: code, headline: aggregate(code).headline })),
        };
      };
      all.push(resultOver(allPositions, input.targets));
      groups.forEach((g, gi) => byGroup[gi]!.push(resultOver(groupPositions[gi]!, g.targets)));
    }
  }
  return { all, groups: byGroup };
}

const METEO_SEVERITY: readonly Meteo[] = ['orage', 'nuage', 'couvert', 'soleil'];

export interface EngagementLineInput {
  readonly code: string;
  readonly title: string;
  /** Each unit's assessment of the engagement (assessed ones only matter). */
  readonly assessments: readonly {
    readonly unitName: string;
    readonly meteo: Meteo;
    readonly trend: Trend | null;
    readonly comment: string;
    readonly obstacles?: string;
    readonly nextSteps?: string;
    readonly successes?: string;
  }[];
}

/**
 * One line per engagement: the most severe météo among the units (a
 * département is « orage » when one of its quartiers is), the most frequent
 * trend, the key results, the syntheses and typed comments of each unit.
 */
export function engagementLine(input: EngagementLineInput, results: readonly IndicatorResult[]): EngagementLine {
  const assessed = input.assessments.filter((a) => a.meteo !== 'non_renseignee');
  const meteo = METEO_SEVERITY.find((m) => assessed.some((a) => a.meteo === m)) ?? 'non_renseignee';
  const trends = new Map<Trend, number>();
  for (const a of assessed) if (a.trend) trends.set(a.trend, (trends.get(a.trend) ?? 0) + 1);
  const trend = [...trends.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const own = results.filter((r) => r.engagementCode === input.code);
  const keyResults = [...own.filter((r) => r.target?.targetValue != null), ...own.filter((r) => r.target?.targetValue == null && r.reporting > 0)].slice(0, 3);
  const typed = (pick: (a: EngagementLineInput['assessments'][number]) => string | undefined): string[] =>
    input.assessments.flatMap((a) => {
      const t = pick(a)?.trim();
      return t ? [input.assessments.length > 1 ? `${a.unitName} : ${t}` : t] : [];
    });
  return {
    code: input.code,
    title: input.title,
    meteo,
    meteoMeaning: METEO_MEANINGS[meteo],
    trend,
    trendLabel: trend ? TREND_LABELS[trend] : '—',
    keyResults,
    synthesis: typed((a) => a.comment),
    obstacles: typed((a) => a.obstacles),
    nextSteps: typed((a) => a.nextSteps),
    successes: typed((a) => a.successes),
  };
}
