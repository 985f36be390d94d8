import type { Database, Statement } from 'better-sqlite3';

/*
 * Statements prepared once per connection. Preparing costs more than running
 * a small statement (~40 µs against a few µs): code that writes cell by cell
 * (keyed-record, audit) asks here instead of calling db.prepare each time.
 * SQLite recompiles a cached statement itself if the schema changes. Callers
 * must not switch a cached statement's mode (pluck, raw, expand): it is shared.
 * A statement wanted in pluck mode is asked for with `pluck: true` and
 * cached apart from the same SQL in row mode.
 */
const caches = new WeakMap<Database, Map<string, Statement>>();

export function prepared(db: Database, sql: string, options: { readonly pluck?: boolean } = {}): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  // A NUL never appears in SQL text: the pluck variant cannot collide with a statement.
  const key = options.pluck ? `\0pluck\0${sql}` : sql;
  let statement = cache.get(key);
  if (!statement) {
    statement = db.prepare(sql);
    if (options.pluck) statement.pluck(true);
    cache.set(key, statement);
  }
  return statement;
}
