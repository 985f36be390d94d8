import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore } from '../../electron/services/app-core';
import type { CoreClient } from '../../electron/services/host/client';
import { HOST_STOPPED_MESSAGE } from '../../electron/services/host/client';
import { periodOfDate } from '../../shared/domain/period';
import { CANCELLED_MESSAGE, type TaskProgress } from '../../shared/ipc/progress';
import type { Result } from '../../shared/ipc/result';
import { startHostedCore } from '../support/core-host';
import { openCore, readOnly, snapshot, tempDir } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';
import { makeTestPki } from '../support/pki';

/**
 * The core host (electron/services/host/) in a real child process over a real
 * SQLite file: the protocol the application's utilityProcess speaks.
 */
describe('core host: the core in its own process, behind the same envelope', () => {
  const opened: CoreClient[] = [];
  const start = async (databasePath = path.join(tempDir(), 'qrr.sqlite')) => {
    const errors: string[] = [];
    const core = await startHostedCore({ databasePath, log: { error: (message) => errors.push(message) } });
    opened.push(core);
    return { core, databasePath, errors };
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((core) => core.close()));
  });

  /** A time-stamp authority that receives the query and never answers: the report waits on it. */
  let silentTsa: { url: string; received: Promise<void>; reset(): void; close(): Promise<void> };
  beforeAll(async () => {
    const held: http.ServerResponse[] = [];
    let arrived!: () => void;
    const make = () => new Promise<void>((resolve) => (arrived = resolve));
    let received = make();
    const server = http.createServer((request, response) => {
      held.push(response);
      request.resume();
      request.on('end', () => arrived());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    silentTsa = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
      get received() {
        return received;
      },
      reset: () => {
        received = make();
      },
      close: async () => {
        for (const response of held) response.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  });
  afterAll(async () => {
    await silentTsa?.close();
  });

  it('answers values and refusals exactly as the in-process dispatcher does', async () => {
    const { core } = await start();
    const local = await openCore();
    try {
      const requests: [string, unknown][] = [
        ['getSettings', undefined],
        ['dropDatabase', {}],
        ['createQrr', { name: 42, communes: 'Montpellier' }],
        ['archiveQrr', { id: '1' }],
        ['createQrr', { name: 'QRR Nord', communes: [] }],
        ['saveSettings', { departementCode: '34', prefetName: 'Préfet', coordinatorName: 'Coordinatrice' }],
        ['getSettings', undefined],
        ['listQrrs', { includeArchived: true }],
        ['openPeriod', { code: '1999-T1' }],
      ];
      // The two clocks differ (the host's is the real one): times aside, the same answers.
      const timeless = (result: Result<unknown>): unknown => JSON.parse(JSON.stringify(result).replace(/"\d{4}-\d{2}-\d{2}T[\d:.]+Z"/g, '"<heure>"'));
      for (const [channel, payload] of requests) {
        const expected = await local.dispatch(channel, payload);
        expect(timeless(await core.dispatch(channel, payload)), channel).toEqual(timeless(expected));
      }
    } finally {
      local.close();
    }
  });

  it('reports the steps of a long request in order, all before its answer', async () => {
    const { core, databasePath } = await start();
    const seen: (TaskProgress | 'answer')[] = [];
    const demo = core.dispatch('installDemo', undefined, { onProgress: (progress) => seen.push(progress) });
    const answer = await demo.then((result) => (seen.push('answer'), result));
    expect(answer).toMatchObject({ ok: true, value: { qrrs: expect.any(Number) } });
    expect(seen.at(-1)).toBe('answer');
    const steps = seen.slice(0, -1) as TaskProgress[];
    expect(steps.map((s) => s.done)).toEqual(steps.map((_, i) => i + 1));
    expect(new Set(steps.map((s) => s.total))).toEqual(new Set([steps.length]));
    expect(steps[0]!.step).toMatch(/^Paramètres : Seine-Saint-Denis/);

    // An unsigned report: read, draw, attach, then write (the only step that cannot be cancelled).
    const report: TaskProgress[] = [];
    const produced = await core.dispatch('generateReport', { periodCode: periodOfDate(new Date()), transmit: false }, { onProgress: (p) => report.push(p) });
    expect(produced).toMatchObject({ ok: true });
    expect(report).toEqual([
      { step: 'Lecture des données du trimestre…', done: 0, total: 4, cancellable: true },
      { step: 'Dessin du rapport PDF…', done: 1, total: 4, cancellable: true },
      { step: "Ajout des données d'échange en pièce jointe…", done: 2, total: 4, cancellable: true },
      { step: 'Enregistrement du rapport…', done: 3, total: 4, cancellable: false },
    ]);
    expect(fs.existsSync((produced as { value: { path: string } }).value.path)).toBe(true);
    expect(readOnly(databasePath, (db) => db.prepare('SELECT count(*) FROM report').pluck().get())).toBe(1);
  });

  it('cancels a signed report while the time-stamp authority is answering: French message, nothing written', async () => {
    const { core, databasePath } = await start();
    const period = periodOfDate(new Date());
    await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet', coordinatorName: 'Camille Martin' });
    await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] });
    await core.dispatch('openPeriod', { code: period });
    expect(await core.dispatch('saveTimestampSettings', { tsaUrl: silentTsa.url })).toMatchObject({ ok: true });
    const before = readOnly(databasePath, snapshot);
    const pki = makeTestPki({ password: 'secret' });

    silentTsa.reset();
    const steps: TaskProgress[] = [];
    const call = core.start(
      'generateReport',
      { periodCode: period, transmit: false, signature: { p12Base64: Buffer.from(pki.p12).toString('base64'), password: 'secret', visible: true } },
      (progress) => steps.push(progress),
    );
    await silentTsa.received;
    expect(steps.at(-1)).toEqual({ step: 'Signature électronique et horodatage…', done: 3, total: 5, cancellable: true });
    core.cancel(call.id);
    expect(await call.result).toEqual({ ok: false, error: { code: 'CANCELLED', message: CANCELLED_MESSAGE } });
    expect(readOnly(databasePath, snapshot)).toEqual(before);
    const reportsDir = path.join(path.dirname(databasePath), 'rapports');
    expect(fs.existsSync(reportsDir) ? fs.readdirSync(reportsDir) : []).toEqual([]);
    // The host goes on serving.
    expect(await core.dispatch('getSettings', undefined)).toMatchObject({ ok: true, value: { departementCode: '34' } });
  });

  it('a crash of the host answers the request in French, and the next request works on intact data', async () => {
    const { core, databasePath, errors } = await start();
    const period = periodOfDate(new Date());
    await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet', coordinatorName: 'Camille Martin' });
    await core.dispatch('openPeriod', { code: period });
    await core.dispatch('saveTimestampSettings', { tsaUrl: silentTsa.url });
    const pki = makeTestPki({ password: 'secret' });
    const first = core.hostPid();
    expect(first).toEqual(expect.any(Number));

    silentTsa.reset();
    const pending = core.dispatch('generateReport', {
      periodCode: period,
      transmit: false,
      signature: { p12Base64: Buffer.from(pki.p12).toString('base64'), password: 'secret', visible: false },
    });
    await silentTsa.received;
    process.kill(first!, 'SIGKILL');
    const answer: Result<unknown> = await pending;
    expect(answer).toEqual({ ok: false, error: { code: 'CORE_STOPPED', message: HOST_STOPPED_MESSAGE } });
    expect(errors).toContain('Arrêt inattendu du processus des données');

    // A new host, the same database: what was saved is there, nothing half-written.
    expect(await core.dispatch('getSettings', undefined)).toMatchObject({ ok: true, value: { departementCode: '34', coordinatorName: 'Camille Martin' } });
    expect(core.hostPid()).not.toBe(first);
    expect(await core.dispatch('listPeriods', undefined)).toMatchObject({ ok: true, value: [{ code: period }] });
    expect(readOnly(databasePath, (db) => db.prepare('SELECT count(*) FROM report').pluck().get())).toBe(0);
  });

  it('a database it cannot open is refused at start with the same French message as in process', async () => {
    const dir = tempDir();
    const databasePath = path.join(dir, 'qrr.sqlite');
    const db = new Database(databasePath);
    db.pragma('user_version = 999');
    db.close();
    const inProcess = await createAppCore({
      databasePath,
      backupDir: path.join(dir, 'sauvegardes'),
      communesFile: COMMUNES_FILE,
      appVersion: 'test',
      osUser: 'test',
      origin: 'ui',
      log: { error: () => undefined },
    }).then(
      () => null,
      (error: unknown) => error as Error & { code?: string },
    );
    expect(inProcess?.code).toBe('DATABASE_TOO_NEW');
    await expect(startHostedCore({ databasePath, log: { error: () => undefined } })).rejects.toMatchObject({
      code: 'DATABASE_TOO_NEW',
      message: inProcess!.message,
    });
  });
});
