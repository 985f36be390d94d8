import { describe, expect, it } from 'vitest';
import { createCoreHost, type HostedCore } from '../../electron/services/host/core-host';
import type { FromHost, HostInit } from '../../electron/services/host/protocol';
import { isToHost } from '../../electron/services/host/protocol';
import { createOpenedFileQueue } from '../../electron/services/desktop/open-file';
import { cancelledError } from '../../electron/services/ipc/call-context';
import { CANCELLED_MESSAGE } from '../../shared/ipc/progress';
import { fail, ok, type Result } from '../../shared/ipc/result';

const INIT = { databasePath: '/tmp/x.sqlite', backupDir: '/tmp/s', communesFile: '/tmp/c.json', appVersion: 't', osUser: 'u', origin: 'ui' } satisfies HostInit;

/** The host over a core whose `slow` request waits until released or cancelled, as a long report does. */
function hostOverFakeCore() {
  const posted: FromHost[] = [];
  const exits: number[] = [];
  let release: (() => void) | null = null;
  let closed = 0;
  const core: HostedCore = {
    migration: { from: 0, to: 9, backupPath: null },
    openedFiles: createOpenedFileQueue(),
    close: () => void closed++,
    dispatch: async (name, _payload, options) => {
      if (name !== 'slow') return ok(name);
      options?.onProgress?.({ step: 'Première étape…', done: 0, total: 2, cancellable: true });
      const outcome = await new Promise<Result<unknown>>((resolve) => {
        release = () => resolve(ok('fini'));
        options?.signal?.addEventListener('abort', () => resolve(fail('CANCELLED', cancelledError().message)));
      });
      return outcome;
    },
  };
  const host = createCoreHost({ post: (m) => posted.push(m), exit: (code) => exits.push(code), openCore: async () => core });
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  return { host, posted, exits, core, settled, release: () => release?.(), closed: () => closed };
}

describe('core host protocol (without a process)', () => {
  it('answers ready, then each call with its id; progress before the answer', async () => {
    const { host, posted, settled, release } = hostOverFakeCore();
    host.receive({ type: 'init', options: INIT });
    host.receive({ type: 'call', id: 7, name: 'slow', payload: null });
    host.receive({ type: 'call', id: 8, name: 'getSettings', payload: undefined });
    await settled();
    release();
    await settled();
    expect(posted).toEqual([
      { type: 'ready', migration: { from: 0, to: 9, backupPath: null } },
      { type: 'progress', id: 7, progress: { step: 'Première étape…', done: 0, total: 2, cancellable: true } },
      { type: 'result', id: 8, result: { ok: true, value: 'getSettings' } },
      { type: 'result', id: 7, result: { ok: true, value: 'fini' } },
    ]);
  });

  it('passes a cancellation on to the request it names, and only to it', async () => {
    const { host, posted, settled } = hostOverFakeCore();
    host.receive({ type: 'init', options: INIT });
    host.receive({ type: 'call', id: 1, name: 'slow', payload: null });
    await settled();
    host.receive({ type: 'cancel', id: 99 });
    await settled();
    expect(posted.filter((m) => m.type === 'result')).toEqual([]);
    host.receive({ type: 'cancel', id: 1 });
    await settled();
    expect(posted.at(-1)).toEqual({ type: 'result', id: 1, result: { ok: false, error: { code: 'CANCELLED', message: CANCELLED_MESSAGE } } });
  });

  it('ignores and logs malformed messages; a startup failure is a French fatal message and an exit', async () => {
    expect(isToHost({ type: 'call', id: '1', name: 'x' })).toBe(false);
    expect(isToHost({ type: 'drop' })).toBe(false);
    expect(isToHost(null)).toBe(false);
    const { host, posted } = hostOverFakeCore();
    host.receive({ type: 'call', id: 1.5, name: 'getSettings' });
    expect(posted).toEqual([{ type: 'log', message: 'Message inconnu reçu par le processus des données', details: { type: 'call', id: 1.5, name: 'getSettings' } }]);

    const failed: FromHost[] = [];
    const exits: number[] = [];
    const broken = createCoreHost({
      post: (m) => failed.push(m),
      exit: (code) => exits.push(code),
      openCore: () => Promise.reject(new Error('disque illisible')),
    });
    broken.receive({ type: 'init', options: INIT });
    await new Promise((resolve) => setImmediate(resolve));
    expect(failed.at(-1)).toEqual({ type: 'fatal', error: { code: 'INTERNAL', message: "Les données n'ont pas pu être ouvertes : disque illisible" } });
    expect(exits).toEqual([1]);
  });

  it('close cancels what runs, closes the database once and leaves', async () => {
    const { host, posted, exits, settled, closed } = hostOverFakeCore();
    host.receive({ type: 'init', options: INIT });
    host.receive({ type: 'call', id: 3, name: 'slow', payload: null });
    await settled();
    host.receive({ type: 'close' });
    await settled();
    expect(closed()).toBe(1);
    expect(exits).toEqual([0]);
    expect(posted.map((m) => m.type)).toEqual(['ready', 'progress', 'closed', 'result']);
  });
});
