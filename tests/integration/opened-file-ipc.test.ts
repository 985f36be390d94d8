/**
 * `takeOpenedFile` through the real dispatcher of createAppCore, as the window
 * calls it: main's queue (filled by the command line, second instances and the
 * menu) is drained one file per request, each read from disk by main.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../electron/services/app-core';
import { createOpenedFileQueue, type OpenedFileQueue } from '../../electron/services/desktop/open-file';
import { openCore, snapshot, tempDir } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';

const cleanup: Array<() => void> = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

async function core() {
  const dir = tempDir('qrr-opened-file-');
  const opened = await openCore(dir);
  cleanup.push(() => {
    opened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return opened;
}

describe('takeOpenedFile', () => {
  it('hands over the queued files one by one, read by main, then null', async () => {
    const app = await core();
    const exchange = path.join(app.dir, 'Échange 93.qrr');
    const report = path.join(app.dir, 'rapport.pdf');
    fs.writeFileSync(exchange, '{"format":"qrr-echange"}');
    fs.writeFileSync(report, Buffer.from('%PDF-1.7\n%âãÏÓ\n'));
    expect(app.openedFiles.push(exchange)).toBe('queued');
    expect(app.openedFiles.push(report)).toBe('queued');

    const first = await app.dispatch('takeOpenedFile', undefined);
    expect(first).toEqual({ ok: true, value: { fileName: 'Échange 93.qrr', contentBase64: Buffer.from('{"format":"qrr-echange"}').toString('base64') } });
    const second = await app.dispatch('takeOpenedFile', {});
    expect(second).toMatchObject({ ok: true, value: { fileName: 'rapport.pdf' } });
    const { contentBase64 } = (second as { value: { contentBase64: string } }).value;
    expect(Buffer.from(contentBase64, 'base64').equals(fs.readFileSync(report))).toBe(true);
    expect(await app.dispatch('takeOpenedFile', undefined)).toEqual({ ok: true, value: null });
  });

  it('uses the queue given by main (createAppCore option), the one main.ts fills', async () => {
    const dir = tempDir('qrr-opened-file-');
    const queue = createOpenedFileQueue();
    const app = await openCoreWith(dir, queue);
    const exchange = path.join(dir, 'echange.qrr');
    fs.writeFileSync(exchange, '{}');
    queue.push(exchange);
    expect(app.openedFiles).toBe(queue);
    expect(await app.dispatch('takeOpenedFile', undefined)).toMatchObject({ ok: true, value: { fileName: 'echange.qrr' } });
    expect(queue.size).toBe(0);
  });

  it('reports a file that vanished since it was queued, once, in French, and writes nothing', async () => {
    const app = await core();
    const before = snapshot(app.db);
    expect(app.openedFiles.push(path.join(app.dir, 'supprime.qrr'))).toBe('queued');
    const refused = await app.dispatch('takeOpenedFile', undefined);
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(!refused.ok && refused.error.message).toMatch(/^Le fichier « supprime\.qrr » est introuvable/);
    // Not offered again at the next focus.
    expect(await app.dispatch('takeOpenedFile', undefined)).toEqual({ ok: true, value: null });
    expect(snapshot(app.db)).toEqual(before);
  });

  it('takes no request: the page cannot name a path to read', async () => {
    const app = await core();
    const secret = path.join(app.dir, 'secret.qrr');
    fs.writeFileSync(secret, '{}');
    const refused = await app.dispatch('takeOpenedFile', { path: secret });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(app.openedFiles.size).toBe(0);
  });
});

async function openCoreWith(dir: string, queue: OpenedFileQueue) {
  const app = await createAppCore({
    databasePath: path.join(dir, 'qrr.sqlite'),
    backupDir: path.join(dir, 'sauvegardes'),
    communesFile: COMMUNES_FILE,
    appVersion: 'test',
    osUser: 'test-user',
    origin: 'ui',
    log: { error: () => undefined },
    openedFiles: queue,
  });
  cleanup.push(() => {
    app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return app;
}
