import type { Database } from 'better-sqlite3';
import { isoNow, type ServiceContext } from './context';

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

/**
 * Appends to the audit trail. Must be called inside the transaction of the
 * change it describes, so that a change and its record exist together or not at all.
 */
export function recordAudit(ctx: ServiceContext, entries: readonly AuditEntry[]): void {
  if (!ctx.db.inTransaction) throw new Error('recordAudit must run inside the transaction of the change it records.');
  const insert = ctx.db.prepare(
    `INSERT INTO audit_log (at, os_user, origin, entity, entity_id, action, field, old_value, new_value)
     VALUES (@at, @osUser, @origin, @entity, @entityId, @action, @field, @oldValue, @newValue)`,
  );
  const at = isoNow(ctx);
  for (const e of entries) {
    insert.run({
      at,
      osUser: ctx.osUser,
      origin: ctx.origin,
      entity: e.entity,
      entityId: String(e.entityId),
      action: e.action,
      field: e.field ?? null,
      oldValue: encode(e.oldValue),
      newValue: encode(e.newValue),
    });
  }
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
