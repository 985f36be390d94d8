/** Warnings on one subsidy (flags), in French. Part of shared/domain/fipd (see index.ts). */
import { formatDate } from '../../format/fr';
import { formatEurosFromCents } from '../../format/number-fr';
import { CONVENTION_THRESHOLD_CENTS, DOCUMENTS_REQUIRED_FOR_BALANCE, SUBSIDY_DOCUMENT_LABELS, isCommitted, type SubsidyFlag, type SubsidyFlagCode } from './vocabulary';
import type { PaymentRecord, SubsidyFields } from './records';

type FlaggedSubsidy = Pick<
  SubsidyFields,
  | 'status'
  | 'grantedCents'
  | 'requestedCents'
  | 'decisionKind'
  | 'decisionNumber'
  | 'decisionDate'
  | 'chorusEj'
  | 'siret'
  | 'reportDueDate'
  | 'reportReceivedDate'
  | 'documents'
>;
type FlaggedPayment = Pick<PaymentRecord, 'paidOn' | 'amountCents' | 'kind'>;

const euros = formatEurosFromCents;

/** The financial report counts as received when its date is recorded or it is ticked in the checklist. */
export const reportReceived = (s: Pick<SubsidyFields, 'reportReceivedDate' | 'documents'>): boolean =>
  s.reportReceivedDate !== null || s.documents.includes('compte_rendu_15059');

/**
 * What deserves the coordinator's attention on a subsidy, in French, most
 * serious first. `today` is `YYYY-MM-DD`. Nothing here refuses a write: the
 * services refuse what must never be stored (see electron/services/fipd).
 */
export function subsidyFlags(subsidy: FlaggedSubsidy, payments: readonly FlaggedPayment[], today: string): SubsidyFlag[] {
  const flags: SubsidyFlag[] = [];
  const add = (code: SubsidyFlagCode, message: string) => flags.push({ code, message });
  const paid = payments.reduce((sum, p) => sum + p.amountCents, 0);
  const committed = isCommitted(subsidy.status);

  if (paid > subsidy.grantedCents) {
    add(
      'paid_above_granted',
      `Le montant versé (${euros(paid)}) dépasse le montant attribué (${euros(subsidy.grantedCents)}) : c'est impossible, corrigez les versements.`,
    );
  }
  if (committed && subsidy.grantedCents > CONVENTION_THRESHOLD_CENTS && subsidy.decisionKind !== 'convention') {
    add(
      'convention_required',
      `Montant attribué de ${euros(subsidy.grantedCents)}, supérieur à ${euros(CONVENTION_THRESHOLD_CENTS)} : une convention est obligatoire (loi n° 2000-321, art. 10).`,
    );
  }
  if (committed && (subsidy.decisionKind === null || subsidy.decisionDate === null || subsidy.decisionNumber.trim() === '')) {
    add('decision_missing', "Décision d'attribution incomplète : indiquez l'arrêté ou la convention, son numéro et sa date.");
  }
  const balance = payments.filter((p) => p.kind === 'solde').sort((a, b) => (a.paidOn < b.paidOn ? -1 : 1))[0];
  if (balance && !reportReceived(subsidy)) {
    add('balance_without_report', `Solde versé le ${formatDate(balance.paidOn)} sans le compte-rendu financier (CERFA 15059).`);
  }
  const missing = DOCUMENTS_REQUIRED_FOR_BALANCE.filter((d) => !subsidy.documents.includes(d));
  if (balance && missing.length > 0) {
    add(
      'balance_with_missing_documents',
      `Solde versé alors que ${missing.length === 1 ? 'une pièce manque' : `${missing.length} pièces manquent`} : ${missing
        .map((d) => SUBSIDY_DOCUMENT_LABELS[d])
        .join(', ')}.`,
    );
  }
  if (committed && subsidy.reportDueDate !== null && today > subsidy.reportDueDate && !reportReceived(subsidy)) {
    add('report_overdue', `Compte-rendu financier (CERFA 15059) en retard : il était attendu au plus tard le ${formatDate(subsidy.reportDueDate)}.`);
  }
  if (subsidy.decisionDate !== null) {
    const early = payments.filter((p) => p.paidOn < subsidy.decisionDate!).sort((a, b) => (a.paidOn < b.paidOn ? -1 : 1))[0];
    if (early) {
      add(
        'payment_before_decision',
        `Versement du ${formatDate(early.paidOn)} antérieur à la décision d'attribution du ${formatDate(subsidy.decisionDate)}.`,
      );
    }
  }
  if (payments.length > 0 && subsidy.chorusEj.trim() === '') {
    add('chorus_ej_missing', "Versement enregistré sans numéro d'engagement juridique (EJ) Chorus.");
  }
  if (committed && subsidy.siret === null) {
    add('siret_missing', 'SIRET non renseigné : il est obligatoire pour une demande de subvention (CERFA 12156).');
  }
  if (subsidy.requestedCents > 0 && subsidy.grantedCents > subsidy.requestedCents) {
    add('granted_above_requested', `Montant attribué (${euros(subsidy.grantedCents)}) supérieur au montant demandé (${euros(subsidy.requestedCents)}).`);
  }
  return flags;
}
