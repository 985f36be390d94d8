import { describe, expect, it } from 'vitest';
import { nextCell, overTitleRows, type GridShape } from '../../renderer/src/grid/navigation';

/** Rows: 0 title, 1-2 data, 3 title, 4-5 data; columns: 0 code (read-only), 1-2 values; (5, 1) read-only (computed). */
const shape: GridShape = {
  rowCount: 6,
  colCount: 3,
  isDataRow: (r) => r !== 0 && r !== 3,
  isEditable: (r, c) => r !== 0 && r !== 3 && c > 0 && !(r === 5 && c === 1),
};

describe('where Enter, Tab and arrows lead in a grid with title rows and read-only cells', () => {
  it('Enter goes down over title rows and read-only cells, Shift+Enter up; nowhere below the last row', () => {
    expect(nextCell(shape, { row: 2, col: 1 }, 'Enter', false)).toEqual({ row: 4, col: 1 });
    // Nothing writable further down this column: the next data row all the same (typing there says why it is refused).
    expect(nextCell(shape, { row: 4, col: 1 }, 'Enter', false)).toEqual({ row: 5, col: 1 });
    expect(nextCell(shape, { row: 5, col: 1 }, 'Enter', false)).toBeNull();
    expect(nextCell(shape, { row: 4, col: 2 }, 'Enter', true)).toEqual({ row: 2, col: 2 });
    // A column written nowhere further (the code): the next data row.
    expect(nextCell(shape, { row: 2, col: 0 }, 'Enter', false)).toEqual({ row: 4, col: 0 });
  });

  it('Tab goes right to the next writable cell, row after row; Shift+Tab back', () => {
    expect(nextCell(shape, { row: 1, col: 1 }, 'Tab', false)).toEqual({ row: 1, col: 2 });
    expect(nextCell(shape, { row: 2, col: 2 }, 'Tab', false)).toEqual({ row: 4, col: 1 });
    expect(nextCell(shape, { row: 4, col: 2 }, 'Tab', false)).toEqual({ row: 5, col: 2 });
    expect(nextCell(shape, { row: 5, col: 2 }, 'Tab', false)).toBeNull();
    expect(nextCell(shape, { row: 4, col: 1 }, 'Tab', true)).toEqual({ row: 2, col: 2 });
  });

  it('arrows pass over title rows in their direction, and stay put when only title rows lie that way', () => {
    expect(overTitleRows(shape, 2, 3)).toBe(4);
    expect(overTitleRows(shape, 4, 3)).toBe(2);
    expect(overTitleRows(shape, 1, 0)).toBe(1);
    expect(overTitleRows(shape, 1, 2)).toBe(2);
  });
});
