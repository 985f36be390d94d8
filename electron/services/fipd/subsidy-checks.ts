import {
  CAPPED_SOURCE,
  CHORUS_EJ_MAX,
  DECISION_KINDS,
  DECISION_NUMBER_MAX,
  BENEFICIARY_NAME_MAX,
  FIPD_COMMENT_MAX,
  FUNDING_SOURCES,
  FUNDING_SOURCE_LABELS,
  MAX_ACTION_CODES,
  OVER_ENVELOPE_REASON_MIN,
  PAID_STATUSES,
  SUBSIDY_DOCUMENTS,
  SUBSIDY_STATUSES,
  SUBSIDY_STATUS_LABELS,
  SUBSIDY_TITLE_MAX,
  UNKNOWN_SOURCE_MESSAGE,
  UNKNOWN_STATUS_MESSAGE,
  amountProblem,
  defaultReportDueDate,
  isCommitted,
  normaliseRna,
  normaliseSiret,
  rnaProblem,
  siretProblem,
  yearEnd,
  yearStart,
  type SubsidyFields,
  type SubsidyLineInput,
} from '../../../shared/domain/fipd';
import { formatDate } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import type { ServiceContext } from '../context';
import { readDb } from '../db/query';
import { selectEnvelopeCents } from '../db/tables/fipd-envelope';
import { selectCommittedCents, type StoredSubsidy } from '../db/tables/subsidy';
import { readReferential } from '../referential';
import { checkActiveQrr, checkBudgetYear, checkEnum, checkText, Issues, optionalDate, qrrName, todayOf } from './common';
import { paymentsOf } from './subsidy-records';

/*
 * Checking a subsidy line before it is written: formats, QRR, référentiel,
 * dates against the budget year, the ledger rules and the envelope (see
 * subsidies.ts for the rules). Runs inside the write's transaction.
 */

type Stored = StoredSubsidy;

function checkAmount(value: unknown, label: string, issues: Issues, field: string): number | undefined {
  if (value === undefined) return undefined;
  const problem = amountProblem(value, label);
  if (problem) {
    issues.add('VALIDATION', field, problem);
    return undefined;
  }
  return (value as number) === 0 ? 0 : (value as number);
}

function checkIdentifier(
  value: unknown,
  label: string,
  normalise: (v: string) => string,
  problem: (v: string) => string | null,
  issues: Issues,
  field: string,
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || (typeof value === 'string' && value.trim() === '')) return null;
  if (typeof value !== 'string') {
    issues.add('VALIDATION', field, `${label} doit être un texte.`);
    return undefined;
  }
  const p = problem(value);
  if (p) {
    issues.add('VALIDATION', field, p);
    return undefined;
  }
  return normalise(value);
}

/** Field formats of the patch, normalised; `undefined` for fields not sent (or refused, with an issue). */
function checkPatch(ctx: ServiceContext, line: SubsidyLineInput, existing: Stored | null, issues: Issues): Partial<SubsidyFields> {
  const p: { -readonly [K in keyof SubsidyFields]?: SubsidyFields[K] } = {};
  if (line.budgetYear !== undefined && checkBudgetYear(ctx, line.budgetYear, issues)) p.budgetYear = line.budgetYear;
  if (line.qrrId !== undefined) p.qrrId = line.qrrId; // checked with the whole line
  p.source = checkEnum(line.source, FUNDING_SOURCES, UNKNOWN_SOURCE_MESSAGE, issues, 'source');
  if (line.actionCodes !== undefined) {
    if (!Array.isArray(line.actionCodes) || line.actionCodes.some((c) => typeof c !== 'string')) {
      issues.add('VALIDATION', 'actionCodes', 'La liste des actions est invalide.');
    } else {
      const order = readReferential(ctx.db).engagements.flatMap((e) => e.actions.map((a) => a.code));
      const codes = [...new Set(line.actionCodes.map((c) => c.trim()).filter(Boolean))];
      const already = new Set(existing?.actionCodes ?? []);
      let ok = true;
      codes.forEach((code) => {
        // A code retired by a référentiel upgrade may stay on a line that already had it.
        if (!order.includes(code) && !already.has(code)) {
          const index = line.actionCodes!.findIndex((c) => c.trim() === code);
          issues.add('VALIDATION', `actionCodes.${index}`, `L'action « ${code} » n'existe pas dans le référentiel.`);
          ok = false;
        }
      });
      if (codes.length > MAX_ACTION_CODES) {
        issues.add('VALIDATION', 'actionCodes', `Pas plus de ${MAX_ACTION_CODES} actions par subvention.`);
        ok = false;
      }
      const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
      if (ok) p.actionCodes = codes.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
    }
  }
  const name = checkText(line.beneficiaryName, "Le nom de l'association", BENEFICIARY_NAME_MAX, issues, 'beneficiaryName', true);
  if (name !== undefined) p.beneficiaryName = name.replace(/\s+/g, ' ');
  const siret = checkIdentifier(line.siret, 'Le SIRET', normaliseSiret, siretProblem, issues, 'siret');
  if (siret !== undefined) p.siret = siret;
  const rna = checkIdentifier(line.rna, 'Le numéro RNA', normaliseRna, rnaProblem, issues, 'rna');
  if (rna !== undefined) p.rna = rna;
  const title = checkText(line.title, "L'intitulé de l'action", SUBSIDY_TITLE_MAX, issues, 'title', true);
  if (title !== undefined) p.title = title.replace(/\s+/g, ' ');
  p.requestedCents = checkAmount(line.requestedCents, 'Le montant demandé', issues, 'requestedCents');
  p.grantedCents = checkAmount(line.grantedCents, 'Le montant attribué', issues, 'grantedCents');
  p.cofinancingCents = checkAmount(line.cofinancingCents, 'Le cofinancement', issues, 'cofinancingCents');
  if (line.decisionKind === null) p.decisionKind = null;
  else p.decisionKind = checkEnum(line.decisionKind, DECISION_KINDS, 'Type de décision inconnu (arrêté ou convention).', issues, 'decisionKind');
  p.decisionNumber = checkText(line.decisionNumber, 'Le numéro de la décision', DECISION_NUMBER_MAX, issues, 'decisionNumber');
  p.decisionDate = optionalDate(line.decisionDate, 'La date de la décision', issues, 'decisionDate');
  p.chorusEj = checkText(line.chorusEj, "Le numéro d'engagement juridique Chorus", CHORUS_EJ_MAX, issues, 'chorusEj');
  p.reportDueDate = optionalDate(line.reportDueDate, "La date d'échéance du compte-rendu financier", issues, 'reportDueDate');
  p.reportReceivedDate = optionalDate(line.reportReceivedDate, 'La date de réception du compte-rendu financier', issues, 'reportReceivedDate');
  if (line.documents !== undefined) {
    if (!Array.isArray(line.documents)) issues.add('VALIDATION', 'documents', 'La liste des pièces est invalide.');
    else {
      const unknown = line.documents.findIndex((d) => !(SUBSIDY_DOCUMENTS as readonly unknown[]).includes(d));
      if (unknown >= 0) issues.add('VALIDATION', `documents.${unknown}`, 'Pièce justificative inconnue.');
      else p.documents = SUBSIDY_DOCUMENTS.filter((d) => line.documents!.includes(d));
    }
  }
  p.status = checkEnum(line.status, SUBSIDY_STATUSES, UNKNOWN_STATUS_MESSAGE, issues, 'status');
  p.comment = checkText(line.comment, 'Le commentaire', FIPD_COMMENT_MAX, issues, 'comment');
  for (const key of Object.keys(p) as (keyof SubsidyFields)[]) if (p[key] === undefined) delete p[key];
  return p;
}

const REQUIRED_ON_CREATION: readonly [keyof SubsidyLineInput, string][] = [
  ['budgetYear', "L'année budgétaire est obligatoire."],
  ['qrrId', 'Le quartier est obligatoire.'],
  ['source', 'La source de financement est obligatoire.'],
  ['beneficiaryName', "Le nom de l'association est obligatoire."],
  ['title', "L'intitulé de l'action est obligatoire."],
];

const euros = formatEurosFromCents;

/** Committed FIPD credits of a QRR and year, other subsidies than `exceptId`. */
function committedElsewhere(ctx: ServiceContext, qrrId: number, budgetYear: number, exceptId: number | null): number {
  return readDb(ctx).get(selectCommittedCents, qrrId, budgetYear, CAPPED_SOURCE, exceptId)!;
}

export const envelopeCents = (ctx: ServiceContext, qrrId: number, budgetYear: number): number =>
  readDb(ctx).get(selectEnvelopeCents, qrrId, budgetYear, CAPPED_SOURCE) ?? 0;

export interface PreparedLine {
  readonly next: SubsidyFields;
  /** The reason confirming a commitment beyond the envelope, when this write needs one. */
  readonly confirmedReason: string | null;
}

/** The line as it will be stored, or null with issues. Runs inside the write's transaction. */
export function prepareLine(ctx: ServiceContext, line: SubsidyLineInput, existing: Stored | null, issues: Issues): PreparedLine | null {
  const before = issues.size;
  if (existing === null) {
    for (const [field, message] of REQUIRED_ON_CREATION) if (line[field] === undefined) issues.add('VALIDATION', field, message);
  }
  const patch = checkPatch(ctx, line, existing, issues);
  if (issues.size > before) return null;

  const base: SubsidyFields = existing ?? {
    budgetYear: line.budgetYear!,
    qrrId: line.qrrId!,
    source: line.source!,
    actionCodes: [],
    beneficiaryName: '',
    siret: null,
    rna: null,
    title: '',
    requestedCents: 0,
    grantedCents: 0,
    cofinancingCents: 0,
    decisionKind: null,
    decisionNumber: '',
    decisionDate: null,
    chorusEj: '',
    reportDueDate: defaultReportDueDate(line.budgetYear!),
    reportReceivedDate: null,
    documents: [],
    status: 'demandee',
    comment: '',
  };
  let next: SubsidyFields = { ...base, ...patch };
  // The default due date follows the budget year unless it was set by hand.
  if (existing && patch.budgetYear !== undefined && patch.reportDueDate === undefined && existing.reportDueDate === defaultReportDueDate(existing.budgetYear)) {
    next = { ...next, reportDueDate: defaultReportDueDate(next.budgetYear) };
  }

  // The QRR written to (and, when moving a line, the one it leaves) must be active.
  checkActiveQrr(ctx, next.qrrId, issues);
  if (existing && existing.qrrId !== next.qrrId) {
    const leaving = new Issues();
    checkActiveQrr(ctx, existing.qrrId, leaving);
    if (leaving.size > 0) issues.add('CONFLICT', 'qrrId', `Le quartier « ${qrrName(ctx, existing.qrrId)} » est archivé : ses subventions ne peuvent plus être déplacées.`);
  }

  // Dates against the budget year.
  const y = next.budgetYear;
  const today = todayOf(ctx);
  if (next.decisionDate !== null && (next.decisionDate < yearStart(y) || next.decisionDate > yearEnd(y))) {
    issues.add(
      'VALIDATION',
      'decisionDate',
      `La date de la décision (${formatDate(next.decisionDate)}) doit être dans l'année budgétaire ${y} : les crédits d'une année s'engagent dans l'année.`,
    );
  }
  if (next.reportDueDate !== null && next.reportDueDate < yearStart(y)) {
    issues.add('VALIDATION', 'reportDueDate', `L'échéance du compte-rendu financier (${formatDate(next.reportDueDate)}) précède l'année budgétaire ${y}.`);
  }
  if (next.reportReceivedDate !== null) {
    if (next.reportReceivedDate < yearStart(y)) {
      issues.add('VALIDATION', 'reportReceivedDate', `La réception du compte-rendu financier (${formatDate(next.reportReceivedDate)}) précède l'année budgétaire ${y}.`);
    } else if (next.reportReceivedDate > today) {
      issues.add('VALIDATION', 'reportReceivedDate', `La date de réception du compte-rendu financier (${formatDate(next.reportReceivedDate)}) est dans le futur.`);
    }
  }

  // Ledger rules.
  const status = SUBSIDY_STATUS_LABELS[next.status];
  if (isCommitted(next.status) && next.grantedCents === 0) {
    issues.add('VALIDATION', 'grantedCents', `Une subvention « ${status.toLowerCase()} » doit avoir un montant attribué supérieur à 0.`);
  }
  const payments = existing ? paymentsOf(ctx, existing.id) : [];
  const paid = payments.reduce((sum, p) => sum + p.amountCents, 0);
  if (next.grantedCents < paid) {
    issues.add('CONFLICT', 'grantedCents', `Le montant attribué (${euros(next.grantedCents)}) ne peut pas être inférieur au total déjà versé (${euros(paid)}).`);
  }
  if (payments.length > 0 && !PAID_STATUSES.includes(next.status)) {
    issues.add(
      'CONFLICT',
      'status',
      `Des versements sont enregistrés (${euros(paid)}) : la subvention ne peut pas passer au statut « ${status} ». Supprimez d'abord ses versements.`,
    );
  }
  if (payments.length === 0 && PAID_STATUSES.includes(next.status)) {
    issues.add('VALIDATION', 'status', `Le statut « ${status} » suppose au moins un versement : enregistrez le versement, le statut suivra.`);
  }
  const firstPayment = payments[0];
  if (firstPayment && firstPayment.paidOn < yearStart(y)) {
    issues.add('VALIDATION', 'budgetYear', `Un versement du ${formatDate(firstPayment.paidOn)} précède l'année budgétaire ${y}.`);
  }
  if (issues.size > before) return null;

  // The envelope: committing FIPD credits that are not there needs a confirmed reason.
  let confirmedReason: string | null = null;
  if (next.source === CAPPED_SOURCE && isCommitted(next.status)) {
    const others = committedElsewhere(ctx, next.qrrId, next.budgetYear, existing?.id ?? null);
    const envelope = envelopeCents(ctx, next.qrrId, next.budgetYear);
    const after = others + next.grantedCents;
    const sameGroup = existing && existing.qrrId === next.qrrId && existing.budgetYear === next.budgetYear && existing.source === CAPPED_SOURCE;
    const beforeWrite = others + (sameGroup && isCommitted(existing.status) ? existing.grantedCents : 0);
    if (after > envelope && after > beforeWrite) {
      const reason = typeof line.overEnvelopeReason === 'string' ? line.overEnvelopeReason.trim() : '';
      if (reason.length >= OVER_ENVELOPE_REASON_MIN) confirmedReason = reason;
      else {
        issues.add(
          'CONFLICT',
          'overEnvelopeReason',
          `Engagement au-delà de l'enveloppe ${FUNDING_SOURCE_LABELS[CAPPED_SOURCE]} ${next.budgetYear} du quartier « ${qrrName(ctx, next.qrrId)} » : ` +
            `enveloppe ${euros(envelope)}, déjà engagé ${euros(others)}, avec cette subvention ${euros(after)} (dépassement de ${euros(after - envelope)}). ` +
            `Pour l'engager quand même, indiquez le motif du dépassement (au moins ${OVER_ENVELOPE_REASON_MIN} caractères).`,
        );
        return null;
      }
    }
  }
  return { next, confirmedReason };
}
