import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { makeTestPki, TEST_SIGNER_CN } from '../support/pki';
import { cell } from '../support/grid';

const PASSWORD = 'mot de passe de test';

describe('quarterly report in Chromium: check, sign, transmit, verify', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists what is missing, produces a signed report that transmits the quarter, verifies it, and the quarter is locked', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const period = periodOfDate(new Date());
      await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet de test', coordinatorName: 'Camille Martin' });
      const created = await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] });
      const q = (created as { ok: true; value: { id: number } }).value.id;
      await core.dispatch('openPeriod', { code: period });
      await core.dispatch('saveIndicatorValues', { periodCode: period, changes: [{ qrrId: q, indicatorCode: '05-02', value: { count: 3, amountCents: 123456 } }] });
      const pki = makeTestPki({ password: PASSWORD });
      const p12File = path.join(app.dir, 'certificat.p12');
      fs.writeFileSync(p12File, pki.p12);

      await app.open();
      // Home: the dashboard of the quarter.
      await page.getByTestId('dashboard-table').waitFor();
      expect(await page.getByTestId('dashboard-totals').textContent()).toMatch(/1 \/ 56/);

      await page.getByRole('link', { name: 'Rapports', exact: true }).click();
      const missing = page.getByTestId('missing-summary');
      await missing.waitFor();
      expect(await missing.textContent()).toMatch(/À compléter avant la transmission/);

      // Transmitting an incomplete quarter needs an explicit confirmation.
      await page.getByLabel(/Certificat de signature/).setInputFiles(p12File);
      await page.getByLabel(/Mot de passe du certificat/).fill('mauvais');
      await page.getByText('Transmettre le trimestre (il passera en lecture seule)').click();
      await page.getByRole('button', { name: 'Signer et transmettre' }).click();
      await page.getByText(/cochez la confirmation pour transmettre quand même/).waitFor();
      await page.getByText('Je transmets malgré les éléments manquants').click();
      await page.getByRole('button', { name: 'Signer et transmettre' }).click();
      await page.getByText(/Mot de passe du certificat incorrect/).waitFor();
      expect(readOnly(app.databasePath, (db) => db.prepare('SELECT state FROM period').pluck().get())).toBe('open');

      await page.getByLabel(/Mot de passe du certificat/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Signer et transmettre' }).click();
      const produced = page.getByTestId('report-produced');
      await produced.waitFor({ timeout: 30_000 });
      expect(await produced.textContent()).toContain(`Rapport signé par ${TEST_SIGNER_CN}`);
      expect(await produced.textContent()).toMatch(/Le trimestre est transmis/);

      const pdf = path.join(path.dirname(app.databasePath), 'rapports', `rapport-qrr-34-${period}-signe.pdf`);
      expect(fs.existsSync(pdf)).toBe(true);
      const pdfsig = execFileSync('pdfsig', [pdf], { encoding: 'utf8' });
      expect(pdfsig).toContain('Signature is Valid.');
      expect(pdfsig).toContain('Total document signed');
      const stored = readOnly(app.databasePath, (db) => ({
        period: db.prepare('SELECT state FROM period').pluck().get(),
        report: db.prepare('SELECT signed, signer, transmitted, sha256 FROM report').get() as { sha256: string },
      }));
      expect(stored.period).toBe('transmitted');
      expect(stored.report).toMatchObject({ signed: 1, signer: TEST_SIGNER_CN, transmitted: 1 });

      // Verify the file produced, then a copy with one byte changed.
      await page.getByLabel(/Rapport PDF à vérifier/).setInputFiles(pdf);
      const verdict = page.getByTestId('verdict');
      await verdict.getByText('Signature valide').waitFor();
      expect(await verdict.textContent()).toContain(`département 34, ${period}`);
      const tampered = path.join(app.dir, 'modifie.pdf');
      const bytes = fs.readFileSync(pdf);
      const at = bytes.indexOf(Buffer.from('Mosson'));
      bytes[at] = 'N'.charCodeAt(0);
      fs.writeFileSync(tampered, bytes);
      await page.getByLabel(/Rapport PDF à vérifier/).setInputFiles(tampered);
      await verdict.getByText('Document modifié après signature').waitFor();

      // The quarter is locked in the grids.
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '01-03', `${q}:p0`).waitFor();
      await page.getByText(/a été transmis : il est en lecture seule/).first().waitFor();
      expect(app.consoleErrors).toEqual([]);
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  }, 180_000);
});
