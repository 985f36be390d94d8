/**
 * Where Enter, Tab and the arrows lead in a spreadsheet grid with title rows
 * and read-only cells, in displayed row and column indices. Pure.
 */
import type { CellPos } from './selection';

export type NavKey = 'Enter' | 'Tab';

export interface GridShape {
  readonly rowCount: number;
  readonly colCount: number;
  /** False for engagement title rows (and any row holding no data). */
  isDataRow(row: number): boolean;
  isEditable(row: number, col: number): boolean;
}

/**
 * Enter goes down (Shift: up) to the next row whose cell in this column can be
 * written, skipping title rows and read-only cells — or, when no row further
 * can be written in this column, to the next data row. Tab goes right (Shift:
 * left) to the next cell that can be written, row after row. Null: nowhere to
 * go (Tab then leaves the grid, as a browser does).
 */
export function nextCell(shape: GridShape, from: CellPos, key: NavKey, backwards: boolean): CellPos | null {
  const step = backwards ? -1 : 1;
  if (key === 'Enter') {
    let firstData: CellPos | null = null;
    for (let row = from.row + step; row >= 0 && row < shape.rowCount; row += step) {
      if (!shape.isDataRow(row)) continue;
      firstData ??= { row, col: from.col };
      if (shape.isEditable(row, from.col)) return { row, col: from.col };
    }
    return firstData;
  }
  const total = shape.rowCount * shape.colCount;
  for (let i = from.row * shape.colCount + from.col + step; i >= 0 && i < total; i += step) {
    const row = Math.floor(i / shape.colCount);
    const col = i % shape.colCount;
    if (shape.isDataRow(row) && shape.isEditable(row, col)) return { row, col };
  }
  return null;
}

/** An arrow's target moved over title rows, in the arrow's direction; the starting row when only title rows lie that way. */
export function overTitleRows(shape: GridShape, fromRow: number, toRow: number): number {
  if (toRow === fromRow || shape.isDataRow(toRow)) return toRow;
  const step = toRow > fromRow ? 1 : -1;
  for (let row = toRow; row >= 0 && row < shape.rowCount; row += step) if (shape.isDataRow(row)) return row;
  return fromRow;
}
