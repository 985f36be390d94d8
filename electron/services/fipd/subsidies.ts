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
  SUBSIDY_CONTENT_FIELDS,
  SUBSIDY_DOCUMENTS,
  SUBSIDY_STATUSES,
  SUBSIDY_STATUS_LABELS,
  SUBSIDY_TITLE_MAX,
  UNKNOWN_SOURCE_MESSAGE,
  UNKNOWN_STATUS_MESSAGE,
  amountProblem,
  defaultReportDueDate,
  isCommitted,
  normaliseAssociationName,
  normaliseRna,
  normaliseSiret,
  rnaProblem,
  siretProblem,
  subsidyFlags,
  yearEnd,
  yearStart,
  type PaymentRecord,
  type SubsidyDocument,
  type SubsidyFields,
  type SubsidyFilters,
  type SubsidyFlag,
  type SubsidyLineInput,
  type SubsidyRecord,
} from '../../../shared/domain/fipd';
import { formatDate } from '../../../shared/format/fr';
import { formatEurosFromCents } from '../../../shared/format/number-fr';
import { DomainError } from '../../../shared/ipc/result';
import { diffFields, recordAudit, type AuditEntry } from '../audit';
import { isoNow, type ServiceContext } from '../context';
import { readReferential } from '../referential';
import {
  checkActiveQrr,
  checkBudgetYear,
  checkEnum,
  checkText,
  Issues,
  optionalDate,
  qrrName,
  refuseIfIssues,
  todayOf,
} from './common';

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

interface SubsidyRow extends Omit<SubsidyFields, 'actionCodes' | 'documents'> {
  id: number;
  actionCodes: string;
  documents: string;
  overEnvelopeReason: string | null;
  createdAt: string;
  updatedAt: string;
}

const SELECT_SUBSIDY = `SELECT id, budget_year AS budgetYear, qrr_id AS qrrId, source, action_codes AS actionCodes,
  beneficiary_name AS beneficiaryName, siret, rna, title, requested_cents AS requestedCents, granted_cents AS grantedCents,
  cofinancing_cents AS cofinancingCents, decision_kind AS decisionKind, decision_number AS decisionNumber,
  decision_date AS decisionDate, chorus_ej AS chorusEj, report_due_date AS reportDueDate,
  report_received_date AS reportReceivedDate, documents, status, over_envelope_reason AS overEnvelopeReason, comment,
  created_at AS createdAt, updated_at AS updatedAt FROM subsidy`;

const SELECT_PAYMENT = `SELECT id, subsidy_id AS subsidyId, paid_on AS paidOn, amount_cents AS amountCents, kind, comment,
  created_at AS createdAt FROM subsidy_payment`;

/** Fields in the order of the record; each changed one gets its audit entry. */
const EDITABLE: readonly (keyof SubsidyFields)[] = ['budgetYear', 'qrrId', ...SUBSIDY_CONTENT_FIELDS];

type Stored = SubsidyFields & { readonly id: number; readonly overEnvelopeReason: string | null; readonly createdAt: string; readonly updatedAt: string };

const decode = (row: SubsidyRow): Stored => ({
  ...row,
  actionCodes: JSON.parse(row.actionCodes) as string[],
  documents: JSON.parse(row.documents) as SubsidyDocument[],
});

export function readStoredSubsidy(ctx: ServiceContext, id: number): Stored | null {
  const row = ctx.db.prepare(`${SELECT_SUBSIDY} WHERE id = ?`).get(id) as SubsidyRow | undefined;
  return row ? decode(row) : null;
}

export function paymentsOf(ctx: ServiceContext, subsidyId: number): PaymentRecord[] {
  return ctx.db.prepare(`${SELECT_PAYMENT} WHERE subsidy_id = ? ORDER BY paid_on, id`).all(subsidyId) as PaymentRecord[];
}

/** Same association (SIREN, RNA or name), same QRR, year, source and action title: probably typed twice. */
function duplicateKeys(s: Pick<SubsidyFields, 'budgetYear' | 'qrrId' | 'source' | 'siret' | 'rna' | 'beneficiaryName' | 'title'>): string[] {
  const base = `${s.budgetYear}|${s.qrrId}|${s.source}|${normaliseAssociationName(s.title)}`;
  return [
    ...(s.siret ? [`${base}|siren:${s.siret.slice(0, 9)}`] : []),
    ...(s.rna ? [`${base}|rna:${s.rna}`] : []),
    `${base}|name:${normaliseAssociationName(s.beneficiaryName)}`,
  ];
}

function hydrate(ctx: ServiceContext, stored: readonly Stored[]): SubsidyRecord[] {
  if (stored.length === 0) return [];
  const payments = ctx.db
    .prepare(`${SELECT_PAYMENT} WHERE subsidy_id IN (SELECT value FROM json_each(?)) ORDER BY paid_on, id`)
    .all(JSON.stringify(stored.map((s) => s.id))) as PaymentRecord[];
  const bySubsidy = new Map<number, PaymentRecord[]>();
  for (const p of payments) bySubsidy.set(p.subsidyId, [...(bySubsidy.get(p.subsidyId) ?? []), p]);

  // Possible duplicates are looked for among all lines of the same years, whatever the filters.
  const years = [...new Set(stored.map((s) => s.budgetYear))];
  const all = (
    ctx.db
      .prepare(`${SELECT_SUBSIDY} WHERE budget_year IN (SELECT value FROM json_each(?)) AND status NOT IN ('refusee', 'annulee')`)
      .all(JSON.stringify(years)) as SubsidyRow[]
  ).map(decode);
  const byKey = new Map<string, number[]>();
  for (const s of all) for (const key of duplicateKeys(s)) byKey.set(key, [...(byKey.get(key) ?? []), s.id]);

  const today = todayOf(ctx);
  return stored.map((s) => {
    const own = bySubsidy.get(s.id) ?? [];
    const flags: SubsidyFlag[] = subsidyFlags(s, own, today);
    if (s.status !== 'refusee' && s.status !== 'annulee') {
      const twins = [...new Set(duplicateKeys(s).flatMap((k) => byKey.get(k) ?? []))].filter((id) => id !== s.id).sort((a, b) => a - b);
      if (twins.length > 0) {
        flags.push({
          code: 'possible_duplicate',
          message: `Doublon possible : même association, même action, même quartier et même année que ${
            twins.length === 1 ? 'la ligne' : 'les lignes'
          } n° ${twins.join(', ')}.`,
        });
      }
    }
    return {
      ...s,
      payments: own,
      paidCents: own.reduce((sum, p) => sum + p.amountCents, 0),
      flags,
    };
  });
}

export function getSubsidy(ctx: ServiceContext, id: number): SubsidyRecord {
  const stored = readStoredSubsidy(ctx, id);
  if (!stored) throw new DomainError('NOT_FOUND', `La subvention n° ${id} n'existe pas (elle a peut-être été supprimée entre-temps).`);
  return hydrate(ctx, [stored])[0]!;
}

export function listSubsidies(ctx: ServiceContext, filters: SubsidyFilters = {}): SubsidyRecord[] {
  const rows = ctx.db
    .prepare(
      `${SELECT_SUBSIDY} WHERE (@qrrId IS NULL OR qrr_id = @qrrId) AND (@budgetYear IS NULL OR budget_year = @budgetYear)
       AND (@status IS NULL OR status = @status) AND (@source IS NULL OR source = @source)
       ORDER BY budget_year DESC, id`,
    )
    .all({
      qrrId: filters.qrrId ?? null,
      budgetYear: filters.budgetYear ?? null,
      status: filters.status ?? null,
      source: filters.source ?? null,
    }) as SubsidyRow[];
  return hydrate(ctx, rows.map(decode));
}

// ---------------------------------------------------------------------------
// Checking a line

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
  return ctx.db
    .prepare(
      `SELECT coalesce(sum(granted_cents), 0) FROM subsidy WHERE qrr_id = ? AND budget_year = ? AND source = ?
       AND status IN ('attribuee', 'versee', 'soldee') AND id IS NOT ?`,
    )
    .pluck()
    .get(qrrId, budgetYear, CAPPED_SOURCE, exceptId) as number;
}

export const envelopeCents = (ctx: ServiceContext, qrrId: number, budgetYear: number): number =>
  (ctx.db
    .prepare('SELECT amount_cents FROM fipd_envelope WHERE qrr_id = ? AND budget_year = ? AND source = ?')
    .pluck()
    .get(qrrId, budgetYear, CAPPED_SOURCE) as number | undefined) ?? 0;

interface Prepared {
  readonly next: SubsidyFields;
  /** The reason confirming a commitment beyond the envelope, when this write needs one. */
  readonly confirmedReason: string | null;
}

/** The line as it will be stored, or null with issues. Runs inside the write's transaction. */
function prepareLine(ctx: ServiceContext, line: SubsidyLineInput, existing: Stored | null, issues: Issues): Prepared | null {
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

const params = (f: SubsidyFields) => ({
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

const fieldsOf = (s: Stored): SubsidyFields => Object.fromEntries(EDITABLE.map((k) => [k, s[k]])) as unknown as SubsidyFields;

/** Writes one prepared line and its audit entries; returns its id. */
function writeLine(ctx: ServiceContext, existing: Stored | null, { next, confirmedReason }: Prepared): number {
  const at = isoNow(ctx);
  if (existing === null) {
    const { lastInsertRowid } = ctx.db
      .prepare(
        `INSERT INTO subsidy (budget_year, qrr_id, source, action_codes, beneficiary_name, siret, rna, title, requested_cents,
           granted_cents, cofinancing_cents, decision_kind, decision_number, decision_date, chorus_ej, report_due_date,
           report_received_date, documents, status, over_envelope_reason, comment, created_at, updated_at)
         VALUES (@budgetYear, @qrrId, @source, @actionCodes, @beneficiaryName, @siret, @rna, @title, @requestedCents,
           @grantedCents, @cofinancingCents, @decisionKind, @decisionNumber, @decisionDate, @chorusEj, @reportDueDate,
           @reportReceivedDate, @documents, @status, @overEnvelopeReason, @comment, @at, @at)`,
      )
      .run({ ...params(next), overEnvelopeReason: confirmedReason, at });
    const id = Number(lastInsertRowid);
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
  ctx.db
    .prepare(
      `UPDATE subsidy SET budget_year = @budgetYear, qrr_id = @qrrId, source = @source, action_codes = @actionCodes,
         beneficiary_name = @beneficiaryName, siret = @siret, rna = @rna, title = @title, requested_cents = @requestedCents,
         granted_cents = @grantedCents, cofinancing_cents = @cofinancingCents, decision_kind = @decisionKind,
         decision_number = @decisionNumber, decision_date = @decisionDate, chorus_ej = @chorusEj,
         report_due_date = @reportDueDate, report_received_date = @reportReceivedDate, documents = @documents,
         status = @status, over_envelope_reason = @overEnvelopeReason, comment = @comment, updated_at = @at
       WHERE id = @id`,
    )
    .run({ ...params(next), overEnvelopeReason: confirmedReason ?? existing.overEnvelopeReason, at, id: existing.id });
  recordAudit(ctx, entries);
  return existing.id;
}

/** Applies one line (checks, then writes); refusals go to `issues` and nothing is written for that line. */
function applyLine(ctx: ServiceContext, line: SubsidyLineInput, issues: Issues): number | null {
  let existing: Stored | null = null;
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
  return prepared ? writeLine(ctx, existing, prepared) : null;
}

/** Creates (no id) or patches (id) one subsidy. */
export function saveSubsidy(ctx: ServiceContext, line: SubsidyLineInput): SubsidyRecord {
  return ctx.db.transaction(() => {
    const issues = new Issues();
    const id = applyLine(ctx, line, issues);
    refuseIfIssues(issues);
    return getSubsidy(ctx, id!);
  }).immediate();
}

/** Lines pasted from a spreadsheet: all saved, in order, or none (issues name `lines.<index>.<field>`). */
export function saveSubsidies(ctx: ServiceContext, lines: readonly SubsidyLineInput[]): SubsidyRecord[] {
  return ctx.db.transaction(() => {
    const issues = new Issues();
    const ids: number[] = [];
    lines.forEach((line, index) => {
      const id = applyLine(ctx, line, issues.scoped(`lines.${index}.`));
      if (id !== null) ids.push(id);
    });
    refuseIfIssues(issues, (issue) => {
      const m = /^lines\.(\d+)\./.exec(issue.path);
      return m ? `Ligne ${Number(m[1]) + 1}` : null;
    });
    return ids.map((id) => getSubsidy(ctx, id));
  }).immediate();
}

/** Only a subsidy without payments: once money went out, the line stays (cancel it or correct the payments). */
export function deleteSubsidy(ctx: ServiceContext, id: number): { deleted: number } {
  return ctx.db.transaction(() => {
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
    ctx.db.prepare('DELETE FROM subsidy WHERE id = ?').run(id);
    recordAudit(ctx, [
      { entity: SUBSIDY_ENTITY, entityId: id, action: 'delete', oldValue: { ...fieldsOf(existing), overEnvelopeReason: existing.overEnvelopeReason } },
    ]);
    return { deleted: id };
  }).immediate();
}
