/**
 * Reads, for one period, everything shared/report/report-model.ts needs:
 * settings, référentiel, QRRs, and what was entered in the period and in the
 * quarter before. Read-only: only the services' list/get functions, inside one
 * read transaction so the report sees a consistent snapshot.
 *
 * Plain Node, never imports electron.
 */
import { previousPeriod } from '../../../shared/domain/period';
import { DomainError } from '../../../shared/ipc/result';
import { EMPTY_FIPD, type ReportFipdInput, type ReportFollowup, type ReportInput } from '../../../shared/report/report-model';
import type { ServiceContext } from '../context';
import { readTransaction } from '../db/query';
import { listActionStatuses, listAssessments, listIndicatorValues } from '../followup';
import { findDepartement, type Geography } from '../geography';
import { getPeriod, listPeriods } from '../periods';
import { createQrrService } from '../qrr';
import { readReferential } from '../referential';
import { listSansObjet, listTargets } from '../results';
import { seriesPeriods } from '../../../shared/report/results-model';
import { getSettings } from '../settings';

export interface LoadReportDataOptions {
  /** For commune names (the same object the IPC handlers use). */
  readonly geography: Geography;
  /** FIPD credits of the period, once the FIPD feature exists; empty by default. */
  readonly fipd?: ReportFipdInput;
  /** The signer's name (from the certificate), for the cover; absent for an unsigned export. */
  readonly signer?: string | null;
}

const followupOf = (ctx: ServiceContext, periodCode: string): ReportFollowup => ({
  values: listIndicatorValues(ctx, periodCode),
  statuses: listActionStatuses(ctx, periodCode),
  assessments: listAssessments(ctx, periodCode),
});

/**
 * The report's input for `periodCode`. QRRs: every active QRR, plus archived
 * ones that hold data for the period (a report of an old quarter still shows
 * a QRR archived since). Refuses (French) when the département is not set or
 * the period was never opened.
 */
export function loadReportData(ctx: ServiceContext, periodCode: string, options: LoadReportDataOptions): ReportInput {
  return readTransaction(ctx, (): ReportInput => {
    const settings = getSettings(ctx);
    if (!settings) throw new DomainError('NOT_CONFIGURED', "Choisissez d'abord le département dans les paramètres.");
    const departement = findDepartement(settings.departementCode);
    if (!departement) throw new DomainError('VALIDATION', `Le département « ${settings.departementCode} » n'existe pas.`);
    const period = getPeriod(ctx, periodCode);
    const referential = readReferential(ctx.db);
    const current = followupOf(ctx, period.code);

    const prevCode = previousPeriod(period.code);
    const opened = new Set(listPeriods(ctx).map((p) => p.code));
    const previous = prevCode && opened.has(prevCode) ? { code: prevCode, ...followupOf(ctx, prevCode) } : null;
    // Earlier quarters' values: year to date, comparisons a year back, the last 8 quarters' charts.
    const history = seriesPeriods(period.code)
      .filter((code) => code !== period.code && code !== prevCode && opened.has(code))
      .map((code) => ({ code, values: listIndicatorValues(ctx, code), statuses: listActionStatuses(ctx, code) }));

    const withData = new Set<number>([
      ...current.values.map((v) => v.qrrId),
      ...current.statuses.map((s) => s.qrrId),
      ...current.assessments.map((a) => a.qrrId),
    ]);
    const qrrs = createQrrService(options.geography)
      .list(ctx, { includeArchived: true })
      .filter((q) => q.archivedAt === null || withData.has(q.id))
      .map((q) => ({
        id: q.id,
        name: q.name,
        communes: q.communes.map((c) => c.nom),
        qpvCodes: q.qpvCodes,
        population: q.population,
        archived: q.archivedAt !== null,
        deleguePrefet: q.deleguePrefet,
        securityZone: q.securityZone,
      }));

    return {
      departement: { code: departement.code, nom: departement.nom, typeLiaison: departement.typeLiaison },
      settings: { prefetName: settings.prefetName, coordinatorName: settings.coordinatorName },
      referentialVersion: referential.version,
      engagements: referential.engagements,
      qrrs,
      period: { code: period.code, state: period.state, transmittedAt: period.transmittedAt },
      current,
      previous,
      fipd: options.fipd ?? EMPTY_FIPD,
      history,
      sansObjet: listSansObjet(ctx),
      targets: listTargets(ctx),
      signer: options.signer ?? null,
    };
  });
}
