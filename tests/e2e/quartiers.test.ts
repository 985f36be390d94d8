import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';
import { readOnly, snapshot } from '../support/db';

/** Opens the app on a database already holding the Hérault and one QRR. */
async function seeded(browser: Browser): Promise<AppSession> {
  const app = await startApp(browser);
  await app.core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet', coordinatorName: '' });
  await app.core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] });
  await app.open();
  await app.page.getByRole('link', { name: 'Quartiers', exact: true }).click();
  await app.page.getByTestId('qrr-table').waitFor();
  return app;
}

describe('Quartiers screen and the IPC boundary, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renames, refuses a duplicate with a French message, archives and restores a QRR', async () => {
    const app = await seeded(browser);
    try {
      const { page } = app;
      await page.getByRole('button', { name: 'Nouveau quartier' }).click();
      await page.getByLabel(/Nom du quartier/).fill('QRR Petit Bard');
      await page.getByRole('button', { name: 'Créer le quartier' }).click();
      await page.getByText('« QRR Petit Bard » est créé.').waitFor();

      // Rename Petit Bard to an existing name: refused, shown next to the field.
      await page.getByRole('button', { name: 'Modifier QRR Petit Bard' }).click();
      await page.getByLabel(/Nom du quartier/).fill('qrr mosson');
      await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
      await page.getByRole('alert').getByText('Un quartier nommé « qrr mosson » existe déjà (éventuellement archivé).').waitFor();
      await page.getByText('Ce nom est déjà utilisé.').waitFor();

      await page.getByLabel(/Nom du quartier/).fill('QRR Petit Bard – Pergola');
      await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
      await page.getByText('« QRR Petit Bard – Pergola » est enregistré.').waitFor();

      await page.getByRole('button', { name: 'Archiver QRR Mosson' }).click();
      await page.getByText('« QRR Mosson » est archivé.').waitFor();
      expect(await page.getByTestId('qrr-table').locator('tbody tr').count()).toBe(1);
      // DSFR draws its own box over the native input: click the label, as a user does.
      await page.getByText('Afficher les quartiers archivés').click();
      await page.getByRole('button', { name: 'Restaurer QRR Mosson' }).click();
      await page.getByText('« QRR Mosson » est restauré.').waitFor();

      const audit = readOnly(app.databasePath, (db) =>
        db.prepare("SELECT action, field FROM audit_log WHERE entity = 'qrr' ORDER BY id").all(),
      );
      expect(audit).toEqual([
        { action: 'create', field: null },
        { action: 'create', field: null },
        { action: 'update', field: 'name' },
        { action: 'archive', field: 'archivedAt' },
        { action: 'restore', field: 'archivedAt' },
      ]);
      expect(app.externalRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('window.api refuses bad requests from the page and the database is unchanged', async () => {
    const app = await seeded(browser);
    try {
      const before = snapshot(app.core.db);
      const results = await app.page.evaluate(async () => {
        const api = window.api as unknown as Record<string, (r?: unknown) => Promise<unknown>>;
        const bridge = (window as unknown as { __qrrBridge: (c: string, r: unknown) => Promise<unknown> }).__qrrBridge;
        return {
          wrongTypes: await api.createQrr!({ name: ['x'], communes: [1, 2] }),
          oversized: await api.createQrr!({ name: 'é'.repeat(5000), communes: [] }),
          unknownChannel: await bridge('deleteEverything', {}),
          notAFunction: typeof api.execSql,
          frozen: Object.isFrozen(window.api),
        };
      });
      expect(results.wrongTypes).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(results.oversized).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', message: 'Le nom du quartier ne peut pas dépasser 120 caractères.' },
      });
      expect(results.unknownChannel).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      expect(results.notAFunction).toBe('undefined');
      expect(results.frozen).toBe(true);
      expect(snapshot(app.core.db)).toEqual(before);
    } finally {
      await app.close();
    }
  });

  it('shows the database location in Paramètres', async () => {
    const app = await seeded(browser);
    try {
      await app.page.getByRole('link', { name: 'Paramètres', exact: true }).click();
      const info = app.page.getByTestId('app-info');
      await info.waitFor();
      expect(await info.textContent()).toContain(app.databasePath);
      // The département is locked once QRRs exist.
      expect(await app.page.getByLabel(/^Département/).isDisabled()).toBe(true);
    } finally {
      await app.close();
    }
  });
});
