import {
  CAPPED_SOURCE,
  FIPD_COMMENT_MAX,
  FUNDING_SOURCES,
  FUNDING_SOURCE_LABELS,
  OVER_ENVELOPE_REASON_MIN,
  UNKNOWN_SOURCE_MESSAGE,
  amountProblem,
  yearEnd,
  yearStart,
  type EnvelopeInput,
  type EnvelopeRecord,
  type FundingSource,
} from '../../../shared/domain/fipd';
import { formatDate } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { readDb, writeTransaction } from '../db/query';
import { ENVELOPES, selectEnvelope, selectEnvelopes, type EnvelopeFields } from '../db/tables/fipd-envelope';
import { selectCommittedCents } from '../db/tables/subsidy';
import { readKeyed, writeKeyed } from '../keyed-record';
import { checkActiveQrr, checkBudgetYear, checkEnum, checkText, Issues, optionalDate, refuseIfIssues } from './common';

/*
 * Envelopes: the credits (AE) delegated to a QRR for a budget year, per source.
 * One row per QRR × year × source, written like the follow-up cells: each
 * changed field gets its audit entry (entity `fipd_envelope`, id
 * `qrrId|year|source`), so the audit trail is the envelope's history; an
 * envelope set back to 0 without date nor comment disappears.
 * Lowering the FIPD envelope below what is already committed needs a reason.
 */

export const ENVELOPE_ENTITY = ENVELOPES.entity;

export const envelopeEntityId = (qrrId: number, budgetYear: number, source: FundingSource): string => `${qrrId}|${budgetYear}|${source}`;

export function listEnvelopes(ctx: ServiceContext, filter: { budgetYear?: number | undefined; qrrId?: number | undefined } = {}): EnvelopeRecord[] {
  const rows = readDb(ctx).all(selectEnvelopes, { budgetYear: filter.budgetYear ?? null, qrrId: filter.qrrId ?? null });
  // Sources in their usual order (FIPD first), not alphabetical.
  return rows.sort((a, b) => b.budgetYear - a.budgetYear || a.qrrId - b.qrrId || FUNDING_SOURCES.indexOf(a.source) - FUNDING_SOURCES.indexOf(b.source));
}

/** Sets an envelope (patch: only the fields given change). Returns the envelope, or null when it went back to empty. */
export function setEnvelope(ctx: ServiceContext, input: EnvelopeInput): EnvelopeRecord | null {
  return writeTransaction(ctx, (db) => {
    const issues = new Issues();
    checkActiveQrr(ctx, input.qrrId, issues);
    const yearOk = checkBudgetYear(ctx, input.budgetYear, issues);
    const source = checkEnum(input.source, FUNDING_SOURCES, UNKNOWN_SOURCE_MESSAGE, issues, 'source');
    const amountIssue = amountProblem(input.amountCents, "Le montant de l'enveloppe");
    if (amountIssue) issues.add('VALIDATION', 'amountCents', amountIssue);
    const decidedOn = optionalDate(input.decidedOn, "La date de délégation de l'enveloppe", issues, 'decidedOn');
    const comment = checkText(input.comment, 'Le commentaire', FIPD_COMMENT_MAX, issues, 'comment');
    // Credits of year N are delegated at the end of N-1 at the earliest, and before N ends.
    if (yearOk && decidedOn && (decidedOn < yearStart(input.budgetYear - 1) || decidedOn > yearEnd(input.budgetYear))) {
      issues.add(
        'VALIDATION',
        'decidedOn',
        `La date de délégation (${formatDate(decidedOn)}) ne correspond pas à l'année budgétaire ${input.budgetYear} (attendue entre le ${formatDate(
          yearStart(input.budgetYear - 1),
        )} et le ${formatDate(yearEnd(input.budgetYear))}).`,
      );
    }
    refuseIfIssues(issues);

    const write = {
      key: { qrr_id: input.qrrId, budget_year: input.budgetYear, source: source! },
      entityId: envelopeEntityId(input.qrrId, input.budgetYear, source!),
    };
    const before = readKeyed(ctx, ENVELOPES, write) ?? ENVELOPES.empty;
    const patch: Partial<EnvelopeFields> = { amountCents: input.amountCents };
    if (decidedOn !== undefined) patch.decidedOn = decidedOn;
    if (comment !== undefined) patch.comment = comment;

    // Lowering the FIPD envelope under what is committed makes the ledger overrun: confirm with a reason.
    let confirmed: string | null = null;
    if (source === CAPPED_SOURCE && input.amountCents < before.amountCents) {
      const committed = db.get(selectCommittedCents, input.qrrId, input.budgetYear, CAPPED_SOURCE, null)!;
      if (committed > input.amountCents) {
        const reason = typeof input.overEnvelopeReason === 'string' ? input.overEnvelopeReason.trim() : '';
        if (reason.length < OVER_ENVELOPE_REASON_MIN) {
          issues.add(
            'CONFLICT',
            'overEnvelopeReason',
            `L'enveloppe ${FUNDING_SOURCE_LABELS[CAPPED_SOURCE]} ${input.budgetYear} ramenée à ${formatEurosFromCents(input.amountCents)} serait inférieure ` +
              `aux ${formatEurosFromCents(committed)} déjà engagés (dépassement de ${formatEurosFromCents(committed - input.amountCents)}). ` +
              `Pour la réduire quand même, indiquez le motif (au moins ${OVER_ENVELOPE_REASON_MIN} caractères).`,
          );
          refuseIfIssues(issues);
        }
        confirmed = reason;
        patch.overEnvelopeReason = reason;
      }
    }
    const changed = writeKeyed(ctx, ENVELOPES, write, patch);
    if (confirmed !== null && !changed.includes('overEnvelopeReason') && changed.length > 0) {
      // Same words as last time: the confirmation is logged all the same.
      recordAudit(ctx, [
        { entity: ENVELOPE_ENTITY, entityId: write.entityId, action: 'update', field: 'overEnvelopeReason', oldValue: before.overEnvelopeReason, newValue: confirmed },
      ]);
    }
    return db.get(selectEnvelope, input.qrrId, input.budgetYear, source!) ?? null;
  });
}
