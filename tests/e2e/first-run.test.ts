import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';

describe('first run in Chromium, over a real SQLite file', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('choose a département, create a QRR, reload: the QRR is still there and in the file', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      await app.open();

      // Step 1: département.
      await page.getByRole('heading', { name: /Choisir le département/ }).waitFor();
      await page.getByLabel('Département').selectOption('93');
      await page.getByLabel('Nom du préfet').fill('Jacques Witkowski');
      await page.getByLabel(/Coordinateur/).fill('Camille Martin');
      await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();

      // Step 2: first QRR, communes found by typing without accents or hyphens.
      await page.getByRole('heading', { name: /Créer le premier quartier/ }).waitFor();
      expect(await page.getByTestId('bloc-marque').textContent()).toBe('Préfet de la Seine-Saint-Denis');
      await page.getByLabel(/Nom du quartier/).fill('QRR Saint-Denis Franc-Moisin');
      await page.getByLabel(/Communes du quartier/).fill('st denis');
      await page.getByRole('button', { name: 'Saint-Denis (93066)' }).click();
      await page.getByLabel(/Communes du quartier/).fill('epinay');
      await page.getByRole('button', { name: /^Épinay-sur-Seine/ }).click();
      await page.getByRole('button', { name: 'Créer le quartier' }).click();

      const table = page.getByTestId('qrr-table');
      await table.getByRole('cell', { name: 'QRR Saint-Denis Franc-Moisin', exact: true }).waitFor();
      await page.getByText('1 quartier suivi dans le département.').waitFor();

      await page.reload();
      await table.getByRole('cell', { name: 'QRR Saint-Denis Franc-Moisin', exact: true }).waitFor();
      await table.getByRole('cell', { name: 'Épinay-sur-Seine, Saint-Denis', exact: true }).waitFor();
      // Dates the French way, in Paris time: the clock of the e2e core is the real one.
      expect(await table.locator('tbody tr').first().locator('td').nth(4).textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);

      // The row is in the SQLite file, read by a separate connection.
      const stored = readOnly(app.databasePath, (db) => ({
        settings: db.prepare('SELECT departement_code, prefet_name FROM settings').get(),
        qrr: db.prepare('SELECT name, archived_at FROM qrr').all(),
        communes: db.prepare('SELECT insee_code FROM qrr_commune ORDER BY insee_code').pluck().all(),
        audit: db.prepare("SELECT entity, action, os_user, origin FROM audit_log WHERE origin = 'ui' ORDER BY id").all(),
      }));
      expect(stored.settings).toEqual({ departement_code: '93', prefet_name: 'Jacques Witkowski' });
      expect(stored.qrr).toEqual([{ name: 'QRR Saint-Denis Franc-Moisin', archived_at: null }]);
      expect(stored.communes).toEqual(['93031', '93066']);
      expect(stored.audit).toEqual([
        { entity: 'settings', action: 'create', os_user: 'e2e-user', origin: 'ui' },
        { entity: 'qrr', action: 'create', os_user: 'e2e-user', origin: 'ui' },
      ]);

      // Offline and CSP-clean: nothing left the application's origin, no violation reported.
      expect(app.externalRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
