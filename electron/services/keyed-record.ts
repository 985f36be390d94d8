import { canonicalEqual } from '../../shared/exchange/format';
import { recordAudit, type AuditEntry } from './audit';
import { isoNow, type ServiceContext } from './context';
import { command, joinTransaction, query, readDb, type Command, type Query } from './db/query';

/**
 * The follow-up tables (indicator values, action statuses, assessments) share
 * one shape: a row per key (QRR × code × period), a few editable fields, and
 * "no row" meaning "nothing entered". This writes a patch to such a row:
 * unchanged fields are ignored, each changed field gets its audit entry (so
 * replaying the trail rebuilds the table), and a row left empty is deleted.
 * Must run inside the caller's transaction.
 */
export interface KeyedTable<F extends Record<string, unknown>> {
  readonly table: string;
  /** Audit entity name, e.g. 'indicator_value'. */
  readonly entity: string;
  /** Column name of each editable field. */
  readonly columns: { readonly [K in keyof F]: string };
  /** Values of a row that does not exist yet. */
  readonly empty: F;
  /** Field → SQLite value (JSON for structured values). */
  readonly encode?: Partial<{ readonly [K in keyof F]: (value: F[K]) => unknown }>;
  readonly decode?: Partial<{ readonly [K in keyof F]: (stored: unknown) => F[K] }>;
}

export interface KeyedWrite {
  /** Key columns and their values, e.g. { qrr_id: 1, indicator_code: '01-01', period_code: '2026-T4' }. */
  readonly key: Readonly<Record<string, string | number>>;
  readonly entityId: string;
}

// The import preview's equality (key order irrelevant): a patch the preview calls identical writes nothing.
const same = canonicalEqual;

type KeyParams = [Readonly<Record<string, string | number>>];

interface KeyedSql {
  readonly select: Query<Record<string, unknown>, KeyParams>;
  readonly remove: Command<KeyParams>;
  readonly upsert: Command<[Record<string, unknown>]>;
}

/** The SQL of a table and key columns, built once (then prepared once per connection by the query layer, db/query.ts). */
const sqlCache = new WeakMap<KeyedTable<Record<string, unknown>>, Map<string, KeyedSql>>();

function keyedSql(spec: KeyedTable<Record<string, unknown>>, keyColumns: readonly string[]): KeyedSql {
  let bySpec = sqlCache.get(spec);
  if (!bySpec) {
    bySpec = new Map();
    sqlCache.set(spec, bySpec);
  }
  const signature = keyColumns.join(',');
  const cached = bySpec.get(signature);
  if (cached) return cached;
  const where = keyColumns.map((k) => `${k} = @${k}`).join(' AND ');
  const cols = Object.entries(spec.columns as Record<string, string>).map(([field, column]) => `${column} AS "${field}"`).join(', ');
  const columns = [...keyColumns, ...Object.values(spec.columns as Record<string, string>), 'updated_at', 'updated_by'];
  const values = [...keyColumns.map((k) => `@${k}`), ...Object.keys(spec.columns).map((f) => `@f_${f}`), '@updated_at', '@updated_by'];
  const updates = [...Object.values(spec.columns as Record<string, string>), 'updated_at', 'updated_by'].map((c) => `${c} = excluded.${c}`).join(', ');
  const sql: KeyedSql = {
    select: query(`SELECT ${cols} FROM ${spec.table} WHERE ${where}`),
    remove: command(`DELETE FROM ${spec.table} WHERE ${where}`),
    upsert: command(`INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${values.join(', ')})
         ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${updates}`),
  };
  bySpec.set(signature, sql);
  return sql;
}

const sqlOf = <F extends Record<string, unknown>>(spec: KeyedTable<F>, write: KeyedWrite): KeyedSql =>
  keyedSql(spec as unknown as KeyedTable<Record<string, unknown>>, Object.keys(write.key));

export function readKeyed<F extends Record<string, unknown>>(ctx: ServiceContext, spec: KeyedTable<F>, write: KeyedWrite): F | null {
  const row = readDb(ctx).get(sqlOf(spec, write).select, write.key);
  if (!row) return null;
  const decoded: Record<string, unknown> = {};
  for (const field of Object.keys(spec.columns)) {
    const decode = spec.decode?.[field as keyof F] as ((v: unknown) => unknown) | undefined;
    decoded[field] = decode ? decode(row[field]) : row[field];
  }
  return decoded as F;
}

/** Returns the changed fields (empty when the patch changed nothing). */
export function writeKeyed<F extends Record<string, unknown>>(
  ctx: ServiceContext,
  spec: KeyedTable<F>,
  write: KeyedWrite,
  patch: Partial<F>,
): (keyof F)[] {
  if (!ctx.db.inTransaction) throw new Error('writeKeyed must run inside a transaction.');
  const before = readKeyed(ctx, spec, write);
  const current = before ?? spec.empty;
  const next = { ...current } as F;
  const changed: (keyof F)[] = [];
  for (const field of Object.keys(patch) as (keyof F)[]) {
    if (patch[field] === undefined || same(patch[field], current[field])) continue;
    next[field] = patch[field] as F[keyof F];
    changed.push(field);
  }
  if (changed.length === 0) return [];

  const sql = sqlOf(spec, write);
  const db = joinTransaction(ctx);
  const isEmpty = (Object.keys(spec.columns) as (keyof F)[]).every((f) => same(next[f], spec.empty[f]));
  if (isEmpty) {
    db.run(sql.remove, write.key);
  } else {
    const params: Record<string, unknown> = { ...write.key, updated_at: isoNow(ctx), updated_by: ctx.osUser };
    for (const field of Object.keys(spec.columns) as (keyof F)[]) {
      const encode = spec.encode?.[field] as ((v: unknown) => unknown) | undefined;
      params[`f_${String(field)}`] = encode ? encode(next[field]) : next[field];
    }
    db.run(sql.upsert, params);
  }
  recordAudit(
    ctx,
    changed.map(
      (field): AuditEntry => ({
        entity: spec.entity,
        entityId: write.entityId,
        action: 'update',
        field: String(field),
        oldValue: current[field],
        newValue: next[field],
      }),
    ),
  );
  return changed;
}
