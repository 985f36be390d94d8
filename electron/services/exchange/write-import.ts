import type { Meteo, Trend, ActionStatus } from '../../../shared/domain/types';
import { FOLLOWUP_TABLES, type ExchangeLine, type ExchangePreview } from '../../../shared/exchange/diff';
import type { ExchangeAssessment, ExchangeDocument } from '../../../shared/exchange/format';
import { withoutAuditTrail } from '../audit';
import type { ServiceContext } from '../context';
import {
  saveActionStatuses,
  saveAssessments,
  saveIndicatorValues,
  valueEntityId,
  type ActionStatusChange,
  type IndicatorValueChange,
} from '../followup';
import type { Geography } from '../geography';
import { writeKeyedBatch, type KeyedTable } from '../keyed-record';
import { openPeriod, transmitPeriod } from '../periods';
import { createQrrService } from '../qrr';
import { applyFipdLines, type FipdApplied } from './apply-fipd';
import { makeAttempt } from './attempt';
import { boundHeap } from './heap-guard';
import { applyResultsLines } from './apply-results';

/*
 * The writes of an import, shared by the preview and the apply so that both
 * run exactly the same checks: each unit (a QRR created, a row, a subsidy, a
 * payment…) is written through the services' own write paths inside its own
 * savepoint; a unit the services refuse is rolled back alone and its lines are
 * recorded as refused with the service's French message. The preview runs
 * this in a transaction it rolls back; the apply in the transaction it commits
 * (after refusing the whole file, before any backup, when the user did not
 * choose to leave refused lines out). Same database, same lines, same order:
 * same outcome.
 */

export interface WriteOutcome {
  /** Line key → why the application refuses it (French). */
  readonly refused: ReadonlyMap<string, string>;
  readonly qrrIds: ReadonlyMap<string, number>;
  readonly qrrsCreated: number;
  readonly periodsOpened: number;
  /** Periods created by the import as transmitted, as they are in the file (a transmitted quarter stays locked). */
  readonly periodsTransmitted: number;
  readonly fipd: FipdApplied;
}

/** The assessment comment's author and date, as the sender signed them (saveAssessment would sign with the importer's name). */
type Signature = { commentAuthor: string; commentDate: string | null };
const SIGNATURE: KeyedTable<Signature> = {
  table: 'assessment',
  entity: 'assessment',
  columns: { commentAuthor: 'comment_author', commentDate: 'comment_date' },
  empty: { commentAuthor: '', commentDate: null },
};

type Row = { line: ExchangeLine; qrrId: number; fields: Record<string, unknown>; keys: string[] };

/** QRRs whose follow-up is written (and, when refused, retried row by row) together. */
const QRRS_PER_WRITE = 100;

/** Line numbers grouped by a fact of the line, in their order. */
function groupLines(lines: readonly number[], by: (i: number) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const i of lines) {
    const key = by(i);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  return groups;
}

/** The lines of some QRRs in one quarter as rows (one change per table × QRR × code), in the lines' order. */
function rowsOf(lines: readonly ExchangeLine[], qrrIds: ReadonlyMap<string, number>): Row[] {
  const rows = new Map<string, Row>();
  for (const line of lines) {
    const id = `${line.table}|${line.qrrKey}|${line.code}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { line, qrrId: qrrIds.get(line.qrrKey)!, fields: {}, keys: [] }));
    row.fields[line.field] = line.theirs.value;
    row.keys.push(line.key);
  }
  return [...rows.values()];
}

const FOLLOWUP = new Set<string>(FOLLOWUP_TABLES);

/**
 * Must run inside the caller's transaction. `take` holds the numbers of the
 * preview's lines to write (new or conflict, « theirs » chosen). Lines are
 * built (preview-lines.ts) one group of QRRs at a time, never all at once.
 */
export function writeImport(
  ctx: ServiceContext,
  document: ExchangeDocument,
  preview: ExchangePreview,
  take: readonly number[],
  geography: Geography,
): WriteOutcome {
  if (!ctx.db.inTransaction) throw new Error('writeImport must run inside a transaction.');
  const lines = preview.lines;
  const refused = new Map<string, string>();
  const attempt = makeAttempt(ctx, refused);
  const keysOf = (group: readonly number[]) => (): string[] => group.map((i) => lines.keyAt(i));
  const qrrService = createQrrService(geography);
  // Indexes built once: a national file has 1,600 QRRs and ~500,000 lines (no scan of every line per QRR).
  const linesByQrr = groupLines(take, (i) => lines.qrrKeyAt(i));
  const incomingQrrs = new Map(document.qrrs.map((d) => [d.key, d]));

  // Missing QRRs and periods: refused with every line that needs them.
  const qrrIds = new Map<string, number>();
  const qrrsRefused = new Set<string>();
  let qrrsCreated = 0;
  for (const q of preview.qrrs) {
    if (q.localId !== null) {
      qrrIds.set(q.key, q.localId);
      continue;
    }
    const incoming = incomingQrrs.get(q.key)!;
    const keys = keysOf(linesByQrr.get(q.key) ?? []);
    let id: number | null = null;
    const done = attempt(keys, () => {
      id = qrrService.create(ctx, {
        name: incoming.name,
        communes: incoming.communes,
        qpvCodes: incoming.qpvCodes,
        securityZone: incoming.securityZone,
        wave: incoming.wave,
        deleguePrefet: '',
        referents: '',
        population: incoming.population,
        notes: '',
      }).id;
    });
    if (done && id !== null) {
      qrrIds.set(q.key, id);
      qrrsCreated++;
      continue;
    }
    qrrsRefused.add(q.key);
    for (const k of keys()) if (refused.has(k)) refused.set(k, `Le quartier « ${incoming.name} » ne peut pas être créé : ${refused.get(k)!}`);
  }
  // So far only whole QRRs are refused: a line is writable when its QRR exists (and then its period).
  const linesByPeriod = groupLines(
    take.filter((i) => !qrrsRefused.has(lines.qrrKeyAt(i))),
    (i) => lines.periodAt(i),
  );
  const periodsRefused = new Set<string>();
  let periodsOpened = 0;
  for (const p of preview.periods) {
    if (p.localState !== null) continue;
    const pending = linesByPeriod.get(p.code) ?? [];
    // Lines all refused already (their QRRs could not be created): nothing to open.
    const hadLines = take.some((i) => lines.periodAt(i) === p.code);
    if (hadLines && pending.length === 0) continue;
    if (attempt(keysOf(pending), () => openPeriod(ctx, p.code))) periodsOpened++;
    else periodsRefused.add(p.code);
  }
  const writable = take.filter((i) => !qrrsRefused.has(lines.qrrKeyAt(i)) && !periodsRefused.has(lines.periodAt(i)));

  // Follow-up: one change per row, carrying only the fields taken; by quarter, then by group of QRRs, so
  // that only one group's lines and rows are ever built in memory.
  const followup = new Map<string, Map<string, number[]>>();
  for (const i of writable) {
    if (!FOLLOWUP.has(lines.tableAt(i))) continue;
    const period = lines.periodAt(i);
    let byQrr = followup.get(period);
    if (!byQrr) followup.set(period, (byQrr = new Map()));
    const qrrKey = lines.qrrKeyAt(i);
    const group = byQrr.get(qrrKey);
    if (group) group.push(i);
    else byQrr.set(qrrKey, [i]);
  }
  const assessments = new Map(document.assessments.map((a) => [`${a.qrrKey}|${a.engagementCode}|${a.periodCode}`, a]));
  const writeRows = (period: string, list: readonly Row[]): void => {
    const values: IndicatorValueChange[] = list
      .filter((r) => r.line.table === 'indicator_value')
      .map((r) => ({ qrrId: r.qrrId, indicatorCode: r.line.code, ...r.fields }));
    if (values.length > 0) saveIndicatorValues(ctx, period, values);
    const statuses: ActionStatusChange[] = list
      .filter((r) => r.line.table === 'action_status')
      .map((r) => ({ qrrId: r.qrrId, actionCode: r.line.code, ...(r.fields as { status?: ActionStatus; comment?: string; referent?: string }) }));
    if (statuses.length > 0) saveActionStatuses(ctx, period, statuses);
    const rows = list.filter((x) => x.line.table === 'assessment');
    if (rows.length > 0) writeAssessments(ctx, period, rows.map((r) => ({ row: r, incoming: assessments.get(`${r.line.qrrKey}|${r.line.code}|${period}`)! })));
  };
  for (const period of [...followup.keys()].sort()) {
    const byQrr = followup.get(period)!;
    const qrrKeys = [...byQrr.keys()];
    for (let start = 0; start < qrrKeys.length; start += QRRS_PER_WRITE) {
      // The previous group's objects are garbage now: collected before they pile up (heap-guard.ts).
      boundHeap();
      const group = rowsOf(
        qrrKeys.slice(start, start + QRRS_PER_WRITE).flatMap((k) => byQrr.get(k)!.map((i) => lines.at(i))),
        qrrIds,
      );
      // The whole group at once (fast); when refused, row by row, then cell by cell, to refuse only what must be.
      if (attempt(group.flatMap((r) => r.keys), () => writeRows(period, group))) continue;
      for (const k of group.flatMap((r) => r.keys)) refused.delete(k);
      for (const row of group) {
        if (attempt(row.keys, () => writeRows(period, [row]))) continue;
        for (const k of row.keys) refused.delete(k);
        for (const [field, value] of Object.entries(row.fields)) {
          const key = row.keys.find((k) => k.endsWith(`|${field}`))!;
          attempt([key], () => writeRows(period, [{ ...row, fields: { [field]: value }, keys: [key] }]));
        }
      }
    }
  }

  // FIPD and results lines: a few per QRR, kept whole in the preview.
  const perQrr = writable.filter((i) => lines.isWhole(i)).map((i) => lines.at(i));
  const fipd = applyFipdLines(ctx, document, perQrr, qrrIds, attempt);
  applyResultsLines(ctx, perQrr, qrrIds, attempt);

  // Quarters the import created are locked as in the file when the sender transmitted them.
  let periodsTransmitted = 0;
  for (const p of preview.periods) {
    if (p.localState !== null || p.theirState !== 'transmitted') continue;
    transmitPeriod(ctx, p.code);
    periodsTransmitted++;
  }
  return { refused, qrrIds, qrrsCreated, periodsOpened, periodsTransmitted, fipd };
}

/** The assessments of a quarter, in one batch, then their comments signed as the sender signed them. */
function writeAssessments(ctx: ServiceContext, period: string, items: readonly { row: Row; incoming: ExchangeAssessment }[]): void {
  saveAssessments(
    ctx,
    period,
    items.map(({ row }) => ({ qrrId: row.qrrId, engagementCode: row.line.code, ...(row.fields as { meteo?: Meteo; trend?: Trend; comment?: string }) })),
  );
  const signed = items.filter(({ row }) => row.fields.comment !== undefined);
  if (signed.length === 0) return;
  writeKeyedBatch(
    ctx,
    SIGNATURE,
    signed.map(({ row, incoming }) => ({
      write: { key: { qrr_id: row.qrrId, engagement_code: row.line.code, period_code: period }, entityId: valueEntityId(row.qrrId, row.line.code, period) },
      patch: { commentAuthor: incoming.commentAuthor || incoming.updatedBy, commentDate: incoming.commentDate ?? incoming.updatedAt },
    })),
  );
}

const ROLLBACK = Symbol('rollback');

/** Runs the writes of an import and rolls them back: what the apply would refuse, without writing anything. */
export function trialWrite(
  ctx: ServiceContext,
  document: ExchangeDocument,
  preview: ExchangePreview,
  take: readonly number[],
  geography: Geography,
): ReadonlyMap<string, string> {
  let refused: ReadonlyMap<string, string> = new Map();
  try {
    ctx.db.transaction(() => {
      // Rolled back whatever happens: no audit trail to build (audit.ts, withoutAuditTrail).
      refused = withoutAuditTrail(ctx, () => writeImport(ctx, document, preview, take, geography)).refused;
      throw ROLLBACK;
    }).immediate();
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return refused;
}
