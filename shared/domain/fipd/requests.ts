/** Requests and answers of the FIPD services (the IPC schemas are in shared/ipc/contract-fipd.ts). Part of shared/domain/fipd (see index.ts). */
import type { DecisionKind, FundingSource, PaymentKind, SubsidyDocument, SubsidyFlag, SubsidyStatus } from './vocabulary';
import type { LedgerTotals } from './ledger';

/**
 * One subsidy line to save: without `id` a creation (budgetYear, qrrId, source,
 * beneficiaryName and title required; the rest defaults), with `id` a patch
 * (only the fields sent change). Empty texts for SIRET, RNA and dates mean « none ».
 * `overEnvelopeReason` confirms a commitment beyond the FIPD envelope.
 */
export interface SubsidyLineInput {
  readonly id?: number | undefined;
  readonly budgetYear?: number | undefined;
  readonly qrrId?: number | undefined;
  readonly source?: FundingSource | undefined;
  readonly actionCodes?: readonly string[] | undefined;
  readonly beneficiaryName?: string | undefined;
  readonly siret?: string | null | undefined;
  readonly rna?: string | null | undefined;
  readonly title?: string | undefined;
  readonly requestedCents?: number | undefined;
  readonly grantedCents?: number | undefined;
  readonly cofinancingCents?: number | undefined;
  readonly decisionKind?: DecisionKind | null | undefined;
  readonly decisionNumber?: string | undefined;
  readonly decisionDate?: string | null | undefined;
  readonly chorusEj?: string | undefined;
  readonly reportDueDate?: string | null | undefined;
  readonly reportReceivedDate?: string | null | undefined;
  readonly documents?: readonly SubsidyDocument[] | undefined;
  readonly status?: SubsidyStatus | undefined;
  readonly comment?: string | undefined;
  readonly overEnvelopeReason?: string | undefined;
}

export interface EnvelopeInput {
  readonly qrrId: number;
  readonly budgetYear: number;
  readonly source: FundingSource;
  readonly amountCents: number;
  readonly decidedOn?: string | null | undefined;
  readonly comment?: string | undefined;
  /** Confirms lowering the envelope below what is already committed. */
  readonly overEnvelopeReason?: string | undefined;
}

export interface PaymentInput {
  readonly subsidyId: number;
  readonly paidOn: string;
  readonly amountCents: number;
  readonly kind: PaymentKind;
  readonly comment?: string | undefined;
}

export interface SubsidyFilters {
  readonly qrrId?: number | undefined;
  readonly budgetYear?: number | undefined;
  readonly status?: SubsidyStatus | undefined;
  readonly source?: FundingSource | undefined;
}

export interface FipdLedger {
  /** The budget year asked for, or null for all years. */
  readonly budgetYear: number | null;
  /** `YYYY-MM-DD`, the date the warnings were computed for. */
  readonly today: string;
  readonly totals: LedgerTotals;
  /** Subsidies with at least one warning. */
  readonly flags: readonly { readonly subsidyId: number; readonly flags: readonly SubsidyFlag[] }[];
}
