/**
 * Types of the normative « référentiel » (seeds/referential.json), derived from
 * the Prime Minister's circular n° 6280/SG of 24 June 2021 and its vade-mecum
 * « La République en actes ».
 *
 * Pure TypeScript: no dependency on node, electron or the DOM.
 */

/** Every indicator kind, read from the indicator's wording. */
export const INDICATOR_KINDS = [
  /** « Nombre de … » */
  'count',
  /** « Nombre et taux … »: numerator + denominator, the rate is computed. */
  'count_rate',
  /** Count of operations/schemes + number of young beneficiaries. */
  'operations_beneficiaries',
  /** « … et montants alloués »: a count and an amount in euros. */
  'amount',
  /** « Etat d'avancement … »: a progress state. */
  'progress',
  /** Yes/no presence (06-05: evenings and weekends). */
  'presence',
  /** Ratio per 1,000 inhabitants (03-03): count + population. */
  'ratio_per_1000',
  /** « … dont la part d'hommes et de femmes »: total, men, women. */
  'gender_split',
  /** Free text (only when nothing else fits). */
  'text',
] as const;

export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Value types of the fields the UI enters for an indicator. */
export const INDICATOR_PART_TYPES = ['integer', 'amount', 'enum', 'boolean', 'text'] as const;

/**
 * - integer: non-negative whole number;
 * - amount: money, stored as integer cents (key conventionally `amountCents`);
 * - enum: one of `values`;
 * - boolean: yes/no;
 * - text: free text.
 */
export type IndicatorPartType = (typeof INDICATOR_PART_TYPES)[number];

/** Progress states used by « progress » indicators. */
export const PROGRESS_STATES = ['non_engage', 'en_cours', 'realise'] as const;
export type ProgressState = (typeof PROGRESS_STATES)[number];

/** One field of an indicator's typed value. */
export interface IndicatorPart {
  /** Stable key inside the indicator's value (e.g. "count", "numerator"). */
  key: string;
  /** French label shown in the UI. */
  label: string;
  type: IndicatorPartType;
  /** Allowed values, for `type: "enum"`. */
  values?: readonly string[];
  /** French labels of the enum values, keyed by value. */
  valueLabels?: Readonly<Record<string, string>>;
  /** Display unit of this field (e.g. "€"). */
  unit?: string;
}

export interface Indicator {
  /** Indicator code "NN-NN" (series distinct from action codes). */
  code: string;
  /** Label as worded by the summary table (whitespace normalised, corrections listed in `corrections`). */
  label: string;
  kind: IndicatorKind;
  /** Display unit of the computed value (e.g. "%", "‰", "€"). */
  unit?: string;
  /** Reference URL cited alongside the label in the source. */
  url?: string;
  /** Fields the UI enters; never empty. */
  parts: IndicatorPart[];
  /** What the figure measures and how it adds up (référentiel version 2 onwards). */
  measure?: IndicatorMeasure;
}

export interface Action {
  /** Action code "NN-NN" or "NN-NN bis". */
  code: string;
  label: string;
  /** When the action is « sans objet » (référentiel version 2 onwards; absent = always applies). */
  measure?: ActionMeasure;
}

export interface Engagement {
  /** Engagement code "01" … "10". */
  code: string;
  title: string;
  objectives: string[];
  levers: string[];
  actions: Action[];
  indicators: Indicator[];
}

export interface ReferentialCounts {
  engagements: number;
  actions: number;
  indicators: number;
}

export type CorrectionTarget = 'action' | 'indicator';

/** A label of the summary table that was corrected in the référentiel. */
export interface LabelCorrection {
  type: CorrectionTarget;
  code: string;
  /** Label as in the table (after whitespace normalisation). */
  original: string;
  /** Label used in the référentiel. */
  corrected: string;
  /** Why the correction was made (French). */
  reason?: string;
}

export interface Referential {
  version: number;
  source: string;
  title: string;
  /** Counts announced by the table header. */
  declared: ReferentialCounts;
  /** Counts actually found in the table rows. */
  counted: ReferentialCounts;
  notes: string[];
  corrections: LabelCorrection[];
  engagements: Engagement[];
}

export function isIndicatorKind(value: unknown): value is IndicatorKind {
  return typeof value === 'string' && (INDICATOR_KINDS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------
// What each indicator measures (référentiel version 2, issue 13)

/**
 * What an indicator's figure for a quarter stands for:
 * - stock: a level at the end of the quarter (structures present, staff in post);
 * - flow: what happened during the quarter (meetings held, jobs created);
 * - yearly: a figure the circular counts per year (« chaque année ») or per
 *   school year: the quarter holds the year's running figure;
 * - seasonal: counted during the school holidays (« Vacances apprenantes »,
 *   « Quartiers d'été »), so a quarter compares with the same quarter a year before.
 */
export const INDICATOR_NATURES = ['stock', 'flow', 'yearly', 'seasonal'] as const;
export type IndicatorNature = (typeof INDICATOR_NATURES)[number];

/**
 * How figures add up (across quartiers, or over a year):
 * - sum: the figures are added;
 * - ratio_of_sums: numerators and denominators are added, then divided;
 * - latest: the last known figure stands (a stock over the year);
 * - none: nothing adds up (progress states, yes/no presence): shown as a distribution.
 */
export const AGGREGATION_RULES = ['sum', 'ratio_of_sums', 'latest', 'none'] as const;
export type AggregationRule = (typeof AGGREGATION_RULES)[number];

/** Who produces the figure: the prefecture's partners (local) or a national information system. */
export const INDICATOR_SOURCES = ['local', 'national'] as const;
export type IndicatorSource = (typeof INDICATOR_SOURCES)[number];

/**
 * A QRR characteristic that makes an indicator or an action « sans objet »:
 * - zone_police / zone_gendarmerie: the QRR's security zone;
 * - departement: the action is carried out for the whole département (or
 *   nationally), not quartier by quartier.
 */
export const SANS_OBJET_CONDITIONS = ['zone_police', 'zone_gendarmerie', 'departement'] as const;
export type SansObjetCondition = (typeof SANS_OBJET_CONDITIONS)[number];

export interface SansObjetRule {
  readonly when: SansObjetCondition;
  /** French reason proposed to the user. */
  readonly reason: string;
  /** The circular's wording behind the rule (verbatim, checked against seeds/source/). */
  readonly quote: string;
}

/**
 * A target the circular itself states for an indicator, pre-filled per QRR:
 * - at_least: the headline figure must reach `value` (« a minima un … »);
 * - double: twice the initial value, `years` after the initial date (« en doublant … à échéance N +1 »);
 * - rate: a rate of `value` % (count_rate indicators).
 */
export type CircularTarget =
  | { readonly rule: 'at_least'; readonly value: number; readonly quote: string }
  | { readonly rule: 'double'; readonly years: number; readonly quote: string }
  | { readonly rule: 'rate'; readonly value: number; readonly quote: string };

export interface IndicatorMeasure {
  readonly nature: IndicatorNature;
  /** Across the quartiers of a département (and départements nationally). */
  readonly acrossQuartiers: AggregationRule;
  /** Over the quarters of a year: follows the nature (stock/yearly → latest, flow/seasonal → sum). */
  readonly overYear: AggregationRule;
  readonly source: IndicatorSource;
  /** The circular's wording the nature (or the source) is read from (verbatim). */
  readonly basis: string;
  /** Action codes of the same engagement this indicator measures. */
  readonly actions: readonly string[];
  readonly sansObjet: readonly SansObjetRule[];
  readonly target?: CircularTarget;
}

/** Conditions under which an action is « sans objet » in a QRR. */
export interface ActionMeasure {
  readonly sansObjet: readonly SansObjetRule[];
}
