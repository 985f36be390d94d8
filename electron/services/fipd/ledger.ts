import {
  indicator0502,
  indicator0502ByQrr,
  ledgerTotals,
  quarterBounds,
  type FipdLedger,
  type PaymentRecord,
} from '../../../shared/domain/fipd';
import { parisIsoDate } from '../../../shared/format/paris-time';
import { DomainError } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';
import { listEnvelopes } from './envelopes';
import { listSubsidies } from './subsidies';

/** Totals per QRR, per source and for the département, with every subsidy's warnings, for one budget year or all. */
export function getLedger(ctx: ServiceContext, query: { budgetYear?: number | undefined } = {}): FipdLedger {
  const envelopes = listEnvelopes(ctx, { budgetYear: query.budgetYear });
  const subsidies = listSubsidies(ctx, { budgetYear: query.budgetYear });
  const payments: PaymentRecord[] = subsidies.flatMap((s) => s.payments);
  return {
    budgetYear: query.budgetYear ?? null,
    today: parisIsoDate(ctx.now()),
    totals: ledgerTotals(envelopes, subsidies, payments),
    flags: subsidies.filter((s) => s.flags.length > 0).map((s) => ({ subsidyId: s.id, flags: s.flags })),
  };
}

/**
 * Indicator 05-02 for a quarter, computed from the subsidy lines (rule in
 * shared/domain/fipd.ts `indicator0502`): per QRR, and for the département
 * (an association supported in two QRRs counts once there).
 */
export function fipdIndicator0502(
  ctx: ServiceContext,
  periodCode: string,
): { byQrr: { qrrId: number; count: number; amountCents: number }[]; departement: { count: number; amountCents: number } } {
  const bounds = quarterBounds(periodCode);
  if (!bounds) throw new DomainError('VALIDATION', `« ${periodCode} » n'est pas un trimestre (format attendu : 2026-T4).`);
  const subsidies = listSubsidies(ctx, { budgetYear: Number(periodCode.slice(0, 4)) });
  return {
    byQrr: [...indicator0502ByQrr(subsidies, periodCode).entries()].map(([qrrId, v]) => ({ qrrId, ...v })),
    departement: indicator0502(subsidies, periodCode),
  };
}
