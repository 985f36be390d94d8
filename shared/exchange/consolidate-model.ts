import type { PeriodState } from '../domain/period';
import type { Meteo } from '../domain/types';
import type { Engagement } from '../referential/types';
import type { Implementation, Ratio } from '../report/report-model';
import type { NationalResults } from './consolidate-results';
import type { ExchangeDocument } from './format';

/* The national consolidation's input and model (consolidate.ts builds it; the screen, the CLI and the PDF read it). */

export const NATIONAL_MODEL_FORMAT = 'qrr-synthese-nationale';
export const NATIONAL_MODEL_VERSION = 1;

/** About 100 départements plus a few resent files; the IPC contract and the CLI refuse more. */
export const CONSOLIDATION_MAX_FILES = 200;
/** All files together (each one is also limited to EXCHANGE_MAX_BYTES): a quarter is ~130 Ko per département, a full history ~1 Mo. */
export const CONSOLIDATION_MAX_TOTAL_BYTES = 200 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Input

export interface ConsolidationFile {
  /** As chosen by the user: named in every warning and refusal. */
  readonly fileName: string;
  readonly document: ExchangeDocument;
  /**
   * The file's own format version when older than the document's
   * (parseExchangeText's `migratedFrom`): a version 1 file carries no FIPD
   * credits, so its empty FIPD arrays mean « unknown », not « none ».
   */
  readonly migratedFrom?: number;
}

export interface ConsolidationInput {
  readonly referential: { readonly version: number; readonly engagements: readonly Engagement[] };
  readonly files: readonly ConsolidationFile[];
  /** `2026-T4`; see the module comment for the default. */
  readonly periodCode?: string;
}

// ---------------------------------------------------------------------------
// Model

export type MeteoCounts = Readonly<Record<Meteo, number>>;

export type PeriodChoice = 'requested' | 'common' | 'latest';

export type WarningKind = 'duplicate' | 'missing_period' | 'not_transmitted' | 'referential' | 'unknown_data' | 'period_choice' | 'fipd_missing';

export interface ConsolidationWarning {
  readonly kind: WarningKind;
  readonly departementCode: string | null;
  readonly fileName: string | null;
  readonly message: string;
}

export interface NationalDepartement {
  readonly code: string;
  readonly nom: string;
  readonly fileName: string;
  readonly sender: { readonly name: string; readonly osUser: string };
  readonly exportedAt: string;
  readonly sha256: string;
  readonly referentialVersion: number;
  readonly qrrCount: number;
  /** The quarter's state in that file, null when the file does not contain the quarter. */
  readonly periodState: PeriodState | null;
  /** « transmis », « ouvert », « rouvert », « absent du fichier ». */
  readonly periodStateLabel: string;
  /** False when the quarter is absent: listed, not counted. */
  readonly counted: boolean;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly meteoCounts: MeteoCounts;
  /** FIPD totals of the file, null when the file carries no FIPD data (format version 1). */
  readonly fipd: FipdTotals | null;
}

export interface EngagementFigures {
  /** QRRs counted. */
  readonly qrrs: number;
  /** QRRs where not every action of the engagement is « sans objet ». */
  readonly concernedQrrs: number;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly meteoCounts: MeteoCounts;
}

export interface NationalEngagement extends EngagementFigures {
  readonly code: string;
  readonly title: string;
  readonly actionCount: number;
  readonly indicatorCount: number;
  /** Same figures per counted département, in the order of `departements`. */
  readonly byDepartement: readonly (EngagementFigures & { readonly departementCode: string })[];
}

export interface NationalQrrEngagement {
  readonly code: string;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly meteo: Meteo;
  readonly concerned: boolean;
}

export interface NationalQrr {
  readonly departementCode: string;
  readonly departementNom: string;
  /** The exchange key (stable across databases), unique within a département. */
  readonly key: string;
  readonly name: string;
  readonly completeness: Ratio;
  readonly implementation: Implementation;
  readonly meteoCounts: MeteoCounts;
  readonly engagements: readonly NationalQrrEngagement[];
}

/** FIPD amounts in integer cents (the ledger's definitions, shared/domain/fipd.ts). */
export interface FipdTotals {
  /** Budget year the totals are for (the quarter's year). */
  readonly budgetYear: number;
  /** AE delegated (FIPD envelopes of the year). */
  readonly delegatedCents: number;
  /** Granted amounts of the subsidies attribuées, versées or soldées. */
  readonly committedCents: number;
  /** Payments. */
  readonly paidCents: number;
  /** delegated − committed. */
  readonly remainingCents: number;
  /** committed − paid. */
  readonly toPayCents: number;
  /** Number of committed subsidies. */
  readonly subsidies: number;
}

export interface NationalFipd {
  readonly budgetYear: number;
  /** Départements counted whose file carries FIPD data. */
  readonly departements: number;
  readonly totals: FipdTotals;
}

export interface NationalModel {
  readonly format: typeof NATIONAL_MODEL_FORMAT;
  readonly version: typeof NATIONAL_MODEL_VERSION;
  readonly referentialVersion: number;
  readonly period: {
    readonly code: string;
    /** « 4e trimestre 2026 » */
    readonly label: string;
    readonly choice: PeriodChoice;
    /** Why this quarter, in French. */
    readonly explanation: string;
  };
  /** Every quarter found in the files kept, most recent first, with how many départements have it. */
  readonly availablePeriods: readonly { readonly code: string; readonly label: string; readonly departements: number }[];
  /** One per département (duplicates removed), in the usual order (01…19, 2A, 2B, 21…95, 971…). */
  readonly departements: readonly NationalDepartement[];
  readonly totals: {
    readonly departements: number;
    readonly departementsCounted: number;
    readonly qrrs: number;
    readonly completeness: Ratio;
    readonly implementation: Implementation;
    readonly meteoCounts: MeteoCounts;
  };
  readonly engagements: readonly NationalEngagement[];
  /** Counted QRRs, grouped by département in the order of `departements`, each file's order within. */
  readonly qrrs: readonly NationalQrr[];
  /** Null when no counted file carries FIPD data. */
  readonly fipd: NationalFipd | null;
  /** Results added up: national figure of each indicator, per département, one line per engagement. */
  readonly results: NationalResults;
  readonly warnings: readonly ConsolidationWarning[];
}

