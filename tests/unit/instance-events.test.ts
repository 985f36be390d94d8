import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bringForward,
  onOpenFile,
  onSecondInstance,
  queueCommandLine,
  type ForwardableWindow,
  type InstanceEventDeps,
} from '../../electron/services/desktop/instance-events';
import { createOpenedFileQueue, queueRefusal } from '../../electron/services/desktop/open-file';

let dir: string;
const file = (relative: string): string => {
  const full = path.join(dir, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, '{}');
  return full;
};
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-instance-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const EXE = 'C:\\Program Files\\Tableau de bord QRR\\Tableau de bord QRR.exe';

/** main.ts's wiring: a real queue; every step (queued, refused, window shown) recorded in order. */
function wiring(defaultApp = false) {
  const queue = createOpenedFileQueue(2);
  const events: string[] = [];
  const deps: InstanceEventDeps = {
    defaultApp,
    queueFile: (queued, from) => {
      const refusal = queueRefusal(queue.push(queued));
      events.push(`${refusal ? 'refusé' : 'file'} (${from}) ${path.basename(queued)}`);
      return refusal;
    },
    showWindow: () => events.push('fenêtre'),
  };
  return { queue, events, deps };
}

describe('files handed over by a second instance', () => {
  it('queues its files, resolved against its own working directory, before showing the window', () => {
    const exchange = file('second/echange-93.qrr');
    const report = file('second/rapport.pdf');
    const { queue, events, deps } = wiring();
    onSecondInstance([EXE, '--original-process-start-time=1337', 'echange-93.qrr', 'rapport.pdf'], path.join(dir, 'second'), deps);
    expect(events).toEqual(['file (seconde instance) echange-93.qrr', 'file (seconde instance) rapport.pdf', 'fenêtre']);
    expect([queue.take(), queue.take()]).toEqual([exchange, report]);
  });

  it('shows the window when the second launch names no file', () => {
    const { queue, events, deps } = wiring();
    onSecondInstance([EXE], dir, deps);
    expect(events).toEqual(['fenêtre']);
    expect(queue.size).toBe(0);
  });

  it('shows the window even when the queue refuses a file', () => {
    const files = [file('plein/a.qrr'), file('plein/b.qrr'), file('plein/c.qrr')];
    const { queue, events, deps } = wiring();
    onSecondInstance([EXE, ...files], dir, deps);
    expect(events).toEqual(['file (seconde instance) a.qrr', 'file (seconde instance) b.qrr', 'refusé (seconde instance) c.qrr', 'fenêtre']);
    expect(queue.size).toBe(2);
  });
});

describe('the first launch command line', () => {
  it('queues its files without showing anything (the window does not exist yet)', () => {
    const exchange = file('premier/echange.qrr');
    const { events, deps } = wiring();
    expect(queueCommandLine([EXE, exchange, 'absent.qrr'], dir, 'ligne de commande', deps)).toEqual([exchange]);
    expect(events).toEqual(['file (ligne de commande) echange.qrr']);
  });

  it('skips the application path in development (`electron <app>`)', () => {
    const exchange = file('dev/echange.qrr');
    const lookalike = file('dev/app.qrr');
    const { events, deps } = wiring(true);
    queueCommandLine(['/usr/lib/electron/electron', lookalike, exchange], dir, 'ligne de commande', deps);
    expect(events).toEqual(['file (ligne de commande) echange.qrr']);
  });
});

describe('macOS open-file', () => {
  it('queues the file, then shows the window', () => {
    const exchange = file('finder/echange.qrr');
    const { queue, events, deps } = wiring();
    onOpenFile(exchange, deps);
    expect(events).toEqual(['file (Finder) echange.qrr', 'fenêtre']);
    expect(queue.take()).toBe(exchange);
  });
});

describe('bringing the window forward', () => {
  const windowIn = (state: { visible: boolean; minimized: boolean }) => {
    const calls: string[] = [];
    const win: ForwardableWindow = {
      isVisible: () => state.visible,
      isMinimized: () => state.minimized,
      restore: () => calls.push('restore'),
      focus: () => calls.push('focus'),
    };
    return { win, calls };
  };

  it('does nothing without a window, or before it is shown', () => {
    expect(bringForward(null)).toBe(false);
    const hidden = windowIn({ visible: false, minimized: false });
    expect(bringForward(hidden.win)).toBe(false);
    expect(hidden.calls).toEqual([]);
  });

  it('focuses a visible window, restoring a minimised one first', () => {
    const visible = windowIn({ visible: true, minimized: false });
    expect(bringForward(visible.win)).toBe(true);
    expect(visible.calls).toEqual(['focus']);
    // Minimised windows may report not visible (Windows): still brought back.
    const minimized = windowIn({ visible: false, minimized: true });
    expect(bringForward(minimized.win)).toBe(true);
    expect(minimized.calls).toEqual(['restore', 'focus']);
  });
});
