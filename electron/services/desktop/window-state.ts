import fs from 'node:fs';
import { writeFileAtomic } from '../atomic-write';

export const WINDOW_STATE_FILE = 'fenetre.json';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState extends Rect {
  readonly maximized: boolean;
}

export interface WindowDefaults {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
}

/** The title bar (its top strip) must show at least this much of itself on one display to be grabbed. */
const TITLE_BAR_HEIGHT = 32;
const MIN_VISIBLE_WIDTH = 100;
const MIN_VISIBLE_HEIGHT = 16;
/** Beyond this, a coordinate is garbage (and Electron wants 32-bit integers). */
const MAX_COORDINATE = 100_000;

const isCoordinate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_COORDINATE;

const isUsableDisplay = (rect: Rect): boolean =>
  [rect.x, rect.y, rect.width, rect.height].every(isCoordinate) && rect.width >= 1 && rect.height >= 1;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** Clamps, preferring `low` when the range is empty (a window larger than its display sits at its left/top edge). */
const clamp = (value: number, low: number, high: number): number => Math.max(low, Math.min(value, high));

/**
 * The bounds to open the main window with, from whatever `fenetre.json` held.
 * `displays` are the work areas of the connected screens, the primary one first.
 * Saved bounds are kept when their title bar is on a display (shrunk to fit
 * that display if it has become smaller); anything else (missing, NaN, smaller
 * than the minimum size, off every screen) gives the default size centred on
 * the primary display. A saved « maximised » flag is kept in every case.
 */
export function restoreWindowState(saved: unknown, displays: readonly Rect[], defaults: WindowDefaults): WindowState {
  const minWidth = Math.max(1, Math.ceil(defaults.minWidth));
  const minHeight = Math.max(1, Math.ceil(defaults.minHeight));
  const record = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : {};
  const maximized = record.maximized === true;
  const screens = displays.filter(isUsableDisplay);
  const primary = screens[0] ?? { x: 0, y: 0, width: Math.max(defaults.width, minWidth), height: Math.max(defaults.height, minHeight) };

  const centred = (): WindowState => {
    const width = Math.max(minWidth, Math.round(Math.min(defaults.width, primary.width)));
    const height = Math.max(minHeight, Math.round(Math.min(defaults.height, primary.height)));
    // Larger than the screen (never below the minimum size): at its top left corner, title bar showing.
    return {
      x: width > primary.width ? primary.x : Math.round(primary.x + (primary.width - width) / 2),
      y: height > primary.height ? primary.y : Math.round(primary.y + (primary.height - height) / 2),
      width,
      height,
      maximized,
    };
  };

  const { x, y, width, height } = record;
  if (!isCoordinate(x) || !isCoordinate(y) || !isCoordinate(width) || !isCoordinate(height)) return centred();
  const bounds = { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
  if (bounds.width < minWidth || bounds.height < minHeight) return centred();

  // The display showing the largest part of the title bar, if it shows enough of it.
  const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(TITLE_BAR_HEIGHT, bounds.height) };
  let best: { display: Rect; visible: number } | null = null;
  for (const display of screens) {
    const seen = overlap(titleBar, display);
    const enough =
      seen.width >= Math.min(MIN_VISIBLE_WIDTH, display.width, titleBar.width) &&
      seen.height >= Math.min(MIN_VISIBLE_HEIGHT, display.height, titleBar.height);
    if (enough && (!best || seen.width * seen.height > best.visible)) best = { display, visible: seen.width * seen.height };
  }
  if (!best) return centred();

  // A window saved on a larger screen is shrunk to this one (never below the minimum) and moved onto it.
  const { display } = best;
  const fitted = {
    width: Math.min(bounds.width, Math.max(minWidth, display.width)),
    height: Math.min(bounds.height, Math.max(minHeight, display.height)),
  };
  return {
    x: fitted.width < bounds.width ? clamp(bounds.x, display.x, display.x + display.width - fitted.width) : bounds.x,
    y: fitted.height < bounds.height ? clamp(bounds.y, display.y, display.y + display.height - fitted.height) : bounds.y,
    ...fitted,
    maximized,
  };
}

/** The saved window state, as found (to be checked by restoreWindowState); null when absent or unreadable. */
export function loadWindowState(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * Saves the window state atomically (temporary file, then rename): a crash
 * mid-write leaves the previous file. Never throws; says whether it worked.
 */
export function saveWindowState(file: string, state: WindowState): boolean {
  try {
    const content = {
      x: Math.round(state.x),
      y: Math.round(state.y),
      width: Math.round(state.width),
      height: Math.round(state.height),
      maximized: state.maximized === true,
    };
    writeFileAtomic(file, JSON.stringify(content, null, 2) + '\n');
    return true;
  } catch {
    return false;
  }
}
