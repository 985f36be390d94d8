import {
  SUBSIDY_CONTENT_FIELDS,
  type SubsidyFields,
  type SubsidyLineInput,
  type SubsidyRecord,
} from '../../../shared/domain/fipd';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import { DomainError } from '../../../shared/ipc/result';
import { diffFields, recordAudit, type AuditEntry } from '../audit';
import { isoNow, type ServiceContext } from '../context';
import { writeTransaction, type WritableDb } from '../db/query';
import { deleteSubsidyRow, insertSubsidy, toParams, updateSubsidy, type StoredSubsidy } from '../db/tables/subsidy';
import { checkActiveQrr, Issues, refuseIfIssues } from './common';
import { prepareLine, type PreparedLine } from './subsidy-checks';
import { getSubsidy, paymentsOf, readStoredSubsidy } from './subsidy-records';

export { getSubsidy, listSubsidies, paymentsOf, readStoredSubsidy } from './subsidy-records';
export { envelopeCents } from './subsidy-checks';

/*
 * Subsidies: one line per funded action. Every save checks the whole line
 * (formats, QRR, référentiel, dates against the budget year) and the ledger
 * rules, in the transaction that writes it and its audit entries:
 * - a committed subsidy (attribuée, versée, soldée) has a granted amount above 0;
 * - the granted amount never falls below what is already paid;
 * - « versée » and « soldée » exactly when at least one payment is recorded
 *   (payments move the status themselves, see payments.ts);
 * - committing FIPD credits beyond the QRR's envelope for the year is refused
 *   (CONFLICT) unless a reason of at least 10 characters confirms it; the reason
 *   is stored on the subsidy and written to the audit trail.
 * A batch (lines pasted from a spreadsheet) is applied line by line in one
 * transaction: any refused line refuses the batch, each issue names its line
 * (`lines.3.siret`).
 */

export const SUBSIDY_ENTITY = 'subsidy';

/** Fields in the order of the record; each changed one gets its audit entry. */
const EDITABLE: readonly (keyof SubsidyFields)[] = ['budgetYear', 'qrrId', ...SUBSIDY_CONTENT_FIELDS];

const euros = formatEurosFromCents;

const fieldsOf = (s: StoredSubsidy): SubsidyFields => Object.fromEntries(EDITABLE.map((k) => [k, s[k]])) as unknown as SubsidyFields;

/** Writes one prepared line and its audit entries; returns its id. */
function writeLine(ctx: ServiceContext, db: WritableDb, existing: StoredSubsidy | null, { next, confirmedReason }: PreparedLine): number {
  const at = isoNow(ctx);
  if (existing === null) {
    const id = Number(db.run(insertSubsidy, { ...toParams(next), overEnvelopeReason: confirmedReason, at }).lastInsertRowid);
    recordAudit(ctx, [{ entity: SUBSIDY_ENTITY, entityId: id, action: 'create', newValue: { ...next, overEnvelopeReason: confirmedReason } }]);
    return id;
  }
  const entries: AuditEntry[] = diffFields(SUBSIDY_ENTITY, existing.id, fieldsOf(existing), next, EDITABLE);
  if (confirmedReason !== null) {
    // Logged every time an overrun is confirmed, even with the same words as before.
    entries.push({
      entity: SUBSIDY_ENTITY,
      entityId: existing.id,
      action: 'update',
      field: 'overEnvelopeReason',
      oldValue: existing.overEnvelopeReason,
      newValue: confirmedReason,
    });
  }
  if (entries.length === 0) return existing.id;
  db.run(updateSubsidy, { ...toParams(next), overEnvelopeReason: confirmedReason ?? existing.overEnvelopeReason, at, id: existing.id });
  recordAudit(ctx, entries);
  return existing.id;
}

/** Applies one line (checks, then writes); refusals go to `issues` and nothing is written for that line. */
function applyLine(ctx: ServiceContext, db: WritableDb, line: SubsidyLineInput, issues: Issues): number | null {
  let existing: StoredSubsidy | null = null;
  if (line.id !== undefined) {
    existing = typeof line.id === 'number' ? readStoredSubsidy(ctx, line.id) : null;
    if (!existing) {
      issues.add('NOT_FOUND', 'id', `La subvention n° ${String(line.id)} n'existe pas (elle a peut-être été supprimée entre-temps).`);
      return null;
    }
    const archived = new Issues();
    checkActiveQrr(ctx, existing.qrrId, archived);
    if (archived.size > 0) {
      issues.add('CONFLICT', 'qrrId', archived.list[0]!.message);
      return null;
    }
  }
  const prepared = prepareLine(ctx, line, existing, issues);
  return prepared ? writeLine(ctx, db, existing, prepared) : null;
}

/** Creates (no id) or patches (id) one subsidy. */
export function saveSubsidy(ctx: ServiceContext, line: SubsidyLineInput): SubsidyRecord {
  return writeTransaction(ctx, (db) => {
    const issues = new Issues();
    const id = applyLine(ctx, db, line, issues);
    refuseIfIssues(issues);
    return getSubsidy(ctx, id!);
  });
}

/** Lines pasted from a spreadsheet: all saved, in order, or none (issues name `lines.<index>.<field>`). */
export function saveSubsidies(ctx: ServiceContext, lines: readonly SubsidyLineInput[]): SubsidyRecord[] {
  return writeTransaction(ctx, (db) => {
    const issues = new Issues();
    const ids: number[] = [];
    lines.forEach((line, index) => {
      const id = applyLine(ctx, db, line, issues.scoped(`lines.${index}.`));
      if (id !== null) ids.push(id);
    });
    refuseIfIssues(issues, (issue) => {
      const m = /^lines\.(\d+)\./.exec(issue.path);
      return m ? `Ligne ${Number(m[1]) + 1}` : null;
    });
    return ids.map((id) => getSubsidy(ctx, id));
  });
}

/** Only a subsidy without payments: once money went out, the line stays (cancel it or correct the payments). */
export function deleteSubsidy(ctx: ServiceContext, id: number): { deleted: number } {
  return writeTransaction(ctx, (db) => {
    const existing = readStoredSubsidy(ctx, id);
    if (!existing) throw new DomainError('NOT_FOUND', `La subvention n° ${id} n'existe pas (elle a peut-être été supprimée entre-temps).`);
    const issues = new Issues();
    checkActiveQrr(ctx, existing.qrrId, issues);
    refuseIfIssues(issues);
    const payments = paymentsOf(ctx, id);
    if (payments.length > 0) {
      throw new DomainError(
        'CONFLICT',
        `La subvention à « ${existing.beneficiaryName} » a ${payments.length === 1 ? 'un versement enregistré' : `${payments.length} versements enregistrés`} ` +
          `(${euros(payments.reduce((s, p) => s + p.amountCents, 0))}) : elle ne peut pas être supprimée. Supprimez d'abord ses versements s'ils sont erronés.`,
      );
    }
    db.run(deleteSubsidyRow, id);
    recordAudit(ctx, [
      { entity: SUBSIDY_ENTITY, entityId: id, action: 'delete', oldValue: { ...fieldsOf(existing), overEnvelopeReason: existing.overEnvelopeReason } },
    ]);
    return { deleted: id };
  });
}
