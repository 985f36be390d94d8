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
import { indicatorCompleteness } from '../domain/completeness';
import { prefectureName, prefetTitle } from '../domain/departement';
import { isIndicatorValueComplete } from '../domain/indicator-values';
import { PERIOD_STATE_LABELS, periodLabel, previousPeriod } from '../domain/period';
import { ACTION_STATUS_LABELS, type ActionStatusRecord, type IndicatorValueRecord, type Meteo } from '../domain/types';
import { indexSansObjet, NO_SANS_OBJET } from '../domain/sans-objet';
import { formatProgress, headlineFigure, hasYearToDate, progressToTarget, yearToDate, formatHeadline } from '../domain/results';
import { SECURITY_ZONE_LABELS } from '../domain/types';
import { formatDate, plural } from '../format/fr';
import { engagementLine, indicatorResults, seriesPeriods, type QuarterValues } from './results-model';
import { implementationSeries } from './engagement-series';

import { ratio, sumRatios, implementationOf, sumImplementations, hasAnyPart, display, indicatorChange, key, indexFollowup, assessmentOf } from './report-figures';
import { EMPTY_FIPD, FIPD_EMPTY_TEXT } from './report-model-types';
import type { ReportFipdInput, ReportInput, ReportIndicatorRow, ReportActionRow, ReportQrrEngagement, ReportQrr, ReportEngagementSummary, MissingIndicator, MissingAssessment, MissingAction, ReportMissing, ReportFipd, ReportModel } from './report-model-types';

// The types and the figures live in their own modules; importable from here as before.
export * from './report-model-types';
export { formatRatioCount, formatRatioPercent, implementationOf, indicatorChange, ratio } from './report-figures';

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
