/**
 * Signing from the real UI in Chromium, over a real SQLite file: the PKCS#11
 * module of a SoftHSM2 token (made here) set in Paramètres, the token's
 * certificate picked in Rapports, the PIN typed, the report signed on the
 * token (pdfsig and mutool accept it); the choice is proposed again on the
 * next visit. And a .p12 given by its path is proposed on the next visit too,
 * its password never.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOfDate } from '../../shared/domain/period';
import { PREFERENCES_FILE } from '../../electron/services/signing-preferences';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';
import { writeIssuer } from '../support/openssl-pki';
import { independentVerdict } from '../support/pdf-tools';
import { makeTestPki, TEST_SIGNER_CN } from '../support/pki';
import { addSigner, hasSoftHsm, initToken, SOFTHSM_MODULE } from '../support/softhsm';

const CARD_CN = 'Camille Martin — carte agent (test)';
const PASSWORD = "mot de passe d'été";

async function prepare(app: AppSession): Promise<string> {
  // Reading the card and signing a whole report load the shared 2-core machine: a wider bound on each wait.
  app.page.setDefaultTimeout(30_000);
  const period = periodOfDate(new Date());
  await app.core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet de test', coordinatorName: 'Camille Martin' });
  await app.core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] });
  await app.core.dispatch('openPeriod', { code: period });
  return period;
}

describe('signing in Chromium: smart card through PKCS#11, remembered choices', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!hasSoftHsm())('sets the module in Paramètres, picks the card certificate in Rapports, types the PIN and signs', async () => {
    // The card is in its reader before the application starts: the core host (its own process) inherits SOFTHSM2_CONF.
    const cardDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-e2e-carte-'));
    const token = initToken(cardDir, 'Carte agent e2e', '975310');
    const issuer = writeIssuer(cardDir, makeTestPki({ password: 'inutilisé' }));
    addSigner(token, cardDir, issuer, { kind: 'RSA 2048', commonName: CARD_CN, serial: 4001, id: '42', label: 'Signature' });
    const app = await startApp(browser);
    try {
      const { page } = app;
      await prepare(app);
      await page.setViewportSize({ width: 1366, height: 768 });

      await app.open();
      await page.getByRole('link', { name: 'Paramètres', exact: true }).click();
      const panel = page.getByTestId('pkcs11-module');
      await panel.getByLabel('Module PKCS#11').selectOption(SOFTHSM_MODULE);
      await panel.getByRole('button', { name: 'Enregistrer le module' }).click();
      await panel.getByText('Module de la carte enregistré.').waitFor();
      expect(await panel.textContent()).toContain(`Module actuel : ${SOFTHSM_MODULE}`);

      await page.getByRole('link', { name: 'Rapports', exact: true }).click();
      const choice = page.getByTestId('signer-choice');
      await choice.getByText('Carte agent / clé USB').click();
      await choice.getByText(CARD_CN).click();
      await choice.getByLabel(/Code PIN de la carte/).fill('000000');
      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click();
      await page.getByText(/Code PIN incorrect : rien n’a été signé/).waitFor();
      expect(fs.existsSync(path.join(path.dirname(app.databasePath), 'rapports'))).toBe(false);

      await choice.getByLabel(/Code PIN de la carte/).fill(token.pin);
      await page.screenshot({ path: path.join(app.dir, 'rapports-carte.png') });
      if (process.env.QRR_KEEP_SCREENSHOTS) fs.copyFileSync(path.join(app.dir, 'rapports-carte.png'), path.join(process.env.QRR_KEEP_SCREENSHOTS, 'rapports-carte.png'));
      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click();
      const produced = page.getByTestId('report-produced');
      await produced.waitFor({ timeout: 30_000 });
      expect(await produced.textContent()).toContain(`Rapport signé par ${CARD_CN}`);
      const file = /enregistré dans (\S+\.pdf)/.exec((await produced.textContent()) ?? '')?.[1];
      expect(file).toBeDefined();
      const verdict = independentVerdict(file!);
      expect(verdict, verdict.output).toMatchObject({ pdfsigValid: true, wholeDocument: true, mutoolUnchanged: true });
      // The PIN field is emptied after the request.
      expect(await choice.getByLabel(/Code PIN de la carte/).inputValue()).toBe('');

      // Next visit: the card and its certificate are chosen again; only the PIN is asked.
      await page.getByRole('link', { name: 'Journal', exact: true }).click();
      await page.getByRole('link', { name: 'Rapports', exact: true }).click();
      await expect.poll(() => choice.getByLabel(CARD_CN).isChecked()).toBe(true);
      expect(await choice.getByLabel('Carte agent / clé USB').isChecked()).toBe(true);
      expect(await choice.getByLabel(/Code PIN de la carte/).inputValue()).toBe('');
      expect(fs.readFileSync(path.join(app.dir, PREFERENCES_FILE), 'utf8')).not.toContain(token.pin);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
      fs.rmSync(cardDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('proposes the .p12 path used last time on the next visit, never its password', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      await prepare(app);
      const p12File = path.join(app.dir, 'certificat signature.p12');
      fs.writeFileSync(p12File, makeTestPki({ password: PASSWORD }).p12);

      await app.open();
      await page.getByRole('link', { name: 'Rapports', exact: true }).click();
      const choice = page.getByTestId('signer-choice');
      await choice.getByLabel(/Ou emplacement du certificat sur ce poste/).fill(p12File);
      await choice.getByLabel(/Mot de passe du certificat/).fill(PASSWORD);
      await page.screenshot({ path: '/tmp/keys/shots/p12.png', fullPage: true });
      await page.getByRole('button', { name: 'Produire et signer le rapport' }).click();
      const produced = page.getByTestId('report-produced');
      await produced.waitFor({ timeout: 30_000 });
      expect(await produced.textContent()).toContain(`Rapport signé par ${TEST_SIGNER_CN}`);

      await page.getByRole('link', { name: 'Journal', exact: true }).click();
      await page.getByRole('link', { name: 'Rapports', exact: true }).click();
      await expect.poll(() => choice.getByLabel(/Ou emplacement du certificat sur ce poste/).inputValue()).toBe(p12File);
      expect(await choice.getByLabel('Fichier .p12 / .pfx').isChecked()).toBe(true);
      expect(await choice.getByLabel(/Mot de passe du certificat/).inputValue()).toBe('');
      expect(await page.getByRole('button', { name: 'Produire et signer le rapport' }).isVisible()).toBe(true);
      const stored = fs.readFileSync(path.join(app.dir, PREFERENCES_FILE), 'utf8');
      expect(JSON.parse(stored).users['e2e-user'].lastChoice).toEqual({ kind: 'p12', path: p12File });
      expect(stored).not.toContain(PASSWORD);
    } finally {
      await app.close();
    }
  }, 120_000);
});
