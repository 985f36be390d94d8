import { indicator0502ByQrr } from '../../shared/domain/fipd';
import { followupTextProblem, TYPED_COMMENTS } from '../../shared/domain/followup-limits';
import { validateIndicatorValue } from '../../shared/domain/indicator-values';
import { listSubsidies } from './fipd/subsidies';
import type {
  ActionStatus,
  ActionStatusRecord,
  AssessmentRecord,
  IndicatorValuePayload,
  IndicatorValueRecord,
  Meteo,
  Trend,
} from '../../shared/domain/types';
import type { Indicator } from '../../shared/referential/types';
import { DomainError, type FieldIssue } from '../../shared/ipc/result';
import { isoNow, type ServiceContext } from './context';
import { keyId, readKeyedRows, writeKeyed, writeKeyedBatch, type KeyedRowAfter, type KeyedWrite } from './keyed-record';
import { INDICATOR_VALUES, type IndicatorValueFields } from './db/tables/indicator-value';
import { ACTION_STATUSES, type ActionStatusFields } from './db/tables/action-status';
import { prepared } from './db/statement-cache';
import { readDb, writeTransaction } from './db/query';
import { ASSESSMENTS, selectAssessmentsOfPeriod, selectAssessmentsOfQrr, type AssessmentFields } from './db/tables/assessment';
import { requireWritablePeriod } from './periods';
import { readReferential } from './referential';
import { getSettings } from './settings';

/*
 * What is followed each quarter in each QRR: indicator values, action
 * statuses, engagement assessments. Every save is a batch applied in one
 * transaction, all or nothing: a paste of 40 cells with one bad cell writes
 * nothing and names the bad cell.
 */

const unjson = (v: unknown): IndicatorValuePayload | null => (v === null ? null : (JSON.parse(v as string) as IndicatorValuePayload));

type ValueFields = IndicatorValueFields;
type StatusFields = ActionStatusFields;

export const valueEntityId = (qrrId: number, code: string, period: string): string => `${qrrId}|${code}|${period}`;

/** The QRRs a batch may write to: existing and not archived. */
function requireActiveQrrs(ctx: ServiceContext, ids: Iterable<number>, pathOf: (id: number) => string): FieldIssue[] {
  const get = prepared(ctx.db, 'SELECT name, archived_at AS archivedAt FROM qrr WHERE id = ?');
  const issues: FieldIssue[] = [];
  for (const id of new Set(ids)) {
    const row = get.get(id) as { name: string; archivedAt: string | null } | undefined;
    if (!row) issues.push({ path: pathOf(id), message: `Le quartier n° ${id} n'existe pas.` });
    else if (row.archivedAt) issues.push({ path: pathOf(id), message: `Le quartier « ${row.name} » est archivé : ses données ne peuvent plus être modifiées.` });
  }
  return issues;
}

function refuseIfIssues(issues: FieldIssue[]): void {
  if (issues.length === 0) return;
  const message =
    issues.length === 1
      ? issues[0]!.message
      : `${issues.length} saisies sont invalides ; rien n'a été enregistré. Première erreur : ${issues[0]!.message}`;
  throw new DomainError('VALIDATION', message, issues);
}

/** Texts longer than the IPC schemas allow (the same limits: an import is no looser than typing). */
function textIssues(index: number, texts: Partial<Record<'comment' | 'source' | 'referent', string | undefined>>): FieldIssue[] {
  return (Object.entries(texts) as ['comment' | 'source' | 'referent', string | undefined][]).flatMap(([field, text]) => {
    const problem = text === undefined ? null : followupTextProblem(field, text);
    return problem ? [{ path: `changes.${index}.${field}`, message: problem }] : [];
  });
}

export interface IndicatorValueChange {
  readonly qrrId: number;
  readonly indicatorCode: string;
  readonly value?: unknown;
  readonly target?: unknown;
  readonly comment?: string;
  readonly source?: string;
}

/** Indicator 05-02 (associations supported, amounts) is not typed: it is computed from the FIPD credits. */
export const COMPUTED_INDICATOR = '05-02';
export const COMPUTED_SOURCE = 'Calculé depuis les crédits FIPD';

export function computed0502(ctx: ServiceContext, periodCode: string): Map<number, { count: number; amountCents: number }> {
  const year = Number(periodCode.slice(0, 4));
  return indicator0502ByQrr(listSubsidies(ctx, { budgetYear: year }), periodCode);
}

/**
 * Stores the computed 05-02 of a quarter as its value (audited), so a
 * transmitted quarter keeps the figures it was transmitted with even if
 * subsidies change later. Run in the transmission's transaction.
 */
export function freezeComputedValues(ctx: ServiceContext, periodCode: string): void {
  for (const [qrrId, value] of computed0502(ctx, periodCode)) {
    writeKeyed(
      ctx,
      INDICATOR_VALUES,
      {
        key: { qrr_id: qrrId, indicator_code: COMPUTED_INDICATOR, period_code: periodCode },
        entityId: valueEntityId(qrrId, COMPUTED_INDICATOR, periodCode),
      },
      { value, source: COMPUTED_SOURCE },
    );
  }
}

/** Which quartiers a list reads: one, several (the grid's shown ones), or all when undefined. */
export type QrrFilter = number | readonly number[] | undefined;
const filterTest = (filter: QrrFilter): ((id: number) => boolean) => {
  if (filter === undefined) return () => true;
  if (typeof filter === 'number') return (id) => id === filter;
  const ids = new Set(filter);
  return (id) => ids.has(id);
};
/** The SQL condition and its parameter for a QrrFilter (a list travels as JSON: one statement whatever its length). */
const qrrCondition = (filter: QrrFilter): { sql: string; qrrIds: string | number | null } =>
  filter === undefined
    ? { sql: '', qrrIds: null }
    : typeof filter === 'number'
      ? { sql: 'AND qrr_id = @qrrIds', qrrIds: filter }
      : { sql: 'AND qrr_id IN (SELECT value FROM json_each(@qrrIds))', qrrIds: JSON.stringify(filter) };

export function listIndicatorValues(ctx: ServiceContext, periodCode: string, qrrId?: QrrFilter): IndicatorValueRecord[] {
  const stored = listStoredIndicatorValues(ctx, periodCode, qrrId);
  // A transmitted quarter shows what was transmitted (05-02 was frozen then), not what subsidies say today.
  const state = ctx.db.prepare('SELECT state FROM period WHERE code = ?').pluck().get(periodCode);
  const computed = state === 'transmitted' ? new Map<number, { count: number; amountCents: number }>() : computed0502(ctx, periodCode);
  if (computed.size === 0) return stored;
  const out = stored.filter((r) => !(r.indicatorCode === COMPUTED_INDICATOR && computed.has(r.qrrId)));
  // Looked up in a Map (a find per quartier is quadratic at national scale).
  const typedById = new Map(stored.filter((r) => r.indicatorCode === COMPUTED_INDICATOR).map((r) => [r.qrrId, r] as const));
  const wanted = filterTest(qrrId);
  for (const [id, value] of computed) {
    if (!wanted(id)) continue;
    const typed = typedById.get(id);
    out.push({
      qrrId: id,
      indicatorCode: COMPUTED_INDICATOR,
      periodCode,
      value,
      target: typed?.target ?? null,
      comment: typed?.comment ?? '',
      source: COMPUTED_SOURCE,
      updatedAt: typed?.updatedAt ?? new Date(0).toISOString(),
      updatedBy: 'Crédits FIPD',
      computed: true,
    });
  }
  // Codes are ASCII « 01-02 »: a plain comparison orders them as SQLite does, without localeCompare's cost.
  return out.sort((a, b) => a.qrrId - b.qrrId || (a.indicatorCode < b.indicatorCode ? -1 : a.indicatorCode > b.indicatorCode ? 1 : 0));
}

function listStoredIndicatorValues(ctx: ServiceContext, periodCode: string, qrrId?: QrrFilter): IndicatorValueRecord[] {
  const where = qrrCondition(qrrId);
  const rows = prepared(
    ctx.db,
      `SELECT qrr_id AS qrrId, indicator_code AS indicatorCode, period_code AS periodCode, value, target, comment, source,
              updated_at AS updatedAt, updated_by AS updatedBy
       FROM indicator_value WHERE period_code = @periodCode ${where.sql}
       ORDER BY qrr_id, indicator_code`,
    )
    .all({ periodCode, qrrIds: where.qrrIds }) as (Omit<IndicatorValueRecord, 'value' | 'target'> & { value: string | null; target: string | null })[];
  return rows.map((r) => ({ ...r, value: unjson(r.value), target: unjson(r.target) }));
}

export function saveIndicatorValues(ctx: ServiceContext, periodCode: string, changes: readonly IndicatorValueChange[]): IndicatorValueRecord[] {
  return ctx.db.transaction(() => {
    requireWritablePeriod(ctx, periodCode);
    const indicators = new Map<string, Indicator>(
      readReferential(ctx.db).engagements.flatMap((e) => e.indicators.map((i) => [i.code, i] as const)),
    );
    const issues: FieldIssue[] = requireActiveQrrs(
      ctx,
      changes.map((c) => c.qrrId),
      (id) => `changes.${changes.findIndex((c) => c.qrrId === id)}.qrrId`,
    );
    const patches: { change: IndicatorValueChange; patch: Partial<ValueFields> }[] = [];
    const computed = changes.some((c) => c.indicatorCode === COMPUTED_INDICATOR && (c.value !== undefined || c.source !== undefined))
      ? computed0502(ctx, periodCode)
      : new Map();
    changes.forEach((change, index) => {
      if (change.indicatorCode === COMPUTED_INDICATOR && change.value !== undefined && computed.has(change.qrrId)) {
        issues.push({
          path: `changes.${index}.value`,
          message:
            "L'indicateur 05-02 est calculé à partir des subventions enregistrées pour ce trimestre : modifiez-les dans l'écran « Crédits FIPD ».",
        });
        return;
      }
      const indicator = indicators.get(change.indicatorCode);
      if (!indicator) {
        issues.push({ path: `changes.${index}.indicatorCode`, message: `L'indicateur « ${change.indicatorCode} » n'existe pas dans le référentiel.` });
        return;
      }
      const patch: Partial<ValueFields> = {};
      for (const field of ['value', 'target'] as const) {
        const raw = change[field];
        if (raw === undefined) continue;
        if (raw === null) {
          patch[field] = null;
          continue;
        }
        const result = validateIndicatorValue(indicator, raw);
        if (result.ok) patch[field] = isAllNull(result.value) ? null : result.value;
        else
          issues.push(
            ...result.issues.map((issue) => ({
              path: `changes.${index}.${field}${issue.path ? `.${issue.path}` : ''}`,
              message: `Indicateur ${indicator.code}${field === 'target' ? ' (cible)' : ''} : ${lowerFirst(issue.message)}`,
            })),
          );
      }
      if (change.indicatorCode === COMPUTED_INDICATOR && change.source !== undefined && computed.has(change.qrrId)) {
        issues.push({ path: `changes.${index}.source`, message: `La source de l'indicateur 05-02 est « ${COMPUTED_SOURCE} » : elle ne se saisit pas.` });
        return;
      }
      issues.push(...textIssues(index, { comment: change.comment, source: change.source }));
      if (change.comment !== undefined) patch.comment = change.comment.trim();
      if (change.source !== undefined) patch.source = change.source.trim();
      patches.push({ change, patch });
    });
    refuseIfIssues(issues);
    // Read in one statement, written with statements prepared once, audited in multi-row inserts (a 1,000-cell paste, an import).
    const writes = patches.map(({ change, patch }) => ({ write: valueWrite(change.qrrId, change.indicatorCode, periodCode), patch }));
    const { rows } = writeKeyedBatch(ctx, INDICATOR_VALUES, writes);
    // The rows written to, as they are now (a save must not cost more as the quarter fills up): no read back.
    return rowsAfter<IndicatorValueRecord>(writes, rows, 'indicatorCode', periodCode);
  }).immediate();
}

const valueWrite = (qrrId: number, indicatorCode: string, periodCode: string): KeyedWrite => ({
  key: { qrr_id: qrrId, indicator_code: indicatorCode, period_code: periodCode },
  entityId: valueEntityId(qrrId, indicatorCode, periodCode),
});

/**
 * The rows of a batch's keys after it, ordered by quartier then code (as the lists are); a key
 * whose row was emptied (and so deleted) is absent.
 */
function rowsAfter<R>(
  writes: readonly { write: KeyedWrite }[],
  rows: ReadonlyMap<string, KeyedRowAfter<object>>,
  codeField: 'indicatorCode' | 'actionCode',
  periodCode: string,
): R[] {
  // Each key's text, quartier and code computed once (not in the sort's comparisons).
  const keys = new Map<string, { write: KeyedWrite; qrrId: number; code: string }>();
  for (const { write } of writes) {
    const [qrrId, code] = Object.values(write.key) as [number, string];
    keys.set(keyId(write), { write, qrrId, code });
  }
  const sorted = [...keys].sort(([, a], [, b]) => a.qrrId - b.qrrId || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const out: Record<string, unknown>[] = [];
  for (const [id, { qrrId, code }] of sorted) {
    const row = rows.get(id);
    if (row) out.push({ qrrId, [codeField]: code, periodCode, ...row.fields, updatedAt: row.updatedAt, updatedBy: row.updatedBy });
  }
  return out as R[];
}

const isAllNull = (value: IndicatorValuePayload): boolean => Object.values(value).every((v) => v === null || v === '');
const lowerFirst = (s: string): string => (/^[A-ZÀ-Ý][a-zà-ÿ]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

export interface ActionStatusChange {
  readonly qrrId: number;
  readonly actionCode: string;
  readonly status?: ActionStatus | null;
  readonly comment?: string;
  readonly referent?: string;
}

export function listActionStatuses(ctx: ServiceContext, periodCode: string, qrrId?: QrrFilter): ActionStatusRecord[] {
  const where = qrrCondition(qrrId);
  return prepared(
    ctx.db,
      `SELECT qrr_id AS qrrId, action_code AS actionCode, period_code AS periodCode, status, comment, referent,
              updated_at AS updatedAt, updated_by AS updatedBy
       FROM action_status WHERE period_code = @periodCode ${where.sql}
       ORDER BY qrr_id, action_code`,
    )
    .all({ periodCode, qrrIds: where.qrrIds }) as ActionStatusRecord[];
}

export function saveActionStatuses(ctx: ServiceContext, periodCode: string, changes: readonly ActionStatusChange[]): ActionStatusRecord[] {
  return ctx.db.transaction(() => {
    requireWritablePeriod(ctx, periodCode);
    const actions = new Set(readReferential(ctx.db).engagements.flatMap((e) => e.actions.map((a) => a.code)));
    const issues = requireActiveQrrs(ctx, changes.map((c) => c.qrrId), (id) => `changes.${changes.findIndex((c) => c.qrrId === id)}.qrrId`);
    changes.forEach((c, index) => {
      if (!actions.has(c.actionCode)) {
        issues.push({ path: `changes.${index}.actionCode`, message: `L'action « ${c.actionCode} » n'existe pas dans le référentiel.` });
      }
      issues.push(...textIssues(index, { comment: c.comment, referent: c.referent }));
    });
    refuseIfIssues(issues);
    const writes = changes.map((c) => {
      const patch: Partial<StatusFields> = {};
      if (c.status !== undefined) patch.status = c.status;
      if (c.comment !== undefined) patch.comment = c.comment.trim();
      if (c.referent !== undefined) patch.referent = c.referent.trim();
      return { write: { key: { qrr_id: c.qrrId, action_code: c.actionCode, period_code: periodCode }, entityId: valueEntityId(c.qrrId, c.actionCode, periodCode) }, patch };
    });
    const { rows } = writeKeyedBatch(ctx, ACTION_STATUSES, writes);
    return rowsAfter<ActionStatusRecord>(writes, rows, 'actionCode', periodCode);
  }).immediate();
}

export interface AssessmentChange {
  readonly qrrId: number;
  readonly engagementCode: string;
  readonly meteo?: Meteo;
  readonly trend?: Trend | null;
  readonly comment?: string;
  /** Typed comments next to the synthesis: freins, actions à venir, réussites. */
  readonly obstacles?: string;
  readonly nextSteps?: string;
  readonly successes?: string;
}

export function listAssessments(ctx: ServiceContext, periodCode: string, qrrId?: number): AssessmentRecord[] {
  const db = readDb(ctx);
  return qrrId === undefined ? db.all(selectAssessmentsOfPeriod, { periodCode }) : db.all(selectAssessmentsOfQrr, { periodCode, qrrId });
}

/** A changed synthesis comment is signed and dated automatically (PILOTE: « commentaire daté avec son auteur »). */
export function saveAssessment(ctx: ServiceContext, periodCode: string, change: AssessmentChange): AssessmentRecord | null {
  return saveAssessments(ctx, periodCode, [change])[0] ?? null;
}

/**
 * Several assessments of a quarter in one transaction (an import): checked as saveAssessment
 * checks one, all or nothing, the rows read once and written in one batch. Answers each
 * change's row after the batch (null when it is empty), in the changes' order.
 */
export function saveAssessments(ctx: ServiceContext, periodCode: string, changes: readonly AssessmentChange[]): (AssessmentRecord | null)[] {
  return writeTransaction(ctx, () => {
    requireWritablePeriod(ctx, periodCode);
    refuseIfIssues(requireActiveQrrs(ctx, changes.map((c) => c.qrrId), () => 'qrrId'));
    const engagements = new Set(readReferential(ctx.db).engagements.map((e) => e.code));
    const unknown = changes.find((c) => !engagements.has(c.engagementCode));
    if (unknown) refuseIfIssues([{ path: 'engagementCode', message: `L'engagement « ${unknown.engagementCode} » n'existe pas.` }]);
    const texts = [['comment', 'assessmentComment'] as const, ...TYPED_COMMENTS.map((t) => [t, t] as const)];
    refuseIfIssues(
      changes.flatMap((change) =>
        texts.flatMap(([field, kind]) => {
          const value = change[field];
          const problem = value === undefined ? null : followupTextProblem(kind, value);
          return problem ? [{ path: field, message: problem }] : [];
        }),
      ),
    );
    const author = changes.some((c) => c.comment !== undefined && c.comment.trim() !== '') ? getSettings(ctx)?.coordinatorName || ctx.osUser : '';
    const writes = changes.map((change) => ({ write: assessmentWrite(change, periodCode), patch: assessmentPatch(ctx, change, author) }));
    // Re-saving the same comment must not re-sign it (the rows as they are before the batch, read in one statement).
    const current = readKeyedRows(ctx, ASSESSMENTS, writes.map((w) => w.write));
    for (const { write, patch } of writes) {
      if (patch.comment !== undefined && patch.comment === current.get(keyId(write))?.fields.comment) {
        delete patch.comment;
        delete patch.commentAuthor;
        delete patch.commentDate;
      }
    }
    const { rows } = writeKeyedBatch(ctx, ASSESSMENTS, writes);
    return writes.map(({ write }) => {
      const row = rows.get(keyId(write));
      return row
        ? { qrrId: write.key.qrr_id as number, engagementCode: write.key.engagement_code as string, periodCode, ...row.fields, updatedAt: row.updatedAt, updatedBy: row.updatedBy }
        : null;
    });
  });
}

const assessmentWrite = (change: AssessmentChange, periodCode: string): KeyedWrite => ({
  key: { qrr_id: change.qrrId, engagement_code: change.engagementCode, period_code: periodCode },
  entityId: valueEntityId(change.qrrId, change.engagementCode, periodCode),
});

function assessmentPatch(ctx: ServiceContext, change: AssessmentChange, author: string): Partial<AssessmentFields> {
  const patch: Partial<AssessmentFields> = {};
  if (change.meteo !== undefined) patch.meteo = change.meteo;
  if (change.trend !== undefined) patch.trend = change.trend;
  for (const typed of TYPED_COMMENTS) {
    if (change[typed] !== undefined) patch[typed] = change[typed].trim();
  }
  if (change.comment !== undefined) {
    patch.comment = change.comment.trim();
    patch.commentAuthor = patch.comment === '' ? '' : author;
    patch.commentDate = patch.comment === '' ? null : isoNow(ctx);
  }
  return patch;
}
