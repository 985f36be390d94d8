import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { makeTestPki, TEST_SIGNER_CN } from '../support/pki';
import { startTestTsa, TEST_TSA_CN, unreachableTsaUrl, type TestTsa } from '../support/tsa';

const PASSWORD = 'mot de passe à accents';

describe('time-stamp authority in Chromium: Paramètres, Rapports, verification', () => {
  let browser: Browser;
  let tsa: TestTsa;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tsa?.close();
  });

  it('sets and tests the TSA, signs a time-stamped report, and signs without only by explicit choice when the TSA is down', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const pki = makeTestPki({ password: PASSWORD });
      tsa = await startTestTsa({ issuer: pki.intermediate, chainPem: [forge.pki.certificateToPem(pki.intermediate.cert)] });
      const period = periodOfDate(new Date());
      await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet de test', coordinatorName: 'Camille Martin' });
      await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] });
      await core.dispatch('openPeriod', { code: period });
      await core.dispatch('addTrustedRoot', { certificateBase64: Buffer.from(pki.rootPem).toString('base64') });
      const p12File = path.join(app.dir, 'certificat.p12');
      fs.writeFileSync(p12File, pki.p12);

      await page.setViewportSize({ width: 1366, height: 768 });
      await app.open();
      await page.getByRole('link', { name: 'Paramètres', exact: true }).click();
      const panel = page.getByTestId('timestamp-settings');
      await panel.waitFor();
      await panel.getByLabel(/Adresse de l’autorité d’horodatage/).fill(tsa.url);
      await panel.getByRole('button', { name: 'Tester' }).click({ timeout: 60_000 });
      const result = panel.getByTestId('tsa-test-result');
      await result.waitFor({ timeout: 30_000 });
      expect(await result.textContent()).toMatch(
        new RegExp(`^L'autorité d'horodatage a répondu : heure certifiée \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}, par « ${TEST_TSA_CN} »\\. Son certificat remonte à une autorité de confiance\\.$`),
      );
      await panel.getByRole('button', { name: 'Enregistrer l’adresse' }).click();
      await panel.getByText('Autorité d’horodatage enregistrée : les prochaines signatures seront horodatées.').waitFor();
      await panel.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(app.dir, 'parametres-horodatage.png') });
      if (process.env.QRR_SCREENSHOTS) fs.copyFileSync(path.join(app.dir, 'parametres-horodatage.png'), path.join(process.env.QRR_SCREENSHOTS, 'parametres-horodatage.png'));

      // A time-stamped signature from Rapports.
      await page.getByRole('link', { name: 'Rapports', exact: true }).click();
      await page.getByLabel(/Certificat de signature/).setInputFiles(p12File);
      await page.getByLabel(/Mot de passe du certificat/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click({ timeout: 60_000 }); // signing runs in this process: slow under load
      const produced = page.getByTestId('report-produced');
      await produced.waitFor({ timeout: 60_000 });
      expect(await produced.textContent()).toContain(`Rapport signé par ${TEST_SIGNER_CN}`);
      expect(tsa.queries).toHaveLength(2); // « Tester », then the signature
      const pdf = path.join(path.dirname(app.databasePath), 'rapports', `rapport-qrr-34-${period}-signe.pdf`);
      const pdfsig = execFileSync('pdfsig', [pdf], { encoding: 'utf8' });
      expect(pdfsig).toContain('Signature is Valid.');
      expect(pdfsig).toContain('Total document signed');

      await page.getByLabel(/Rapport PDF à vérifier/).setInputFiles(pdf);
      const verdict = page.getByTestId('verdict');
      await verdict.getByText('Signature valide').waitFor();
      expect(await verdict.textContent()).toMatch(new RegExp(`Horodatage\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}, par « ${TEST_TSA_CN} » — heure prouvée`));

      // The TSA goes down: a French refusal, nothing written, then the explicit choice.
      const down = await unreachableTsaUrl();
      await core.dispatch('saveTimestampSettings', { tsaUrl: down });
      const reportsBefore = readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM report').pluck().get());
      await page.getByLabel(/Mot de passe du certificat/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click({ timeout: 60_000 }); // signing runs in this process: slow under load
      await page.getByText(`L'autorité d'horodatage (${new URL(down).host}) est injoignable (connexion refusée).`).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('report-produced').count()).toBe(0); // the previous success is no longer shown
      expect(readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM report').pluck().get())).toBe(reportsBefore);
      await page.screenshot({ path: path.join(app.dir, 'rapports-horodatage-injoignable.png') });
      if (process.env.QRR_SCREENSHOTS) fs.copyFileSync(path.join(app.dir, 'rapports-horodatage-injoignable.png'), path.join(process.env.QRR_SCREENSHOTS, 'rapports-horodatage-injoignable.png'));

      await page.getByTestId('without-timestamp').getByText('Signer sans horodatage').click();
      await page.getByLabel(/Mot de passe du certificat/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click({ timeout: 60_000 }); // signing runs in this process: slow under load
      await page.getByTestId('report-produced').waitFor({ timeout: 60_000 });
      expect(readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM report').pluck().get())).toBe(Number(reportsBefore) + 1);
      // The choice is not kept for the next signature.
      expect(await page.getByTestId('without-timestamp').count()).toBe(0);

      expect(app.consoleErrors).toEqual([]);
      // The renderer itself never reaches the network, not even the TSA (main does).
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  }, 240_000);
});
