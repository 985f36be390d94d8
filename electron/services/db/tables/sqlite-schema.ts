import { query } from '../query';

/** SQLite's own catalogue (`sqlite_schema`): which tables a database file holds, whatever its schema version. */
export const selectTableExists = query<{ 1: number }, [name: string]>(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`);
