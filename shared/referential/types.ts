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
}

export interface Action {
  /** Action code "NN-NN" or "NN-NN bis". */
  code: string;
  label: string;
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
