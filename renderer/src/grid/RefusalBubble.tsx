import { useLayoutEffect, useState, type RefObject } from 'react';

/** A refused write, shown by its cell. */
export interface Refusal {
  readonly rowId: string;
  readonly colId: string;
  readonly message: string;
  /** Not refused but kept in the grid, not saved yet (a row whose parts disagree). */
  readonly held?: boolean;
}

/**
 * The reason of a refusal, in a bubble anchored under the cell (above it near
 * the bottom of the grid): words and a sign, not only a red border. It never
 * takes the mouse, so the cells under it stay reachable; the status line
 * repeats the reason for screen readers.
 */
export function RefusalBubble({ box, refusal, tick }: { box: RefObject<HTMLDivElement | null>; refusal: Refusal; tick: number }) {
  const [place, setPlace] = useState<{ top: number; left: number; below: boolean } | null>(null);
  useLayoutEffect(() => {
    const container = box.current;
    const row = `.ag-row[row-id="${CSS.escape(refusal.rowId)}"]`;
    // A title row is drawn across the grid, without cells: the bubble goes under the row.
    const cell = container?.querySelector(`${row} .ag-cell[col-id="${CSS.escape(refusal.colId)}"]`) ?? container?.querySelector(`${row}.ag-full-width-row`);
    if (!container || !cell) return setPlace(null);
    const outer = container.getBoundingClientRect();
    const rect = cell.getBoundingClientRect();
    if (rect.bottom < outer.top || rect.top > outer.bottom) return setPlace(null);
    const below = rect.bottom - outer.top + 120 < outer.height;
    setPlace({
      top: below ? rect.bottom - outer.top + 2 : rect.top - outer.top - 2,
      left: Math.max(0, Math.min(rect.left - outer.left, outer.width - 360)),
      below,
    });
  }, [box, refusal, tick]);
  if (!place) return null;
  return (
    <div
      className={`qrr-refusal ${place.below ? '' : 'qrr-refusal--above'}`}
      data-testid="cell-refusal"
      data-row-id={refusal.rowId}
      data-col-id={refusal.colId}
      style={{ top: place.top, left: place.left }}
    >
      <span aria-hidden="true">⚠ </span>
      <strong>{refusal.held ? 'En attente : ' : 'Refusé : '}</strong>
      {refusal.message}
    </div>
  );
}
