import { DomainError } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';

/*
 * One unit of an import's writes, tried in a savepoint: the services refuse
 * (DomainError, a schema constraint) and the unit's lines are marked refused,
 * or it is written. A module of its own: write-import.ts, apply-fipd.ts and
 * apply-results.ts all use it, and none imports the others for it.
 */

/**
 * Runs one unit of writes in a savepoint; false (and its lines refused) when the services refuse it.
 * `keys` may be given as a function: read only when the unit is refused (a QRR or a quarter of a
 * national file has thousands of lines); the caller then leaves out lines already refused itself.
 */
export type Attempt = (keys: readonly string[] | (() => readonly string[]), write: () => void) => boolean;

/** A refusal the user can act on: the services' DomainError, or a constraint of the schema (same uid twice…). */
function refusalMessage(error: unknown): string | null {
  if (error instanceof DomainError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return 'Cette donnée contredit une donnée déjà enregistrée ici (contrainte de la base) : elle ne peut pas être importée.';
  }
  return null;
}

export function makeAttempt(ctx: ServiceContext, refused: Map<string, string>): Attempt {
  return (keys, write) => {
    const pendingOf = (list: readonly string[]) => list.filter((k) => !refused.has(k));
    const given = typeof keys === 'function' ? null : pendingOf(keys);
    // Lines all refused already (their QRR could not be created…): nothing to write.
    if (given !== null && keys.length > 0 && given.length === 0) return false;
    try {
      ctx.db.transaction(write)();
      return true;
    } catch (error) {
      const message = refusalMessage(error);
      if (message === null) throw error;
      for (const k of given ?? pendingOf((keys as () => readonly string[])())) refused.set(k, message);
      return false;
    }
  };
}

