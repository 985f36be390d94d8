import type { Database } from 'better-sqlite3';
import { isoNow, type ServiceContext } from './context';
import { prepared } from './db/statement-cache';

export type AuditAction = 'create' | 'update' | 'delete' | 'archive' | 'restore' | 'migrate';

export interface AuditEntry {
  readonly entity: string;
  readonly entityId: string | number;
  readonly action: AuditAction;
  readonly field?: string;
  readonly oldValue?: unknown;
  readonly newValue?: unknown;
}

/** Values are stored as JSON so a number, a text and a list read back exactly as they were. */
const encode = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

const COLUMNS = '(at, os_user, origin, entity, entity_id, action, field, old_value, new_value)';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per multi-row INSERT (9 parameters each, far below SQLite's limit). */
const BULK = 64;

type AuditRowValues = readonly [string, string, string, string, string, string, string | null, string | null, string | null];

/** Audit rows waiting for the end of a batch (withAuditBatch), per connection. */
const pending = new WeakMap<Database, AuditRowValues[]>();

/**
 * Appends to the audit trail. Must be called inside the transaction of the
 * change it describes, so that a change and its record exist together or not at all.
 */
export function recordAudit(ctx: ServiceContext, entries: readonly AuditEntry[]): void {
  if (!ctx.db.inTransaction) throw new Error('recordAudit must run inside the transaction of the change it records.');
  const at = isoNow(ctx);
  const rows = entries.map(
    (e): AuditRowValues => [at, ctx.osUser, ctx.origin, e.entity, String(e.entityId), e.action, e.field ?? null, encode(e.oldValue), encode(e.newValue)],
  );
  const batch = pending.get(ctx.db);
  if (batch) batch.push(...rows);
  else insertAuditRows(ctx.db, rows);
}

/**
 * Runs `write` (inside the caller's transaction) with its audit rows inserted
 * together at the end, 64 per statement: a batch of thousands of cells
 * (paste, import) writes its trail at database speed. Same rows, same order,
 * same timestamps as one insert per entry. `write` must not read the audit
 * trail (its own rows are not there yet).
 */
export function withAuditBatch<T>(ctx: ServiceContext, write: () => T): T {
  if (!ctx.db.inTransaction) throw new Error('withAuditBatch must run inside the transaction of the changes it records.');
  if (pending.has(ctx.db)) return write();
  const rows: AuditRowValues[] = [];
  pending.set(ctx.db, rows);
  try {
    const result = write();
    pending.delete(ctx.db);
    insertAuditRows(ctx.db, rows);
    return result;
  } finally {
    pending.delete(ctx.db);
  }
}

function insertAuditRows(db: Database, rows: readonly AuditRowValues[]): void {
  let i = 0;
  if (rows.length >= BULK) {
    const bulk = prepared(db, `INSERT INTO audit_log ${COLUMNS} VALUES ${Array.from({ length: BULK }, () => ROW).join(', ')}`);
    for (; i + BULK <= rows.length; i += BULK) bulk.run(rows.slice(i, i + BULK).flat());
  }
  const one = prepared(db, `INSERT INTO audit_log ${COLUMNS} VALUES ${ROW}`);
  for (; i < rows.length; i++) one.run(rows[i]!);
}

/** Field-by-field differences between two records, for `update` entries. */
export function diffFields<T extends object>(
  entity: string,
  entityId: string | number,
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): AuditEntry[] {
  return fields
    .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
    .map((f) => ({ entity, entityId, action: 'update' as const, field: f, oldValue: before[f], newValue: after[f] }));
}

export interface AuditRow {
  readonly id: number;
  readonly at: string;
  readonly osUser: string;
  readonly origin: string;
  readonly entity: string;
  readonly entityId: string;
  readonly action: AuditAction;
  readonly field: string | null;
  readonly oldValue: unknown;
  readonly newValue: unknown;
}

export function listAudit(db: Database, filter: { readonly entity?: string; readonly limit?: number } = {}): AuditRow[] {
  return searchAudit(db, { entity: filter.entity, limit: filter.limit ?? 500, offset: 0 }).rows;
}

export interface AuditQuery {
  readonly entity?: string | undefined;
  /** Exact entity id, e.g. `3|01-01|2026-T4` for one cell's history. */
  readonly entityId?: string | undefined;
  /** Words found in the entity id, field, values, user or origin. */
  readonly search?: string | undefined;
  readonly osUser?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** The Journal screen's query: newest first, filtered, paginated, with the total count. */
export function searchAudit(db: Database, q: AuditQuery): { rows: AuditRow[]; total: number } {
  const where = `(@entity IS NULL OR entity = @entity)
    AND (@entityId IS NULL OR entity_id = @entityId)
    AND (@osUser IS NULL OR os_user = @osUser)
    AND (@from IS NULL OR at >= @from)
    AND (@to IS NULL OR at <= @to)
    AND (@search IS NULL OR instr(lower(entity_id || ' ' || coalesce(field, '') || ' ' || coalesce(old_value, '') || ' ' ||
         coalesce(new_value, '') || ' ' || os_user || ' ' || origin), lower(@search)) > 0)`;
  const params = {
    entity: q.entity ?? null,
    entityId: q.entityId ?? null,
    osUser: q.osUser ?? null,
    from: q.from ?? null,
    to: q.to ?? null,
    search: q.search?.trim() ? q.search.trim() : null,
  };
  const total = db.prepare(`SELECT count(*) FROM audit_log WHERE ${where}`).pluck().get(params) as number;
  const rows = db
    .prepare(
      `SELECT id, at, os_user AS osUser, origin, entity, entity_id AS entityId, action, field,
              old_value AS oldValue, new_value AS newValue
       FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset }) as Array<
    Omit<AuditRow, 'oldValue' | 'newValue'> & { oldValue: string | null; newValue: string | null }
  >;
  return {
    total,
    rows: rows.map((r) => ({
      ...r,
      oldValue: r.oldValue === null ? null : JSON.parse(r.oldValue),
      newValue: r.newValue === null ? null : JSON.parse(r.newValue),
    })),
  };
}
