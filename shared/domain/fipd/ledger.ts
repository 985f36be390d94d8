/** Ledger totals: per QRR, per source, per département. Part of shared/domain/fipd (see index.ts). */
import { FUNDING_SOURCES, isCommitted, type FundingSource } from './vocabulary';
import type { EnvelopeRecord, PaymentRecord, SubsidyRecord } from './records';

export interface LedgerAmounts {
  /** AE delegated (envelopes). */
  readonly delegatedCents: number;
  /** Granted amounts of subsidies attribuées, versées or soldées. */
  readonly committedCents: number;
  /** CP: sum of payments. */
  readonly paidCents: number;
  /** delegated − committed (negative when committed beyond the envelope). */
  readonly remainingCents: number;
  /** committed − paid. */
  readonly toPayCents: number;
  /** committed / delegated, as a ratio (0.625 for 62,5 %); null without delegated credits. */
  readonly consumptionRate: number | null;
  /** paid / committed, as a ratio; null when nothing is committed. */
  readonly paymentRate: number | null;
}

export interface LedgerSourceTotals extends LedgerAmounts {
  readonly source: FundingSource;
}

export interface LedgerQrrTotals extends LedgerAmounts {
  readonly qrrId: number;
  /** Sources with an envelope, a subsidy or a payment, in FUNDING_SOURCES order. */
  readonly bySource: readonly LedgerSourceTotals[];
}

export interface LedgerTotals {
  /** All QRRs and all sources. */
  readonly departement: LedgerAmounts;
  /** All QRRs, per source (sources with something recorded, in FUNDING_SOURCES order). */
  readonly bySource: readonly LedgerSourceTotals[];
  /** Per QRR (ascending id), all sources and per source. */
  readonly byQrr: readonly LedgerQrrTotals[];
}

type LedgerEnvelope = Pick<EnvelopeRecord, 'qrrId' | 'source' | 'amountCents'>;
type LedgerSubsidy = Pick<SubsidyRecord, 'id' | 'qrrId' | 'source' | 'status' | 'grantedCents'>;
type LedgerPayment = Pick<PaymentRecord, 'subsidyId' | 'amountCents'>;

interface Sums {
  delegated: number;
  committed: number;
  paid: number;
}

const amountsOf = ({ delegated, committed, paid }: Sums): LedgerAmounts => ({
  delegatedCents: delegated,
  committedCents: committed,
  paidCents: paid,
  remainingCents: delegated - committed,
  toPayCents: committed - paid,
  consumptionRate: delegated > 0 ? committed / delegated : null,
  paymentRate: committed > 0 ? paid / committed : null,
});

/**
 * Delegated, committed, paid, remaining and to pay, per QRR, per source and for
 * the département, from the lines given (the caller chooses the budget year).
 * Payments of subsidies not among `subsidies` are ignored.
 */
export function ledgerTotals(
  envelopes: readonly LedgerEnvelope[],
  subsidies: readonly LedgerSubsidy[],
  payments: readonly LedgerPayment[],
): LedgerTotals {
  const cells = new Map<string, Sums & { qrrId: number; source: FundingSource }>();
  const cell = (qrrId: number, source: FundingSource) => {
    const key = `${qrrId}|${source}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { qrrId, source, delegated: 0, committed: 0, paid: 0 }));
    return c;
  };
  for (const e of envelopes) cell(e.qrrId, e.source).delegated += e.amountCents;
  const byId = new Map(subsidies.map((s) => [s.id, s]));
  for (const s of subsidies) {
    const c = cell(s.qrrId, s.source);
    if (isCommitted(s.status)) c.committed += s.grantedCents;
  }
  for (const p of payments) {
    const s = byId.get(p.subsidyId);
    if (s) cell(s.qrrId, s.source).paid += p.amountCents;
  }

  const add = (into: Sums, c: Sums) => {
    into.delegated += c.delegated;
    into.committed += c.committed;
    into.paid += c.paid;
  };
  const zero = (): Sums => ({ delegated: 0, committed: 0, paid: 0 });
  const sourceOrder = (a: FundingSource, b: FundingSource) => FUNDING_SOURCES.indexOf(a) - FUNDING_SOURCES.indexOf(b);
  const all = [...cells.values()];

  const departement = zero();
  const perSource = new Map<FundingSource, Sums>();
  const perQrr = new Map<number, { total: Sums; sources: { source: FundingSource; sums: Sums }[] }>();
  for (const c of all) {
    add(departement, c);
    const s = perSource.get(c.source) ?? zero();
    add(s, c);
    perSource.set(c.source, s);
    const q = perQrr.get(c.qrrId) ?? { total: zero(), sources: [] };
    add(q.total, c);
    q.sources.push({ source: c.source, sums: c });
    perQrr.set(c.qrrId, q);
  }
  return {
    departement: amountsOf(departement),
    bySource: [...perSource.entries()].sort(([a], [b]) => sourceOrder(a, b)).map(([source, sums]) => ({ source, ...amountsOf(sums) })),
    byQrr: [...perQrr.entries()]
      .sort(([a], [b]) => a - b)
      .map(([qrrId, q]) => ({
        qrrId,
        ...amountsOf(q.total),
        bySource: q.sources.sort((a, b) => sourceOrder(a.source, b.source)).map(({ source, sums }) => ({ source, ...amountsOf(sums) })),
      })),
  };
}
