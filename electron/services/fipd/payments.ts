import {
  FIPD_COMMENT_MAX,
  PAYMENT_KINDS,
  SUBSIDY_STATUS_LABELS,
  amountProblem,
  isoDateProblem,
  yearStart,
  type PaymentInput,
  type PaymentKind,
  type PaymentRecord,
  type SubsidyRecord,
  type SubsidyStatus,
} from '../../../shared/domain/fipd';
import { formatDate } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import { DomainError } from '../../../shared/ipc/result';
import { recordAudit } from '../audit';
import { isoNow, type ServiceContext } from '../context';
import { writeTransaction, type WritableDb } from '../db/query';
import { updateSubsidyStatus } from '../db/tables/subsidy';
import { deletePaymentRow, insertPayment, selectPayment } from '../db/tables/subsidy-payment';
import { checkActiveQrr, checkEnum, checkText, Issues, refuseIfIssues, todayOf } from './common';
import { SUBSIDY_ENTITY, getSubsidy, paymentsOf, readStoredSubsidy } from './subsidies';

/*
 * Payments (CP) of a subsidy. A payment is possible once the subsidy is
 * attribuée (or versée), never beyond the granted amount, dated inside or after
 * the budget year and not in the future. Payments move the status: the first
 * one makes the subsidy « versée », a balance (solde) makes it « soldée »;
 * deleting payments moves it back. Each change is audited with its status move.
 */

export const PAYMENT_ENTITY = 'subsidy_payment';

const euros = formatEurosFromCents;

/** The status the payments imply, from the current one (manual « soldée » without a balance payment is kept). */
function statusAfter(current: SubsidyStatus, payments: readonly Pick<PaymentRecord, 'kind'>[], removedKind: PaymentKind | null): SubsidyStatus {
  if (payments.length === 0) return current === 'versee' || current === 'soldee' ? 'attribuee' : current;
  if (payments.some((p) => p.kind === 'solde')) return 'soldee';
  if (current === 'attribuee') return 'versee';
  if (current === 'soldee' && removedKind === 'solde') return 'versee';
  return current;
}

function moveStatus(ctx: ServiceContext, db: WritableDb, subsidyId: number, from: SubsidyStatus, to: SubsidyStatus, at: string): void {
  db.run(updateSubsidyStatus, to, at, subsidyId);
  if (from !== to) recordAudit(ctx, [{ entity: SUBSIDY_ENTITY, entityId: subsidyId, action: 'update', field: 'status', oldValue: from, newValue: to }]);
}

export function addPayment(ctx: ServiceContext, input: PaymentInput): SubsidyRecord {
  return writeTransaction(ctx, (db) => {
    const issues = new Issues();
    const amountIssue = amountProblem(input.amountCents, 'Le montant du versement', { positive: true });
    if (amountIssue) issues.add('VALIDATION', 'amountCents', amountIssue);
    const dateIssue = typeof input.paidOn === 'string' ? isoDateProblem(input.paidOn, 'La date du versement') : 'La date du versement est obligatoire.';
    if (dateIssue) issues.add('VALIDATION', 'paidOn', dateIssue);
    const kind = checkEnum(input.kind, PAYMENT_KINDS, 'Type de versement inconnu (avance, solde ou autre).', issues, 'kind');
    const comment = checkText(input.comment ?? '', 'Le commentaire', FIPD_COMMENT_MAX, issues, 'comment') ?? '';
    refuseIfIssues(issues);

    const subsidy = readStoredSubsidy(ctx, input.subsidyId);
    if (!subsidy) throw new DomainError('NOT_FOUND', `La subvention n° ${input.subsidyId} n'existe pas (elle a peut-être été supprimée entre-temps).`);
    checkActiveQrr(ctx, subsidy.qrrId, issues);
    refuseIfIssues(issues);

    const status = SUBSIDY_STATUS_LABELS[subsidy.status].toLowerCase();
    if (subsidy.status === 'soldee') {
      throw new DomainError(
        'CONFLICT',
        `La subvention à « ${subsidy.beneficiaryName} » est soldée : aucun versement ne peut plus être ajouté. Repassez-la au statut « versée » s'il s'agit d'une correction.`,
      );
    }
    if (subsidy.status !== 'attribuee' && subsidy.status !== 'versee') {
      throw new DomainError(
        'CONFLICT',
        `La subvention à « ${subsidy.beneficiaryName} » est ${status} : un versement n'est possible qu'une fois la subvention attribuée.`,
      );
    }
    const today = todayOf(ctx);
    if (input.paidOn < yearStart(subsidy.budgetYear)) {
      issues.add('VALIDATION', 'paidOn', `La date du versement (${formatDate(input.paidOn)}) précède l'année budgétaire ${subsidy.budgetYear} de la subvention.`);
    } else if (input.paidOn > today) {
      issues.add('VALIDATION', 'paidOn', `La date du versement (${formatDate(input.paidOn)}) est dans le futur : enregistrez le versement une fois effectué.`);
    }
    refuseIfIssues(issues);

    const payments = paymentsOf(ctx, subsidy.id);
    const paid = payments.reduce((sum, p) => sum + p.amountCents, 0);
    if (paid + input.amountCents > subsidy.grantedCents) {
      throw new DomainError(
        'CONFLICT',
        `Ce versement de ${euros(input.amountCents)} porterait le total versé à ${euros(paid + input.amountCents)}, ` +
          `au-delà du montant attribué (${euros(subsidy.grantedCents)}) : il reste ${euros(subsidy.grantedCents - paid)} à verser.`,
        [{ path: 'amountCents', message: `Au plus ${euros(subsidy.grantedCents - paid)}.` }],
      );
    }

    const at = isoNow(ctx);
    const id = Number(db.run(insertPayment, subsidy.id, input.paidOn, input.amountCents, kind!, comment, at).lastInsertRowid);
    recordAudit(ctx, [
      {
        entity: PAYMENT_ENTITY,
        entityId: id,
        action: 'create',
        newValue: { subsidyId: subsidy.id, paidOn: input.paidOn, amountCents: input.amountCents, kind: kind!, comment },
      },
    ]);
    moveStatus(ctx, db, subsidy.id, subsidy.status, statusAfter(subsidy.status, [...payments, { kind: kind! }], null), at);
    return getSubsidy(ctx, subsidy.id);
  });
}

/** Removes a payment recorded by mistake; the subsidy's status follows. */
export function deletePayment(ctx: ServiceContext, id: number): SubsidyRecord {
  return writeTransaction(ctx, (db) => {
    const payment = db.get(selectPayment, id);
    if (!payment) throw new DomainError('NOT_FOUND', `Le versement n° ${id} n'existe pas (il a peut-être été supprimé entre-temps).`);
    const subsidy = readStoredSubsidy(ctx, payment.subsidyId)!;
    const issues = new Issues();
    checkActiveQrr(ctx, subsidy.qrrId, issues);
    refuseIfIssues(issues);
    db.run(deletePaymentRow, id);
    recordAudit(ctx, [
      {
        entity: PAYMENT_ENTITY,
        entityId: id,
        action: 'delete',
        oldValue: { subsidyId: payment.subsidyId, paidOn: payment.paidOn, amountCents: payment.amountCents, kind: payment.kind, comment: payment.comment },
      },
    ]);
    const at = isoNow(ctx);
    moveStatus(ctx, db, subsidy.id, subsidy.status, statusAfter(subsidy.status, paymentsOf(ctx, subsidy.id), payment.kind), at);
    return getSubsidy(ctx, subsidy.id);
  });
}

