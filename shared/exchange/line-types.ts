/**
 * The lines of an import preview: what a line is (its table, kind, sides).
 * Apart from diff.ts so that the compact store of lines (preview-lines.ts)
 * and the diff that fills it do not import each other.
 */
import type { ResultsTable } from './diff-results';

/** The follow-up of a quarter; FIPD lines (by budget year) are in diff-fipd.ts. */
export const FOLLOWUP_TABLES = ['indicator_value', 'action_status', 'assessment'] as const;
export type FollowupTable = (typeof FOLLOWUP_TABLES)[number];
export const FIPD_TABLES = ['fipd_envelope', 'subsidy', 'subsidy_payment'] as const;
export type ExchangeTable = FollowupTable | (typeof FIPD_TABLES)[number] | ResultsTable;

export type LineKind = 'new' | 'identical' | 'conflict' | 'locked' | 'refused';
export const LINE_KINDS: readonly LineKind[] = ['new', 'identical', 'conflict', 'locked', 'refused'];
export type LockReason = 'period_transmitted' | 'qrr_archived' | 'computed';

export interface CellSide {
  readonly value: unknown;
  readonly updatedAt: string | null;
  readonly updatedBy: string;
}

export interface ExchangeLine {
  /** `table|qrrKey|code|period|field`: the key of per-line decisions. */
  readonly key: string;
  readonly table: ExchangeTable;
  readonly qrrKey: string;
  readonly qrrName: string;
  /** The QRR here, null when the import will create it. */
  readonly qrrId: number | null;
  /** Indicator, action or engagement code; FIPD: the source of an envelope, the uid of a subsidy or payment. */
  readonly code: string;
  /** The quarter; FIPD lines: the budget year (`2026`). */
  readonly periodCode: string;
  readonly field: string;
  readonly kind: LineKind;
  readonly lockReason?: LockReason;
  /** Kind `refused`: why, in French. */
  readonly refusedReason?: string;
  /** Null when nothing is here. */
  readonly mine: CellSide | null;
  readonly theirs: CellSide;
  /** FIPD lines: what the line is about, in French (beneficiary and title…). */
  readonly summary?: string;
  /** A payment's line: the uid of its subsidy. */
  readonly parent?: string;
}
