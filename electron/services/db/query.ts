import type { Database, RunResult } from 'better-sqlite3';
import { prepared } from './statement-cache';

/*
 * The query layer: what a service may do with the database, said by its types.
 *
 * - A `Query<Row>` is a read (SELECT, read-only PRAGMA); a `Command` is a write
 *   (INSERT, UPDATE, DELETE). Both are plain SQL texts declared once, in the
 *   table modules (db/tables/), and prepared once per connection
 *   (statement-cache.ts) the first time they run.
 * - A `ReadonlyDb` runs queries only: a function taking one cannot write,
 *   which the compiler checks (it has no `run`, and a command is not a query)
 *   and SQLite confirms at run time (a statement that is not read-only is
 *   refused before it runs).
 * - A `WritableDb` also runs commands. The only ways to get one are
 *   `writeTransaction` (opens an IMMEDIATE transaction, or a savepoint inside
 *   one) and `joinTransaction` (code that must run inside its caller's
 *   transaction: the audit trail, keyed records). Every command checks the
 *   transaction is still open: a WritableDb kept after its transaction ended
 *   writes nothing.
 */

declare const rowType: unique symbol;
declare const readBrand: unique symbol;
declare const writeBrand: unique symbol;

/** Parameters of a statement: positional values, or one object of named ones (`@name`). */
export type Params = readonly unknown[];

/** A read whose rows are `Row` (with `scalar`, the first column's value). */
export interface Query<Row, P extends Params = unknown[]> {
  readonly kind: 'query';
  readonly sql: string;
  readonly pluck: boolean;
  /** Type-only: ties the row and parameter types to the SQL. */
  readonly [rowType]?: (...params: P) => Row;
}

/** A write (INSERT, UPDATE, DELETE, UPSERT). */
export interface Command<P extends Params = unknown[]> {
  readonly kind: 'command';
  readonly sql: string;
  readonly [rowType]?: (...params: P) => void;
}

export const query = <Row, P extends Params = unknown[]>(sql: string): Query<Row, P> => ({ kind: 'query', sql, pluck: false });

/** A read of one column: `get` gives its value, `all` the list of values. */
export const scalar = <Value, P extends Params = unknown[]>(sql: string): Query<Value, P> => ({ kind: 'query', sql, pluck: true });

export const command = <P extends Params = unknown[]>(sql: string): Command<P> => ({ kind: 'command', sql });

export interface ReadonlyDb {
  get<Row, P extends Params>(q: Query<Row, P>, ...params: P): Row | undefined;
  all<Row, P extends Params>(q: Query<Row, P>, ...params: P): Row[];
  /** Only this module makes one: an object literal with `get` and `all` is not a ReadonlyDb. */
  readonly [readBrand]: true;
}

export interface WritableDb extends ReadonlyDb {
  run<P extends Params>(c: Command<P>, ...params: P): RunResult;
  readonly [writeBrand]: true;
}

/** What the helpers accept: the connection itself or a ServiceContext holding it. */
export type Connection = Database | { readonly db: Database };

const connectionOf = (source: Connection): Database => ('db' in source ? source.db : source) as Database;

function readStatement(db: Database, q: { readonly sql: string; readonly pluck: boolean }) {
  const statement = prepared(db, q.sql, { pluck: q.pluck });
  // The compiler keeps commands out of queries; this keeps out a write declared as a query.
  if (!statement.readonly) throw new Error(`A read-only query may not write: ${q.sql}`);
  return statement;
}

function reader(db: Database): ReadonlyDb {
  return {
    get: (q: Query<unknown, Params>, ...params: unknown[]) => readStatement(db, q).get(...params),
    all: (q: Query<unknown, Params>, ...params: unknown[]) => readStatement(db, q).all(...params),
  } as unknown as ReadonlyDb;
}

const readers = new WeakMap<Database, ReadonlyDb>();

/** The read-only view of a connection (one per connection). */
export function readDb(source: Connection): ReadonlyDb {
  const db = connectionOf(source);
  let view = readers.get(db);
  if (!view) {
    view = reader(db);
    readers.set(db, view);
  }
  return view;
}

function writer(db: Database, isOpen: () => boolean): WritableDb {
  return {
    ...reader(db),
    run: (c: Command<Params>, ...params: unknown[]) => {
      if (!isOpen() || !db.inTransaction) throw new Error(`A write must run inside its transaction: ${c.sql}`);
      return prepared(db, c.sql).run(...params);
    },
  } as unknown as WritableDb;
}

/**
 * Runs `work` in one write transaction (IMMEDIATE: a second writer waits at
 * BEGIN, see sqlite.ts), or in a savepoint when one is already open: all of
 * it is written, or nothing when it throws.
 */
export function writeTransaction<T>(source: Connection, work: (db: WritableDb) => T): T {
  const db = connectionOf(source);
  let open = true;
  const tx = writer(db, () => open);
  try {
    return db.transaction(() => work(tx)).immediate();
  } finally {
    open = false;
  }
}

/**
 * Runs `reads` in one read transaction (DEFERRED: it takes no write lock), so
 * every read sees the same snapshot even while another connection writes.
 */
export function readTransaction<T>(source: Connection, reads: (db: ReadonlyDb) => T): T {
  const db = connectionOf(source);
  return db.transaction(() => reads(readDb(db)))();
}

const joined = new WeakMap<Database, WritableDb>();

/**
 * The writable view of the transaction the caller already opened, for code
 * that must never open its own (its writes belong to the caller's change).
 * Throws outside a transaction.
 */
export function joinTransaction(source: Connection): WritableDb {
  const db = connectionOf(source);
  if (!db.inTransaction) throw new Error('joinTransaction must run inside the transaction of the change it writes.');
  let view = joined.get(db);
  if (!view) {
    // Its commands check db.inTransaction themselves: the view may outlive one transaction, never write outside one.
    view = writer(db, () => true);
    joined.set(db, view);
  }
  return view;
}

/** The columns of some fields (a table's editable ones, for keyed-record), from the table's column map. */
export function pickColumns<C extends Readonly<Record<string, string>>, K extends keyof C & string>(columns: C, fields: readonly K[]): { readonly [F in K]: C[F] } {
  return Object.fromEntries(fields.map((field) => [field, columns[field]])) as { readonly [F in K]: C[F] };
}

/**
 * The select list of a table module: `{ qrrId: 'qrr_id', name: 'name' }` gives
 * `qrr_id AS qrrId, name`, so each column's alias is written once. `alias`
 * qualifies the columns (`q.qrr_id AS qrrId`) for joins.
 */
export function selectList(columns: Readonly<Record<string, string>>, alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  return Object.entries(columns)
    .map(([field, column]) => (field === column ? `${prefix}${column}` : `${prefix}${column} AS ${field}`))
    .join(', ');
}
