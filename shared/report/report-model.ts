/**
 * Everything the quarterly report (and the dashboard) shows, computed once from
 * plain data: one code path for the screen, the PDF and the JSON attached to it.
 *
 * Pure ECMAScript: imports only shared/ and zod. The caller loads the input
 * (electron/services/report/load-report-data.ts reads it from the database);
 * this module never reads a clock, a file or a database, so the same input
 * always gives the same model.
 *
 * Definitions:
 * - complétude: indicators whose value has every part entered, over the
 *   engagement's indicators (shared/domain/completeness.ts);
 * - taux de mise en œuvre: actions « réalisée » over the actions that apply,
 *   i.e. all the engagement's actions minus those « sans objet »; an action
 *   without status counts as applicable and not carried out;
 * - évolution: the change since the previous quarter, for the kinds that have
 *   figures (counts, rates, amounts, ratios); a transition for progress and
 *   presence; none for free text;
 * - manquant avant transmission: indicators not complete (empty or partly
 *   entered), engagements without météo, actions without status, in active
 *   (not archived) QRRs.
 */
import { z } from 'zod';
import { indicatorCompleteness } from '../domain/completeness';
import { prefectureName, prefetTitle } from '../domain/departement';
import { computeIndicator, formatIndicatorValue, formatPartValue, isIndicatorValueComplete } from '../domain/indicator-values';
import { PERIOD_STATE_LABELS, periodLabel, previousPeriod, type PeriodState } from '../domain/period';
import {
  ACTION_STATUS_LABELS,
  METEO_LABELS,
  TREND_LABELS,
  type ActionStatus,
  type ActionStatusRecord,
  type AssessmentRecord,
  type Departement,
  type IndicatorValuePayload,
  type IndicatorValueRecord,
  type Meteo,
  type Settings,
  type Trend,
} from '../domain/types';
import { indexSansObjet, NO_SANS_OBJET, type SansObjetState } from '../domain/sans-objet';
import type { IndicatorTarget } from '../domain/targets';
import { formatProgress, headlineFigure, hasYearToDate, progressToTarget, yearToDate, formatHeadline } from '../domain/results';
import { SECURITY_ZONE_LABELS, type SecurityZone } from '../domain/types';
import { formatDate, formatInteger, plural } from '../format/fr';
import { engagementLine, indicatorResults, seriesPeriods, type EngagementLine, type IndicatorResult, type QuarterValues } from './results-model';
import { implementationSeries, type EngagementSeries } from './engagement-series';
import { formatEurosFromCents, formatFixedFr, NBSP } from '../format/number-fr';
import type { Engagement, Indicator, IndicatorKind } from '../referential/types';

// ---------------------------------------------------------------------------
// Input

/** What was entered for one quarter. */
export interface ReportFollowup {
  readonly values: readonly IndicatorValueRecord[];
  readonly statuses: readonly ActionStatusRecord[];
  readonly assessments: readonly AssessmentRecord[];
}

export interface ReportQrrInput {
  readonly id: number;
  readonly name: string;
  /** Commune names, as shown. */
  readonly communes: readonly string[];
  readonly qpvCodes: readonly string[];
  readonly population: number | null;
  /** Archived QRRs appear when they hold data for the period; nothing is asked of them. */
  readonly archived: boolean;
  /** The délégué du préfet dedicated to the QRR's plan (circular, action 10-03). */
  readonly deleguePrefet?: string;
  readonly securityZone?: SecurityZone | null;
}

const cents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * FIPD credits for the period: the slot the FIPD feature will fill. Empty by
 * default; nothing is ever invented here. Amounts in integer cents.
 */
export const ReportFipdInputSchema = z.strictObject({
  /** Delegated envelopes (AE), per QRR or for the whole département (qrrId null). */
  envelopes: z.array(
    z.strictObject({
      qrrId: z.number().int().positive().nullable(),
      label: z.string().max(200),
      delegatedCents: cents,
      committedCents: cents,
      paidCents: cents,
    }),
  ),
  /** Subsidies decided in the period. */
  subsidies: z.array(
    z.strictObject({
      qrrId: z.number().int().positive().nullable(),
      beneficiary: z.string().max(300),
      object: z.string().max(1000),
      /** Funding source (FIPD, BOP 147, FDVA…): the report lists FIPD credits apart from the others. */
      source: z.string().max(40).optional(),
      sourceLabel: z.string().max(100).optional(),
      grantedCents: cents,
      paidCents: cents,
    }),
  ),
});
export type ReportFipdInput = z.infer<typeof ReportFipdInputSchema>;
export const EMPTY_FIPD: ReportFipdInput = { envelopes: [], subsidies: [] };
export const FIPD_EMPTY_TEXT = 'Aucun crédit FIPD enregistré pour cette période.';

export interface ReportInput {
  readonly departement: Pick<Departement, 'code' | 'nom' | 'typeLiaison'>;
  readonly settings: Pick<Settings, 'prefetName' | 'coordinatorName'>;
  readonly referentialVersion: number;
  /** The référentiel, in its order. */
  readonly engagements: readonly Engagement[];
  /** The QRRs reported on, in display order. */
  readonly qrrs: readonly ReportQrrInput[];
  readonly period: { readonly code: string; readonly state: PeriodState; readonly transmittedAt: string | null };
  readonly current: ReportFollowup;
  /** The quarter before (`previousPeriod(period.code)`), null when it was never opened. */
  readonly previous: (ReportFollowup & { readonly code: string }) | null;
  /** Defaults to {@link EMPTY_FIPD}. */
  readonly fipd?: ReportFipdInput;
  /**
   * Indicator values of earlier quarters (up to 7 before), for year to date, yearly comparisons and charts;
   * their action statuses, when given, for each engagement's implementation over 8 quarters.
   */
  readonly history?: readonly { readonly code: string; readonly values: readonly IndicatorValueRecord[]; readonly statuses?: readonly ActionStatusRecord[] }[];
  /** « Sans objet » items of the QRRs (electron/services/results.ts); none by default. */
  readonly sansObjet?: readonly SansObjetState[];
  /** Baselines and targets per QRR × indicator; none by default. */
  readonly targets?: readonly IndicatorTarget[];
  /** Who signs the report (from the certificate, known at signing time); null for an unsigned export. */
  readonly signer?: string | null;
}

// ---------------------------------------------------------------------------
// Model

/** `count` out of `total`; `percent` is null when `total` is 0. */
export interface Ratio {
  readonly count: number;
  readonly total: number;
  readonly percent: number | null;
}

/** « Taux de mise en œuvre »: réalisée / (actions − sans objet). */
export interface Implementation extends Ratio {
  /** Actions per status; `null` = no status entered. */
  readonly byStatus: Readonly<Record<ActionStatus | 'non_renseigne', number>>;
}

export interface ReportAssessment {
  readonly assessed: boolean;
  readonly meteo: Meteo;
  readonly meteoLabel: string;
  readonly trend: Trend | null;
  readonly trendLabel: string | null;
  readonly comment: string;
  readonly commentAuthor: string;
  readonly commentDate: string | null;
}

export interface ChangeFigure {
  readonly key: string;
  readonly label: string;
  readonly delta: number;
  /** How `delta` reads: a count, euro cents, percentage points, points per thousand. */
  readonly unit: 'nombre' | 'centimes' | 'points' | 'pour_mille';
}

export interface IndicatorChange {
  readonly direction: 'hausse' | 'baisse' | 'stable' | 'modifie';
  /** « +3 », « +1 234,56 € », « +5,0 points », « Non engagé → En cours ». */
  readonly text: string;
  readonly figures: readonly ChangeFigure[];
}

export interface ReportIndicatorRow {
  readonly code: string;
  readonly label: string;
  readonly kind: IndicatorKind;
  readonly value: IndicatorValuePayload | null;
  readonly valueText: string;
  readonly complete: boolean;
  /** Something entered, but not every part. */
  readonly partial: boolean;
  readonly previousValue: IndicatorValuePayload | null;
  readonly previousText: string;
  readonly change: IndicatorChange | null;
  readonly target: IndicatorValuePayload | null;
  readonly targetText: string;
  readonly comment: string;
  readonly source: string;
  /** Why the indicator is « sans objet » in this QRR (then neither complete nor missing). */
  readonly sansObjetReason: string | null;
  /** Baseline and target of this QRR, with progress (headline figure, year to date for flows). */
  readonly goal: { readonly text: string; readonly progressText: string; readonly progress: number | null } | null;
}

export interface ReportActionRow {
  readonly code: string;
  readonly label: string;
  readonly status: ActionStatus | null;
  readonly statusLabel: string;
  readonly previousStatus: ActionStatus | null;
  readonly comment: string;
  readonly referent: string;
  /** Why the action is « sans objet » in this QRR, when it is for the whole QRR (not just this quarter). */
  readonly sansObjetReason: string | null;
}

export interface ReportQrrEngagement {
  readonly code: string;
  readonly title: string;
  readonly completeness: Ratio & { readonly missing: readonly string[] };
  readonly implementation: Implementation;
  readonly assessment: ReportAssessment;
  readonly indicators: readonly ReportIndicatorRow[];
  readonly actions: readonly ReportActionRow[];
}

export interface ReportQrr {
  readonly id: number;
  readonly name: string;
  readonly communes: readonly string[];
  readonly qpvCodes: readonly string[];
  readonly population: number | null;
  readonly archived: boolean;
  readonly deleguePrefet: string;
  readonly securityZoneLabel: string | null;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly meteoCounts: Readonly<Record<Meteo, number>>;
  readonly engagements: readonly ReportQrrEngagement[];
}

/** One engagement across the département's QRRs: the synthesis page. */
export interface ReportEngagementSummary {
  readonly code: string;
  readonly title: string;
  readonly actionCount: number;
  readonly indicatorCount: number;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly byQrr: readonly {
    readonly qrrId: number;
    readonly qrrName: string;
    readonly completeness: Ratio;
    readonly implementation: Implementation;
    readonly meteo: Meteo;
    readonly meteoLabel: string;
    readonly trend: Trend | null;
    readonly trendLabel: string | null;
  }[];
}

export interface MissingIndicator {
  readonly qrrId: number;
  readonly qrrName: string;
  readonly engagementCode: string;
  readonly indicatorCode: string;
  readonly label: string;
  readonly partial: boolean;
}
export interface MissingAssessment {
  readonly qrrId: number;
  readonly qrrName: string;
  readonly engagementCode: string;
  readonly title: string;
}
export interface MissingAction {
  readonly qrrId: number;
  readonly qrrName: string;
  readonly engagementCode: string;
  readonly actionCode: string;
  readonly label: string;
}

/** What is still to enter before transmitting the period. */
export interface ReportMissing {
  readonly ready: boolean;
  readonly count: number;
  readonly indicators: readonly MissingIndicator[];
  readonly assessments: readonly MissingAssessment[];
  readonly actions: readonly MissingAction[];
  /** French sentences, one per kind of gap, for the transmission check. */
  readonly summary: readonly string[];
}

export interface ReportFipd {
  readonly empty: boolean;
  readonly emptyText: string;
  readonly envelopes: readonly (ReportFipdInput['envelopes'][number] & {
    readonly qrrName: string;
    readonly remainingToCommitCents: number;
    readonly remainingToPayCents: number;
  })[];
  readonly totals: {
    readonly delegatedCents: number;
    readonly committedCents: number;
    readonly paidCents: number;
    readonly remainingToCommitCents: number;
    readonly remainingToPayCents: number;
  };
  /** FIPD subsidies of the period. */
  readonly subsidies: readonly (ReportFipdInput['subsidies'][number] & { readonly qrrName: string })[];
  /** Subsidies from other State or partner credits (BOP 147, FDVA…), labelled by source. */
  readonly otherSubsidies: readonly (ReportFipdInput['subsidies'][number] & { readonly qrrName: string; readonly sourceLabel: string })[];
}

export interface ReportModel {
  readonly departement: {
    readonly code: string;
    readonly nom: string;
    /** « Préfecture de l'Hérault » */
    readonly prefecture: string;
    /** « Préfet de l'Hérault » */
    readonly prefetTitle: string;
  };
  readonly people: { readonly prefetName: string; readonly coordinatorName: string };
  readonly referentialVersion: number;
  readonly period: {
    readonly code: string;
    /** « 3e trimestre 2026 » */
    readonly label: string;
    readonly state: PeriodState;
    readonly stateLabel: string;
    readonly transmittedAt: string | null;
  };
  readonly previousPeriod: { readonly code: string | null; readonly label: string | null; readonly available: boolean };
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly engagements: readonly ReportEngagementSummary[];
  readonly qrrs: readonly ReportQrr[];
  readonly missing: ReportMissing;
  readonly fipd: ReportFipd;
  /** The « tableau de bord simple et normalisé »: one line per engagement. */
  readonly lines: readonly EngagementLine[];
  /** The département's figure of each indicator, in the référentiel's order. */
  readonly results: readonly IndicatorResult[];
  /** Each engagement's taux de mise en œuvre over the last 8 quarters (dashboard sparklines). */
  readonly implementationSeries: readonly EngagementSeries[];
  /** Who signed, if signed; the authority the report is established for. */
  readonly signature: { readonly signer: string | null; readonly authority: string };
  /** Indicators and actions « sans objet » in the active QRRs (left out of completeness and implementation). */
  readonly sansObjetCount: { readonly indicators: number; readonly actions: number };
}

// ---------------------------------------------------------------------------
// Helpers

export const ratio = (count: number, total: number): Ratio => ({ count, total, percent: total > 0 ? (count / total) * 100 : null });

const sumRatios = (items: readonly Ratio[]): Ratio =>
  ratio(
    items.reduce((s, r) => s + r.count, 0),
    items.reduce((s, r) => s + r.total, 0),
  );

const EMPTY_STATUS_COUNTS: Readonly<Record<ActionStatus | 'non_renseigne', number>> = {
  non_engagee: 0,
  en_cours: 0,
  realisee: 0,
  sans_objet: 0,
  non_renseigne: 0,
};

export function implementationOf(statuses: readonly (ActionStatus | null)[]): Implementation {
  const byStatus = { ...EMPTY_STATUS_COUNTS };
  for (const s of statuses) byStatus[s ?? 'non_renseigne']++;
  return { ...ratio(byStatus.realisee, statuses.length - byStatus.sans_objet), byStatus };
}

function sumImplementations(items: readonly Implementation[]): Implementation {
  const byStatus = { ...EMPTY_STATUS_COUNTS };
  for (const i of items) for (const k of Object.keys(byStatus) as (keyof typeof byStatus)[]) byStatus[k] += i.byStatus[k];
  return { ...sumRatios(items), byStatus };
}

const hasAnyPart = (value: IndicatorValuePayload | null): boolean =>
  value !== null && Object.values(value).some((v) => v !== null && v !== undefined && (typeof v !== 'string' || v.trim() !== ''));

const EMPTY_TEXT = '—';
const display = (indicator: Indicator, value: IndicatorValuePayload | null): string =>
  value === null ? EMPTY_TEXT : formatIndicatorValue(indicator, value);

/** « +3 », « -2 » (Intl's sign for negatives), « 0 ». */
const signedInteger = (n: number): string => (n > 0 ? `+${formatInteger(n)}` : formatInteger(n));
const signedFixed = (n: number, digits: number): string => {
  const rounded = Number(n.toFixed(digits));
  return rounded > 0 ? `+${formatFixedFr(rounded, digits)}` : formatFixedFr(rounded === 0 ? 0 : rounded, digits);
};
const signedEuros = (centsDelta: number): string =>
  centsDelta > 0 ? `+${formatEurosFromCents(centsDelta)}` : formatEurosFromCents(centsDelta);
const signedPlural = (n: number, singular: string): string => `${n > 0 ? '+' : ''}${plural(n, singular)}`;
const directionOf = (delta: number): IndicatorChange['direction'] => (delta > 0 ? 'hausse' : delta < 0 ? 'baisse' : 'stable');

const num = (v: IndicatorValuePayload, key: string): number | null => {
  const x = v[key];
  return typeof x === 'number' ? x : null;
};

/** « Nombre de centres sociaux » → « centres sociaux ». */
const shortLabel = (label: string): string => /^Nombre d(?:e |'|’)\s*(.+)$/u.exec(label)?.[1] ?? label;

/**
 * The change from `previous` to `current`, null when either is missing or the
 * kind has no figure to compare (text).
 */
export function indicatorChange(
  indicator: Indicator,
  current: IndicatorValuePayload | null,
  previous: IndicatorValuePayload | null,
): IndicatorChange | null {
  if (!current || !previous || !hasAnyPart(current) || !hasAnyPart(previous)) return null;
  const partDelta = (key: string): ChangeFigure | null => {
    const a = num(current, key);
    const b = num(previous, key);
    const part = indicator.parts.find((p) => p.key === key);
    if (a === null || b === null || !part) return null;
    return { key, label: part.label, delta: a - b, unit: part.type === 'amount' ? 'centimes' : 'nombre' };
  };
  const single = (figure: ChangeFigure | null, text: (d: number) => string): IndicatorChange | null =>
    figure ? { direction: directionOf(figure.delta), text: text(figure.delta), figures: [figure] } : null;

  switch (indicator.kind) {
    case 'count': {
      const figures = indicator.parts.map((p) => partDelta(p.key)).filter((f): f is ChangeFigure => f !== null);
      if (figures.length === 0) return null;
      if (indicator.parts.length === 1) return single(figures[0]!, signedInteger);
      return {
        direction: directionOf(figures[0]!.delta),
        text: figures.map((f) => `${shortLabel(f.label)} : ${signedInteger(f.delta)}`).join(' ; '),
        figures,
      };
    }
    case 'gender_split':
      return single(partDelta('total'), signedInteger);
    case 'amount': {
      const amountPart = indicator.parts.find((p) => p.type === 'amount');
      return amountPart ? single(partDelta(amountPart.key), signedEuros) : null;
    }
    case 'count_rate':
    case 'ratio_per_1000': {
      const a = computeIndicator(indicator, current);
      const b = computeIndicator(indicator, previous);
      const perThousand = indicator.kind === 'ratio_per_1000';
      if (a !== null && b !== null) {
        const delta = a - b;
        const figure: ChangeFigure = {
          key: perThousand ? 'ratio' : 'rate',
          label: perThousand ? 'Ratio pour 1 000 habitants' : 'Taux',
          delta,
          unit: perThousand ? 'pour_mille' : 'points',
        };
        const rounded = Number(delta.toFixed(1));
        return {
          direction: directionOf(rounded),
          text: perThousand ? `${signedFixed(delta, 1)}${NBSP}‰` : `${signedFixed(delta, 1)} point${Math.abs(rounded) >= 2 ? 's' : ''}`,
          figures: [figure],
        };
      }
      return single(partDelta(perThousand ? 'count' : 'numerator'), signedInteger);
    }
    case 'operations_beneficiaries': {
      const ops = partDelta('operations');
      const ben = partDelta('beneficiaries');
      const figures = [ops, ben].filter((f): f is ChangeFigure => f !== null);
      if (figures.length === 0) return null;
      const texts = [ops ? signedPlural(ops.delta, 'opération') : null, ben ? signedPlural(ben.delta, 'bénéficiaire') : null];
      return {
        direction: directionOf((ben ?? ops)!.delta),
        text: texts.filter(Boolean).join(', '),
        figures,
      };
    }
    case 'progress':
    case 'presence': {
      const shown = (v: IndicatorValuePayload): string =>
        indicator.parts.map((p) => (v[p.key] === null || v[p.key] === undefined ? EMPTY_TEXT : formatPartValue(p, v[p.key] ?? null))).join(', ');
      const before = shown(previous);
      const after = shown(current);
      return before === after
        ? { direction: 'stable', text: 'Inchangé', figures: [] }
        : { direction: 'modifie', text: `${before} → ${after}`, figures: [] };
    }
    default:
      return null;
  }
}

const key = (qrrId: number, code: string): string => `${qrrId}|${code}`;

function indexFollowup(f: ReportFollowup | null) {
  return {
    values: new Map((f?.values ?? []).map((v) => [key(v.qrrId, v.indicatorCode), v] as const)),
    statuses: new Map((f?.statuses ?? []).map((s) => [key(s.qrrId, s.actionCode), s] as const)),
    assessments: new Map((f?.assessments ?? []).map((a) => [key(a.qrrId, a.engagementCode), a] as const)),
  };
}

function assessmentOf(record: AssessmentRecord | undefined): ReportAssessment {
  const meteo = record?.meteo ?? 'non_renseignee';
  const trend = record?.trend ?? null;
  return {
    assessed: meteo !== 'non_renseignee',
    meteo,
    meteoLabel: METEO_LABELS[meteo],
    trend,
    trendLabel: trend ? TREND_LABELS[trend] : null,
    comment: record?.comment ?? '',
    commentAuthor: record?.commentAuthor ?? '',
    commentDate: record?.commentDate ?? null,
  };
}

// ---------------------------------------------------------------------------
// The model

export function buildReportModel(input: ReportInput): ReportModel {
  const prevCode = previousPeriod(input.period.code);
  // Only the quarter just before counts as « trimestre précédent ».
  const previousInput = input.previous !== null && input.previous.code === prevCode ? input.previous : null;
  const cur = indexFollowup(input.current);
  const prev = indexFollowup(previousInput);
  const sansObjet = input.sansObjet ? indexSansObjet(input.sansObjet) : NO_SANS_OBJET;
  const targets = input.targets ?? [];
  const quarters = quartersOf(input);
  const valueAt = (periodCode: string, qrrId: number, code: string) => quarters.get(periodCode)?.get(key(qrrId, code)) ?? null;

  const qrrs: ReportQrr[] = input.qrrs.map((q) => {
    const completenessByEngagement = indicatorCompleteness(
      input.engagements,
      (code) => cur.values.get(key(q.id, code))?.value ?? null,
      (code) => sansObjet.isSansObjet(q.id, 'indicator', code),
    );
    const engagements: ReportQrrEngagement[] = input.engagements.map((e, index) => {
      const completeness = completenessByEngagement[index]!;
      const indicators: ReportIndicatorRow[] = e.indicators.map((indicator) => {
        const record = cur.values.get(key(q.id, indicator.code));
        const before = prev.values.get(key(q.id, indicator.code));
        const value = record?.value ?? null;
        const previousValue = before?.value ?? null;
        const target = record?.target ?? null;
        const complete = value !== null && isIndicatorValueComplete(indicator, value);
        const goal = targets.find((t) => t.qrrId === q.id && t.indicatorCode === indicator.code && t.targetValue !== null);
        const current = hasYearToDate(indicator)
          ? headlineFigure(indicator, yearToDate(indicator, input.period.code, (p) => valueAt(p, q.id, indicator.code)))
          : headlineFigure(indicator, value);
        const progress = goal ? progressToTarget(current, goal.initialValue, goal.targetValue) : null;
        return {
          code: indicator.code,
          label: indicator.label,
          kind: indicator.kind,
          value,
          valueText: display(indicator, value),
          complete,
          partial: !complete && hasAnyPart(value),
          previousValue,
          previousText: display(indicator, previousValue),
          change: indicatorChange(indicator, value, previousValue),
          target,
          targetText: display(indicator, target),
          comment: record?.comment ?? '',
          source: record?.source ?? '',
          sansObjetReason: sansObjet.reasonOf(q.id, 'indicator', indicator.code),
          goal: goal
            ? {
                text:
                  `${formatHeadline(indicator, goal.targetValue)}` +
                  (goal.targetDeadline ? ` d'ici le ${formatDate(`${goal.targetDeadline}T12:00:00Z`)}` : '') +
                  (goal.initialValue !== null ? ` (départ ${formatHeadline(indicator, goal.initialValue)})` : ''),
                progress,
                progressText: formatProgress(progress),
              }
            : null,
        };
      });
      const actions: ReportActionRow[] = e.actions.map((a) => {
        const record = cur.statuses.get(key(q.id, a.code));
        const sansObjetReason = sansObjet.reasonOf(q.id, 'action', a.code);
        const status = sansObjetReason !== null ? 'sans_objet' : (record?.status ?? null);
        return {
          code: a.code,
          label: a.label,
          status,
          sansObjetReason,
          statusLabel: status ? ACTION_STATUS_LABELS[status] : 'Non renseigné',
          previousStatus: prev.statuses.get(key(q.id, a.code))?.status ?? null,
          comment: record?.comment ?? '',
          referent: record?.referent ?? '',
        };
      });
      return {
        code: e.code,
        title: e.title,
        completeness: { ...ratio(completeness.filled, completeness.total), missing: completeness.missing },
        implementation: implementationOf(actions.map((a) => a.status)),
        assessment: assessmentOf(cur.assessments.get(key(q.id, e.code))),
        indicators,
        actions,
      };
    });
    const meteoCounts = { soleil: 0, couvert: 0, nuage: 0, orage: 0, non_renseignee: 0 } satisfies Record<Meteo, number>;
    for (const e of engagements) meteoCounts[e.assessment.meteo]++;
    return {
      id: q.id,
      name: q.name,
      communes: [...q.communes],
      qpvCodes: [...q.qpvCodes],
      population: q.population,
      archived: q.archived,
      deleguePrefet: q.deleguePrefet ?? '',
      securityZoneLabel: q.securityZone ? SECURITY_ZONE_LABELS[q.securityZone] : null,
      completeness: sumRatios(engagements.map((e) => e.completeness)),
      implementation: sumImplementations(engagements.map((e) => e.implementation)),
      meteoCounts,
      engagements,
    };
  });

  const engagements: ReportEngagementSummary[] = input.engagements.map((e, index) => {
    const byQrr = qrrs.map((q) => {
      const qe = q.engagements[index]!;
      return {
        qrrId: q.id,
        qrrName: q.name,
        completeness: ratio(qe.completeness.count, qe.completeness.total),
        implementation: qe.implementation,
        meteo: qe.assessment.meteo,
        meteoLabel: qe.assessment.meteoLabel,
        trend: qe.assessment.trend,
        trendLabel: qe.assessment.trendLabel,
      };
    });
    return {
      code: e.code,
      title: e.title,
      actionCount: e.actions.length,
      indicatorCount: e.indicators.length,
      completeness: sumRatios(byQrr.map((b) => b.completeness)),
      implementation: sumImplementations(byQrr.map((b) => b.implementation)),
      byQrr,
    };
  });

  const active = qrrs.filter((q) => !q.archived);
  const results = indicatorResults({
    engagements: input.engagements,
    units: active.map((q) => ({ id: q.id, name: q.name })),
    periodCode: input.period.code,
    quarters,
    sansObjet,
    targets,
  });
  const lines = input.engagements.map((e) =>
    engagementLine(
      {
        code: e.code,
        title: e.title,
        assessments: active.map((q) => {
          const record = cur.assessments.get(key(q.id, e.code));
          return {
            unitName: q.name,
            meteo: record?.meteo ?? 'non_renseignee',
            trend: record?.trend ?? null,
            comment: record?.comment ?? '',
            ...(record?.obstacles ? { obstacles: record.obstacles } : {}),
            ...(record?.nextSteps ? { nextSteps: record.nextSteps } : {}),
            ...(record?.successes ? { successes: record.successes } : {}),
          };
        }),
      },
      results,
    ),
  );
  const countSansObjet = (type: 'indicator' | 'action') =>
    active.reduce((n, q) => n + q.engagements.reduce((m, e) => m + (type === 'indicator' ? e.indicators : e.actions).filter((i) => i.sansObjetReason !== null).length, 0), 0);
  const authority = `${prefetTitle(input.departement)}${input.settings.prefetName ? `, ${input.settings.prefetName}` : ''}`;

  const statusesByPeriod = new Map<string, readonly ActionStatusRecord[]>();
  for (const h of input.history ?? []) if (h.statuses) statusesByPeriod.set(h.code, h.statuses);
  if (previousInput) statusesByPeriod.set(previousInput.code, previousInput.statuses);
  statusesByPeriod.set(input.period.code, input.current.statuses);

  return {
    lines,
    results,
    implementationSeries: implementationSeries(
      input.engagements,
      active.map((q) => q.id),
      seriesPeriods(input.period.code),
      statusesByPeriod,
      sansObjet,
    ),
    signature: { signer: input.signer ?? null, authority },
    sansObjetCount: { indicators: countSansObjet('indicator'), actions: countSansObjet('action') },
    departement: {
      code: input.departement.code,
      nom: input.departement.nom,
      prefecture: prefectureName(input.departement),
      prefetTitle: prefetTitle(input.departement),
    },
    people: { prefetName: input.settings.prefetName, coordinatorName: input.settings.coordinatorName },
    referentialVersion: input.referentialVersion,
    period: {
      code: input.period.code,
      label: periodLabel(input.period.code),
      state: input.period.state,
      stateLabel: PERIOD_STATE_LABELS[input.period.state],
      transmittedAt: input.period.transmittedAt,
    },
    previousPeriod: {
      code: prevCode,
      label: prevCode ? periodLabel(prevCode) : null,
      available: previousInput !== null,
    },
    completeness: sumRatios(qrrs.map((q) => q.completeness)),
    implementation: sumImplementations(qrrs.map((q) => q.implementation)),
    engagements,
    qrrs,
    missing: missingOf(qrrs),
    fipd: fipdOf(input.fipd ?? EMPTY_FIPD, qrrs),
  };
}

function missingOf(qrrs: readonly ReportQrr[]): ReportMissing {
  const indicators: MissingIndicator[] = [];
  const assessments: MissingAssessment[] = [];
  const actions: MissingAction[] = [];
  for (const q of qrrs) {
    if (q.archived) continue;
    for (const e of q.engagements) {
      for (const i of e.indicators) {
        if (!i.complete && i.sansObjetReason === null) {
          indicators.push({ qrrId: q.id, qrrName: q.name, engagementCode: e.code, indicatorCode: i.code, label: i.label, partial: i.partial });
        }
      }
      if (!e.assessment.assessed) assessments.push({ qrrId: q.id, qrrName: q.name, engagementCode: e.code, title: e.title });
      for (const a of e.actions) {
        if (a.status === null) actions.push({ qrrId: q.id, qrrName: q.name, engagementCode: e.code, actionCode: a.code, label: a.label });
      }
    }
  }
  const partial = indicators.filter((i) => i.partial).length;
  const summary = [
    indicators.length > 0
      ? `${plural(indicators.length, 'indicateur')} à compléter${partial > 0 ? ` (dont ${plural(partial, 'valeur partielle', 'valeurs partielles')})` : ''}.`
      : null,
    assessments.length > 0 ? `${plural(assessments.length, 'engagement')} sans météo.` : null,
    actions.length > 0 ? `${plural(actions.length, 'action')} sans statut.` : null,
  ].filter((s): s is string => s !== null);
  const count = indicators.length + assessments.length + actions.length;
  return { ready: count === 0, count, indicators, assessments, actions, summary };
}

function fipdOf(input: ReportFipdInput, qrrs: readonly ReportQrr[]): ReportFipd {
  const names = new Map(qrrs.map((q) => [q.id, q.name] as const));
  const qrrName = (id: number | null): string => (id === null ? 'Département' : (names.get(id) ?? `Quartier n° ${id}`));
  const envelopes = input.envelopes.map((e) => ({
    ...e,
    qrrName: qrrName(e.qrrId),
    remainingToCommitCents: e.delegatedCents - e.committedCents,
    remainingToPayCents: e.committedCents - e.paidCents,
  }));
  const total = (f: (e: (typeof envelopes)[number]) => number): number => envelopes.reduce((s, e) => s + f(e), 0);
  return {
    empty: input.envelopes.length === 0 && input.subsidies.length === 0,
    emptyText: FIPD_EMPTY_TEXT,
    envelopes,
    totals: {
      delegatedCents: total((e) => e.delegatedCents),
      committedCents: total((e) => e.committedCents),
      paidCents: total((e) => e.paidCents),
      remainingToCommitCents: total((e) => e.remainingToCommitCents),
      remainingToPayCents: total((e) => e.remainingToPayCents),
    },
    subsidies: input.subsidies.filter((s) => (s.source ?? 'fipd') === 'fipd').map((s) => ({ ...s, qrrName: qrrName(s.qrrId) })),
    otherSubsidies: input.subsidies
      .filter((s) => (s.source ?? 'fipd') !== 'fipd')
      .map((s) => ({ ...s, qrrName: qrrName(s.qrrId), sourceLabel: s.sourceLabel ?? s.source ?? 'Autre' })),
  };
}

/** `45 %` (no decimal) or `—` when the ratio has no denominator: for tables and charts. */
export const formatRatioPercent = (r: Ratio): string => (r.percent === null ? EMPTY_TEXT : `${formatFixedFr(r.percent, 0)}${NBSP}%`);

/** `12 / 40` */
export const formatRatioCount = (r: Ratio): string => `${formatInteger(r.count)} / ${formatInteger(r.total)}`;

/** Indicator values per quarter (current, previous, history), keyed `qrrId|indicatorCode`. */
function quartersOf(input: ReportInput): Map<string, QuarterValues> {
  const quarters = new Map<string, QuarterValues>();
  const add = (code: string, values: readonly IndicatorValueRecord[]) =>
    quarters.set(code, new Map(values.map((v) => [key(v.qrrId, v.indicatorCode), v.value] as const)));
  for (const h of input.history ?? []) add(h.code, h.values);
  if (input.previous) add(input.previous.code, input.previous.values);
  add(input.period.code, input.current.values);
  return quarters;
}
