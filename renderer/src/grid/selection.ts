/** Rectangular cell selection, in displayed row and column indices. Pure. */
export interface CellPos {
  readonly row: number;
  readonly col: number;
}

export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export const rectOf = (anchor: CellPos, focus: CellPos): Rect => ({
  top: Math.min(anchor.row, focus.row),
  bottom: Math.max(anchor.row, focus.row),
  left: Math.min(anchor.col, focus.col),
  right: Math.max(anchor.col, focus.col),
});

export const inRect = (r: Rect, row: number, col: number): boolean =>
  row >= r.top && row <= r.bottom && col >= r.left && col <= r.right;

export const rectSize = (r: Rect): number => (r.bottom - r.top + 1) * (r.right - r.left + 1);

export const clamp = (value: number, min: number, max: number): number => Math.max(min, Math.min(max, value));

/**
 * Where a pasted block of `rows × cols` lands: at the selection's top-left
 * cell; a single copied cell pasted onto a larger selection fills it, as in Excel.
 */
export function pasteTarget(selection: Rect, blockRows: number, blockCols: number): { rect: Rect; repeat: boolean } {
  const repeat = blockRows === 1 && blockCols === 1 && rectSize(selection) > 1;
  if (repeat) return { rect: selection, repeat };
  return {
    rect: { top: selection.top, left: selection.left, bottom: selection.top + blockRows - 1, right: selection.left + blockCols - 1 },
    repeat,
  };
}
