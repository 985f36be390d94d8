import type { Database } from 'better-sqlite3';
import { isoNow, type ServiceContext } from './context';
import { joinTransaction, readDb, type Connection, type WritableDb } from './db/query';
import {
  AUDIT_BULK,
  countAudit,
  encodeValue,
  fromRow,
  insertAuditRow,
  insertAuditRows,
  selectAuditPage,
  type AuditAction,
  type AuditRow,
  type AuditRowValues,
} from './db/tables/audit-log';

export type { AuditAction, AuditRow } from './db/tables/audit-log';

export interface AuditEntry {
  readonly entity: string;
  readonly entityId: string | number;
  readonly action: AuditAction;
  readonly field?: string;
  readonly oldValue?: unknown;
  readonly newValue?: unknown;
}

/** Connections running writes that will be rolled back whatever happens (withoutAuditTrail). */
const trialRuns = new WeakSet<Database>();

/**
 * Runs `write` (inside a transaction its caller rolls back in any case: an import's trial run)
 * without building or inserting audit rows. Safe because an audit row can never be what refuses a
 * change (its values all come from the code: see audit_log's columns), so the trial refuses exactly
 * what the real run would; it only saves the trail's cost, a third of a write.
 */
export function withoutAuditTrail<T>(ctx: ServiceContext, write: () => T): T {
  if (!ctx.db.inTransaction) throw new Error('withoutAuditTrail must run inside a transaction that is rolled back.');
  if (trialRuns.has(ctx.db)) return write();
  trialRuns.add(ctx.db);
  try {
    return write();
  } finally {
    trialRuns.delete(ctx.db);
  }
}

/** Audit rows waiting for the end of a batch (withAuditBatch), per connection. */
const pending = new WeakMap<Database, AuditRowValues[]>();

/**
 * Appends to the audit trail. Must be called inside the transaction of the
 * change it describes, so that a change and its record exist together or not at all.
 */
export function recordAudit(ctx: ServiceContext, entries: readonly AuditEntry[]): void {
  if (!ctx.db.inTransaction) throw new Error('recordAudit must run inside the transaction of the change it records.');
  if (trialRuns.has(ctx.db)) return;
  const at = isoNow(ctx);
  const rows = entries.map(
    (e): AuditRowValues => [at, ctx.osUser, ctx.origin, e.entity, String(e.entityId), e.action, e.field ?? null, encodeValue(e.oldValue), encodeValue(e.newValue)],
  );
  const batch = pending.get(ctx.db);
  if (batch) batch.push(...rows);
  else insertAll(joinTransaction(ctx), rows);
}

/**
 * Runs `write` (inside the caller's transaction) with its audit rows inserted
 * together at the end, a thousand per statement: a batch of thousands of cells
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
    insertAll(joinTransaction(ctx), rows);
    return result;
  } finally {
    pending.delete(ctx.db);
  }
}

function insertAll(db: WritableDb, rows: readonly AuditRowValues[]): void {
  if (rows.length === 1) {
    db.run(insertAuditRow, ...rows[0]!);
    return;
  }
  for (let i = 0; i < rows.length; i += AUDIT_BULK) db.run(insertAuditRows, JSON.stringify(rows.slice(i, i + AUDIT_BULK)));
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

export function listAudit(db: Connection, filter: { readonly entity?: string; readonly limit?: number } = {}): AuditRow[] {
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
export function searchAudit(source: Connection, q: AuditQuery): { rows: AuditRow[]; total: number } {
  const db = readDb(source);
  const filter = {
    entity: q.entity ?? null,
    entityId: q.entityId ?? null,
    osUser: q.osUser ?? null,
    from: q.from ?? null,
    to: q.to ?? null,
    search: q.search?.trim() ? q.search.trim() : null,
  };
  const total = db.get(countAudit, filter)!;
  const rows = db.all(selectAuditPage, { ...filter, limit: q.limit, offset: q.offset });
  return { total, rows: rows.map(fromRow) };
}
