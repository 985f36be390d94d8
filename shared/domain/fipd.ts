/**
 * FIPD credits and the other State credits counted by indicator 05-02: the
 * vocabulary (sources, statuses, payment kinds, supporting documents), the
 * checks of association identifiers (SIRET, RNA) and dates, and the ledger
 * arithmetic (totals, warnings, indicator 05-02) shared by main, the screens
 * and the report.
 *
 * Amounts are integer cents everywhere: every sum here adds integers, so a
 * total never drifts from the sum of its lines.
 *
 * Pure ECMAScript: imports only shared/.
 */
import { formatDate } from '../format/fr';
import { formatEurosFromCents } from '../format/number-fr';
import { parsePeriodCode } from './period';

// ---------------------------------------------------------------------------
// Vocabulary

/** Where the money comes from. Only `fipd` is capped by its envelope (see ledger rules in electron/services/fipd). */
export const FUNDING_SOURCES = ['fipd', 'bop147', 'fdva', 'mildeca', 'ans', 'caf', 'collectivites', 'autre'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];
export const FUNDING_SOURCE_LABELS: Readonly<Record<FundingSource, string>> = {
  fipd: 'FIPD (programme 216)',
  bop147: 'Politique de la ville (BOP 147)',
  fdva: 'FDVA',
  mildeca: 'MILDECA',
  ans: 'Agence nationale du sport',
  caf: 'CAF',
  collectivites: 'Collectivités territoriales',
  autre: "Autres crédits de l'État",
};

export const UNKNOWN_SOURCE_MESSAGE = 'Source de financement inconnue (FIPD, BOP 147, FDVA, MILDECA, ANS, CAF, collectivités ou autre).';
export const UNKNOWN_STATUS_MESSAGE = 'Statut inconnu (demandée, instruite, attribuée, versée, soldée, refusée ou annulée).';

/** The source whose committed amounts may not exceed the envelope without a confirmed reason. */
export const CAPPED_SOURCE: FundingSource = 'fipd';

/**
 * Sources counted by indicator 05-02 (« associations soutenues par les crédits
 * de l'État »): State credits only. CAF and collectivités are tracked (they
 * appear in the ledger) but are not State credits, so they are left out.
 */
export const INDICATOR_0502_SOURCES: readonly FundingSource[] = ['fipd', 'bop147', 'fdva', 'mildeca', 'ans', 'autre'];

/** A subsidy's life: demandée → instruite → attribuée → versée → soldée; or refusée, annulée. */
export const SUBSIDY_STATUSES = ['demandee', 'instruite', 'attribuee', 'versee', 'soldee', 'refusee', 'annulee'] as const;
export type SubsidyStatus = (typeof SUBSIDY_STATUSES)[number];
/** Said of a « subvention » (feminine). */
export const SUBSIDY_STATUS_LABELS: Readonly<Record<SubsidyStatus, string>> = {
  demandee: 'Demandée',
  instruite: 'Instruite',
  attribuee: 'Attribuée',
  versee: 'Versée',
  soldee: 'Soldée',
  refusee: 'Refusée',
  annulee: 'Annulée',
};

/** Statuses whose granted amount is committed (AE consumed). */
export const COMMITTED_STATUSES: readonly SubsidyStatus[] = ['attribuee', 'versee', 'soldee'];
export const isCommitted = (status: SubsidyStatus): boolean => COMMITTED_STATUSES.includes(status);
/** Statuses a subsidy has exactly when at least one payment is recorded. */
export const PAID_STATUSES: readonly SubsidyStatus[] = ['versee', 'soldee'];

export const DECISION_KINDS = ['arrete', 'convention'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const DECISION_KIND_LABELS: Readonly<Record<DecisionKind, string>> = { arrete: 'Arrêté', convention: 'Convention' };

export const PAYMENT_KINDS = ['avance', 'solde', 'autre'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];
export const PAYMENT_KIND_LABELS: Readonly<Record<PaymentKind, string>> = { avance: 'Avance', solde: 'Solde', autre: 'Autre versement' };

/** Supporting documents checklist, in the order of the file. */
export const SUBSIDY_DOCUMENTS = [
  'cerfa_12156',
  'budget_previsionnel',
  'rib',
  'statuts',
  'attestation_honneur',
  'compte_rendu_15059',
] as const;
export type SubsidyDocument = (typeof SUBSIDY_DOCUMENTS)[number];
export const SUBSIDY_DOCUMENT_LABELS: Readonly<Record<SubsidyDocument, string>> = {
  cerfa_12156: 'Demande de subvention (CERFA 12156)',
  budget_previsionnel: "Budget prévisionnel de l'action",
  rib: "Relevé d'identité bancaire (RIB)",
  statuts: "Statuts de l'association",
  attestation_honneur: "Attestation sur l'honneur",
  compte_rendu_15059: 'Compte-rendu financier (CERFA 15059)',
};
/** The application's documents: all expected before the balance is paid (the financial report is checked separately). */
export const DOCUMENTS_REQUIRED_FOR_BALANCE: readonly SubsidyDocument[] = [
  'cerfa_12156',
  'budget_previsionnel',
  'rib',
  'statuts',
  'attestation_honneur',
];

/** Loi n° 2000-321 art. 10 and décret 2001-495: a convention is mandatory above 23 000 €. */
export const CONVENTION_THRESHOLD_CENTS = 2_300_000;
/** No envelope, subsidy or payment comes near 100 M€: anything larger is a typing error. */
export const MAX_AMOUNT_CENTS = 10_000_000_000;
/** Minimum length of the reason confirming a commitment beyond the envelope. */
export const OVER_ENVELOPE_REASON_MIN = 10;
/** QRRs exist since 2018. */
export const FIRST_BUDGET_YEAR = 2018;

export const BENEFICIARY_NAME_MAX = 200;
export const SUBSIDY_TITLE_MAX = 300;
export const DECISION_NUMBER_MAX = 60;
export const CHORUS_EJ_MAX = 20;
export const FIPD_COMMENT_MAX = 2000;
export const MAX_ACTION_CODES = 20;

// ---------------------------------------------------------------------------
// Records

export interface EnvelopeRecord {
  readonly qrrId: number;
  readonly budgetYear: number;
  readonly source: FundingSource;
  /** AE delegated, integer cents. */
  readonly amountCents: number;
  readonly decidedOn: string | null;
  readonly comment: string;
  /** Set when the envelope was lowered below what was already committed, confirmed with this reason. */
  readonly overEnvelopeReason: string | null;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface PaymentRecord {
  readonly id: number;
  readonly subsidyId: number;
  /** `YYYY-MM-DD` */
  readonly paidOn: string;
  readonly amountCents: number;
  readonly kind: PaymentKind;
  readonly comment: string;
  readonly createdAt: string;
}

/** Everything of a subsidy the user edits. */
export interface SubsidyFields {
  readonly budgetYear: number;
  readonly qrrId: number;
  readonly source: FundingSource;
  /** Référentiel action codes (`05-02`, `04-06 bis`…), sorted, without duplicates. */
  readonly actionCodes: readonly string[];
  readonly beneficiaryName: string;
  /** 14 digits, without spaces. */
  readonly siret: string | null;
  /** `W` + 9 characters. */
  readonly rna: string | null;
  readonly title: string;
  readonly requestedCents: number;
  /** AE committed once the subsidy is attribuée. */
  readonly grantedCents: number;
  readonly cofinancingCents: number;
  readonly decisionKind: DecisionKind | null;
  readonly decisionNumber: string;
  readonly decisionDate: string | null;
  /** Chorus legal-commitment (EJ) number. */
  readonly chorusEj: string;
  /** Financial report (CERFA 15059) due date; by default 30 June of the year after the budget year. */
  readonly reportDueDate: string | null;
  readonly reportReceivedDate: string | null;
  readonly documents: readonly SubsidyDocument[];
  readonly status: SubsidyStatus;
  readonly comment: string;
}

/** The fields that describe a subsidy, beyond its year and QRR (in the record's order). */
export const SUBSIDY_CONTENT_FIELDS = [
  'source',
  'actionCodes',
  'beneficiaryName',
  'siret',
  'rna',
  'title',
  'requestedCents',
  'grantedCents',
  'cofinancingCents',
  'decisionKind',
  'decisionNumber',
  'decisionDate',
  'chorusEj',
  'reportDueDate',
  'reportReceivedDate',
  'documents',
  'status',
  'comment',
] as const satisfies readonly (keyof SubsidyFields)[];

export interface SubsidyRecord extends SubsidyFields {
  readonly id: number;
  /** Reason given when this subsidy was committed beyond the FIPD envelope (kept as history). */
  readonly overEnvelopeReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly payments: readonly PaymentRecord[];
  /** Sum of the payments. */
  readonly paidCents: number;
  readonly flags: readonly SubsidyFlag[];
}

// ---------------------------------------------------------------------------
// Checks: null when valid, otherwise the French reason.

const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/** La Poste's SIREN: its establishments' SIRET do not follow Luhn; their digits add up to a multiple of 5 instead. */
export const LA_POSTE_SIREN = '356000000';

/** Spaces (ordinary, no-break, narrow) are ignored: `732 829 320 00074` is read as `73282932000074`. */
export const normaliseSiret = (siret: string): string => siret.replace(/[\s\u00a0\u202f\u2009.]/g, '');

/** `732 829 320 00074`, the way it is printed on documents. */
export const formatSiret = (siret: string): string =>
  /^\d{14}$/.test(siret) ? `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}` : siret;

/**
 * SIRET = SIREN (9 digits) + NIC (5 digits). The 14 digits carry a Luhn
 * checksum, and so do the 9 of the SIREN. Exception: La Poste (SIREN
 * 356000000), whose SIRET are valid when their digits add up to a multiple of 5
 * (its head office, 356 000 000 00048, also passes Luhn).
 */
export function siretProblem(siret: string): string | null {
  const s = normaliseSiret(siret);
  if (s === '') return 'Le SIRET est vide.';
  if (!/^\d+$/.test(s)) return `« ${siret.trim()} » n'est pas un SIRET : il ne contient que des chiffres (14).`;
  if (s.length !== 14) return `Le SIRET compte 14 chiffres ; « ${siret.trim()} » en compte ${s.length}.`;
  const siren = s.slice(0, 9);
  if (siren === LA_POSTE_SIREN) {
    const digitSum = [...s].reduce((acc, c) => acc + Number(c), 0);
    if (luhnValid(s) || digitSum % 5 === 0) return null;
    return `Le SIRET ${formatSiret(s)} est invalide : pour La Poste, la somme des chiffres doit être un multiple de 5 (vérifiez une faute de frappe).`;
  }
  if (!luhnValid(siren)) {
    return `Le SIRET ${formatSiret(s)} est invalide : le SIREN (9 premiers chiffres) ne correspond à aucune entreprise ou association (clé de contrôle fausse).`;
  }
  if (!luhnValid(s)) return `Le SIRET ${formatSiret(s)} est invalide : sa clé de contrôle ne correspond pas (vérifiez une faute de frappe).`;
  return null;
}

export const normaliseRna = (rna: string): string => rna.replace(/[\s\u00a0\u202f\u2009]/g, '').toUpperCase();

/**
 * RNA (répertoire national des associations): `W` + 9 characters, digits
 * (`W751234567`); in Corsica the département part reads `2A`/`2B` (`W2A1234567`).
 */
export function rnaProblem(rna: string): string | null {
  const r = normaliseRna(rna);
  if (r === '') return 'Le numéro RNA est vide.';
  if (/^W(\d{9}|2[AB]\d{7})$/.test(r)) return null;
  return `« ${rna.trim()} » n'est pas un numéro RNA : attendu W suivi de 9 chiffres (par exemple W931234567).`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` (2026-02-30 is refused). */
export function isoDateProblem(date: string, label = 'La date'): string | null {
  const m = ISO_DATE.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (y >= 1900 && y <= 2100 && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d) return null;
    return `${label} « ${date} » n'existe pas dans le calendrier.`;
  }
  return `${label} « ${date} » est invalide (format attendu : AAAA-MM-JJ).`;
}

/**
 * What a coordinator types or pastes (`24/06/2021`, `24/06/21` is refused, `2021-06-24`) → `2021-06-24`.
 * For the grid; the services accept ISO dates only.
 */
export function parseFrenchDateToIso(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const t = text.trim();
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const iso = fr ? `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}` : t;
  const problem = isoDateProblem(iso);
  if (problem === null) return { ok: true, value: iso };
  return { ok: false, message: fr || ISO_DATE.test(t) ? problem : `« ${t} » n'est pas une date (format attendu : 24/06/2021).` };
}

/** A stored amount: integer cents, 0 or more (`positive`: more than 0), at most MAX_AMOUNT_CENTS. */
export function amountProblem(value: unknown, label: string, options: { positive?: boolean } = {}): string | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return `${label} doit être un nombre (en centimes).`;
  if (value < 0) return `${label} ne peut pas être négatif.`;
  if (!Number.isInteger(value)) return `${label} doit être un nombre entier de centimes.`;
  if (value > MAX_AMOUNT_CENTS) return `${label} dépasse ${formatEurosFromCents(MAX_AMOUNT_CENTS)} : vérifiez la saisie.`;
  if (options.positive && value === 0) return `${label} doit être supérieur à 0.`;
  return null;
}

/** The CERFA 15059 financial report is due within 6 months after the financial year (taken as the calendar year). */
export const defaultReportDueDate = (budgetYear: number): string => `${budgetYear + 1}-06-30`;

export const yearStart = (year: number): string => `${year}-01-01`;
export const yearEnd = (year: number): string => `${year}-12-31`;

/** First and last day of a quarter `2026-T3` → `2026-07-01`, `2026-09-30`; null for a malformed code. */
export function quarterBounds(periodCode: string): { from: string; to: string } | null {
  const p = parsePeriodCode(periodCode);
  if (!p) return null;
  const first = (p.quarter - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(p.year, first + 2, 0)).getUTCDate();
  const mm = (m: number) => String(m).padStart(2, '0');
  return { from: `${p.year}-${mm(first)}-01`, to: `${p.year}-${mm(first + 2)}-${lastDay}` };
}

// ---------------------------------------------------------------------------
// Warnings on one subsidy

export const SUBSIDY_FLAG_CODES = [
  'paid_above_granted',
  'convention_required',
  'decision_missing',
  'balance_without_report',
  'balance_with_missing_documents',
  'report_overdue',
  'payment_before_decision',
  'chorus_ej_missing',
  'siret_missing',
  'granted_above_requested',
  /** Computed by the service, which sees the other lines. */
  'possible_duplicate',
] as const;
export type SubsidyFlagCode = (typeof SUBSIDY_FLAG_CODES)[number];

export interface SubsidyFlag {
  readonly code: SubsidyFlagCode;
  /** French, complete sentence. */
  readonly message: string;
}

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

// ---------------------------------------------------------------------------
// Ledger totals

export interface LedgerAmounts {
  /** AE delegated (envelopes). */
  readonly delegatedCents: number;
  /** Granted amounts of subsidies attribuées, versées or soldées. */
  readonly committedCents: number;
  /** CP: sum of payments. */
  readonly paidCents: number;
  /** delegated − committed (negative when committed beyond the envelope). */
  readonly remainingCents: number;
  /** committed − paid. */
  readonly toPayCents: number;
  /** committed / delegated, as a ratio (0.625 for 62,5 %); null without delegated credits. */
  readonly consumptionRate: number | null;
  /** paid / committed, as a ratio; null when nothing is committed. */
  readonly paymentRate: number | null;
}

export interface LedgerSourceTotals extends LedgerAmounts {
  readonly source: FundingSource;
}

export interface LedgerQrrTotals extends LedgerAmounts {
  readonly qrrId: number;
  /** Sources with an envelope, a subsidy or a payment, in FUNDING_SOURCES order. */
  readonly bySource: readonly LedgerSourceTotals[];
}

export interface LedgerTotals {
  /** All QRRs and all sources. */
  readonly departement: LedgerAmounts;
  /** All QRRs, per source (sources with something recorded, in FUNDING_SOURCES order). */
  readonly bySource: readonly LedgerSourceTotals[];
  /** Per QRR (ascending id), all sources and per source. */
  readonly byQrr: readonly LedgerQrrTotals[];
}

type LedgerEnvelope = Pick<EnvelopeRecord, 'qrrId' | 'source' | 'amountCents'>;
type LedgerSubsidy = Pick<SubsidyRecord, 'id' | 'qrrId' | 'source' | 'status' | 'grantedCents'>;
type LedgerPayment = Pick<PaymentRecord, 'subsidyId' | 'amountCents'>;

interface Sums {
  delegated: number;
  committed: number;
  paid: number;
}

const amountsOf = ({ delegated, committed, paid }: Sums): LedgerAmounts => ({
  delegatedCents: delegated,
  committedCents: committed,
  paidCents: paid,
  remainingCents: delegated - committed,
  toPayCents: committed - paid,
  consumptionRate: delegated > 0 ? committed / delegated : null,
  paymentRate: committed > 0 ? paid / committed : null,
});

/**
 * Delegated, committed, paid, remaining and to pay, per QRR, per source and for
 * the département, from the lines given (the caller chooses the budget year).
 * Payments of subsidies not among `subsidies` are ignored.
 */
export function ledgerTotals(
  envelopes: readonly LedgerEnvelope[],
  subsidies: readonly LedgerSubsidy[],
  payments: readonly LedgerPayment[],
): LedgerTotals {
  const cells = new Map<string, Sums & { qrrId: number; source: FundingSource }>();
  const cell = (qrrId: number, source: FundingSource) => {
    const key = `${qrrId}|${source}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { qrrId, source, delegated: 0, committed: 0, paid: 0 }));
    return c;
  };
  for (const e of envelopes) cell(e.qrrId, e.source).delegated += e.amountCents;
  const byId = new Map(subsidies.map((s) => [s.id, s]));
  for (const s of subsidies) {
    const c = cell(s.qrrId, s.source);
    if (isCommitted(s.status)) c.committed += s.grantedCents;
  }
  for (const p of payments) {
    const s = byId.get(p.subsidyId);
    if (s) cell(s.qrrId, s.source).paid += p.amountCents;
  }

  const add = (into: Sums, c: Sums) => {
    into.delegated += c.delegated;
    into.committed += c.committed;
    into.paid += c.paid;
  };
  const zero = (): Sums => ({ delegated: 0, committed: 0, paid: 0 });
  const sourceOrder = (a: FundingSource, b: FundingSource) => FUNDING_SOURCES.indexOf(a) - FUNDING_SOURCES.indexOf(b);
  const all = [...cells.values()];

  const departement = zero();
  const perSource = new Map<FundingSource, Sums>();
  const perQrr = new Map<number, { total: Sums; sources: { source: FundingSource; sums: Sums }[] }>();
  for (const c of all) {
    add(departement, c);
    const s = perSource.get(c.source) ?? zero();
    add(s, c);
    perSource.set(c.source, s);
    const q = perQrr.get(c.qrrId) ?? { total: zero(), sources: [] };
    add(q.total, c);
    q.sources.push({ source: c.source, sums: c });
    perQrr.set(c.qrrId, q);
  }
  return {
    departement: amountsOf(departement),
    bySource: [...perSource.entries()].sort(([a], [b]) => sourceOrder(a, b)).map(([source, sums]) => ({ source, ...amountsOf(sums) })),
    byQrr: [...perQrr.entries()]
      .sort(([a], [b]) => a - b)
      .map(([qrrId, q]) => ({
        qrrId,
        ...amountsOf(q.total),
        bySource: q.sources.sort((a, b) => sourceOrder(a.source, b.source)).map(({ source, sums }) => ({ source, ...amountsOf(sums) })),
      })),
  };
}

// ---------------------------------------------------------------------------
// Indicator 05-02

type IndicatorSubsidy = Pick<SubsidyFields, 'qrrId' | 'source' | 'status' | 'grantedCents' | 'decisionDate' | 'siret' | 'rna' | 'beneficiaryName'>;

/** A name as a coordinator reads it: case, accents, punctuation and repeated spaces do not matter. */
export const normaliseAssociationName = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * Indicator 05-02 « nombre d'associations soutenues par les crédits de l'État
 * et montants alloués » for a quarter, computed from the subsidy lines:
 * - lines counted: status attribuée, versée or soldée, source among `sources`
 *   (State credits: INDICATOR_0502_SOURCES by default), decision date inside the quarter
 *   (a committed line without decision date is not counted: it is flagged instead);
 * - amount: the sum of their granted amounts (AE), integer cents;
 * - count: distinct associations. Two lines are the same association when
 *   they share a SIREN (the 9 first digits of the SIRET: one association, several
 *   establishments) or an RNA number, directly or through other lines; a line
 *   with neither is matched by its normalised name (to lines with or without identifiers).
 */
export function indicator0502(
  subsidies: readonly IndicatorSubsidy[],
  periodCode: string,
  sources: readonly FundingSource[] = INDICATOR_0502_SOURCES,
): { count: number; amountCents: number } {
  const bounds = quarterBounds(periodCode);
  if (!bounds) return { count: 0, amountCents: 0 };
  const lines = subsidies.filter(
    (s) =>
      isCommitted(s.status) &&
      sources.includes(s.source) &&
      s.decisionDate !== null &&
      s.decisionDate >= bounds.from &&
      s.decisionDate <= bounds.to,
  );
  // Union-find over identifier keys.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = k;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const keysOf = (s: IndicatorSubsidy): { ids: string[]; name: string } => ({
    ids: [...(s.siret ? [`siren:${normaliseSiret(s.siret).slice(0, 9)}`] : []), ...(s.rna ? [`rna:${normaliseRna(s.rna)}`] : [])],
    name: `name:${normaliseAssociationName(s.beneficiaryName)}`,
  });
  const anchors: string[] = [];
  const named = new Map<string, string[]>(); // name key → identifier keys of lines with that name
  for (const s of lines) {
    const { ids, name } = keysOf(s);
    if (ids.length > 0) {
      for (const id of ids) union(ids[0]!, id);
      named.set(name, [...(named.get(name) ?? []), ids[0]!]);
      anchors.push(ids[0]!);
    } else {
      union(name, name);
      anchors.push(name);
    }
  }
  // A line known only by its name joins the lines bearing that name.
  for (const s of lines) {
    const { ids, name } = keysOf(s);
    if (ids.length === 0) for (const id of named.get(name) ?? []) union(name, id);
  }
  return {
    count: new Set(anchors.map(find)).size,
    amountCents: lines.reduce((sum, s) => sum + s.grantedCents, 0),
  };
}

/** Indicator 05-02 per QRR (only QRRs with at least one counted line). */
export function indicator0502ByQrr(
  subsidies: readonly IndicatorSubsidy[],
  periodCode: string,
  sources: readonly FundingSource[] = INDICATOR_0502_SOURCES,
): Map<number, { count: number; amountCents: number }> {
  const byQrr = new Map<number, IndicatorSubsidy[]>();
  for (const s of subsidies) byQrr.set(s.qrrId, [...(byQrr.get(s.qrrId) ?? []), s]);
  const out = new Map<number, { count: number; amountCents: number }>();
  for (const [qrrId, lines] of [...byQrr.entries()].sort(([a], [b]) => a - b)) {
    const value = indicator0502(lines, periodCode, sources);
    if (value.count > 0) out.set(qrrId, value);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Requests and answers of the FIPD services (the IPC schemas are in shared/ipc/contract-fipd.ts)

/**
 * One subsidy line to save: without `id` a creation (budgetYear, qrrId, source,
 * beneficiaryName and title required; the rest defaults), with `id` a patch
 * (only the fields sent change). Empty texts for SIRET, RNA and dates mean « none ».
 * `overEnvelopeReason` confirms a commitment beyond the FIPD envelope.
 */
export interface SubsidyLineInput {
  readonly id?: number | undefined;
  readonly budgetYear?: number | undefined;
  readonly qrrId?: number | undefined;
  readonly source?: FundingSource | undefined;
  readonly actionCodes?: readonly string[] | undefined;
  readonly beneficiaryName?: string | undefined;
  readonly siret?: string | null | undefined;
  readonly rna?: string | null | undefined;
  readonly title?: string | undefined;
  readonly requestedCents?: number | undefined;
  readonly grantedCents?: number | undefined;
  readonly cofinancingCents?: number | undefined;
  readonly decisionKind?: DecisionKind | null | undefined;
  readonly decisionNumber?: string | undefined;
  readonly decisionDate?: string | null | undefined;
  readonly chorusEj?: string | undefined;
  readonly reportDueDate?: string | null | undefined;
  readonly reportReceivedDate?: string | null | undefined;
  readonly documents?: readonly SubsidyDocument[] | undefined;
  readonly status?: SubsidyStatus | undefined;
  readonly comment?: string | undefined;
  readonly overEnvelopeReason?: string | undefined;
}

export interface EnvelopeInput {
  readonly qrrId: number;
  readonly budgetYear: number;
  readonly source: FundingSource;
  readonly amountCents: number;
  readonly decidedOn?: string | null | undefined;
  readonly comment?: string | undefined;
  /** Confirms lowering the envelope below what is already committed. */
  readonly overEnvelopeReason?: string | undefined;
}

export interface PaymentInput {
  readonly subsidyId: number;
  readonly paidOn: string;
  readonly amountCents: number;
  readonly kind: PaymentKind;
  readonly comment?: string | undefined;
}

export interface SubsidyFilters {
  readonly qrrId?: number | undefined;
  readonly budgetYear?: number | undefined;
  readonly status?: SubsidyStatus | undefined;
  readonly source?: FundingSource | undefined;
}

export interface FipdLedger {
  /** The budget year asked for, or null for all years. */
  readonly budgetYear: number | null;
  /** `YYYY-MM-DD`, the date the warnings were computed for. */
  readonly today: string;
  readonly totals: LedgerTotals;
  /** Subsidies with at least one warning. */
  readonly flags: readonly { readonly subsidyId: number; readonly flags: readonly SubsidyFlag[] }[];
}
