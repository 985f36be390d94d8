import type { ColDef } from 'ag-grid-community';
import type { Result } from '../../../shared/ipc/result';

/** One cell the user wrote to (typed, pasted, cleared, filled), as text. */
export interface CellWrite {
  readonly rowId: string;
  readonly colId: string;
  readonly text: string;
}

export interface RejectedCell extends CellWrite {
  /** French, e.g. « « douze » n'est pas un nombre. » */
  readonly reason: string;
}

/** How the write came about: shown in the status line and recorded as the audit origin. */
export type WriteKind = 'saisie' | 'collage' | 'effacement' | 'recopie' | 'reprise';

export const WRITE_KIND_LABELS: Readonly<Record<WriteKind, string>> = {
  saisie: 'Saisie',
  collage: 'Collage',
  effacement: 'Effacement',
  recopie: 'Recopie vers le bas',
  reprise: 'Reprise du trimestre précédent',
};

/** A persisted change that can be taken back and replayed (each through IPC, so each is audited). */
export interface UndoStep {
  readonly label: string;
  undo(): Promise<Result<unknown>>;
  redo(): Promise<Result<unknown>>;
}

export interface WriteOutcome {
  readonly applied: number;
  readonly rejected: readonly RejectedCell[];
  /** Absent when nothing changed. */
  readonly undo?: UndoStep;
  /** A refusal of the whole write by main (nothing applied). */
  readonly error?: string;
  /** Cells kept in the grid, not saved yet: their row breaks a rule between its parts (the reason says which). */
  readonly held?: readonly RejectedCell[];
}

/** A column of a spreadsheet grid: how its cells read as text, and whether and how they are written. */
export interface SheetColumn<R> {
  readonly colId: string;
  readonly headerName: string;
  /** The cell as shown, copied and edited (French formatting). */
  readonly text: (row: R) => string;
  readonly editable?: (row: R) => boolean;
  /** Cell-level check while editing: the French problem, or null. */
  readonly validate?: (row: R, text: string) => string | null;
  /** Why a cell of this column cannot be written in this row (shown when someone tries); a generic reason otherwise. */
  readonly readOnlyReason?: (row: R) => string | null;
  /** Coded values: the labels the cell's pick list offers (typing filters them). */
  readonly choices?: (row: R) => readonly string[] | null;
  /** Grey hint shown in an empty editable cell (e.g. the part's label). */
  readonly placeholder?: (row: R) => string;
  readonly colDef?: Omit<ColDef<R>, 'colId' | 'headerName' | 'field' | 'valueGetter' | 'editable'>;
}

export interface SheetColumnGroup<R> {
  readonly groupId: string;
  readonly headerName: string;
  readonly children: readonly SheetColumn<R>[];
}

export type SheetColumnDef<R> = SheetColumn<R> | SheetColumnGroup<R>;

export const isGroup = <R>(c: SheetColumnDef<R>): c is SheetColumnGroup<R> => 'children' in c;

export const flattenColumns = <R>(defs: readonly SheetColumnDef<R>[]): SheetColumn<R>[] =>
  defs.flatMap((d) => (isGroup(d) ? [...d.children] : [d]));
