import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';
import { readOnly } from '../support/db';

/** Dispatches a request as the page would, failing the test on a refusal. */
async function must<T = unknown>(app: AppSession, channel: string, request: unknown): Promise<T> {
  const result = await app.core.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel} refused: ${result.error.message}`);
  return result.value as T;
}

/** Seine-Saint-Denis, one QRR, the 3rd quarter of 2026 open and indicator 01-03 at 12. */
async function seeded(browser: Browser): Promise<{ app: AppSession; qrrId: number }> {
  const app = await startApp(browser);
  await must(app, 'saveSettings', { departementCode: '93', prefetName: 'Préfet', coordinatorName: '' });
  const qrr = await must<{ id: number }>(app, 'createQrr', { name: 'QRR Franc-Moisin', communes: ['93066'] });
  await must(app, 'openPeriod', { code: '2026-T3' });
  await must(app, 'saveIndicatorValues', {
    periodCode: '2026-T3',
    changes: [{ qrrId: qrr.id, indicatorCode: '01-03', value: { count: 12 } }],
  });
  return { app, qrrId: qrr.id };
}

/** Today's date in Paris, as `<input type="date">` holds it. */
const parisToday = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

const storedValue = (file: string): unknown =>
  readOnly(file, (db) => db.prepare("SELECT value FROM indicator_value WHERE indicator_code = '01-03'").pluck().get());

const qrrNames = (file: string): unknown => readOnly(file, (db) => db.prepare('SELECT name FROM qrr ORDER BY id').pluck().all());

describe('Journal and backups, in Chromium over a real SQLite file', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the audit trail in French, filters it and pages through it', async () => {
    const { app, qrrId } = await seeded(browser);
    try {
      // 55 later edits of the comment: two pages of indicator values.
      for (let i = 1; i <= 55; i++) {
        await must(app, 'saveIndicatorValues', {
          periodCode: '2026-T3',
          changes: [{ qrrId, indicatorCode: '01-03', comment: `Note ${i}` }],
        });
      }
      const { page } = app;
      await app.open();
      await page.getByRole('link', { name: 'Journal', exact: true }).click();
      await page.getByRole('heading', { name: 'Journal des modifications' }).waitFor();
      const table = page.getByTestId('audit-table');
      await table.waitFor();
      const range = page.getByTestId('audit-range');

      await page.getByLabel("Type d'élément").selectOption({ label: "Valeurs d'indicateurs" });
      await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
      await range.getByText(`1–50 sur 56`).waitFor();
      const newest = table.locator('tbody tr').first();
      expect(await newest.locator('td').allTextContents()).toEqual([
        expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}\u00a0\d{2}:\d{2}$/),
        'e2e-user',
        'Saisie',
        'QRR Franc-Moisin · indicateur 01-03 · 3e trimestre 2026',
        'Modification',
        'Commentaire',
        // The arrow is hidden from screen readers, which hear « devient » instead.
        '« Note 54 » →  devient « Note 55 »',
      ]);

      await page.getByRole('button', { name: 'Suivant' }).click();
      await range.getByText('51–56 sur 56').waitFor();
      expect(await page.getByRole('button', { name: 'Suivant' }).isDisabled()).toBe(true);
      // The oldest entry: the value itself, 12, entered from nothing.
      const first = table.locator('tbody tr').last();
      expect(await first.locator('td').nth(5).textContent()).toBe('Valeur');
      expect(await first.locator('td').nth(6).textContent()).toBe('— →  devient Nombre : 12');
      await page.getByRole('button', { name: 'Précédent' }).click();
      await range.getByText('1–50 sur 56').waitFor();

      // Free text: the value 12 is found through its stored form.
      await page.getByLabel(/^Recherche/).fill('"count":12');
      await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
      await range.getByText('1–1 sur 1').waitFor();
      expect(await table.locator('tbody tr td').nth(6).textContent()).toContain('Nombre : 12');

      // Dates: today (the whole day) includes it, a range ending yesterday does not.
      const today = parisToday();
      await page.getByLabel(/^Du/).fill(today);
      await page.getByLabel(/^Au/).fill(today);
      await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
      await range.getByText('1–1 sur 1').waitFor();
      await page.getByLabel(/^Du/).fill('2021-06-01');
      await page.getByLabel(/^Au/).fill('2021-06-24');
      await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
      await page.getByText('Aucune modification ne correspond à ces filtres.').waitFor();
      expect(await table.count()).toBe(0);

      // A range the wrong way round is explained, not sent.
      await page.getByLabel(/^Du/).fill('2021-06-24');
      await page.getByLabel(/^Au/).fill('2021-06-01');
      await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
      await page.getByText('La date de fin est antérieure à la date de début.').waitFor();

      // Back to everything: settings, QRR, period, values and the start-up migrations.
      await page.getByRole('button', { name: 'Réinitialiser les filtres' }).click();
      await range.getByText(/^1–50 sur \d+$/).waitFor();
      await page.getByRole('button', { name: 'Suivant' }).click();
      await range.getByText(/^51–\d+ sur \d+$/).waitFor();
      const elements = await table.locator('tbody tr td:nth-child(4)').allTextContents();
      expect(elements).toEqual(expect.arrayContaining(['QRR Franc-Moisin', '3e trimestre 2026', 'Paramètres']));
      const origins = await table.locator('tbody tr td:nth-child(3)').allTextContents();
      expect(origins).toContain('Migration');
      const audited = readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM audit_log').pluck().get());
      expect(await range.textContent()).toBe(`51–${audited} sur ${audited}`);

      expect(app.externalRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('backs up on demand and restores a backup after an inline confirmation', async () => {
    const { app, qrrId } = await seeded(browser);
    try {
      const { page } = app;
      const backupDir = path.join(path.dirname(app.databasePath), 'sauvegardes');
      await app.open();
      await page.getByRole('link', { name: 'Paramètres', exact: true }).click();
      await page.getByRole('heading', { name: 'Sauvegardes' }).waitFor();
      // A new database has no backup yet (the start-up one is taken when an existing file is opened).
      await page.getByText("Aucune sauvegarde pour l'instant.").waitFor();

      // A backup that disappears before the restore: a French refusal, nothing changes.
      await page.getByRole('button', { name: 'Sauvegarder maintenant' }).click();
      const table = page.getByTestId('backups-table');
      await table.locator('tbody tr').first().waitFor();
      const [lost] = fs.readdirSync(backupDir).filter((f) => f.endsWith('.sqlite'));
      await page.getByRole('button', { name: /^Restaurer la sauvegarde du/ }).click();
      fs.rmSync(path.join(backupDir, lost!));
      await page.getByRole('button', { name: 'Confirmer la restauration' }).click();
      const refusal = page.getByRole('alert');
      await refusal.getByText('Restauration impossible').waitFor();
      expect(await refusal.textContent()).toContain(`La sauvegarde « ${lost} » n'existe pas (ou plus) dans le dossier des sauvegardes.`);
      await page.getByText("Aucune sauvegarde pour l'instant.").waitFor();

      // The real one.
      await page.getByRole('button', { name: 'Sauvegarder maintenant' }).click();
      await page.getByText(/^Sauvegarde du \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} effectuée \(qrr-.+-manuelle\.sqlite\)\.$/).waitFor();
      const row = table.locator('tbody tr').first();
      await row.waitFor();
      const cells = await row.locator('td').allTextContents();
      expect(cells[0]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}nouvelle$/);
      expect(cells[1]).toBe('Manuelle');
      expect(cells[2]).toMatch(/^\d+(,\d)?\u00a0(ko|Mo)$/);
      expect(cells[3]).toMatch(/^qrr-\d{8}-\d{6}-\d{3}-manuelle\.sqlite$/);
      const backupName = cells[3]!;

      // Work goes on after the backup…
      await must(app, 'saveIndicatorValues', {
        periodCode: '2026-T3',
        changes: [{ qrrId, indicatorCode: '01-03', value: { count: 99 } }],
      });
      await must(app, 'createQrr', { name: 'QRR Après la sauvegarde', communes: [] });
      expect(storedValue(app.databasePath)).toBe('{"count":99}');

      // …then the coordinator goes back to the backup. Cancelling first changes nothing.
      const restoreButton = row.getByRole('button', { name: /^Restaurer la sauvegarde du .+ \(manuelle\)$/ });
      await restoreButton.click();
      const confirmation = page.getByTestId('restore-confirmation');
      await confirmation.waitFor();
      expect(await confirmation.textContent()).toContain("L'état actuel est d'abord sauvegardé");
      await confirmation.getByRole('button', { name: 'Annuler' }).click();
      expect(await confirmation.count()).toBe(0);
      // From the keyboard: Escape closes it and gives the focus back to « Restaurer ».
      await restoreButton.click();
      await page.keyboard.press('Escape');
      expect(await confirmation.count()).toBe(0);
      expect(await restoreButton.evaluate((button) => button === document.activeElement)).toBe(true);
      expect(storedValue(app.databasePath)).toBe('{"count":99}');

      await restoreButton.click();
      await confirmation.getByRole('button', { name: 'Confirmer la restauration' }).click();
      const success = page.getByText(/^Sauvegarde du \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} restaurée\./);
      await success.waitFor();
      const message = (await success.textContent())!;
      const safety = /L'état précédent a été sauvegardé \((qrr-[\w-]+-avant-restauration\.sqlite)\)\.$/.exec(message)?.[1];
      expect(safety).toBeDefined();

      // The list shows the safety backup above the restored one.
      await table.locator('tbody tr', { hasText: 'Avant restauration' }).waitFor();
      expect(await table.locator('tbody tr td:nth-child(4)').allTextContents()).toEqual([safety, backupName]);

      // The database is the backup's; the state before the restore is in the safety backup.
      expect(storedValue(app.databasePath)).toBe('{"count":12}');
      expect(qrrNames(app.databasePath)).toEqual(['QRR Franc-Moisin']);
      expect(storedValue(path.join(backupDir, safety!))).toBe('{"count":99}');
      expect(qrrNames(path.join(backupDir, safety!))).toEqual(['QRR Franc-Moisin', 'QRR Après la sauvegarde']);

      // The application reloaded on the restored file.
      await page.getByRole('link', { name: 'Quartiers', exact: true }).click();
      await page.getByTestId('qrr-table').waitFor();
      expect(await page.getByTestId('qrr-table').locator('tbody tr').allTextContents()).toEqual([
        expect.stringContaining('QRR Franc-Moisin'),
      ]);

      expect(app.externalRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
