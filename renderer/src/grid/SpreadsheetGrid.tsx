import { AgGridReact } from 'ag-grid-react';
import type {
  CellClassParams,
  CellEditRequestEvent,
  CellFocusedEvent,
  CellMouseDownEvent,
  CellMouseOverEvent,
  ColDef,
  ColGroupDef,
  GridApi,
  GridReadyEvent,
  IErrorValidationParams,
  NavigateToNextCellParams,
} from 'ag-grid-community';
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type ClipboardEvent, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { formatInteger, plural } from '../../../shared/format/fr';
import { parseTsv, toTsv } from '../../../shared/format/tsv';
import { cspNonce } from '../api';
import { GRID_LOCALE, GRID_THEME } from './ag-grid-setup';
import { ChoiceEditor, PICK_ATTRIBUTE } from './ChoiceEditor';
import { nextCell, overTitleRows, type GridShape, type NavKey } from './navigation';
import { RefusalBubble, type Refusal } from './RefusalBubble';
import { clamp, inRect, pasteTarget, rectOf, rectSize, type CellPos, type Rect } from './selection';
import {
  flattenColumns,
  isGroup,
  WRITE_KIND_LABELS,
  type CellWrite,
  type RejectedCell,
  type SheetColumn,
  type SheetColumnDef,
  type UndoStep,
  type WriteKind,
  type WriteOutcome,
} from './types';

interface Status {
  readonly tone: 'info' | 'success' | 'warning' | 'error';
  readonly message: string;
  readonly rejected?: readonly RejectedCell[];
}

const MAX_UNDO = 50;

/** Up to this many columns the grid is drawn whole; wider, it draws a window of rows and columns. */
const WHOLE_GRID_MAX_COLUMNS = 80;
/** Rows drawn above and below the visible ones in a wider grid (AG Grid's default). */
const WINDOW_ROW_BUFFER = 10;

/** Row and column steps of the arrows. */
const ARROW_STEPS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** What a screen can ask of its grid: apply writes it computed (carry-over) with the grid's status and undo; show a refusal by a cell. */
export interface SheetHandle {
  apply(writes: readonly CellWrite[], kind: WriteKind): Promise<void>;
  refuse(rowId: string, colId: string, message: string): void;
  /** Puts the keyboard focus on a cell (scrolled into view); false when the row or column is not shown. */
  focusCell(rowId: string, colId: string): boolean;
}

/** How long a write waits for the screen to show what it saved before the next queued write is planned. */
const RENDER_WAIT_MS = 3000;

/**
 * A spreadsheet on AG Grid Community. The enterprise clipboard, range
 * selection and fill handle are rebuilt here: rectangle selection (mouse,
 * Shift+arrows), copy as TSV, paste of a block from Excel or LibreOffice,
 * Delete to clear, Ctrl+D to fill down, Ctrl+Z / Ctrl+Y over our own undo
 * stack (AG Grid's forgets programmatic changes and is cleared on refresh).
 *
 * Every write goes to `onWrite` as text; the screen parses, validates and
 * persists it, and answers what was applied, what was refused and how to undo.
 *
 * Keyboard, as in a spreadsheet whose locked cells cannot be selected for
 * typing: Enter goes down and Tab right to the next cell that can be written,
 * skipping engagement title rows and read-only cells; arrows move anywhere
 * but over title rows. Writes are queued, never dropped: typing « 10 Enter 20
 * Enter » faster than the database answers writes both. A refused edit (Enter
 * or Tab on « douze » in a count) stays open with its reason in a bubble by
 * the cell and in the status line; Escape gives up. A key typed on a cell
 * that cannot be written shows why instead of being swallowed.
 */
export function SpreadsheetGrid<R>({
  rows,
  getRowId,
  columns,
  isDataRow,
  readOnly,
  readOnlyReason,
  onWrite,
  onCellFocused,
  ariaLabel,
  fullWidthGroupRow,
  height = 'fill',
  resetKey,
  handleRef,
  pinnedBottomRows,
  onRowLeft,
  toolbar,
}: {
  rows: readonly R[];
  getRowId: (row: R) => string;
  columns: readonly SheetColumnDef<R>[];
  /** Group header rows are skipped by paste, fill and clear. */
  isDataRow: (row: R) => boolean;
  readOnly: boolean;
  readOnlyReason?: string;
  onWrite: (writes: readonly CellWrite[], kind: WriteKind) => Promise<WriteOutcome>;
  onCellFocused?: (row: R | null, colId: string | null) => void;
  ariaLabel: string;
  /** Text of a group row, drawn across the whole width. */
  fullWidthGroupRow?: (row: R) => string;
  /** Pixels, or 'fill' to take the height the screen's layout gives it (see .qrr-sheet--fill). */
  height?: number | 'fill';
  /** Changing it clears the undo history (e.g. another quarter). */
  resetKey?: string;
  handleRef?: Ref<SheetHandle>;
  /** Rows kept under the grid whatever the scroll (totals); never written to. */
  pinnedBottomRows?: readonly R[];
  /** Focus left a data row (row rules are checked then). */
  onRowLeft?: (rowId: string) => void;
  /** The screen's own tools, beside Annuler / Rétablir (one line less above the grid at 1366×768). */
  toolbar?: ReactNode;
}) {
  const apiRef = useRef<GridApi<R> | null>(null);
  const anchor = useRef<CellPos | null>(null);
  const focus = useRef<CellPos | null>(null);
  const dragging = useRef(false);
  const undoStack = useRef<UndoStep[]>([]);
  const redoStack = useRef<UndoStep[]>([]);
  const [status, setStatus] = useState<Status | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const gridBox = useRef<HTMLDivElement>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const rowsSeen = useRef<{ version: number; waiters: (() => void)[] }>({ version: 0, waiters: [] });
  const [selectionSize, setSelectionSize] = useState(0);
  const [, setHistoryVersion] = useState(0);

  /** How the edit in progress was started (see onEditingKeyDown); « Modifier » unless a key typed it. */
  const editMode = useRef<'enter' | 'edit'>('edit');
  const flat = useMemo(() => flattenColumns(columns), [columns]);
  const byId = useMemo(() => new Map(flat.map((c) => [c.colId, c])), [flat]);
  /** Drawn whole (every row and column) or as a window of them: see WHOLE_GRID_MAX_COLUMNS. */
  const whole = flat.length <= WHOLE_GRID_MAX_COLUMNS;

  useEffect(() => {
    const stop = () => (dragging.current = false);
    document.addEventListener('mouseup', stop);
    return () => document.removeEventListener('mouseup', stop);
  }, []);

  // Writes wait for the screen to show what was saved before the next one is planned against the rows.
  useEffect(() => {
    const seen = rowsSeen.current;
    seen.version++;
    for (const wake of seen.waiters.splice(0)) wake();
  }, [rows]);
  const rowsChangedSince = (version: number): Promise<void> =>
    rowsSeen.current.version !== version
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(resolve, RENDER_WAIT_MS);
          rowsSeen.current.waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });

  useEffect(() => {
    undoStack.current = [];
    redoStack.current = [];
    setHistoryVersion((v) => v + 1);
  }, [resetKey]);

  const displayedColumns = (): SheetColumn<R>[] =>
    (apiRef.current?.getAllDisplayedColumns() ?? []).map((c) => byId.get(c.getColId())).filter((c): c is SheetColumn<R> => !!c);

  const selectionRect = (): Rect | null => (anchor.current && focus.current ? rectOf(anchor.current, focus.current) : null);

  /** The highlighted rectangle as last drawn (only rectangles of 2 cells or more are highlighted). */
  const drawnRect = useRef<Rect | null>(null);
  const refreshSelection = useCallback(() => {
    const r = selectionRect();
    setSelectionSize(r ? rectSize(r) : 0);
    const api = apiRef.current;
    // A forced refresh re-creates cells: never while an editor is open (the edit would be lost).
    if (!api || api.getEditingCells().length > 0) return;
    const next = r && rectSize(r) >= 2 ? r : null;
    const before = drawnRect.current;
    drawnRect.current = next;
    // A plain click (no highlighted rectangle before or after) redraws nothing; otherwise only
    // the rows the old and new rectangles cover (not every cell of every row: slow with many quartiers).
    if (!before && !next) return;
    const rows = new Set<number>();
    for (const rect of [before, next]) if (rect) for (let i = rect.top; i <= rect.bottom; i++) rows.add(i);
    const rowNodes = [...rows].map((i) => api.getDisplayedRowAtIndex(i)).filter((n) => n !== undefined);
    api.refreshCells({ rowNodes, force: true, suppressFlash: true });
  }, []);

  const colIndexOf = (colId: string): number => displayedColumns().findIndex((c) => c.colId === colId);

  const selectedClass = (params: CellClassParams<R>): boolean => {
    const r = selectionRect();
    if (!r || rectSize(r) < 2 || params.node.rowIndex === null) return false;
    return inRect(r, params.node.rowIndex, colIndexOf(params.column.getColId()));
  };

  const isEditable = (column: SheetColumn<R> | undefined, row: R | undefined): boolean =>
    !readOnly && !!column && !!row && isDataRow(row) && (column.editable?.(row) ?? false);

  /** Why the cell cannot be written, in French, or null when it can. */
  const whyReadOnly = (column: SheetColumn<R> | undefined, row: R | undefined): string | null => {
    if (isEditable(column, row)) return null;
    if (readOnly) return readOnlyReason ?? 'Ce tableau est en lecture seule.';
    if (!row || !isDataRow(row)) return "Cette ligne est un titre : elle ne se saisit pas. Choisissez une ligne en dessous (↓ ou Entrée).";
    return column?.readOnlyReason?.(row) ?? `La colonne « ${column?.headerName ?? ''} » n'est pas modifiable ici : elle est calculée ou fait partie du référentiel.`;
  };

  /** A refusal shown by the cell and in the status line (which never keeps an older success). */
  const refuse = (rowId: string, colId: string, message: string) => {
    setRefusal({ rowId, colId, message });
    setStatus({ tone: 'error', message });
  };

  const colDefs = useMemo((): (ColDef<R> | ColGroupDef<R>)[] => {
    const toColDef = (c: SheetColumn<R>): ColDef<R> => ({
      ...c.colDef,
      colId: c.colId,
      headerName: c.headerName,
      valueGetter: (p) => (p.data ? c.text(p.data) : ''),
      editable: (p) => isEditable(c, p.data),
      cellClassRules: {
        ...c.colDef?.cellClassRules,
        'qrr-cell--selected': selectedClass,
        'qrr-cell--editable': (p) => isEditable(c, p.data),
        'qrr-cell--placeholder': (p) => !!p.data && !!c.placeholder && isEditable(c, p.data) && c.text(p.data) === '',
      },
      cellRenderer: c.placeholder
        ? (p: { value: string; data?: R }) => (p.value === '' && p.data && isEditable(c, p.data) ? c.placeholder!(p.data) : p.value)
        : undefined,
      cellEditorSelector: (p) => {
        const choices = p.data ? c.choices?.(p.data) : null;
        return choices ? { component: ChoiceEditor, params: { choices }, popup: false } : undefined;
      },
      cellEditorParams: {
        getValidationErrors: (p: IErrorValidationParams<R>) => {
          const row = p.cellEditorParams.data;
          const problem = row ? c.validate?.(row, String(p.value ?? '')) : null;
          return problem ? [problem] : null;
        },
      },
      suppressKeyboardEvent: (p) => {
        if (p.editing) return false;
        const e = p.event;
        const ctrl = e.ctrlKey || e.metaKey;
        if (e.shiftKey && e.key.startsWith('Arrow')) return true;
        if (e.key === 'Delete' || e.key === 'Backspace') return true;
        if (ctrl && ['d', 'z', 'y', 'c', 'v', 'x', 'a'].includes(e.key.toLowerCase())) return true;
        return false;
      },
    });
    return columns.map((d) =>
      isGroup(d) ? ({ groupId: d.groupId, headerName: d.headerName, children: d.children.map(toColDef) } satisfies ColGroupDef<R>) : toColDef(d),
    );
    // Column definitions depend on readOnly; selection is read from refs at render time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [columns, readOnly]);

  /**
   * The cells a write touches, group rows skipped.
   * - 'block': the lines of a pasted block, from the rectangle's top-left cell downwards;
   * - 'fill': every data row of the rectangle gets the block's first line (one cell repeats across).
   */
  const writesFor = (rect: Rect, block: string[][], mode: 'block' | 'fill'): { writes: CellWrite[]; rejected: RejectedCell[] } => {
    const api = apiRef.current!;
    const cols = displayedColumns();
    const writes: CellWrite[] = [];
    const rejected: RejectedCell[] = [];
    const rowCount = api.getDisplayedRowCount();
    let line = 0;
    for (let rowIndex = rect.top; rowIndex < rowCount; rowIndex++) {
      if (mode === 'fill' ? rowIndex > rect.bottom : line >= block.length) break;
      const row = api.getDisplayedRowAtIndex(rowIndex)?.data;
      if (!row || !isDataRow(row)) continue;
      const cells = mode === 'fill' ? block[0]! : block[line]!;
      const width = mode === 'fill' ? rect.right - rect.left + 1 : cells.length;
      for (let k = 0; k < width; k++) {
        const column = cols[rect.left + k];
        if (!column) break;
        const text = cells.length === 1 ? cells[0]! : (cells[k] ?? '');
        if (!isEditable(column, row)) {
          // Blank cells copied along (ragged rows, trailing columns) are no attempt to write.
          if (text.trim() === '') continue;
          rejected.push({ rowId: getRowId(row), colId: column.colId, text, reason: `La colonne « ${column.headerName} » n'est pas modifiable ici.` });
          continue;
        }
        writes.push({ rowId: getRowId(row), colId: column.colId, text });
      }
      line++;
    }
    return { writes, rejected };
  };

  /**
   * Writes are queued: one at a time, each planned once the screen shows what
   * the previous one saved (a part typed right after another must not be
   * planned against the row as it was before). Nothing is dropped while a write is in flight.
   */
  const commit = (writes: CellWrite[], preRejected: RejectedCell[], kind: WriteKind): Promise<void> => {
    const job = queue.current.then(() => runCommit(writes, preRejected, kind));
    queue.current = job.catch(() => undefined);
    return job;
  };

  const runCommit = async (writes: CellWrite[], preRejected: RejectedCell[], kind: WriteKind) => {
    if (readOnly) {
      const first = writes[0] ?? preRejected[0];
      const message = readOnlyReason ?? 'Ce tableau est en lecture seule.';
      if (first) refuse(first.rowId, first.colId, message);
      else setStatus({ tone: 'error', message });
      return;
    }
    if (writes.length === 0 && preRejected.length === 0) return;
    setStatus({ tone: 'info', message: 'Enregistrement…' });
    const version = rowsSeen.current.version;
    const outcome = writes.length > 0 ? await onWrite(writes, kind) : { applied: 0, rejected: [] };
    if (outcome.undo || outcome.applied > 0) await rowsChangedSince(version);
    const rejected = [...preRejected, ...outcome.rejected];
    const bubbleOn = (cell: CellWrite, message: string, held = false) => setRefusal({ rowId: cell.rowId, colId: cell.colId, message, held });
    if (outcome.error) {
      setStatus({ tone: 'error', message: outcome.error, rejected: rejected });
      if (writes.length === 1) bubbleOn(writes[0]!, outcome.error);
      return;
    }
    if (outcome.undo) {
      undoStack.current = [...undoStack.current.slice(-MAX_UNDO + 1), outcome.undo];
      redoStack.current = [];
      setHistoryVersion((v) => v + 1);
    }
    const done = `${WRITE_KIND_LABELS[kind]} : ${plural(outcome.applied, 'cellule enregistrée', 'cellules enregistrées')}`;
    const held = outcome.held ?? [];
    const waiting = `Ligne pas encore enregistrée (elle le sera quand ses valeurs s'accorderont) : ${held[0]?.reason ?? ''}`;
    setStatus(
      rejected.length > 0
        ? { tone: 'error', message: `${done}, ${plural(rejected.length, 'refusée', 'refusées')}.`, rejected: rejected }
        : held.length > 0
          ? { tone: 'warning', message: `${done}. ${waiting}` }
          : { tone: 'success', message: `${done}.` },
    );
    if (rejected.length > 0) bubbleOn(rejected[0]!, rejected[0]!.reason);
    else if (held.length > 0) bubbleOn(held[0]!, waiting, true);
    else setRefusal((current) => (current && writes.some((w) => w.rowId === current.rowId && w.colId === current.colId) ? null : current));
  };


  const focusedPos = (): CellPos | null => {
    const cell = apiRef.current?.getFocusedCell();
    if (!cell) return null;
    return { row: cell.rowIndex, col: colIndexOf(cell.column.getColId()) };
  };

  const currentRect = (): Rect | null => selectionRect() ?? (focusedPos() ? rectOf(focusedPos()!, focusedPos()!) : null);

  const history = (direction: 'undo' | 'redo'): Promise<void> => {
    const job = queue.current.then(() => runHistory(direction));
    queue.current = job.catch(() => undefined);
    return job;
  };

  const runHistory = async (direction: 'undo' | 'redo') => {
    const from = direction === 'undo' ? undoStack : redoStack;
    const to = direction === 'undo' ? redoStack : undoStack;
    const step = from.current.at(-1);
    if (!step) return;
    if (readOnly) {
      setStatus({ tone: 'error', message: readOnlyReason ?? 'Ce tableau est en lecture seule.' });
      return;
    }
    const result = await (direction === 'undo' ? step.undo() : step.redo());
    if (!result.ok) {
      setStatus({ tone: 'error', message: result.error.message });
      return;
    }
    from.current = from.current.slice(0, -1);
    to.current = [...to.current, step];
    setHistoryVersion((v) => v + 1);
    setStatus({ tone: 'success', message: `${direction === 'undo' ? 'Annulé' : 'Rétabli'} : ${step.label}.` });
  };

  const moveFocus = (pos: CellPos) => {
    const api = apiRef.current!;
    const cols = api.getAllDisplayedColumns();
    const row = clamp(pos.row, 0, api.getDisplayedRowCount() - 1);
    const col = clamp(pos.col, 0, cols.length - 1);
    api.ensureIndexVisible(row);
    api.ensureColumnVisible(cols[col]!);
    api.setFocusedCell(row, cols[col]!);
    focus.current = { row, col };
  };

  const focusCell = (rowId: string, colId: string): boolean => {
    const row = apiRef.current?.getRowNode(rowId)?.rowIndex;
    const col = colIndexOf(colId);
    if (row === undefined || row === null || col < 0) return false;
    anchor.current = null;
    moveFocus({ row, col });
    return true;
  };

  useImperativeHandle(handleRef, () => ({ apply: (writes, kind) => commit([...writes], [], kind), refuse, focusCell }));

  const shape = (): GridShape => {
    const api = apiRef.current!;
    const cols = displayedColumns();
    const rowAt = (i: number) => api.getDisplayedRowAtIndex(i)?.data;
    return {
      rowCount: api.getDisplayedRowCount(),
      colCount: cols.length,
      isDataRow: (i) => {
        const row = rowAt(i);
        return !!row && isDataRow(row);
      },
      isEditable: (i, c) => isEditable(cols[c], rowAt(i)),
    };
  };

  /** Enter / Tab: to the next writable cell; false when there is none (Tab then leaves the grid). */
  const navigate = (from: CellPos, key: NavKey, backwards: boolean): boolean => {
    const next = nextCell(shape(), from, key, backwards);
    if (!next) return false;
    anchor.current = null;
    moveFocus(next);
    return true;
  };

  /** The cell being edited, and the text its editor would write. */
  const editedCell = (): { pos: CellPos; row: R | undefined; column: SheetColumn<R> | undefined; text: string } | null => {
    const api = apiRef.current;
    const editing = api?.getEditingCells()[0];
    if (!api || !editing?.column) return null;
    const colId = editing.column.getColId();
    const input = gridBox.current?.querySelector<HTMLInputElement>(`.ag-cell-inline-editing input, .ag-cell-inline-editing textarea, .ag-popup-editor input`);
    return {
      pos: { row: editing.rowIndex, col: colIndexOf(colId) },
      row: api.getDisplayedRowAtIndex(editing.rowIndex)?.data,
      column: byId.get(colId),
      text: input?.getAttribute(PICK_ATTRIBUTE) ?? input?.value ?? '',
    };
  };

  /**
   * Keys while a cell is being edited: Enter and Tab write (or show why not and keep the edit open).
   * Excel's two modes: an edit started by typing (« Entrer ») takes the arrows as « write and move »;
   * one started with F2 or a double click (« Modifier ») leaves them to the caret inside the text.
   * F2 switches an edit started by typing to « Modifier », as in Excel. In a pick list, ↑/↓ stay the list's.
   */
  const onEditingKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      setRefusal(null);
      return;
    }
    if (event.key === 'F2') {
      editMode.current = 'edit';
      event.preventDefault();
      return;
    }
    const plain = !event.ctrlKey && !event.altKey && !event.metaKey;
    const arrow = ARROW_STEPS[event.key];
    const edited = editedCell();
    if (!edited || !edited.row || !edited.column || !plain) return;
    const arrowWrites =
      !!arrow && !event.shiftKey && editMode.current === 'enter' && !(arrow[0] !== 0 && edited.column.choices?.(edited.row));
    if (event.key !== 'Enter' && event.key !== 'Tab' && !arrowWrites) return;
    event.preventDefault();
    event.stopPropagation();
    const rowId = getRowId(edited.row);
    const problem = edited.column.validate?.(edited.row, edited.text) ?? null;
    if (problem) {
      // Kept open with the reason, in every grid: the text stays there to be corrected (Escape gives up).
      refuse(rowId, edited.column.colId, problem);
      return;
    }
    apiRef.current!.stopEditing(true);
    void commit([{ rowId, colId: edited.column.colId, text: edited.text }], [], 'saisie');
    if (arrow) {
      const target = { row: overTitleRows(shape(), edited.pos.row, edited.pos.row + arrow[0]), col: edited.pos.col + arrow[1] };
      moveFocus(target);
      return;
    }
    if (!navigate(edited.pos, event.key as NavKey, event.shiftKey)) moveFocus(edited.pos);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const api = apiRef.current;
    if (!api) return;
    if (api.getEditingCells().length > 0) {
      onEditingKeyDown(event);
      return;
    }
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    const here = focusedPos();
    if ((event.key === 'Enter' || event.key === 'Tab') && !ctrl && !event.altKey && here) {
      if (navigate(here, event.key, event.shiftKey) || event.key === 'Enter') {
        event.preventDefault();
        event.stopPropagation();
      }
      return;
    }
    const startsEdit = (event.key.length === 1 && !ctrl && !event.altKey) || event.key === 'F2';
    if (startsEdit && here) {
      const row = api.getDisplayedRowAtIndex(here.row)?.data;
      const column = displayedColumns()[here.col];
      const why = whyReadOnly(column, row);
      if (why) {
        // Never swallowed: the key is refused where it was typed, with the reason.
        event.preventDefault();
        event.stopPropagation();
        refuse(row ? getRowId(row) : '', column?.colId ?? '', why);
      } else {
        setRefusal(null);
        // The grid opens the editor right after this key: typed → « Entrer » mode, F2 → « Modifier ».
        editMode.current = event.key === 'F2' ? 'edit' : 'enter';
      }
      return;
    }
    if (event.shiftKey && event.key.startsWith('Arrow')) {
      event.preventDefault();
      const start = focus.current ?? focusedPos();
      if (!start) return;
      anchor.current ??= start;
      const delta = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key] ?? [0, 0];
      moveFocus({ row: start.row + delta[0]!, col: start.col + delta[1]! });
      refreshSelection();
      return;
    }
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      const r = currentRect();
      if (!r) return;
      // Clearing a block skips read-only cells, as a spreadsheet with locked cells does; one locked cell says why.
      const { writes } = writesFor(r, [['']], 'fill');
      if (writes.length === 0 && rectSize(r) === 1) {
        const row = api.getDisplayedRowAtIndex(r.top)?.data;
        const column = displayedColumns()[r.left];
        const why = whyReadOnly(column, row);
        if (why) refuse(row ? getRowId(row) : '', column?.colId ?? '', why);
        return;
      }
      void commit(writes, [], 'effacement');
      return;
    }
    if (ctrl && key === 'd') {
      event.preventDefault();
      const r = currentRect();
      if (!r || r.bottom === r.top) return;
      const cols = displayedColumns();
      const firstRow = api.getDisplayedRowAtIndex(r.top)?.data;
      if (!firstRow) return;
      // Fill: the first row's texts written on every selected row below it.
      const line = cols.slice(r.left, r.right + 1).map((c) => c.text(firstRow));
      const { writes } = writesFor({ ...r, top: r.top + 1 }, [line], 'fill');
      void commit(writes, [], 'recopie');
      return;
    }
    if (ctrl && key === 'z') {
      event.preventDefault();
      // Ctrl+Shift+Z redoes, as in Excel, LibreOffice and Google Sheets.
      void history(event.shiftKey ? 'redo' : 'undo');
      return;
    }
    if (ctrl && key === 'y') {
      event.preventDefault();
      void history('redo');
      return;
    }
    if (ctrl && key === 'a') {
      event.preventDefault();
      anchor.current = { row: 0, col: 0 };
      focus.current = { row: api.getDisplayedRowCount() - 1, col: api.getAllDisplayedColumns().length - 1 };
      refreshSelection();
      return;
    }
    if (event.key.startsWith('Arrow') || event.key === 'Tab' || event.key === 'Enter' || event.key === 'Home' || event.key === 'End') {
      // Plain navigation collapses the selection to the new focused cell (see onCellFocused).
      anchor.current = null;
    }
  };

  const onCopy = (event: ClipboardEvent<HTMLDivElement>) => {
    const api = apiRef.current;
    if (!api || api.getEditingCells().length > 0) return;
    const r = currentRect();
    if (!r) return;
    const cols = displayedColumns().slice(r.left, r.right + 1);
    const lines: string[][] = [];
    for (let i = r.top; i <= r.bottom; i++) {
      const row = api.getDisplayedRowAtIndex(i)?.data;
      if (row && isDataRow(row)) lines.push(cols.map((c) => c.text(row)));
    }
    event.clipboardData.setData('text/plain', toTsv(lines));
    event.preventDefault();
    setStatus({ tone: 'info', message: `${plural(lines.length * cols.length, 'cellule copiée', 'cellules copiées')}.` });
  };

  const onPaste = (event: ClipboardEvent<HTMLDivElement>) => {
    const api = apiRef.current;
    if (!api || api.getEditingCells().length > 0) return;
    const r = currentRect();
    if (!r) return;
    event.preventDefault();
    const block = parseTsv(event.clipboardData.getData('text/plain'));
    if (block.length === 0) return;
    const width = Math.max(...block.map((l) => l.length));
    const normalised = block.map((l) => [...l, ...Array<string>(width - l.length).fill('')]);
    const target = pasteTarget(r, normalised.length, width);
    const { writes, rejected } = writesFor(target.rect, normalised, target.repeat ? 'fill' : 'block');
    void commit(writes, rejected, 'collage');
  };

  // AG Grid redraws rows when a callback prop changes identity (and an edit in
  // progress is lost): every function handed to it is created once and reads
  // the latest props and helpers through this ref.
  const latest = useRef({ getRowId, isDataRow, fullWidthGroupRow, onCellFocused, onRowLeft, commit, colIndexOf, refreshSelection, shape });
  latest.current = { getRowId, isDataRow, fullWidthGroupRow, onCellFocused, onRowLeft, commit, colIndexOf, refreshSelection, shape };
  const focusedRowId = useRef<string | null>(null);
  const [scrollTick, setScrollTick] = useState(0);

  const nonce = useMemo(() => cspNonce(), []);

  const fullWidthCallbacks = useMemo(
    () => ({
      isFullWidthRow: (p: { rowNode: { data?: R } }) => !!p.rowNode.data && !latest.current.isDataRow(p.rowNode.data),
      // The group header still holds a gridcell, as ARIA requires of every grid row.
      fullWidthCellRenderer: (p: { data?: R }) => (
        <div role="gridcell" aria-colindex={1}>
          {p.data && latest.current.fullWidthGroupRow ? latest.current.fullWidthGroupRow(p.data) : ''}
        </div>
      ),
    }),
    [],
  );

  const gridCallbacks = useMemo(
    () => ({
      getRowId: (p: { data: R }) => latest.current.getRowId(p.data),
      getRowClass: (p: { data?: R }) => (p.data && !latest.current.isDataRow(p.data) ? 'qrr-row--group' : undefined),
      onGridReady: (e: GridReadyEvent<R>) => {
        apiRef.current = e.api;
      },
      onBodyScroll: () => setScrollTick((t) => t + 1),
      // Arrows pass over engagement title rows, as Excel passes over hidden rows.
      navigateToNextCell: (p: NavigateToNextCellParams<R>) => {
        const next = p.nextCellPosition;
        if (!next || next.rowPinned || p.previousCellPosition.rowPinned) return next;
        const row = overTitleRows(latest.current.shape(), p.previousCellPosition.rowIndex, next.rowIndex);
        return row === p.previousCellPosition.rowIndex && next.rowIndex !== row ? p.previousCellPosition : { ...next, rowIndex: row };
      },
      // The next edit opens in « Modifier » (double click) unless a typed key says otherwise.
      onCellEditingStopped: () => {
        editMode.current = 'edit';
      },
      onCellEditRequest: (e: CellEditRequestEvent<R>) => {
        if (!e.data) return;
        void latest.current.commit(
          [{ rowId: latest.current.getRowId(e.data), colId: e.column.getColId(), text: String(e.newValue ?? '') }],
          [],
          'saisie',
        );
      },
      onCellMouseDown: (e: CellMouseDownEvent<R>) => {
        const pos = { row: e.rowIndex ?? 0, col: latest.current.colIndexOf(e.column.getColId()) };
        const mouse = e.event as MouseEvent | null;
        if (mouse?.shiftKey && anchor.current) focus.current = pos;
        else {
          anchor.current = pos;
          focus.current = pos;
        }
        dragging.current = true;
        latest.current.refreshSelection();
      },
      onCellMouseOver: (e: CellMouseOverEvent<R>) => {
        if (!dragging.current || !anchor.current) return;
        const mouse = e.event as MouseEvent | null;
        if (mouse && mouse.buttons !== 1) {
          dragging.current = false;
          return;
        }
        const pos = { row: e.rowIndex ?? 0, col: latest.current.colIndexOf(e.column.getColId()) };
        if (focus.current && focus.current.row === pos.row && focus.current.col === pos.col) return;
        focus.current = pos;
        latest.current.refreshSelection();
      },
      onCellFocused: (e: CellFocusedEvent<R>) => {
        const { onCellFocused: notify, colIndexOf: indexOf, refreshSelection: refresh } = latest.current;
        if (e.rowIndex === null || !e.column || typeof e.column === 'string') {
          notify?.(null, null);
          return;
        }
        const pos = { row: e.rowIndex, col: indexOf(e.column.getColId()) };
        const data = apiRef.current?.getDisplayedRowAtIndex(e.rowIndex)?.data;
        const rowId = data && latest.current.isDataRow(data) && !e.rowPinned ? latest.current.getRowId(data) : null;
        if (focusedRowId.current !== null && rowId !== focusedRowId.current) latest.current.onRowLeft?.(focusedRowId.current);
        focusedRowId.current = rowId;
        if (!anchor.current) {
          focus.current = pos;
          refresh();
        }
        notify?.(apiRef.current?.getDisplayedRowAtIndex(e.rowIndex)?.data ?? null, e.column.getColId());
        // Headers that depend on the focused row (the indicator's part labels) follow it.
        apiRef.current?.refreshHeader();
      },
    }),
    [],
  );

  const selectionText =
    selectionSize > 1 ? `${formatInteger(selectionSize)} cellules sélectionnées` : readOnly ? 'Lecture seule' : 'Modifications enregistrées automatiquement';

  return (
    <div className={height === 'fill' ? 'qrr-sheet qrr-sheet--fill' : 'qrr-sheet'}>
      <div className="qrr-sheet__toolbar" role="toolbar" aria-label={`Outils du tableau ${ariaLabel}`}>
        <button
          type="button"
          className="fr-btn fr-btn--tertiary fr-btn--sm"
          disabled={undoStack.current.length === 0 || readOnly}
          onClick={() => void history('undo')}
          title="Ctrl+Z"
        >
          Annuler
        </button>
        <button
          type="button"
          className="fr-btn fr-btn--tertiary fr-btn--sm"
          disabled={redoStack.current.length === 0 || readOnly}
          onClick={() => void history('redo')}
          title="Ctrl+Y ou Ctrl+Maj+Z"
        >
          Rétablir
        </button>
        {toolbar}
        <span className="qrr-sheet__hint" aria-live="polite">
          {selectionText}
        </span>
      </div>
      <div
        ref={gridBox}
        className="qrr-sheet__grid"
        style={height === 'fill' ? undefined : { height }}
        onKeyDownCapture={onKeyDown}
        onCopy={onCopy}
        onPaste={onPaste}
        aria-label={ariaLabel}
        role="region"
      >
        <AgGridReact<R>
          theme={GRID_THEME}
          localeText={GRID_LOCALE}
          styleNonce={nonce}
          rowData={rows as R[]}
          {...(pinnedBottomRows ? { pinnedBottomRowData: pinnedBottomRows as R[] } : {})}
          columnDefs={colDefs}
          readOnlyEdit
          invalidEditValueMode="block"
          stopEditingWhenCellsLoseFocus
          singleClickEdit={false}
          suppressMovableColumns
          // One quartier's grid (some 70 rows, ≤ 80 columns) is drawn whole, so find-in-page and
          // screen readers see every row. Wider grids (quartiers side by side, up to 1,600 at
          // national scale) draw only a window of rows and columns: AG Grid's default buffer.
          // AG Grid reads column virtualisation once, when it is created: crossing the width
          // threshold (one quartier ↔ all side by side) creates the grid again (the key).
          key={whole ? 'whole' : 'window'}
          rowBuffer={whole ? Math.min(rows.length, 400) : WINDOW_ROW_BUFFER}
          suppressColumnVirtualisation={whole}
          tooltipShowDelay={300}
          {...gridCallbacks}
          {...(fullWidthGroupRow ? fullWidthCallbacks : {})}
        />
        {refusal && <RefusalBubble box={gridBox} refusal={refusal} tick={scrollTick} />}
      </div>
      {status && (
        <div className={`fr-alert fr-alert--${status.tone} fr-alert--sm fr-mt-1w`} role={status.tone === 'error' || status.tone === 'warning' ? 'alert' : 'status'} data-testid="grid-status">
          <p>{status.message}</p>
          {status.rejected && status.rejected.length > 0 && (
            <ul className="qrr-sheet__rejected">
              {status.rejected.slice(0, 20).map((r, i) => (
                <li key={i}>
                  {r.rowId}, {byId.get(r.colId)?.headerName ?? r.colId} : {r.reason}
                </li>
              ))}
              {status.rejected.length > 20 && <li>… et {formatInteger(status.rejected.length - 20)} autres.</li>}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
