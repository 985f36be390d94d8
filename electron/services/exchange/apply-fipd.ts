import { PAID_STATUSES, type SubsidyLineInput, type SubsidyStatus } from '../../../shared/domain/fipd';
import { WHOLE_RECORD } from '../../../shared/exchange/diff-fipd';
import type { ExchangeLine } from '../../../shared/exchange/diff';
import type { ExchangeDocument, ExchangePayment, ExchangeSubsidy } from '../../../shared/exchange/format';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { listEnvelopes, setEnvelope } from '../fipd/envelopes';
import { addPayment, PAYMENT_ENTITY } from '../fipd/payments';
import { saveSubsidy, SUBSIDY_ENTITY } from '../fipd/subsidies';
import type { Attempt } from './attempt';
import { prepared } from '../db/statement-cache';

/*
 * Applying the FIPD lines taken from an import, inside the import's
 * transaction, through the FIPD services (their checks and ledger rules hold:
 * a subsidy beyond the envelope without the sender's reason, or payments
 * beyond the grant, are refused with their French message). Each envelope,
 * subsidy, payment and status is one `attempt` (write-import.ts): refused
 * alone, its lines marked refused.
 * Order: envelopes, then subsidies, then payments, then the statuses payments
 * do not explain (a subsidy « soldée » by hand).
 * The uid of every created subsidy and payment is the sender's, so the next
 * file from the same colleague recognises them.
 */

type Row = { qrrId: number; fields: Record<string, unknown> };

const paymentOrder = (a: ExchangePayment, b: ExchangePayment): number =>
  a.paidOn.localeCompare(b.paidOn) || Number(a.kind === 'solde') - Number(b.kind === 'solde') || a.uid.localeCompare(b.uid);

function setUid(ctx: ServiceContext, table: 'subsidy' | 'subsidy_payment', id: number, uid: string): void {
  const entity = table === 'subsidy' ? SUBSIDY_ENTITY : PAYMENT_ENTITY;
  const previous = prepared(ctx.db, `SELECT uid FROM ${table} WHERE id = ?`, { pluck: true }).get(id) as string;
  prepared(ctx.db, `UPDATE ${table} SET uid = ? WHERE id = ?`).run(uid, id);
  recordAudit(ctx, [{ entity, entityId: id, action: 'update', field: 'uid', oldValue: previous, newValue: uid }]);
}

function addOnePayment(ctx: ServiceContext, subsidyId: number, p: ExchangePayment): void {
  addPayment(ctx, { subsidyId, paidOn: p.paidOn, amountCents: p.amountCents, kind: p.kind, comment: p.comment });
  const id = prepared(ctx.db, 'SELECT max(id) FROM subsidy_payment WHERE subsidy_id = ?', { pluck: true }).get(subsidyId) as number;
  setUid(ctx, 'subsidy_payment', id, p.uid);
}

function addPayments(ctx: ServiceContext, subsidyId: number, payments: readonly ExchangePayment[]): void {
  for (const p of [...payments].sort(paymentOrder)) addOnePayment(ctx, subsidyId, p);
}

const statusOf = (ctx: ServiceContext, id: number): SubsidyStatus => prepared(ctx.db, 'SELECT status FROM subsidy WHERE id = ?', { pluck: true }).get(id) as SubsidyStatus;

/** A subsidy unknown here, with its payments. */
function createSubsidy(ctx: ServiceContext, qrrId: number, s: ExchangeSubsidy): void {
  // « versée » and « soldée » follow from payments: created as attribuée, the payments move it.
  const initial: SubsidyStatus = PAID_STATUSES.includes(s.status) ? 'attribuee' : s.status;
  const line: SubsidyLineInput = {
    budgetYear: s.budgetYear,
    qrrId,
    source: s.source,
    actionCodes: s.actionCodes,
    beneficiaryName: s.beneficiaryName,
    siret: s.siret,
    rna: s.rna,
    title: s.title,
    requestedCents: s.requestedCents,
    grantedCents: s.grantedCents,
    cofinancingCents: s.cofinancingCents,
    decisionKind: s.decisionKind,
    decisionNumber: s.decisionNumber,
    decisionDate: s.decisionDate,
    chorusEj: s.chorusEj,
    reportDueDate: s.reportDueDate,
    reportReceivedDate: s.reportReceivedDate,
    documents: s.documents,
    status: initial,
    comment: s.comment,
    ...(s.overEnvelopeReason ? { overEnvelopeReason: s.overEnvelopeReason } : {}),
  };
  const created = saveSubsidy(ctx, line);
  setUid(ctx, 'subsidy', created.id, s.uid);
  addPayments(ctx, created.id, s.payments);
  if (statusOf(ctx, created.id) !== s.status) saveSubsidy(ctx, { id: created.id, status: s.status });
}

export interface FipdApplied {
  readonly envelopes: number;
  readonly subsidiesCreated: number;
  readonly subsidiesUpdated: number;
  readonly payments: number;
}

export function applyFipdLines(
  ctx: ServiceContext,
  document: ExchangeDocument,
  take: readonly ExchangeLine[],
  qrrIds: ReadonlyMap<string, number>,
  attempt: Attempt,
): FipdApplied {
  const byTable = (table: ExchangeLine['table']) => take.filter((l) => l.table === table);
  const subsidies = new Map(document.subsidies.map((s) => [s.uid, s]));

  // Envelopes: one write per envelope with the fields taken; the others stay as they are here.
  const envelopes = new Map<string, Row & { qrrKey: string; year: number; source: string; keys: string[] }>();
  for (const l of byTable('fipd_envelope')) {
    const id = `${l.qrrKey}|${l.periodCode}|${l.code}`;
    const row = envelopes.get(id) ?? { qrrKey: l.qrrKey, qrrId: qrrIds.get(l.qrrKey)!, year: Number(l.periodCode), source: l.code, fields: {}, keys: [] };
    row.fields[l.field] = l.theirs.value;
    row.keys.push(l.key);
    envelopes.set(id, row);
  }
  let envelopesWritten = 0;
  for (const row of envelopes.values()) {
    if (!attempt(row.keys, () => {
    const incoming = document.fipdEnvelopes.find((e) => e.qrrKey === row.qrrKey && e.budgetYear === row.year && e.source === row.source)!;
    const here = listEnvelopes(ctx, { budgetYear: row.year, qrrId: row.qrrId }).find((e) => e.source === row.source);
    setEnvelope(ctx, {
      qrrId: row.qrrId,
      budgetYear: row.year,
      source: incoming.source,
      amountCents: (row.fields.amountCents as number | undefined) ?? here?.amountCents ?? 0,
      ...('decidedOn' in row.fields ? { decidedOn: row.fields.decidedOn as string } : {}),
      ...('comment' in row.fields ? { comment: row.fields.comment as string } : {}),
      ...(incoming.overEnvelopeReason ? { overEnvelopeReason: incoming.overEnvelopeReason } : {}),
    });
    }))
      continue;
    envelopesWritten++;
  }

  // Subsidies.
  let subsidiesCreated = 0;
  const updates = new Map<string, { fields: Record<string, unknown>; keys: Record<string, string> }>();
  // In the sender's order of creation: the envelope checks then see the same sequence of commitments as they did.
  const created = (l: ExchangeLine): string => `${subsidies.get(l.code)!.createdAt}|${l.code}`;
  for (const l of [...byTable('subsidy')].sort((x, y) => created(x).localeCompare(created(y)))) {
    if (l.field === WHOLE_RECORD) {
      if (attempt([l.key], () => createSubsidy(ctx, qrrIds.get(l.qrrKey)!, subsidies.get(l.code)!))) subsidiesCreated++;
    } else {
      const u = updates.get(l.code) ?? { fields: {}, keys: {} };
      u.fields[l.field] = l.theirs.value;
      u.keys[l.field] = l.key;
      updates.set(l.code, u);
    }
  }
  const idOf = (uid: string): number => prepared(ctx.db, 'SELECT id FROM subsidy WHERE uid = ?', { pluck: true }).get(uid) as number;
  const pendingStatus = new Map<number, { status: SubsidyStatus; key: string }>();
  let subsidiesUpdated = 0;
  for (const [uid, { fields, keys }] of updates) {
    const { status, ...rest } = fields as { status?: SubsidyStatus } & Record<string, unknown>;
    const id = idOf(uid);
    const restKeys = Object.keys(rest).map((f) => keys[f]!);
    let updated = false;
    if (restKeys.length > 0) {
      updated = attempt(restKeys, () => saveSubsidy(ctx, { id, ...(rest as Omit<SubsidyLineInput, 'id'>), ...overEnvelope(subsidies.get(uid)!) }));
    }
    if (status !== undefined) pendingStatus.set(id, { status, key: keys.status! });
    if (updated || status !== undefined) subsidiesUpdated++;
  }

  // Payments of subsidies known here, then the statuses taken that payments did not already give.
  const newPayments = new Map<string, { payment: ExchangePayment; key: string }[]>();
  for (const l of byTable('subsidy_payment')) {
    const parent = subsidies.get(l.parent!)!;
    newPayments.set(parent.uid, [...(newPayments.get(parent.uid) ?? []), { payment: parent.payments.find((p) => p.uid === l.code)!, key: l.key }]);
  }
  let payments = 0;
  for (const [uid, list] of newPayments) {
    const subsidyId = idOf(uid);
    for (const { payment, key } of [...list].sort((a, b) => paymentOrder(a.payment, b.payment))) {
      if (attempt([key], () => addOnePayment(ctx, subsidyId, payment))) payments++;
    }
  }
  for (const [id, { status, key }] of pendingStatus) {
    attempt([key], () => {
      if (statusOf(ctx, id) !== status) saveSubsidy(ctx, { id, status });
    });
  }
  return { envelopes: envelopesWritten, subsidiesCreated, subsidiesUpdated, payments };
}

const overEnvelope = (s: ExchangeSubsidy): { overEnvelopeReason?: string } => (s.overEnvelopeReason ? { overEnvelopeReason: s.overEnvelopeReason } : {});
