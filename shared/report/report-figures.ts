/**
 * The figures of the quarterly report: ratios, implementation rates, values as
 * displayed, the change since the previous quarter, and the followup indexed
 * by quartier. Used by report-model.ts to build the model, and by whoever
 * formats a ratio the way the report does.
 *
 * Pure ECMAScript: imports only shared/.
 */
import { computeIndicator, formatIndicatorValue, formatPartValue } from '../domain/indicator-values';
import { METEO_LABELS, TREND_LABELS, type ActionStatus, type AssessmentRecord, type IndicatorValuePayload } from '../domain/types';
import { formatInteger, plural } from '../format/fr';
import { formatEurosFromCents, formatFixedFr, NBSP } from '../format/number-fr';
import type { Indicator } from '../referential/types';
import type { ChangeFigure, Implementation, IndicatorChange, Ratio, ReportAssessment, ReportFollowup } from './report-model-types';

// ---------------------------------------------------------------------------
// Helpers

export const ratio = (count: number, total: number): Ratio => ({ count, total, percent: total > 0 ? (count / total) * 100 : null });

export const sumRatios = (items: readonly Ratio[]): Ratio =>
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

export function sumImplementations(items: readonly Implementation[]): Implementation {
  const byStatus = { ...EMPTY_STATUS_COUNTS };
  for (const i of items) for (const k of Object.keys(byStatus) as (keyof typeof byStatus)[]) byStatus[k] += i.byStatus[k];
  return { ...sumRatios(items), byStatus };
}

export const hasAnyPart = (value: IndicatorValuePayload | null): boolean =>
  value !== null && Object.values(value).some((v) => v !== null && v !== undefined && (typeof v !== 'string' || v.trim() !== ''));

const EMPTY_TEXT = '—';
export const display = (indicator: Indicator, value: IndicatorValuePayload | null): string =>
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

export const key = (qrrId: number, code: string): string => `${qrrId}|${code}`;

export function indexFollowup(f: ReportFollowup | null) {
  return {
    values: new Map((f?.values ?? []).map((v) => [key(v.qrrId, v.indicatorCode), v] as const)),
    statuses: new Map((f?.statuses ?? []).map((s) => [key(s.qrrId, s.actionCode), s] as const)),
    assessments: new Map((f?.assessments ?? []).map((a) => [key(a.qrrId, a.engagementCode), a] as const)),
  };
}

export function assessmentOf(record: AssessmentRecord | undefined): ReportAssessment {
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


/** `45 %` (no decimal) or `—` when the ratio has no denominator: for tables and charts. */
export const formatRatioPercent = (r: Ratio): string => (r.percent === null ? EMPTY_TEXT : `${formatFixedFr(r.percent, 0)}${NBSP}%`);

/** `12 / 40` */
export const formatRatioCount = (r: Ratio): string => `${formatInteger(r.count)} / ${formatInteger(r.total)}`;
