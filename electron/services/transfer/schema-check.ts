import type { Database } from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';
import { buildSchema } from '../db/migrate';
import { MIGRATIONS } from '../db/migrations';
import { readDb } from '../db/query';
import { openSqlite } from '../db/sqlite';
import { selectSchemaObjects, type SchemaObjectRow } from '../db/tables/sqlite-schema';

/*
 * A transfer archive's hashes prove its integrity, not its origin: its
 * database may carry objects this application never creates — a trigger that
 * silently drops audit entries (`BEFORE INSERT ON audit_log … RAISE(IGNORE)`),
 * a view, an extra table or index, a column added by hand. Before a restored
 * database replaces this one, its schema (sqlite_schema: tables with their
 * columns, indexes, triggers, views) must be exactly what the migrations
 * create for its version, built here in memory.
 */

type SchemaObject = SchemaObjectRow;

const KIND_LABELS: Readonly<Record<string, string>> = { table: 'table', index: 'index', trigger: 'déclencheur', view: 'vue' };

/** SQLite keeps the CREATE text as written (ALTER TABLE edits it in place): compared with whitespace folded. */
const normalise = (sql: string | null): string => (sql ?? '').replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').trim();

function objectsOf(db: Database): Map<string, SchemaObject> {
  return new Map(readDb(db).all(selectSchemaObjects).map((r) => [`${r.type}|${r.name}`, r]));
}

/** The schema the migrations create for `version`, in a throw-away in-memory database. */
export function referenceSchema(version: number, binding: { nativeBinding?: string } = {}): Map<string, SchemaObject> {
  // openSqlite enforces foreign keys, as the migrations expect.
  const db = openSqlite(':memory:', { wal: false, ...binding });
  try {
    buildSchema(db, MIGRATIONS, version);
    return objectsOf(db);
  } finally {
    db.close();
  }
}

/** The differences, in French (« déclencheur « x » inconnu de l'application »…); empty when the schema is this application's. */
export function schemaDifferences(file: string, version: number, binding: { nativeBinding?: string } = {}): string[] {
  const expected = referenceSchema(version, binding);
  const db = openSqlite(file, { readonly: true, ...binding });
  let actual: Map<string, SchemaObject>;
  try {
    actual = objectsOf(db);
  } finally {
    db.close();
  }
  const label = (o: SchemaObject): string => `${KIND_LABELS[o.type] ?? o.type} « ${o.name} »${o.type === 'index' || o.type === 'trigger' ? ` (sur ${o.tbl_name})` : ''}`;
  // Agreement of the adjective: table and vue are feminine.
  const e = (o: SchemaObject): string => (o.type === 'table' || o.type === 'view' ? 'e' : '');
  const problems: string[] = [];
  for (const [key, o] of actual) {
    const reference = expected.get(key);
    if (!reference) problems.push(`${label(o)} inconnu${e(o)} de l'application`);
    else if (normalise(reference.sql) !== normalise(o.sql) || reference.tbl_name !== o.tbl_name) problems.push(`${label(o)} modifié${e(o)}`);
  }
  for (const [key, o] of expected) if (!actual.has(key)) problems.push(`${label(o)} absent${e(o)}`);
  return problems;
}

/** Refuses (French) a database whose schema is not exactly what this application creates for its version. */
export function requireOwnSchema(file: string, version: number, binding: { nativeBinding?: string } = {}): void {
  const problems = schemaDifferences(file, version, binding);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).join(' ; ') + (problems.length > 5 ? ` ; et ${problems.length - 5} autres` : '');
  throw new DomainError(
    'VALIDATION',
    "Restauration refusée : la base de données de l'archive contient des éléments que cette application ne crée pas " +
      `(${shown}). Elle a pu être modifiée en dehors de l'application : elle n'est pas restaurée, rien n'a été modifié.`,
  );
}
