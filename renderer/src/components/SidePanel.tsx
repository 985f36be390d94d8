import { useId, useState, type ReactNode } from 'react';

/** Wide enough to show the grid's main columns and the panel side by side. */
const OPEN_BY_DEFAULT_FROM = 1600;

/**
 * A panel beside a grid (the focused row's detail, its engagement's
 * assessment), folded into a narrow button on laptop screens so the grid
 * keeps its columns; the grid stays the only thing that scrolls.
 */
export function SidePanel({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  const [open, setOpen] = useState(() => window.innerWidth >= OPEN_BY_DEFAULT_FROM);
  return (
    <aside className={`qrr-side ${open ? 'qrr-side--open' : ''}`} aria-label={title} data-testid="side-panel">
      <button
        type="button"
        className="fr-btn fr-btn--tertiary fr-btn--sm qrr-side__toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? `Replier : ${title}` : title}
      </button>
      {/* Scrolls on its own: reachable with the keyboard (Tab, then arrows). */}
      <div id={id} className="qrr-side__content" hidden={!open} tabIndex={0} role="region" aria-label={title}>
        {children}
      </div>
    </aside>
  );
}

/** A grid screen's body: the grid filling the height, the side panel beside it. */
export function GridWithSide({ grid, sideTitle, side }: { grid: ReactNode; sideTitle: string; side: ReactNode }) {
  return (
    <div className="qrr-screen__body">
      {grid}
      <SidePanel title={sideTitle}>{side}</SidePanel>
    </div>
  );
}
