import { FUNDING_SOURCE_LABELS, normaliseRna, normaliseSiret, SUBSIDY_CONTENT_FIELDS, SUBSIDY_DOCUMENTS, SUBSIDY_STATUS_LABELS } from '../domain/fipd';
import { formatDate } from '../format/fr';
import { formatEurosFromCents } from '../format/number-fr';
import { canonicalEqual, type ExchangeDocument, type ExchangeSubsidy } from './format';

/*
 * The FIPD part of an import's preview (pure). Lines are keyed by budget year
 * (in ExchangeLine.periodCode) rather than by quarter:
 *   - envelope (QRR × year × source): one line per field;
 *   - subsidy known here (same uid): one line per field that differs or is new;
 *   - subsidy unknown here: ONE line for the whole subsidy with its payments
 *     (field `*`): it is taken or left as a whole — half a subsidy means nothing;
 *   - payment of a subsidy known here: one line per payment not recorded here
 *     (payments are never edited, only added or deleted, so a known uid is identical).
 * The transmitted state of a quarter does not lock credits (they follow the
 * budget year, not the quarter); an archived QRR does.
 */

export const FIPD_ENVELOPE_FIELDS = ['amountCents', 'decidedOn', 'comment'] as const;
export const SUBSIDY_FIELDS = SUBSIDY_CONTENT_FIELDS;
/** The field of a line that stands for a whole record (a subsidy with its payments, a payment). */
export const WHOLE_RECORD = '*';

/** A local FIPD record as the preview needs it. */
export interface LocalFipdRow {
  readonly qrrId: number;
  /** Envelope: its source; subsidy and payment: their uid. */
  readonly code: string;
  readonly budgetYear: number;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface LocalFipdData {
  readonly fipd_envelope: readonly LocalFipdRow[];
  readonly subsidy: readonly LocalFipdRow[];
  readonly subsidy_payment: readonly LocalFipdRow[];
}

export const EMPTY_LOCAL_FIPD: LocalFipdData = { fipd_envelope: [], subsidy: [], subsidy_payment: [] };

/** Nothing entered: null, '', [] or 0 € (the default of every amount). */
export function isEmptyFipdValue(field: string, value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return field.endsWith('Cents') && value === 0;
}

const euros = formatEurosFromCents;

/** « Association X — Soutien scolaire — 12 000,00 € attribués (versée, 1 versement) ». */
export function subsidySummary(s: ExchangeSubsidy): string {
  const paid = s.payments.reduce((sum, p) => sum + p.amountCents, 0);
  const payments = s.payments.length === 0 ? '' : `, ${s.payments.length} versement${s.payments.length > 1 ? 's' : ''} (${euros(paid)})`;
  const amount = s.grantedCents > 0 ? `${euros(s.grantedCents)} attribués` : `${euros(s.requestedCents)} demandés`;
  return `${s.beneficiaryName} — ${s.title} — ${FUNDING_SOURCE_LABELS[s.source]} ${s.budgetYear} — ${amount} (${SUBSIDY_STATUS_LABELS[s.status].toLowerCase()}${payments})`;
}

export function paymentSummary(p: ExchangeSubsidy['payments'][number]): string {
  return `Versement de ${euros(p.amountCents)} le ${formatDate(p.paidOn)} (${p.kind})${p.comment ? ` — ${p.comment}` : ''}`;
}

/** Problems of the FIPD part of a document in itself (French), before comparing anything. */
export function fipdConsistencyProblem(doc: ExchangeDocument, describedQrrs: ReadonlySet<string>, actionCodes: readonly string[]): string | null {
  const envelopes = new Set<string>();
  for (const e of doc.fipdEnvelopes) {
    if (!describedQrrs.has(e.qrrKey)) return `Le fichier contient une enveloppe d'un quartier qu'il ne décrit pas (« ${e.qrrKey} »).`;
    const key = `${e.qrrKey}|${e.budgetYear}|${e.source}`;
    if (envelopes.has(key)) return `Le fichier contient deux fois l'enveloppe ${FUNDING_SOURCE_LABELS[e.source]} ${e.budgetYear} d'un même quartier.`;
    envelopes.add(key);
  }
  const uids = new Set<string>();
  const known = new Set(actionCodes);
  for (const s of doc.subsidies) {
    if (!describedQrrs.has(s.qrrKey)) return `Le fichier contient une subvention d'un quartier qu'il ne décrit pas (« ${s.qrrKey} »).`;
    if (uids.has(s.uid)) return `Le fichier contient deux fois la même subvention (« ${s.beneficiaryName} », ${s.title}).`;
    uids.add(s.uid);
    const unknown = s.actionCodes.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      return `La subvention « ${s.title} » cite des actions inconnues du référentiel de cette application : ${unknown.map((c) => `« ${c} »`).join(', ')}.`;
    }
    for (const p of s.payments) {
      if (uids.has(p.uid)) return `Le fichier contient deux fois le même versement (subvention « ${s.title} »).`;
      uids.add(p.uid);
    }
    const paid = s.payments.reduce((sum, p) => sum + p.amountCents, 0);
    if (paid > s.grantedCents) {
      return `La subvention « ${s.title} » a des versements (${euros(paid)}) supérieurs au montant attribué (${euros(s.grantedCents)}).`;
    }
  }
  return null;
}

/** A line of the FIPD part, in the shape of ExchangeLine (see diff.ts). */
export interface FipdLineDraft {
  readonly table: 'fipd_envelope' | 'subsidy' | 'subsidy_payment';
  readonly qrrKey: string;
  readonly code: string;
  readonly budgetYear: number;
  readonly field: string;
  readonly mine: { value: unknown; updatedAt: string | null; updatedBy: string } | null;
  readonly theirs: { value: unknown; updatedAt: string | null; updatedBy: string };
  readonly same: boolean;
  readonly summary?: string;
  /** For a payment: the uid of its subsidy. */
  readonly parent?: string;
}

const same = canonicalEqual;

/**
 * An incoming FIPD field as the FIPD services store it (electron/services/fipd):
 * texts trimmed (names and titles with single spaces), SIRET and RNA
 * normalised, action codes unique in the référentiel's order, documents in
 * their list's order. Compared in this form, a re-imported file is identical.
 */
export function storedFipdValue(field: string, value: unknown, actionOrder: readonly string[]): unknown {
  if (typeof value === 'string') {
    if (field === 'beneficiaryName' || field === 'title') return value.trim().replace(/\s+/g, ' ');
    if (field === 'siret') return value.trim() === '' ? null : normaliseSiret(value);
    if (field === 'rna') return value.trim() === '' ? null : normaliseRna(value);
    return value.trim();
  }
  if (field === 'actionCodes' && Array.isArray(value)) {
    const rank = (c: string): number => (actionOrder.includes(c) ? actionOrder.indexOf(c) : actionOrder.length);
    return [...new Set(value.map((c) => String(c).trim()).filter(Boolean))].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  }
  if (field === 'documents' && Array.isArray(value)) return SUBSIDY_DOCUMENTS.filter((d) => value.includes(d));
  return value;
}

/** The FIPD lines of a document against this database (QRRs matched by the caller: incoming key → local id or null). */
export function diffFipd(
  local: LocalFipdData,
  doc: ExchangeDocument,
  localQrrOf: (qrrKey: string) => number | null,
  actionOrder: readonly string[] = [],
): FipdLineDraft[] {
  const lines: FipdLineDraft[] = [];
  const envelopes = new Map(local.fipd_envelope.map((r) => [`${r.qrrId}|${r.budgetYear}|${r.code}`, r]));
  for (const e of doc.fipdEnvelopes) {
    const qrrId = localQrrOf(e.qrrKey);
    const here = qrrId === null ? undefined : envelopes.get(`${qrrId}|${e.budgetYear}|${e.source}`);
    for (const field of FIPD_ENVELOPE_FIELDS) {
      const theirs = storedFipdValue(field, e[field], actionOrder);
      if (isEmptyFipdValue(field, theirs)) continue;
      const mineValue = here?.fields[field];
      const mine = here && !isEmptyFipdValue(field, mineValue) ? { value: mineValue, updatedAt: here.updatedAt, updatedBy: here.updatedBy } : null;
      lines.push({
        table: 'fipd_envelope',
        qrrKey: e.qrrKey,
        code: e.source,
        budgetYear: e.budgetYear,
        field,
        mine,
        theirs: { value: theirs, updatedAt: e.updatedAt, updatedBy: e.updatedBy },
        same: mine !== null && same(mineValue, theirs),
      });
    }
  }
  const subsidies = new Map(local.subsidy.map((r) => [r.code, r]));
  const payments = new Set(local.subsidy_payment.map((r) => r.code));
  for (const s of doc.subsidies) {
    const here = subsidies.get(s.uid);
    const theirsMeta = { updatedAt: s.updatedAt, updatedBy: s.updatedBy };
    if (!here) {
      lines.push({
        table: 'subsidy',
        qrrKey: s.qrrKey,
        code: s.uid,
        budgetYear: s.budgetYear,
        field: WHOLE_RECORD,
        mine: null,
        theirs: { value: subsidySummary(s), ...theirsMeta },
        same: false,
        summary: subsidySummary(s),
      });
      continue;
    }
    for (const field of SUBSIDY_FIELDS) {
      const theirs = storedFipdValue(field, s[field], actionOrder);
      if (isEmptyFipdValue(field, theirs)) continue;
      const mineValue = here.fields[field];
      const mine = isEmptyFipdValue(field, mineValue) ? null : { value: mineValue, updatedAt: here.updatedAt, updatedBy: here.updatedBy };
      lines.push({
        table: 'subsidy',
        qrrKey: s.qrrKey,
        code: s.uid,
        budgetYear: s.budgetYear,
        field,
        mine,
        theirs: { value: theirs, ...theirsMeta },
        same: mine !== null && same(mineValue, theirs),
        summary: `${s.beneficiaryName} — ${s.title}`,
      });
    }
    for (const p of s.payments) {
      lines.push({
        table: 'subsidy_payment',
        qrrKey: s.qrrKey,
        code: p.uid,
        budgetYear: s.budgetYear,
        field: WHOLE_RECORD,
        mine: payments.has(p.uid) ? { value: paymentSummary(p), updatedAt: p.createdAt, updatedBy: '' } : null,
        theirs: { value: paymentSummary(p), updatedAt: p.createdAt, updatedBy: s.updatedBy },
        same: payments.has(p.uid),
        summary: `${s.beneficiaryName} — ${s.title} : ${paymentSummary(p)}`,
        parent: s.uid,
      });
    }
  }
  return lines;
}
