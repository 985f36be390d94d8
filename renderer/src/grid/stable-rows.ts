import { useRef } from 'react';

/**
 * Rows rebuilt after a save keep their previous object when nothing they show
 * changed. The grid tells rows apart by id and their data by reference: kept
 * objects are not redrawn, so a typed cell redraws its own row, not all 60
 * (nor, side by side, every quartier's cells). Pure apart from the hook.
 */

/** Two maps with the same keys holding the very same values. */
export function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value || (value === undefined && !b.has(key))) return false;
  return true;
}

/** `next`, each row replaced by the row of the same id in `before` when `same` says it shows the same thing. */
export function keepUnchanged<R>(next: readonly R[], before: readonly R[], idOf: (row: R) => string, same: (a: R, b: R) => boolean): R[] {
  const old = new Map(before.map((r) => [idOf(r), r] as const));
  return next.map((row) => {
    const kept = old.get(idOf(row));
    return kept !== undefined && same(kept, row) ? kept : row;
  });
}

/** `keepUnchanged` against the rows this hook returned last time. */
export function useStableRows<R>(next: readonly R[], idOf: (row: R) => string, same: (a: R, b: R) => boolean): readonly R[] {
  const last = useRef<{ input: readonly R[]; output: readonly R[] }>({ input: [], output: [] });
  if (last.current.input !== next) last.current = { input: next, output: keepUnchanged(next, last.current.output, idOf, same) };
  return last.current.output;
}
