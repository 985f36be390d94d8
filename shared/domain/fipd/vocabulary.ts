/** The vocabulary: funding sources, statuses, decision and payment kinds, supporting documents. Part of shared/domain/fipd (see index.ts). */

/** Where the money comes from. Only `fipd` is capped by its envelope (see ledger rules in electron/services/fipd). */
export const FUNDING_SOURCES = ['fipd', 'bop147', 'fdva', 'mildeca', 'ans', 'caf', 'collectivites', 'autre'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];
export const FUNDING_SOURCE_LABELS: Readonly<Record<FundingSource, string>> = {
  fipd: 'FIPD (programme 216)',
  bop147: 'Politique de la ville (BOP 147)',
  fdva: 'FDVA',
  mildeca: 'MILDECA',
  ans: 'Agence nationale du sport',
  caf: 'CAF',
  collectivites: 'Collectivités territoriales',
  autre: "Autres crédits de l'État",
};

export const UNKNOWN_SOURCE_MESSAGE = 'Source de financement inconnue (FIPD, BOP 147, FDVA, MILDECA, ANS, CAF, collectivités ou autre).';
export const UNKNOWN_STATUS_MESSAGE = 'Statut inconnu (demandée, instruite, attribuée, versée, soldée, refusée ou annulée).';

/** The source whose committed amounts may not exceed the envelope without a confirmed reason. */
export const CAPPED_SOURCE: FundingSource = 'fipd';

/**
 * Sources counted by indicator 05-02 (« associations soutenues par les crédits
 * de l'État »): State credits only. CAF and collectivités are tracked (they
 * appear in the ledger) but are not State credits, so they are left out.
 */
export const INDICATOR_0502_SOURCES: readonly FundingSource[] = ['fipd', 'bop147', 'fdva', 'mildeca', 'ans', 'autre'];

/** A subsidy's life: demandée → instruite → attribuée → versée → soldée; or refusée, annulée. */
export const SUBSIDY_STATUSES = ['demandee', 'instruite', 'attribuee', 'versee', 'soldee', 'refusee', 'annulee'] as const;
export type SubsidyStatus = (typeof SUBSIDY_STATUSES)[number];
/** Said of a « subvention » (feminine). */
export const SUBSIDY_STATUS_LABELS: Readonly<Record<SubsidyStatus, string>> = {
  demandee: 'Demandée',
  instruite: 'Instruite',
  attribuee: 'Attribuée',
  versee: 'Versée',
  soldee: 'Soldée',
  refusee: 'Refusée',
  annulee: 'Annulée',
};

/** Statuses whose granted amount is committed (AE consumed). */
export const COMMITTED_STATUSES: readonly SubsidyStatus[] = ['attribuee', 'versee', 'soldee'];
export const isCommitted = (status: SubsidyStatus): boolean => COMMITTED_STATUSES.includes(status);
/** Statuses a subsidy has exactly when at least one payment is recorded. */
export const PAID_STATUSES: readonly SubsidyStatus[] = ['versee', 'soldee'];

export const DECISION_KINDS = ['arrete', 'convention'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const DECISION_KIND_LABELS: Readonly<Record<DecisionKind, string>> = { arrete: 'Arrêté', convention: 'Convention' };

export const PAYMENT_KINDS = ['avance', 'solde', 'autre'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];
export const PAYMENT_KIND_LABELS: Readonly<Record<PaymentKind, string>> = { avance: 'Avance', solde: 'Solde', autre: 'Autre versement' };

/** Supporting documents checklist, in the order of the file. */
export const SUBSIDY_DOCUMENTS = [
  'cerfa_12156',
  'budget_previsionnel',
  'rib',
  'statuts',
  'attestation_honneur',
  'compte_rendu_15059',
] as const;
export type SubsidyDocument = (typeof SUBSIDY_DOCUMENTS)[number];
export const SUBSIDY_DOCUMENT_LABELS: Readonly<Record<SubsidyDocument, string>> = {
  cerfa_12156: 'Demande de subvention (CERFA 12156)',
  budget_previsionnel: "Budget prévisionnel de l'action",
  rib: "Relevé d'identité bancaire (RIB)",
  statuts: "Statuts de l'association",
  attestation_honneur: "Attestation sur l'honneur",
  compte_rendu_15059: 'Compte-rendu financier (CERFA 15059)',
};
/** The application's documents: all expected before the balance is paid (the financial report is checked separately). */
export const DOCUMENTS_REQUIRED_FOR_BALANCE: readonly SubsidyDocument[] = [
  'cerfa_12156',
  'budget_previsionnel',
  'rib',
  'statuts',
  'attestation_honneur',
];

/** Loi n° 2000-321 art. 10 and décret 2001-495: a convention is mandatory above 23 000 €. */
export const CONVENTION_THRESHOLD_CENTS = 2_300_000;
/** No envelope, subsidy or payment comes near 100 M€: anything larger is a typing error. */
export const MAX_AMOUNT_CENTS = 10_000_000_000;
/** Minimum length of the reason confirming a commitment beyond the envelope. */
export const OVER_ENVELOPE_REASON_MIN = 10;
/** QRRs exist since 2018. */
export const FIRST_BUDGET_YEAR = 2018;

export const BENEFICIARY_NAME_MAX = 200;
export const SUBSIDY_TITLE_MAX = 300;
export const DECISION_NUMBER_MAX = 60;
export const CHORUS_EJ_MAX = 20;
export const FIPD_COMMENT_MAX = 2000;
export const MAX_ACTION_CODES = 20;

/** What a warning on a subsidy is about (the checks are in warnings.ts). */
export const SUBSIDY_FLAG_CODES = [
  'paid_above_granted',
  'convention_required',
  'decision_missing',
  'balance_without_report',
  'balance_with_missing_documents',
  'report_overdue',
  'payment_before_decision',
  'chorus_ej_missing',
  'siret_missing',
  'granted_above_requested',
  /** Computed by the service, which sees the other lines. */
  'possible_duplicate',
] as const;
export type SubsidyFlagCode = (typeof SUBSIDY_FLAG_CODES)[number];

export interface SubsidyFlag {
  readonly code: SubsidyFlagCode;
  /** French, complete sentence. */
  readonly message: string;
}
