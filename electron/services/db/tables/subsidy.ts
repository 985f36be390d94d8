import type { FundingSource, SubsidyDocument, SubsidyFields, SubsidyStatus } from '../../../../shared/domain/fipd';
import { command, query, scalar, selectList } from '../query';

/**
 * Table `subsidy`: one line per funded action (its payments: subsidy-payment.ts).
 * `action_codes` and `documents` are JSON lists; `uid` (exchange identity) is
 * set by a trigger and read only by the exchange.
 */
export const SUBSIDY_COLUMNS = {
  id: 'id',
  budgetYear: 'budget_year',
  qrrId: 'qrr_id',
  source: 'source',
  actionCodes: 'action_codes',
  beneficiaryName: 'beneficiary_name',
  siret: 'siret',
  rna: 'rna',
  title: 'title',
  requestedCents: 'requested_cents',
  grantedCents: 'granted_cents',
  cofinancingCents: 'cofinancing_cents',
  decisionKind: 'decision_kind',
  decisionNumber: 'decision_number',
  decisionDate: 'decision_date',
  chorusEj: 'chorus_ej',
  reportDueDate: 'report_due_date',
  reportReceivedDate: 'report_received_date',
  documents: 'documents',
  status: 'status',
  overEnvelopeReason: 'over_envelope_reason',
  comment: 'comment',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

/** As stored: lists still JSON text. */
export type SubsidyRow = Omit<StoredSubsidy, 'actionCodes' | 'documents'> & { readonly actionCodes: string; readonly documents: string };

/** A subsidy as stored, lists decoded (without its payments and warnings: see fipd/subsidy-records.ts). */
export type StoredSubsidy = SubsidyFields & {
  readonly id: number;
  readonly overEnvelopeReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export const fromRow = (row: SubsidyRow): StoredSubsidy => ({
  ...row,
  actionCodes: JSON.parse(row.actionCodes) as string[],
  documents: JSON.parse(row.documents) as SubsidyDocument[],
});

const SELECT = `SELECT ${selectList(SUBSIDY_COLUMNS)} FROM subsidy`;

export const selectSubsidy = query<SubsidyRow, [id: number]>(`${SELECT} WHERE id = ?`);
export interface SubsidyFilterParams {
  readonly qrrId: number | null;
  readonly budgetYear: number | null;
  readonly status: SubsidyStatus | null;
  readonly source: FundingSource | null;
}
/** Filters: null means any. */
export const selectSubsidies = query<SubsidyRow, [SubsidyFilterParams]>(
  `${SELECT} WHERE (@qrrId IS NULL OR qrr_id = @qrrId) AND (@budgetYear IS NULL OR budget_year = @budgetYear)
   AND (@status IS NULL OR status = @status) AND (@source IS NULL OR source = @source)
   ORDER BY budget_year DESC, id`,
);
/** The live (neither refused nor cancelled) subsidies of some years, given as a JSON list: where duplicates are looked for. */
export const selectLiveSubsidiesOfYears = query<SubsidyRow, [yearsJson: string]>(
  `${SELECT} WHERE budget_year IN (SELECT value FROM json_each(?)) AND status NOT IN ('refusee', 'annulee')`,
);
/** Granted cents committed (attribuée, versée, soldée) for a QRR, year and source, other subsidies than `exceptId`. */
export const selectCommittedCents = scalar<number, [qrrId: number, budgetYear: number, source: FundingSource, exceptId: number | null]>(
  `SELECT coalesce(sum(granted_cents), 0) FROM subsidy WHERE qrr_id = ? AND budget_year = ? AND source = ?
   AND status IN ('attribuee', 'versee', 'soldee') AND id IS NOT ?`,
);

/** The editable fields as SQLite values (lists as JSON). */
export type SubsidyParams = Omit<SubsidyFields, 'actionCodes' | 'documents'> & { readonly actionCodes: string; readonly documents: string };

export const toParams = (f: SubsidyFields): SubsidyParams => ({
  budgetYear: f.budgetYear,
  qrrId: f.qrrId,
  source: f.source,
  actionCodes: JSON.stringify(f.actionCodes),
  beneficiaryName: f.beneficiaryName,
  siret: f.siret,
  rna: f.rna,
  title: f.title,
  requestedCents: f.requestedCents,
  grantedCents: f.grantedCents,
  cofinancingCents: f.cofinancingCents,
  decisionKind: f.decisionKind,
  decisionNumber: f.decisionNumber,
  decisionDate: f.decisionDate,
  chorusEj: f.chorusEj,
  reportDueDate: f.reportDueDate,
  reportReceivedDate: f.reportReceivedDate,
  documents: JSON.stringify(f.documents),
  status: f.status,
  comment: f.comment,
});

type WriteParams = SubsidyParams & { readonly overEnvelopeReason: string | null; readonly at: string };

export const insertSubsidy = command<[WriteParams]>(
  `INSERT INTO subsidy (budget_year, qrr_id, source, action_codes, beneficiary_name, siret, rna, title, requested_cents,
     granted_cents, cofinancing_cents, decision_kind, decision_number, decision_date, chorus_ej, report_due_date,
     report_received_date, documents, status, over_envelope_reason, comment, created_at, updated_at)
   VALUES (@budgetYear, @qrrId, @source, @actionCodes, @beneficiaryName, @siret, @rna, @title, @requestedCents,
     @grantedCents, @cofinancingCents, @decisionKind, @decisionNumber, @decisionDate, @chorusEj, @reportDueDate,
     @reportReceivedDate, @documents, @status, @overEnvelopeReason, @comment, @at, @at)`,
);
export const updateSubsidy = command<[WriteParams & { readonly id: number }]>(
  `UPDATE subsidy SET budget_year = @budgetYear, qrr_id = @qrrId, source = @source, action_codes = @actionCodes,
     beneficiary_name = @beneficiaryName, siret = @siret, rna = @rna, title = @title, requested_cents = @requestedCents,
     granted_cents = @grantedCents, cofinancing_cents = @cofinancingCents, decision_kind = @decisionKind,
     decision_number = @decisionNumber, decision_date = @decisionDate, chorus_ej = @chorusEj,
     report_due_date = @reportDueDate, report_received_date = @reportReceivedDate, documents = @documents,
     status = @status, over_envelope_reason = @overEnvelopeReason, comment = @comment, updated_at = @at
   WHERE id = @id`,
);
export const updateSubsidyStatus = command<[status: SubsidyStatus, updatedAt: string, id: number]>(
  'UPDATE subsidy SET status = ?, updated_at = ? WHERE id = ?',
);
export const deleteSubsidyRow = command<[id: number]>('DELETE FROM subsidy WHERE id = ?');
