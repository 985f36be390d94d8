import { FUNDING_SOURCE_LABELS, isCommitted, quarterBounds } from '../../../shared/domain/fipd';
import { buildReportModel, type ReportFipdInput, type ReportModel } from '../../../shared/report/report-model';
import type { ServiceContext } from '../context';
import { getLedger } from '../fipd/ledger';
import { listSubsidies } from '../fipd/subsidies';
import type { Geography } from '../geography';
import { loadReportData } from './load-report-data';

/**
 * The report model of a quarter from the database: what the PDF draws, what
 * the Rapports screen lists as missing, and what the transmission check reads
 * (transmission.ts) — a module of its own so that the check and the report
 * producer (report-service.ts) do not import each other.
 */
export function reportModelFor(ctx: ServiceContext, geography: Geography, periodCode: string, signer: string | null = null): ReportModel {
  return buildReportModel(loadReportData(ctx, periodCode, { geography, fipd: fipdForReport(ctx, periodCode), signer }));
}

/**
 * The FIPD part of the report: for the period's budget year, each QRR's FIPD
 * envelope with what is committed and paid, and the subsidies decided in the quarter.
 */
function fipdForReport(ctx: ServiceContext, periodCode: string): ReportFipdInput {
  const budgetYear = Number(periodCode.slice(0, 4));
  const bounds = quarterBounds(periodCode);
  const ledger = getLedger(ctx, { budgetYear });
  const envelopes = ledger.totals.byQrr.flatMap((q) =>
    q.bySource
      .filter((s) => s.source === 'fipd')
      .map((s) => ({
        qrrId: q.qrrId,
        label: `Enveloppe FIPD ${budgetYear}`,
        delegatedCents: s.delegatedCents,
        committedCents: s.committedCents,
        paidCents: s.paidCents,
      })),
  );
  const subsidies = listSubsidies(ctx, { budgetYear })
    .filter((s) => isCommitted(s.status) && bounds && s.decisionDate !== null && s.decisionDate >= bounds.from && s.decisionDate <= bounds.to)
    .map((s) => ({
      qrrId: s.qrrId,
      beneficiary: s.beneficiaryName,
      object: s.title,
      grantedCents: s.grantedCents,
      paidCents: s.paidCents,
      source: s.source,
      sourceLabel: FUNDING_SOURCE_LABELS[s.source],
    }));
  return { envelopes, subsidies };
}

