/**
 * The time-stamp authority over IPC, on a real database and a real TSA
 * (`openssl ts -reply` on 127.0.0.1, tests/support/tsa.ts): the setting
 * (checked, audited), « Tester », signing with a time-stamp, a TSA that fails
 * (French message, nothing written, then signing without only when asked),
 * the verification showing the proven time.
 *
 * Offline guarantee, measured: every outgoing connection of the process is
 * recorded (net.Socket#connect, which node:http uses); the only one ever made
 * goes to the configured TSA, and none at all when no TSA is configured.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TSA_SETTINGS_FILE } from '../../electron/services/tsa-settings';
import { openCore, snapshot } from '../support/db';
import { makeTestPki, TEST_SIGNER_CN, type TestPki } from '../support/pki';
import { startTestTsa, TEST_TSA_CN, unreachableTsaUrl, type TestTsa } from '../support/tsa';

type Core = Awaited<ReturnType<typeof openCore>>;
const PASSWORD = 'secret élevé';

/** host:port of every connection the process opens. */
function recordConnections(): { readonly targets: string[]; restore(): void } {
  const targets: string[] = [];
  const original = net.Socket.prototype.connect;
  const spy = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // net.createConnection passes its normalized arguments as one array.
    const raw = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const first = raw as { host?: string; port?: number; path?: string } | number;
    targets.push(typeof first === 'number' ? `localhost:${first}` : first.path ? `ipc:${first.path}` : `${first.host ?? 'localhost'}:${first.port}`);
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  });
  return { targets, restore: () => spy.mockRestore() };
}

describe('time-stamp authority over IPC', () => {
  let pki: TestPki;
  let tsa: TestTsa;
  let core: Core;
  let connections: ReturnType<typeof recordConnections>;

  beforeAll(async () => {
    pki = makeTestPki({ password: PASSWORD });
    tsa = await startTestTsa({ issuer: pki.intermediate, chainPem: [forge.pki.certificateToPem(pki.intermediate.cert)] });
  }, 60_000);
  afterAll(async () => {
    await tsa?.close();
  });
  beforeEach(async () => {
    core = await openCore(undefined, { now: () => new Date() });
    await core.dispatch('installDemo', undefined);
    await core.dispatch('addTrustedRoot', { certificateBase64: Buffer.from(pki.rootPem).toString('base64') });
    tsa.mode = 'good';
    connections = recordConnections();
  });
  afterEach(() => {
    connections.restore();
    core.close();
  });

  const signature = (extra: { withoutTimestamp?: boolean } = {}) => ({
    p12Base64: Buffer.from(pki.p12).toString('base64'),
    password: PASSWORD,
    visible: true,
    ...extra,
  });
  const tsaHost = (): string => new URL(tsa.url).host;

  it('without a TSA, a signed report is produced without opening any connection', async () => {
    expect(await core.dispatch('getTimestampSettings', undefined)).toEqual({ ok: true, value: { tsaUrl: null } });
    const signed = await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: false, signature: signature() });
    expect(signed).toMatchObject({ ok: true, value: { signed: true } });
    const pdf = fs.readFileSync((signed as { ok: true; value: { path: string } }).value.path).toString('base64');
    expect(await core.dispatch('verifyReport', { pdfBase64: pdf })).toMatchObject({ ok: true, value: { intact: true, trusted: true, timestamp: null } });
    expect(connections.targets).toEqual([]);
  }, 60_000);

  it('saves the TSA address (checked, audited, in horodatage.json), tests it, and time-stamps every signature', async () => {
    for (const [tsaUrl, message] of [
      ['ftp://tsa.example/', "L'adresse de l'autorité d'horodatage doit commencer par http:// ou https://."],
      ['http://agent:motdepasse@tsa.example/', "L'adresse de l'autorité d'horodatage ne doit contenir ni identifiant ni mot de passe."],
    ] as const) {
      expect(await core.dispatch('saveTimestampSettings', { tsaUrl })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message } });
    }
    expect(fs.existsSync(path.join(core.dir, TSA_SETTINGS_FILE))).toBe(false);

    expect(await core.dispatch('saveTimestampSettings', { tsaUrl: tsa.url })).toEqual({ ok: true, value: { tsaUrl: tsa.url } });
    expect(JSON.parse(fs.readFileSync(path.join(core.dir, TSA_SETTINGS_FILE), 'utf8'))).toEqual({ tsaUrl: tsa.url });
    expect(core.db.prepare("SELECT entity, entity_id, action, field, old_value, new_value FROM audit_log WHERE field = 'tsaUrl'").all()).toEqual([
      { entity: 'settings', entity_id: 'horodatage', action: 'update', field: 'tsaUrl', old_value: 'null', new_value: JSON.stringify(tsa.url) },
    ]);

    const tested = await core.dispatch('testTimestampAuthority', { tsaUrl: tsa.url });
    expect(tested).toMatchObject({ ok: true, value: { tsa: TEST_TSA_CN, trusted: true } });
    expect((tested as { ok: true; value: { message: string } }).value.message).toMatch(
      /^L'autorité d'horodatage a répondu : heure certifiée \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}, par « Autorité d’horodatage de test QRR ». Son certificat remonte à une autorité de confiance\.$/,
    );

    const signed = await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: false, signature: signature() });
    expect(signed).toMatchObject({ ok: true, value: { signed: true, signer: TEST_SIGNER_CN } });
    const pdf = fs.readFileSync((signed as { ok: true; value: { path: string } }).value.path).toString('base64');
    const verdict = await core.dispatch('verifyReport', { pdfBase64: pdf });
    expect(verdict).toMatchObject({
      ok: true,
      value: { intact: true, coversWholeFile: true, trusted: true, timestamp: { tsa: TEST_TSA_CN, imprintMatches: true, trusted: true } },
    });
    expect((verdict as { ok: true; value: { problems: string[] } }).value.problems).toEqual([]);

    // Offline otherwise: the test and the signature were the only connections, both to the TSA.
    expect(connections.targets).toEqual([tsaHost(), tsaHost()]);

    // Removing the address: signatures are no longer time-stamped.
    expect(await core.dispatch('saveTimestampSettings', { tsaUrl: null })).toEqual({ ok: true, value: { tsaUrl: null } });
  }, 120_000);

  it('a TSA that cannot answer: French message, nothing written; signing without a time-stamp only when asked', async () => {
    const down = await unreachableTsaUrl();
    await core.dispatch('saveTimestampSettings', { tsaUrl: down });
    expect(await core.dispatch('testTimestampAuthority', { tsaUrl: down })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: `L'autorité d'horodatage (${new URL(down).host}) est injoignable (connexion refusée).` },
    });

    const before = snapshot(core.db);
    const reportsDir = path.join(core.dir, 'rapports');
    const filesBefore = fs.existsSync(reportsDir) ? fs.readdirSync(reportsDir) : [];
    const refused = await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: true, confirmIncomplete: true, signature: signature() });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: `L'autorité d'horodatage (${new URL(down).host}) est injoignable (connexion refusée).`,
        issues: [{ path: 'withoutTimestamp' }],
      },
    });
    // Nothing recorded, nothing transmitted, no file.
    expect(snapshot(core.db)).toEqual(before);
    expect(fs.existsSync(reportsDir) ? fs.readdirSync(reportsDir) : []).toEqual(filesBefore);

    // The explicit choice: signed (and transmitted), without a time-stamp, and without contacting the TSA again.
    const contacted = connections.targets.length;
    const signed = await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: true, confirmIncomplete: true, signature: signature({ withoutTimestamp: true }) });
    expect(signed).toMatchObject({ ok: true, value: { signed: true, transmitted: true } });
    expect(connections.targets).toHaveLength(contacted);
    const pdf = fs.readFileSync((signed as { ok: true; value: { path: string } }).value.path).toString('base64');
    expect(await core.dispatch('verifyReport', { pdfBase64: pdf })).toMatchObject({ ok: true, value: { intact: true, timestamp: null } });
    expect(connections.targets.length).toBeGreaterThan(0);
    expect(connections.targets.every((t) => t === new URL(down).host)).toBe(true);
  }, 120_000);

  it('a TSA answering badly (token over other data) is refused the same way', async () => {
    await core.dispatch('saveTimestampSettings', { tsaUrl: tsa.url });
    tsa.mode = 'other-data';
    const before = snapshot(core.db);
    expect(await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: false, signature: signature() })).toMatchObject({
      ok: false,
      error: { message: "L'autorité d'horodatage a horodaté d'autres données que la signature : le jeton est refusé.", issues: [{ path: 'withoutTimestamp' }] },
    });
    expect(snapshot(core.db)).toEqual(before);
  }, 60_000);
});
