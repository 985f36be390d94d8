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
import { writeKeyed, type KeyedTable } from './keyed-record';
import { withAuditBatch } from './audit';
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

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const unjson = (v: unknown): IndicatorValuePayload | null => (v === null ? null : (JSON.parse(v as string) as IndicatorValuePayload));

type ValueFields = { value: IndicatorValuePayload | null; target: IndicatorValuePayload | null; comment: string; source: string };
const VALUES: KeyedTable<ValueFields> = {
  table: 'indicator_value',
  entity: 'indicator_value',
  columns: { value: 'value', target: 'target', comment: 'comment', source: 'source' },
  empty: { value: null, target: null, comment: '', source: '' },
  encode: { value: json, target: json },
  decode: { value: unjson, target: unjson },
};

type StatusFields = { status: ActionStatus | null; comment: string; referent: string };
const STATUSES: KeyedTable<StatusFields> = {
  table: 'action_status',
  entity: 'action_status',
  columns: { status: 'status', comment: 'comment', referent: 'referent' },
  empty: { status: null, comment: '', referent: '' },
};

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
      VALUES,
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
    // The batch's audit rows go in together at the end (a 1,000-cell paste, an import).
    withAuditBatch(ctx, () => {
      for (const { change, patch } of patches) {
        writeKeyed(
          ctx,
          VALUES,
          {
            key: { qrr_id: change.qrrId, indicator_code: change.indicatorCode, period_code: periodCode },
            entityId: valueEntityId(change.qrrId, change.indicatorCode, periodCode),
          },
          patch,
        );
      }
    });
    // Read back only the rows written to (by key, one statement): a save must not cost more as the quarter fills up.
    return readBack(ctx, 'indicator_value', 'indicator_code', periodCode, changes.map((c) => [c.qrrId, c.indicatorCode])).map(
      (r) => ({ ...r, value: unjson(r.value), target: unjson(r.target) }) as IndicatorValueRecord,
    );
  }).immediate();
}

const isAllNull = (value: IndicatorValuePayload): boolean => Object.values(value).every((v) => v === null || v === '');
const lowerFirst = (s: string): string => (/^[A-ZÀ-Ý][a-zà-ÿ]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** The columns a follow-up list reads, per table (raw: values and targets still JSON text). */
const READ_BACK_COLUMNS = {
  indicator_value: `qrr_id AS qrrId, indicator_code AS indicatorCode, period_code AS periodCode, value, target, comment, source,
              updated_at AS updatedAt, updated_by AS updatedBy`,
  action_status: `qrr_id AS qrrId, action_code AS actionCode, period_code AS periodCode, status, comment, referent,
              updated_at AS updatedAt, updated_by AS updatedBy`,
} as const;

/**
 * The rows of these (quartier, code) keys after a save, in the list's order; a key whose row was
 * emptied (and so deleted) is absent. Looked up by primary key from a JSON list: one statement.
 */
function readBack(
  ctx: ServiceContext,
  table: keyof typeof READ_BACK_COLUMNS,
  codeColumn: 'indicator_code' | 'action_code',
  periodCode: string,
  keys: readonly (readonly [number, string])[],
): Record<string, unknown>[] {
  return prepared(
    ctx.db,
    `SELECT ${READ_BACK_COLUMNS[table]} FROM ${table}
       WHERE period_code = @periodCode
         AND (qrr_id, ${codeColumn}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@keys))
       ORDER BY qrr_id, ${codeColumn}`,
  ).all({ periodCode, keys: JSON.stringify(keys) }) as Record<string, unknown>[];
}

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
    withAuditBatch(ctx, () => {
      for (const c of changes) {
        const patch: Partial<StatusFields> = {};
        if (c.status !== undefined) patch.status = c.status;
        if (c.comment !== undefined) patch.comment = c.comment.trim();
        if (c.referent !== undefined) patch.referent = c.referent.trim();
        writeKeyed(ctx, STATUSES, { key: { qrr_id: c.qrrId, action_code: c.actionCode, period_code: periodCode }, entityId: valueEntityId(c.qrrId, c.actionCode, periodCode) }, patch);
      }
    });
    return readBack(ctx, 'action_status', 'action_code', periodCode, changes.map((c) => [c.qrrId, c.actionCode])) as unknown as ActionStatusRecord[];
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
  return writeTransaction(ctx, () => {
    requireWritablePeriod(ctx, periodCode);
    refuseIfIssues(requireActiveQrrs(ctx, [change.qrrId], () => 'qrrId'));
    if (!readReferential(ctx.db).engagements.some((e) => e.code === change.engagementCode)) {
      refuseIfIssues([{ path: 'engagementCode', message: `L'engagement « ${change.engagementCode} » n'existe pas.` }]);
    }
    const texts = [['comment', 'assessmentComment'] as const, ...TYPED_COMMENTS.map((t) => [t, t] as const)];
    refuseIfIssues(
      texts.flatMap(([field, kind]) => {
        const value = change[field];
        const problem = value === undefined ? null : followupTextProblem(kind, value);
        return problem ? [{ path: field, message: problem }] : [];
      }),
    );
    const patch: Partial<AssessmentFields> = {};
    if (change.meteo !== undefined) patch.meteo = change.meteo;
    if (change.trend !== undefined) patch.trend = change.trend;
    for (const typed of TYPED_COMMENTS) {
      if (change[typed] !== undefined) patch[typed] = change[typed].trim();
    }
    if (change.comment !== undefined) {
      patch.comment = change.comment.trim();
      patch.commentAuthor = patch.comment === '' ? '' : getSettings(ctx)?.coordinatorName || ctx.osUser;
      patch.commentDate = patch.comment === '' ? null : isoNow(ctx);
    }
    const write = {
      key: { qrr_id: change.qrrId, engagement_code: change.engagementCode, period_code: periodCode },
      entityId: valueEntityId(change.qrrId, change.engagementCode, periodCode),
    };
    // Re-saving the same comment must not re-sign it.
    const current = listAssessments(ctx, periodCode, change.qrrId).find((a) => a.engagementCode === change.engagementCode);
    if (current && patch.comment === current.comment) {
      delete patch.comment;
      delete patch.commentAuthor;
      delete patch.commentDate;
    }
    writeKeyed(ctx, ASSESSMENTS, write, patch);
    return listAssessments(ctx, periodCode, change.qrrId).find((a) => a.engagementCode === change.engagementCode) ?? null;
  });
}
