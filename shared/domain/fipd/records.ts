/** The records main stores and the screens show: envelopes, subsidies, payments. Part of shared/domain/fipd (see index.ts). */
import type { DecisionKind, FundingSource, PaymentKind, SubsidyDocument, SubsidyFlag, SubsidyStatus } from './vocabulary';

export interface EnvelopeRecord {
  readonly qrrId: number;
  readonly budgetYear: number;
  readonly source: FundingSource;
  /** AE delegated, integer cents. */
  readonly amountCents: number;
  readonly decidedOn: string | null;
  readonly comment: string;
  /** Set when the envelope was lowered below what was already committed, confirmed with this reason. */
  readonly overEnvelopeReason: string | null;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface PaymentRecord {
  readonly id: number;
  readonly subsidyId: number;
  /** `YYYY-MM-DD` */
  readonly paidOn: string;
  readonly amountCents: number;
  readonly kind: PaymentKind;
  readonly comment: string;
  readonly createdAt: string;
}

/** Everything of a subsidy the user edits. */
export interface SubsidyFields {
  readonly budgetYear: number;
  readonly qrrId: number;
  readonly source: FundingSource;
  /** Référentiel action codes (`05-02`, `04-06 bis`…), sorted, without duplicates. */
  readonly actionCodes: readonly string[];
  readonly beneficiaryName: string;
  /** 14 digits, without spaces. */
  readonly siret: string | null;
  /** `W` + 9 characters. */
  readonly rna: string | null;
  readonly title: string;
  readonly requestedCents: number;
  /** AE committed once the subsidy is attribuée. */
  readonly grantedCents: number;
  readonly cofinancingCents: number;
  readonly decisionKind: DecisionKind | null;
  readonly decisionNumber: string;
  readonly decisionDate: string | null;
  /** Chorus legal-commitment (EJ) number. */
  readonly chorusEj: string;
  /** Financial report (CERFA 15059) due date; by default 30 June of the year after the budget year. */
  readonly reportDueDate: string | null;
  readonly reportReceivedDate: string | null;
  readonly documents: readonly SubsidyDocument[];
  readonly status: SubsidyStatus;
  readonly comment: string;
}

/** The fields that describe a subsidy, beyond its year and QRR (in the record's order). */
export const SUBSIDY_CONTENT_FIELDS = [
  'source',
  'actionCodes',
  'beneficiaryName',
  'siret',
  'rna',
  'title',
  'requestedCents',
  'grantedCents',
  'cofinancingCents',
  'decisionKind',
  'decisionNumber',
  'decisionDate',
  'chorusEj',
  'reportDueDate',
  'reportReceivedDate',
  'documents',
  'status',
  'comment',
] as const satisfies readonly (keyof SubsidyFields)[];

export interface SubsidyRecord extends SubsidyFields {
  readonly id: number;
  /** Reason given when this subsidy was committed beyond the FIPD envelope (kept as history). */
  readonly overEnvelopeReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly payments: readonly PaymentRecord[];
  /** Sum of the payments. */
  readonly paidCents: number;
  readonly flags: readonly SubsidyFlag[];
}
