import type { ServiceContext } from '../../electron/services/context';
import { setEnvelope } from '../../electron/services/fipd/envelopes';
import { addPayment } from '../../electron/services/fipd/payments';
import { saveSubsidy } from '../../electron/services/fipd/subsidies';

/**
 * Removes every FIPD line (payments, subsidies, envelopes): the tests that
 * reason about a known set of credits start from the demonstration's
 * follow-up without its own credits. Test set-up only, straight in SQL (no
 * audit entry); the 05-02 values frozen at past transmissions stay, as they
 * would in a database whose credits were corrected after transmission.
 */
export function clearCredits(db: ServiceContext['db']): void {
  db.exec('DELETE FROM subsidy_payment; DELETE FROM subsidy; DELETE FROM fipd_envelope;');
}

/** FIPD credits in A (the demonstration's own are removed first): an envelope, a subsidy paid in two instalments and balanced, one beyond the envelope with its reason, one refused. */
export function addCredits(ctx: ServiceContext, qrrId: number): void {
  clearCredits(ctx.db);
  setEnvelope(ctx, { qrrId, budgetYear: 2026, source: 'fipd', amountCents: 5_000_000, decidedOn: '2026-01-20', comment: 'Délégation de janvier' });
  const paid = saveSubsidy(ctx, {
    budgetYear: 2026,
    qrrId,
    source: 'fipd',
    actionCodes: ['01-01', '05-02'],
    beneficiaryName: 'Association Réussite Éducative',
    siret: '73282932000074',
    title: 'Aide aux devoirs',
    requestedCents: 3_000_000,
    grantedCents: 2_500_000,
    decisionKind: 'convention',
    decisionNumber: 'C-2026-04',
    decisionDate: '2026-03-02',
    status: 'attribuee',
  });
  addPayment(ctx, { subsidyId: paid.id, paidOn: '2026-03-15', amountCents: 1_500_000, kind: 'avance' });
  addPayment(ctx, { subsidyId: paid.id, paidOn: '2026-09-15', amountCents: 1_000_000, kind: 'solde', comment: 'Solde après bilan' });
  saveSubsidy(ctx, {
    budgetYear: 2026,
    qrrId,
    source: 'fipd',
    beneficiaryName: 'Club sportif du quartier',
    title: 'Tournoi de football',
    grantedCents: 3_000_000,
    decisionDate: '2026-05-10',
    status: 'attribuee',
    overEnvelopeReason: 'Cofinancement de la ville attendu en fin d’année',
  });
  saveSubsidy(ctx, { budgetYear: 2026, qrrId, source: 'bop147', beneficiaryName: 'Compagnie Théâtre', title: 'Atelier théâtre', requestedCents: 800_000, status: 'refusee' });
}
