/**
 * The FIPD credits requests (envelopes, subsidies, payments, ledger), in the
 * style of contract.ts, which spreads `fipdContract` into `contract` (and
 * FIPD_CHANNELS into CHANNELS). The schemas check shapes, types, formats
 * (amounts in integer cents, ISO dates, SIRET, RNA) with French messages; the
 * services (electron/services/fipd) check them again with the ledger rules.
 *
 * This file must not import contract.ts at run time (contract.ts imports it).
 */
import { z } from 'zod';
import {
  DECISION_KINDS,
  DECISION_NUMBER_MAX,
  BENEFICIARY_NAME_MAX,
  CHORUS_EJ_MAX,
  FIPD_COMMENT_MAX,
  FIRST_BUDGET_YEAR,
  FUNDING_SOURCES,
  MAX_ACTION_CODES,
  OVER_ENVELOPE_REASON_MIN,
  PAYMENT_KINDS,
  SUBSIDY_DOCUMENTS,
  SUBSIDY_STATUSES,
  SUBSIDY_TITLE_MAX,
  UNKNOWN_SOURCE_MESSAGE,
  UNKNOWN_STATUS_MESSAGE,
  amountProblem,
  isoDateProblem,
  rnaProblem,
  siretProblem,
  type EnvelopeInput,
  type EnvelopeRecord,
  type FipdLedger,
  type PaymentInput,
  type SubsidyFilters,
  type SubsidyLineInput,
  type SubsidyRecord,
} from '../domain/fipd';
import { channel, Id, requiredText, text, Via, type Exact } from './schema-kit';

const BudgetYear = z
  .number({ error: "L'année budgétaire doit être une année (par exemple 2026)." })
  .int("L'année budgétaire doit être une année (par exemple 2026).")
  .min(FIRST_BUDGET_YEAR, `L'année budgétaire ne peut pas précéder ${FIRST_BUDGET_YEAR} (création des QRR).`)
  .max(2100, "L'année budgétaire est invalide.");

const Source = z.enum(FUNDING_SOURCES, { error: UNKNOWN_SOURCE_MESSAGE });

/** Integer cents; refused with the same French sentence as the services. */
const Cents = (label: string, options: { positive?: boolean } = {}) =>
  z.number({ error: `${label} doit être un nombre (en centimes).` }).superRefine((value, ctx) => {
    const problem = amountProblem(value, label, options);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const IsoDate = (label: string) =>
  z
    .string({ error: `${label} doit être une date (AAAA-MM-JJ).` })
    .max(10, `${label} est invalide (format attendu : AAAA-MM-JJ).`)
    .superRefine((value, ctx) => {
      const problem = isoDateProblem(value, label);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
/** A date or nothing (null or empty text). */
const OptionalDate = (label: string) =>
  z
    .string({ error: `${label} doit être une date (AAAA-MM-JJ).` })
    .max(10, `${label} est invalide (format attendu : AAAA-MM-JJ).`)
    .superRefine((value, ctx) => {
      const problem = value.trim() === '' ? null : isoDateProblem(value.trim(), label);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullable();

/** An identifier or nothing (null or empty text), checked by `problem`. */
const OptionalIdentifier = (label: string, problem: (v: string) => string | null) =>
  z
    .string({ error: `${label} doit être un texte.` })
    .max(30, `${label} est trop long.`)
    .superRefine((value, ctx) => {
      const p = value.trim() === '' ? null : problem(value);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    })
    .nullable();

const Reason = text('Le motif du dépassement', 1000).min(
  OVER_ENVELOPE_REASON_MIN,
  `Le motif du dépassement doit compter au moins ${OVER_ENVELOPE_REASON_MIN} caractères.`,
);

const ActionCode = z.string({ error: "Code d'action invalide." }).trim().max(16, "Code d'action invalide.");

const subsidyLineShape = {
  id: Id.optional(),
  budgetYear: BudgetYear.optional(),
  qrrId: Id.optional(),
  source: Source.optional(),
  actionCodes: z
    .array(ActionCode, { error: 'La liste des actions est invalide.' })
    .max(MAX_ACTION_CODES, `Pas plus de ${MAX_ACTION_CODES} actions par subvention.`)
    .optional(),
  beneficiaryName: requiredText("Le nom de l'association", BENEFICIARY_NAME_MAX).optional(),
  siret: OptionalIdentifier('Le SIRET', siretProblem).optional(),
  rna: OptionalIdentifier('Le numéro RNA', rnaProblem).optional(),
  title: requiredText("L'intitulé de l'action", SUBSIDY_TITLE_MAX).optional(),
  requestedCents: Cents('Le montant demandé').optional(),
  grantedCents: Cents('Le montant attribué').optional(),
  cofinancingCents: Cents('Le cofinancement').optional(),
  decisionKind: z.enum(DECISION_KINDS, { error: 'Type de décision inconnu (arrêté ou convention).' }).nullable().optional(),
  decisionNumber: text('Le numéro de la décision', DECISION_NUMBER_MAX).optional(),
  decisionDate: OptionalDate('La date de la décision').optional(),
  chorusEj: text("Le numéro d'engagement juridique Chorus", CHORUS_EJ_MAX).optional(),
  reportDueDate: OptionalDate("La date d'échéance du compte-rendu financier").optional(),
  reportReceivedDate: OptionalDate('La date de réception du compte-rendu financier').optional(),
  documents: z
    .array(z.enum(SUBSIDY_DOCUMENTS, { error: 'Pièce justificative inconnue.' }), { error: 'La liste des pièces est invalide.' })
    .max(SUBSIDY_DOCUMENTS.length * 2, 'La liste des pièces est invalide.')
    .optional(),
  status: z.enum(SUBSIDY_STATUSES, { error: UNKNOWN_STATUS_MESSAGE }).optional(),
  comment: text('Le commentaire', FIPD_COMMENT_MAX).optional(),
  overEnvelopeReason: Reason.optional(),
};

/** A creation names its year, QRR, source, association and action. */
const requiredOnCreation = (line: { id?: number | undefined } & Record<string, unknown>, ctx: z.RefinementCtx): void => {
  if (line.id !== undefined) return;
  const required: [string, string][] = [
    ['budgetYear', "L'année budgétaire est obligatoire."],
    ['qrrId', 'Le quartier est obligatoire.'],
    ['source', 'La source de financement est obligatoire.'],
    ['beneficiaryName', "Le nom de l'association est obligatoire."],
    ['title', "L'intitulé de l'action est obligatoire."],
  ];
  for (const [field, message] of required) {
    if (line[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message });
  }
};

export const SubsidyLine = z.strictObject(subsidyLineShape).superRefine(requiredOnCreation);
export const SaveSubsidyRequest = z.strictObject({ ...subsidyLineShape, via: Via }).superRefine(requiredOnCreation);

/** Lines pasted at once: all saved or none. */
export const MAX_SUBSIDY_LINES = 500;

export const SubsidyFiltersSchema = z.strictObject({
  qrrId: Id.optional(),
  budgetYear: BudgetYear.optional(),
  status: z.enum(SUBSIDY_STATUSES, { error: 'Statut inconnu.' }).optional(),
  source: Source.optional(),
});

export const SetEnvelopeRequest = z.strictObject({
  via: Via,
  qrrId: Id,
  budgetYear: BudgetYear,
  source: Source.default('fipd'),
  amountCents: Cents("Le montant de l'enveloppe"),
  decidedOn: OptionalDate("La date de délégation de l'enveloppe").optional(),
  comment: text('Le commentaire', FIPD_COMMENT_MAX).optional(),
  overEnvelopeReason: Reason.optional(),
});

export const AddPaymentRequest = z.strictObject({
  via: Via,
  subsidyId: Id,
  paidOn: IsoDate('La date du versement'),
  amountCents: Cents('Le montant du versement', { positive: true }),
  kind: z.enum(PAYMENT_KINDS, { error: 'Type de versement inconnu (avance, solde ou autre).' }),
  comment: text('Le commentaire', FIPD_COMMENT_MAX).optional(),
});

export const fipdContract = {
  /** Envelopes (AE delegated) per QRR, year and source; their history is in the audit trail (entity `fipd_envelope`). */
  listEnvelopes: channel<readonly EnvelopeRecord[]>()(z.strictObject({ budgetYear: BudgetYear.optional(), qrrId: Id.optional() })),
  /** Sets an envelope's amount (null when it went back to empty). Lowering it below what is committed needs a reason. */
  setEnvelope: channel<EnvelopeRecord | null>()(SetEnvelopeRequest),
  listSubsidies: channel<readonly SubsidyRecord[]>()(z.strictObject({ filters: SubsidyFiltersSchema.optional() })),
  /** Creates (no id) or patches (id) one subsidy. */
  saveSubsidy: channel<SubsidyRecord>()(SaveSubsidyRequest),
  /** Lines pasted from a spreadsheet: all saved or none; issues name `lines.3.siret`. */
  saveSubsidies: channel<readonly SubsidyRecord[]>()(
    z.strictObject({
      via: Via,
      lines: z
        .array(SubsidyLine, { error: 'La liste des lignes est invalide.' })
        .min(1, 'Aucune ligne à enregistrer.')
        .max(MAX_SUBSIDY_LINES, `Pas plus de ${MAX_SUBSIDY_LINES} lignes à la fois.`),
    }),
    { maxBytes: 2 * 1024 * 1024 },
  ),
  /** Only while no payment is recorded. */
  deleteSubsidy: channel<{ readonly deleted: number }>()(z.strictObject({ id: Id, via: Via })),
  addPayment: channel<SubsidyRecord>()(AddPaymentRequest),
  deletePayment: channel<SubsidyRecord>()(z.strictObject({ id: Id, via: Via })),
  /** Totals (per QRR, per source, département) and warnings, for one budget year or all. */
  getLedger: channel<FipdLedger>()(z.strictObject({ budgetYear: BudgetYear.optional() })),
} as const;

export type FipdContract = typeof fipdContract;
export type FipdChannelName = keyof FipdContract;

/** To append to CHANNELS (shared/ipc/channels.ts). */
export const FIPD_CHANNELS = [
  'listEnvelopes',
  'setEnvelope',
  'listSubsidies',
  'saveSubsidy',
  'saveSubsidies',
  'deleteSubsidy',
  'addPayment',
  'deletePayment',
  'getLedger',
] as const satisfies readonly FipdChannelName[];

const fipdChannelsComplete: Exact<(typeof FIPD_CHANNELS)[number], FipdChannelName> = true;
void fipdChannelsComplete;

// The parsed requests fit the services' inputs (shared/domain/fipd.ts).
type Fits<A, B> = [A] extends [B] ? true : false;
const linesFit: Fits<z.output<typeof SubsidyLine>, SubsidyLineInput> = true;
const envelopeFits: Fits<Omit<z.output<typeof SetEnvelopeRequest>, 'via'>, EnvelopeInput> = true;
const paymentFits: Fits<Omit<z.output<typeof AddPaymentRequest>, 'via'>, PaymentInput> = true;
const filtersFit: Fits<z.output<typeof SubsidyFiltersSchema>, SubsidyFilters> = true;
void [linesFit, envelopeFits, paymentFits, filtersFit];
