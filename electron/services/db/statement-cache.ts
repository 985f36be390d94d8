import type { Database, Statement } from 'better-sqlite3';

/*
 * Statements prepared once per connection. Preparing costs more than running
 * a small statement (~40 µs against a few µs): code that writes cell by cell
 * (keyed-record, audit) asks here instead of calling db.prepare each time.
 * SQLite recompiles a cached statement itself if the schema changes. Callers
 * must not switch a cached statement's mode (pluck, raw, expand): it is shared.
 */
const caches = new WeakMap<Database, Map<string, Statement>>();

export function prepared(db: Database, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
