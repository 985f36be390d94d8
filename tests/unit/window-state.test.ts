import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { runs } from '../support/property';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadWindowState,
  restoreWindowState,
  saveWindowState,
  type Rect,
  type WindowDefaults,
} from '../../electron/services/desktop/window-state';

const defaults: WindowDefaults = { width: 1280, height: 800, minWidth: 960, minHeight: 600 };
const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const rightScreen: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };
const centredOnLaptop = { x: 320, y: 120, width: 1280, height: 800 };

const overlaps = (a: Rect, b: Rect) =>
  Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) && Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);

describe('window state: restore', () => {
  it('keeps bounds that are on a display, and the maximised flag', () => {
    const saved = { x: 100, y: 50, width: 1400, height: 900, maximized: true };
    expect(restoreWindowState(saved, [laptop], defaults)).toEqual(saved);
    const onSecond = { x: 2200, y: 100, width: 1600, height: 1000, maximized: false };
    expect(restoreWindowState(onSecond, [laptop, rightScreen], defaults)).toEqual(onSecond);
    // Rounded to whole pixels.
    expect(restoreWindowState({ x: 10.4, y: 10.6, width: 1000.5, height: 700.2 }, [laptop], defaults)).toEqual({
      x: 10,
      y: 11,
      width: 1001,
      height: 700,
      maximized: false,
    });
  });

  it('falls back to the default size centred on the primary display', () => {
    for (const saved of [
      null,
      undefined,
      'fenetre',
      42,
      [],
      {},
      { x: 0, y: 0, width: 'grand', height: 800 },
      { x: Number.NaN, y: 0, width: 1280, height: 800 },
      { x: 0, y: 0, width: Number.POSITIVE_INFINITY, height: 800 },
      { x: 0, y: 0, width: 300, height: 200 }, // smaller than the minimum
      { x: 1e12, y: 0, width: 1280, height: 800 }, // absurd
    ]) {
      expect(restoreWindowState(saved, [laptop], defaults), JSON.stringify(saved)).toEqual({ ...centredOnLaptop, maximized: false });
    }
  });

  it('refuses a window whose title bar is on no display (the second screen was unplugged)', () => {
    const onUnplugged = { x: 2200, y: 100, width: 1600, height: 1000, maximized: true };
    expect(restoreWindowState(onUnplugged, [laptop], defaults)).toEqual({ ...centredOnLaptop, maximized: true });
    // Title bar above the top of the screen: unreachable.
    expect(restoreWindowState({ x: 100, y: -700, width: 1280, height: 800 }, [laptop], defaults)).toEqual({
      ...centredOnLaptop,
      maximized: false,
    });
    // Only a sliver of the title bar showing at the right edge.
    expect(restoreWindowState({ x: 1900, y: 100, width: 1280, height: 800 }, [laptop], defaults).x).toBe(320);
  });

  it('centres on the primary display (listed first) and shrinks to a small screen', () => {
    const small: Rect = { x: -1024, y: 0, width: 1024, height: 700 };
    expect(restoreWindowState(null, [small, laptop], defaults)).toEqual({ x: -1024, y: 0, width: 1024, height: 700, maximized: false });
    expect(restoreWindowState(null, [{ x: 0, y: 0, width: 1366, height: 728 }], defaults)).toEqual({ x: 43, y: 0, width: 1280, height: 728, maximized: false });
    // Saved on a large screen, now on the laptop: shrunk to it and moved onto it.
    expect(restoreWindowState({ x: -200, y: 0, width: 2560, height: 1400 }, [laptop], defaults)).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 1040,
      maximized: false,
    });
    // A screen smaller than the minimum: the minimum size, at its top left corner.
    expect(restoreWindowState({ x: 0, y: 0, width: 1280, height: 800 }, [{ x: 0, y: 0, width: 800, height: 500 }], defaults)).toEqual({
      x: 0,
      y: 0,
      width: 960,
      height: 600,
      maximized: false,
    });
  });

  it('whatever was saved, the window is at least the minimum size and on a display', () => {
    const coordinate = fc.oneof(
      fc.integer({ min: -6000, max: 6000 }),
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e300),
    );
    const saved = fc.oneof(
      fc.anything(),
      fc.record(
        { x: coordinate, y: coordinate, width: coordinate, height: coordinate, maximized: fc.anything() },
        { requiredKeys: [] },
      ),
    );
    const display = fc.record({
      x: fc.integer({ min: -5000, max: 5000 }),
      y: fc.integer({ min: -5000, max: 5000 }),
      width: fc.integer({ min: 1, max: 5000 }),
      height: fc.integer({ min: 1, max: 5000 }),
    });
    const limits = fc
      .record({ minWidth: fc.integer({ min: 1, max: 2000 }), minHeight: fc.integer({ min: 1, max: 2000 }), extraW: fc.nat(2000), extraH: fc.nat(2000) })
      .map(({ minWidth, minHeight, extraW, extraH }) => ({ minWidth, minHeight, width: minWidth + extraW, height: minHeight + extraH }));
    fc.assert(
      fc.property(saved, fc.array(display, { minLength: 1, maxLength: 4 }), limits, (value, displays, limit) => {
        const state = restoreWindowState(value, displays, limit);
        for (const n of [state.x, state.y, state.width, state.height]) expect(Number.isInteger(n)).toBe(true);
        expect(state.width).toBeGreaterThanOrEqual(limit.minWidth);
        expect(state.height).toBeGreaterThanOrEqual(limit.minHeight);
        expect(displays.some((d) => overlaps(state, d))).toBe(true);
        expect(typeof state.maximized).toBe('boolean');
        // With a single screen, restoring what was restored changes nothing.
        const [first] = displays;
        const once = restoreWindowState(value, [first!], limit);
        expect(restoreWindowState(once, [first!], limit)).toEqual(once);
      }),
      { numRuns: runs(2000) },
    );
  });
});

describe('window state: file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-fenetre-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves atomically and loads back', () => {
    const file = path.join(dir, 'profil', 'fenetre.json');
    expect(loadWindowState(file)).toBeNull();
    expect(saveWindowState(file, { x: 10, y: 20, width: 1300, height: 850, maximized: true })).toBe(true);
    expect(loadWindowState(file)).toEqual({ x: 10, y: 20, width: 1300, height: 850, maximized: true });
    expect(saveWindowState(file, { x: 11, y: 20, width: 1300, height: 850, maximized: false })).toBe(true);
    expect(loadWindowState(file)).toMatchObject({ x: 11, maximized: false });
    // No temporary file left behind.
    expect(fs.readdirSync(path.dirname(file))).toEqual(['fenetre.json']);
  });

  it('never throws: unreadable or unwritable files', () => {
    const file = path.join(dir, 'fenetre.json');
    fs.writeFileSync(file, '{ pas du json');
    expect(loadWindowState(file)).toBeNull();
    const blocker = path.join(dir, 'un-fichier');
    fs.writeFileSync(blocker, '');
    expect(saveWindowState(path.join(blocker, 'fenetre.json'), { x: 0, y: 0, width: 1000, height: 700, maximized: false })).toBe(false);
    // A folder in the way of the rename: the temporary file is cleaned up.
    const occupied = path.join(dir, 'occupe.json');
    fs.mkdirSync(path.join(occupied, 'x'), { recursive: true });
    expect(saveWindowState(occupied, { x: 0, y: 0, width: 1000, height: 700, maximized: false })).toBe(false);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
