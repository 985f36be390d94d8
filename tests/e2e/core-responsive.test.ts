import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { CANCELLED_MESSAGE } from '../../shared/ipc/progress';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { makeTestPki, TEST_SIGNER_CN } from '../support/pki';
import { startTestTsa, type TestTsa } from '../support/tsa';

const PASSWORD = 'mot de passe';

/**
 * A gate in front of the test time-stamp authority: it holds every query until
 * the test releases it, so the report is still being produced, for sure, while
 * the test works in the page — no timing involved.
 */
async function startGate(target: string) {
  const held: { body: Buffer; response: http.ServerResponse }[] = [];
  let arrived: (() => void) | null = null;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      held.push({ body: Buffer.concat(chunks), response });
      arrived?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
    /** Resolves once `count` queries are held. */
    held: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (held.length >= count ? resolve() : (arrived = check));
        check();
      }),
    /** Forwards the held queries to the real authority and its replies back. */
    release: () => {
      for (const { body, response } of held.splice(0)) {
        const forward = http.request(target, { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query', 'Content-Length': body.length } }, (reply) => {
          response.writeHead(reply.statusCode ?? 500, { 'Content-Type': 'application/timestamp-reply' });
          reply.pipe(response);
        });
        forward.on('error', () => response.destroy());
        forward.end(body);
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the core off the window’s thread: the page answers while a report is produced', () => {
  let browser: Browser;
  let tsa: TestTsa | undefined;
  let gate: Awaited<ReturnType<typeof startGate>> | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await gate?.close();
    await tsa?.close();
  });

  it('shows the progress, takes typing while the report waits, then removes the bar; « Annuler » stops the next one with nothing written', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const pki = makeTestPki({ password: PASSWORD });
      tsa = await startTestTsa({ issuer: pki.intermediate, chainPem: [forge.pki.certificateToPem(pki.intermediate.cert)] });
      gate = await startGate(tsa.url);
      const period = periodOfDate(new Date());
      await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet de test', coordinatorName: 'Camille Martin' });
      await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] });
      await core.dispatch('openPeriod', { code: period });
      await core.dispatch('addTrustedRoot', { certificateBase64: Buffer.from(pki.rootPem).toString('base64') });
      expect(await core.dispatch('saveTimestampSettings', { tsaUrl: gate.url })).toMatchObject({ ok: true });
      const p12File = path.join(app.dir, 'certificat.p12');
      fs.writeFileSync(p12File, pki.p12);

      await page.setViewportSize({ width: 1366, height: 768 });
      await app.open();
      await page.getByRole('link', { name: 'Rapports', exact: true }).click();
      await page.getByLabel(/Certificat de signature/).setInputFiles(p12File);
      await page.getByLabel(/Mot de passe du certificat/).fill(PASSWORD);
      const progress = page.getByTestId('task-progress');
      expect(await progress.count()).toBe(0);

      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click();
      // The core has drawn and signed the PDF and now waits for the authority's answer, held by the gate.
      await gate.held(1);
      const bar = progress.getByRole('progressbar', { name: 'Signature électronique et horodatage… (étape 4 sur 5)' });
      await bar.waitFor();
      expect(await bar.getAttribute('max')).toBe('5');
      expect(await bar.getAttribute('value')).toBe('3');
      await page.screenshot({ path: path.join(app.dir, 'rapport-en-cours.png') });
      if (process.env.QRR_SCREENSHOTS) fs.copyFileSync(path.join(app.dir, 'rapport-en-cours.png'), path.join(process.env.QRR_SCREENSHOTS, 'rapport-en-cours.png'));

      // Meanwhile the page answers: typing in a field and ticking a box take effect at once.
      const title = page.getByLabel(/Qualité du signataire/);
      await title.fill('Préfète de l’Hérault');
      expect(await title.inputValue()).toBe('Préfète de l’Hérault');
      const visible = page.getByLabel('Cadre de signature visible sur la dernière page');
      const box = page.getByText('Cadre de signature visible sur la dernière page');
      const wasChecked = await visible.isChecked();
      await box.click();
      expect(await visible.isChecked()).toBe(!wasChecked);
      await box.click();
      expect(await visible.isChecked()).toBe(wasChecked);
      // …while the report is still being produced (the gate has not let the answer through).
      expect(await progress.isVisible()).toBe(true);
      expect(tsa.queries).toHaveLength(0);
      gate.release();
      await page.getByTestId('report-produced').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('report-produced').textContent()).toContain(`Rapport signé par ${TEST_SIGNER_CN}`);
      await progress.waitFor({ state: 'detached' });
      const pdf = path.join(path.dirname(app.databasePath), 'rapports', `rapport-qrr-34-${period}-signe.pdf`);
      const produced = crypto.createHash('sha256').update(fs.readFileSync(pdf)).digest('hex');
      const reports = () => readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM report').pluck().get());
      expect(reports()).toBe(1);
      // A second report, cancelled while it waits for the authority: nothing written.
      const audit = () => readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM audit_log').pluck().get());
      const auditBefore = audit();
      // The password is asked at every signature.
      await page.getByLabel(/Mot de passe du certificat/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click();
      await gate.held(1);
      await progress.getByRole('progressbar', { name: /^Signature électronique et horodatage…/ }).waitFor();
      await progress.getByRole('button', { name: 'Annuler' }).click();
      await page.getByText(CANCELLED_MESSAGE).waitFor();
      await progress.waitFor({ state: 'detached' });
      expect(reports()).toBe(1);
      expect(audit()).toBe(auditBefore);
      expect(crypto.createHash('sha256').update(fs.readFileSync(pdf)).digest('hex')).toBe(produced);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 180_000); // signing twice with a time-stamp on 2 busy cores
});
