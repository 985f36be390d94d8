import type { AuditRecord } from '../../../../shared/domain/types';
import { command, query, scalar, selectList } from '../query';

/**
 * Table `audit_log`: the append-only trail of every change. Values are stored
 * as JSON, so a number, a text and a list read back exactly as they were.
 */
export const AUDIT_COLUMNS = {
  id: 'id',
  at: 'at',
  osUser: 'os_user',
  origin: 'origin',
  entity: 'entity',
  entityId: 'entity_id',
  action: 'action',
  field: 'field',
  oldValue: 'old_value',
  newValue: 'new_value',
} as const;

export type AuditAction = 'create' | 'update' | 'delete' | 'archive' | 'restore' | 'migrate';

/** The record the Journal shows (values decoded), with its action typed. */
export type AuditRow = Omit<AuditRecord, 'action'> & { readonly action: AuditAction };

/** As stored: values still JSON text. */
export type AuditLogRow = Omit<AuditRow, 'oldValue' | 'newValue'> & { readonly oldValue: string | null; readonly newValue: string | null };

export const fromRow = (row: AuditLogRow): AuditRow => ({
  ...row,
  oldValue: row.oldValue === null ? null : JSON.parse(row.oldValue),
  newValue: row.newValue === null ? null : JSON.parse(row.newValue),
});

/** `undefined` (no value at all, e.g. the old value of a creation) is stored as NULL. */
export const encodeValue = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** One row's values in column order: at, os_user, origin, entity, entity_id, action, field, old_value, new_value. */
export type AuditRowValues = readonly [string, string, string, string, string, string, string | null, string | null, string | null];

const INSERT_COLUMNS = '(at, os_user, origin, entity, entity_id, action, field, old_value, new_value)';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per multi-row INSERT (one JSON text each: a national import's trail never makes one huge string). */
export const AUDIT_BULK = 1000;

export const insertAuditRow = command<AuditRowValues>(`INSERT INTO audit_log ${INSERT_COLUMNS} VALUES ${ROW}`);
/**
 * Any number of rows at once, as a JSON list of AuditRowValues: one statement whatever the count (a
 * batch's last rows too), in the list's order. `->>` gives each JSON string back as the SQL text it
 * holds (old and new values are JSON texts) and null as NULL.
 */
export const insertAuditRows = command<[rowsJson: string]>(
  `INSERT INTO audit_log ${INSERT_COLUMNS} SELECT ${Array.from({ length: 9 }, (_, i) => `value ->> ${i}`).join(', ')} FROM json_each(?) ORDER BY key`,
);

export interface AuditFilterParams {
  readonly entity: string | null;
  readonly entityId: string | null;
  readonly osUser: string | null;
  readonly from: string | null;
  readonly to: string | null;
  /** Words found in the entity id, field, values, user or origin. */
  readonly search: string | null;
}

const WHERE = `(@entity IS NULL OR entity = @entity)
    AND (@entityId IS NULL OR entity_id = @entityId)
    AND (@osUser IS NULL OR os_user = @osUser)
    AND (@from IS NULL OR at >= @from)
    AND (@to IS NULL OR at <= @to)
    AND (@search IS NULL OR instr(lower(entity_id || ' ' || coalesce(field, '') || ' ' || coalesce(old_value, '') || ' ' ||
         coalesce(new_value, '') || ' ' || os_user || ' ' || origin), lower(@search)) > 0)`;

export const countAudit = scalar<number, [AuditFilterParams]>(`SELECT count(*) FROM audit_log WHERE ${WHERE}`);
/** Newest first, one page. */
export const selectAuditPage = query<AuditLogRow, [AuditFilterParams & { readonly limit: number; readonly offset: number }]>(
  `SELECT ${selectList(AUDIT_COLUMNS)} FROM audit_log WHERE ${WHERE} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
);
