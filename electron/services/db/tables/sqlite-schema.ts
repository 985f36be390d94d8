import { query, scalar } from '../query';

/** SQLite's own catalogue (`sqlite_schema`): which tables a database file holds, whatever its schema version. */
export const selectTableExists = query<{ 1: number }, [name: string]>(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`);

/** `PRAGMA user_version`: the schema version the migrations reached. */
export const selectSchemaVersion = scalar<number, []>('PRAGMA user_version');

/** `PRAGMA quick_check`: 'ok', or the first problem (a faster integrity_check, for a file just written). */
export const quickCheck = scalar<string, []>('PRAGMA quick_check');

/** `PRAGMA integrity_check(20)`: one row 'ok', or up to 20 problems. */
export const checkIntegrity = scalar<string, []>('PRAGMA integrity_check(20)');

/** One object of the schema (table, index, trigger, view); `sql` is its CREATE text as SQLite keeps it. */
export interface SchemaObjectRow {
  readonly type: string;
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string | null;
}

/** Every object but SQLite's own (`sqlite_autoindex_…`, `sqlite_sequence`). */
export const selectSchemaObjects = query<SchemaObjectRow, []>(
  `SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name`,
);
