import type { EnvelopeRecord, FundingSource } from '../../../../shared/domain/fipd';
import type { KeyedTable } from '../../keyed-record';
import { pickColumns, query, scalar, selectList } from '../query';

/**
 * Table `fipd_envelope`: credits (AE, integer cents) delegated to a QRR for a
 * budget year, per source; one row per QRR × year × source. The stored row is
 * the record. Written through keyed-record (`ENVELOPES`): the audit trail is
 * the envelope's history.
 */
export const ENVELOPE_COLUMNS = {
  qrrId: 'qrr_id',
  budgetYear: 'budget_year',
  source: 'source',
  amountCents: 'amount_cents',
  decidedOn: 'decided_on',
  comment: 'comment',
  overEnvelopeReason: 'over_envelope_reason',
  updatedAt: 'updated_at',
  updatedBy: 'updated_by',
} as const;

const SELECT = `SELECT ${selectList(ENVELOPE_COLUMNS)} FROM fipd_envelope`;

/** Filters: null means any year / any QRR. */
export const selectEnvelopes = query<EnvelopeRecord, [{ readonly budgetYear: number | null; readonly qrrId: number | null }]>(
  `${SELECT} WHERE (@budgetYear IS NULL OR budget_year = @budgetYear) AND (@qrrId IS NULL OR qrr_id = @qrrId)
   ORDER BY budget_year DESC, qrr_id`,
);
export const selectEnvelope = query<EnvelopeRecord, [qrrId: number, budgetYear: number, source: FundingSource]>(
  `${SELECT} WHERE qrr_id = ? AND budget_year = ? AND source = ?`,
);
export const selectEnvelopeCents = scalar<number, [qrrId: number, budgetYear: number, source: FundingSource]>(
  'SELECT amount_cents FROM fipd_envelope WHERE qrr_id = ? AND budget_year = ? AND source = ?',
);

export type EnvelopeFields = { amountCents: number; decidedOn: string | null; comment: string; overEnvelopeReason: string | null };

export const ENVELOPES: KeyedTable<EnvelopeFields> = {
  table: 'fipd_envelope',
  entity: 'fipd_envelope',
  columns: pickColumns(ENVELOPE_COLUMNS, ['amountCents', 'decidedOn', 'comment', 'overEnvelopeReason']),
  empty: { amountCents: 0, decidedOn: null, comment: '', overEnvelopeReason: null },
};
