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
  const rows = db
    .prepare(
      `SELECT id, at, os_user AS osUser, origin, entity, entity_id AS entityId, action, field,
              old_value AS oldValue, new_value AS newValue
       FROM audit_log WHERE (@entity IS NULL OR entity = @entity) ORDER BY id DESC LIMIT @limit`,
    )
    .all({ entity: filter.entity ?? null, limit: filter.limit ?? 500 }) as Array<
    Omit<AuditRow, 'oldValue' | 'newValue'> & { oldValue: string | null; newValue: string | null }
  >;
  return rows.map((r) => ({
    ...r,
    oldValue: r.oldValue === null ? null : JSON.parse(r.oldValue),
    newValue: r.newValue === null ? null : JSON.parse(r.newValue),
  }));
}
