import { canonicalEqual } from '../../shared/exchange/format';
import { recordAudit, withAuditBatch, type AuditEntry } from './audit';
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
  /** The rows of a JSON list of keys (each a list of the key columns' values), with their index in the list as `__i`. */
  readonly selectMany: Query<Record<string, unknown>, [{ readonly keys: string }]>;
  readonly remove: Command<KeyParams>;
  readonly upsert: Command<[Record<string, unknown>]>;
  /** upsert for a JSON list of rows, each the values of `upsert`'s columns in order. */
  readonly upsertMany: Command<[{ readonly rows: string }]>;
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
    // Joined on the primary key: one index lookup per key, whatever the table's size.
    selectMany: query(
      `SELECT k.key AS __i, ${Object.entries(spec.columns as Record<string, string>).map(([field, column]) => `t.${column} AS "${field}"`).join(', ')}, t.updated_at AS __updatedAt, t.updated_by AS __updatedBy
       FROM json_each(@keys) AS k JOIN ${spec.table} AS t ON ${keyColumns.map((c, i) => `t.${c} = k.value ->> ${i}`).join(' AND ')}`,
    ),
    remove: command(`DELETE FROM ${spec.table} WHERE ${where}`),
    upsert: command(`INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${values.join(', ')})
         ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${updates}`),
    // `WHERE true`: SQLite's parser needs it before ON CONFLICT after a SELECT.
    upsertMany: command(`INSERT INTO ${spec.table} (${columns.join(', ')})
         SELECT ${columns.map((_, i) => `value ->> ${i}`).join(', ')} FROM json_each(@rows) WHERE true ORDER BY key
         ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${updates}`),
  };
  bySpec.set(signature, sql);
  return sql;
}

const sqlOf = <F extends Record<string, unknown>>(spec: KeyedTable<F>, write: KeyedWrite): KeyedSql =>
  keyedSql(spec as unknown as KeyedTable<Record<string, unknown>>, Object.keys(write.key));

export function readKeyed<F extends Record<string, unknown>>(ctx: ServiceContext, spec: KeyedTable<F>, write: KeyedWrite): F | null {
  const row = readDb(ctx).get(sqlOf(spec, write).select, write.key);
  return row ? decodeRow(spec, row) : null;
}

/** Returns the changed fields (empty when the patch changed nothing). */
export function writeKeyed<F extends Record<string, unknown>>(
  ctx: ServiceContext,
  spec: KeyedTable<F>,
  write: KeyedWrite,
  patch: Partial<F>,
): (keyof F)[] {
  if (!ctx.db.inTransaction) throw new Error('writeKeyed must run inside a transaction.');
  return applyPatch(ctx, spec, write, readKeyed(ctx, spec, write), patch).changed;
}

/** One write of a batch: a row's key and the fields to set. */
export interface KeyedPatch<F extends Record<string, unknown>> {
  readonly write: KeyedWrite;
  readonly patch: Partial<F>;
}

/** A row after a batch: its fields and, when it exists, who changed it last and when. */
export interface KeyedRowAfter<F> {
  readonly fields: F;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/**
 * writeKeyed for many rows at once (a paste, an import): the rows already
 * there are read in one statement (their keys as a JSON list), then each
 * patch is applied in order, exactly as writeKeyed would one after the other
 * (same writes, same audit entries in the same order; a key given twice sees
 * its first patch), with the audit rows inserted together at the end.
 * Returns, per patch, the changed fields, and per key its row after the batch
 * (absent when the row does not exist: nothing entered).
 */
export function writeKeyedBatch<F extends Record<string, unknown>>(
  ctx: ServiceContext,
  spec: KeyedTable<F>,
  items: readonly KeyedPatch<F>[],
): { readonly changed: (keyof F)[][]; readonly rows: ReadonlyMap<string, KeyedRowAfter<F>> } {
  if (!ctx.db.inTransaction) throw new Error('writeKeyedBatch must run inside a transaction.');
  const shape = items[0] ? Object.keys(items[0].write.key).join(',') : '';
  if (items.some((i) => Object.keys(i.write.key).join(',') !== shape)) throw new Error('writeKeyedBatch: every key of a batch has the same columns.');
  const rows = readKeyedRows(ctx, spec, items.map((i) => i.write));
  // Rows to upsert, by key: the last state of each, written together in one statement at the end.
  const upserts = new Map<string, unknown[]>();
  const changed = withAuditBatch(ctx, () => {
    const out = items.map(({ write, patch }) => {
      const id = keyId(write);
      const before = rows.get(id);
      const result = applyPatch(ctx, spec, write, before?.fields ?? null, patch, (values) => {
        if (values === null) upserts.delete(id);
        else upserts.set(id, values);
      });
      if (result.changed.length > 0) {
        if (result.after === null) rows.delete(id);
        else rows.set(id, { fields: result.after, updatedAt: result.at!, updatedBy: ctx.osUser });
      }
      return result.changed;
    });
    if (upserts.size > 0) joinTransaction(ctx).run(sqlOf(spec, items[0]!.write).upsertMany, { rows: JSON.stringify([...upserts.values()]) });
    return out;
  });
  return { changed, rows };
}

/** A key as text (its columns in order), to find a row of a batch. */
export const keyId = (write: KeyedWrite): string => JSON.stringify(Object.values(write.key));

/** The rows of these keys that exist (by keyId), read in one statement per shape of key. */
export function readKeyedRows<F extends Record<string, unknown>>(ctx: ServiceContext, spec: KeyedTable<F>, writes: readonly KeyedWrite[]): Map<string, KeyedRowAfter<F>> {
  const out = new Map<string, KeyedRowAfter<F>>();
  const byShape = new Map<string, KeyedWrite[]>();
  for (const w of writes) {
    const shape = Object.keys(w.key).join(',');
    const list = byShape.get(shape);
    if (list) list.push(w);
    else byShape.set(shape, [w]);
  }
  for (const list of byShape.values()) {
    const sql = sqlOf(spec, list[0]!);
    const found = readDb(ctx).all(sql.selectMany, { keys: JSON.stringify(list.map((w) => Object.values(w.key))) });
    for (const row of found) {
      out.set(keyId(list[row.__i as number]!), { fields: decodeRow(spec, row), updatedAt: row.__updatedAt as string, updatedBy: row.__updatedBy as string });
    }
  }
  return out;
}

function decodeRow<F extends Record<string, unknown>>(spec: KeyedTable<F>, row: Record<string, unknown>): F {
  const decoded: Record<string, unknown> = {};
  for (const field of Object.keys(spec.columns)) {
    const decode = spec.decode?.[field as keyof F] as ((v: unknown) => unknown) | undefined;
    decoded[field] = decode ? decode(row[field]) : row[field];
  }
  return decoded as F;
}

/** Applies a patch to a row read before (null: no row): the write and its audit entries. */
function applyPatch<F extends Record<string, unknown>>(
  ctx: ServiceContext,
  spec: KeyedTable<F>,
  write: KeyedWrite,
  before: F | null,
  patch: Partial<F>,
  /** Batches: takes the row's values (null: deleted) instead of an upsert run at once. */
  defer?: (values: unknown[] | null) => void,
): { changed: (keyof F)[]; after: F | null; at: string | null } {
  const current = before ?? spec.empty;
  const next = { ...current } as F;
  const changed: (keyof F)[] = [];
  for (const field of Object.keys(patch) as (keyof F)[]) {
    if (patch[field] === undefined || same(patch[field], current[field])) continue;
    next[field] = patch[field] as F[keyof F];
    changed.push(field);
  }
  if (changed.length === 0) return { changed, after: before, at: null };

  const sql = sqlOf(spec, write);
  const db = joinTransaction(ctx);
  const isEmpty = (Object.keys(spec.columns) as (keyof F)[]).every((f) => same(next[f], spec.empty[f]));
  let at: string | null = null;
  if (isEmpty) {
    // A row deleted in a batch is deleted now: the batch's upsert (at its end) no longer holds it.
    defer?.(null);
    db.run(sql.remove, write.key);
  } else {
    at = isoNow(ctx);
    const fields = (Object.keys(spec.columns) as (keyof F)[]).map((field) => {
      const encode = spec.encode?.[field] as ((v: unknown) => unknown) | undefined;
      return encode ? encode(next[field]) : next[field];
    });
    if (defer) {
      // upsert's columns in order: the key, the fields, updated_at, updated_by.
      defer([...Object.values(write.key), ...fields, at, ctx.osUser]);
    } else {
      const params: Record<string, unknown> = { ...write.key, updated_at: at, updated_by: ctx.osUser };
      Object.keys(spec.columns).forEach((field, i) => (params[`f_${field}`] = fields[i]));
      db.run(sql.upsert, params);
    }
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
  return { changed, after: isEmpty ? null : next, at };
}
