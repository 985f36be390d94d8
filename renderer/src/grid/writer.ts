import { plural } from '../../../shared/format/fr';
import type { Result } from '../../../shared/ipc/result';
import { WRITE_KIND_LABELS, type CellWrite, type RejectedCell, type WriteKind, type WriteOutcome } from './types';

/**
 * The write path shared by the follow-up grids: plan the cell texts into
 * changes (with what they replace), save them in one request, and hand the
 * grid an undo step that saves the previous values back (and redo the new
 * ones), each through IPC so each is audited.
 */
export function gridWriter<C>(
  plan: (writes: readonly CellWrite[], kind: WriteKind) => { changes: C[]; rejected: RejectedCell[]; held?: RejectedCell[] },
  save: (changes: readonly C[], direction: 'after' | 'before', via: WriteKind | 'annulation' | 'retablissement') => Promise<Result<unknown>>,
): (writes: readonly CellWrite[], kind: WriteKind) => Promise<WriteOutcome> {
  return async (writes, kind) => {
    const { changes, rejected, held = [] } = plan(writes, kind);
    if (changes.length === 0) return { applied: 0, rejected, held };
    const result = await save(changes, 'after', kind);
    if (!result.ok) return { applied: 0, rejected, held, error: result.error.message };
    const applied = writes.length - rejected.length - held.length;
    return {
      applied,
      rejected,
      held,
      undo: {
        label: `${WRITE_KIND_LABELS[kind].toLowerCase()} de ${plural(applied, 'cellule')}`,
        undo: () => save(changes, 'before', 'annulation'),
        redo: () => save(changes, 'after', 'retablissement'),
      },
    };
  };
}
