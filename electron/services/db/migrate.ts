import type { Database } from 'better-sqlite3';
import { DomainError } from '../../../shared/ipc/result';

export interface Migration {
  /** 1, 2, 3…: the `PRAGMA user_version` the database has once this step is applied. */
  readonly version: number;
  /** French, shown in the audit trail. */
  readonly name: string;
  readonly up: (db: Database) => void;
}

export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  readonly backupPath: string | null;
}

export const schemaVersionOf = (db: Database): number => db.pragma('user_version', { simple: true }) as number;

/**
 * The schema of `version` built in an empty database, in one transaction: no
 * audit, no user_version (what transfer/schema-check compares a restored file with).
 */
export function buildSchema(db: Database, migrations: readonly Migration[], version: number): void {
  db.transaction(() => {
    for (const step of migrations.slice(0, version)) step.up(db);
  })();
}

/** Refuses gaps and reordering, so a mistake in the list fails the first test, not a user's database. */
export function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new Error(`Migration list broken: position ${index} holds version ${m.version}, expected ${index + 1}.`);
    }
  });
}

/**
 * Brings the database up to the latest schema.
 * - A database written by a newer application is refused: this version would not understand it.
 * - An existing database is backed up (`backup`) before anything changes.
 * - All pending steps and their audit entries run in one transaction: either all apply or none does.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[],
  options: {
    readonly backup: () => Promise<string>;
    readonly audit: (step: Migration) => void;
  },
): Promise<MigrationReport> {
  assertWellFormed(migrations);
  const latest = migrations.length;
  const from = schemaVersionOf(db);
  if (from > latest) {
    throw new DomainError(
      'DATABASE_TOO_NEW',
      `Cette base de données a été enregistrée par une version plus récente de l'application ` +
        `(schéma ${from}, cette version connaît le schéma ${latest}). ` +
        `Installez la dernière version de l'application pour l'ouvrir ; le fichier n'a pas été modifié.`,
    );
  }
  if (from === latest) return { from, to: latest, backupPath: null };

  const backupPath = from > 0 ? await options.backup() : null;
  const pending = migrations.slice(from);
  db.transaction(() => {
    for (const step of pending) {
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
      options.audit(step);
    }
  }).immediate();
  return { from, to: latest, backupPath };
}
