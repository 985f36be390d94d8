import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';
import { readOnly, tempDir } from '../support/db';

/** Dispatches a request as the page would, failing the test on a refusal. */
async function must<T = unknown>(app: AppSession, channel: string, request: unknown): Promise<T> {
  const result = await app.core.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel} refused: ${result.error.message}`);
  return result.value as T;
}

const qrrNames = (file: string): string[] =>
  readOnly(file, (db) => db.prepare('SELECT name FROM qrr ORDER BY name').pluck().all() as string[]);

describe('moving to another workstation in Chromium: « Exporter tout », then « Restaurer »', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('exports everything on the old workstation and restores it on a new one from the first run', async () => {
    const carried = tempDir('qrr-e2e-cle-usb-');
    let archive: string;
    let names: string[];
    let reportName: string;

    // The old workstation: the demonstration and a report, exported from Paramètres.
    const old = await startApp(browser);
    try {
      await must(old, 'installDemo', undefined);
      // A report already produced on that workstation (a real one is transferred in tests/integration/transfer.test.ts).
      reportName = 'rapport-qrr-93-2026-T3-signe.pdf';
      fs.mkdirSync(path.join(old.dir, 'rapports'), { recursive: true });
      fs.writeFileSync(path.join(old.dir, 'rapports', reportName), '%PDF-1.7 rapport du 3e trimestre');
      names = qrrNames(old.databasePath);
      expect(names).toHaveLength(3);
      const { page } = old;
      await old.open();
      await page.getByRole('link', { name: 'Paramètres', exact: true }).click();
      await page.getByRole('heading', { name: 'Emplacement des données et changement de poste' }).waitFor();
      const facts = page.getByTestId('app-info');
      await facts.waitFor();
      const factsText = (await facts.textContent()) ?? '';
      for (const folder of [old.databasePath, ...['sauvegardes', 'rapports', 'exports', 'autorites-de-confiance'].map((f) => path.join(old.dir, f))]) {
        expect(factsText).toContain(folder);
      }
      await page.getByText(/Les sauvegardes ne sont pas\s+incluses/).waitFor();

      await page.getByRole('button', { name: 'Exporter tout' }).click();
      const result = page.getByTestId('export-everything-result');
      await result.waitFor();
      const written = (await result.locator('code').textContent())!;
      expect(path.dirname(written)).toBe(path.join(old.dir, 'exports'));
      expect(path.basename(written)).toMatch(/^qrr-transfert-93-\d{4}-\d{2}-\d{2}\.qrrsauv$/);
      expect(await result.textContent()).toMatch(/Archive enregistrée \(2 fichiers, [\d,\u00a0\u202f]+\s?(ko|Mo)\)/);
      // The USB key between the two workstations.
      archive = path.join(carried, path.basename(written));
      fs.copyFileSync(written, archive);
      expect(old.externalRequests).toEqual([]);
      expect(old.consoleErrors).toEqual([]);
    } finally {
      await old.close();
    }

    // The new workstation: nothing yet; the first run offers the restore.
    const fresh = await startApp(browser);
    try {
      const { page } = fresh;
      await fresh.open();
      await page.getByRole('heading', { name: /Choisir le département/ }).waitFor();
      await page.getByRole('heading', { name: 'Vous changez de poste ?' }).waitFor();
      await page.getByRole('button', { name: 'Restaurer depuis un autre poste…' }).click();
      await page.getByLabel(/Archive de transfert/).setInputFiles(archive);

      // The dialog says what is replaced; cancelling changes nothing.
      const dialog = page.getByRole('dialog', { name: 'Remplacer les données de ce poste ?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toMatch(/sera\s+remplacée entièrement/);
      expect(await dialog.textContent()).toContain('Une sauvegarde de la base actuelle est faite juste avant');
      await dialog.getByRole('button', { name: 'Annuler' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(qrrNames(fresh.databasePath)).toEqual([]);

      await page.getByLabel(/Archive de transfert/).setInputFiles(archive);
      await dialog.getByRole('button', { name: 'Remplacer les données de ce poste' }).click();
      const summary = page.getByTestId('restore-everything-summary');
      await summary.waitFor();
      expect(await summary.textContent()).toMatch(/Les données exportées le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} par e2e-user \(Seine-Saint-Denis, 93\) ont été restaurées : 3 quartiers/);
      await summary.getByRole('button', { name: 'Voir les quartiers restaurés' }).click();

      const table = page.getByTestId('qrr-table');
      for (const name of names) await table.getByRole('cell', { name, exact: true }).waitFor();
      expect(qrrNames(fresh.databasePath)).toEqual(names);
      expect(fs.readFileSync(path.join(fresh.dir, 'rapports', reportName), 'utf8')).toBe('%PDF-1.7 rapport du 3e trimestre');
      expect(fresh.externalRequests).toEqual([]);
      expect(fresh.consoleErrors).toEqual([]);
    } finally {
      await fresh.close();
      fs.rmSync(carried, { recursive: true, force: true });
    }
  });

  it('asks twice in Paramètres before replacing a database of another département, and lists the safety backup', async () => {
    // An archive of the demonstration (Seine-Saint-Denis), made through the same request the button sends.
    const carried = tempDir('qrr-e2e-cle-usb-');
    const old = await startApp(browser);
    let archive: string;
    let names: string[];
    try {
      await must(old, 'installDemo', undefined);
      names = qrrNames(old.databasePath);
      const written = await must<{ path: string }>(old, 'exportEverything', undefined);
      archive = path.join(carried, path.basename(written.path));
      fs.copyFileSync(written.path, archive);
    } finally {
      await old.close();
    }

    // A workstation already following the Hérault.
    const other = await startApp(browser);
    try {
      await must(other, 'saveSettings', { departementCode: '34', prefetName: '', coordinatorName: '' });
      await must(other, 'createQrr', { name: 'QRR Mosson', communes: ['34172'] });
      const { page } = other;
      await other.open();
      await page.getByRole('link', { name: 'Paramètres', exact: true }).click();
      await page.getByLabel(/Archive de transfert/).setInputFiles(archive);
      await page.getByRole('dialog', { name: 'Remplacer les données de ce poste ?' }).getByRole('button', { name: 'Remplacer les données de ce poste' }).click();
      const warning = page.getByRole('dialog', { name: 'Archive d’un autre département' });
      await warning.waitFor();
      expect(await warning.textContent()).toContain(
        "L'archive concerne le département Seine-Saint-Denis (93), alors que cette base suit le département Hérault (34) (1 quartier).",
      );
      expect(qrrNames(other.databasePath)).toEqual(['QRR Mosson']);
      await warning.getByRole('button', { name: 'Remplacer quand même' }).click();
      const summary = page.getByTestId('restore-everything-summary');
      await summary.waitFor();
      const safety = /L'état précédent de cette base est sauvegardé dans « (qrr-\d{8}-\d{6}-\d{3}-avant-restauration\.sqlite) »/.exec(
        (await summary.textContent()) ?? '',
      )?.[1];
      expect(safety).toBeDefined();
      expect(qrrNames(other.databasePath)).toEqual(names);
      // The previous Hérault database is listed among the backups, ready to be put back.
      await page.locator(`[data-backup-name="${safety}"]`).waitFor();
      expect(qrrNames(path.join(path.dirname(other.databasePath), 'sauvegardes', safety!))).toEqual(['QRR Mosson']);
      // The application reloaded on the restored database: the header now names the Seine-Saint-Denis.
      await page.getByTestId('bloc-marque').getByText('Préfet de la Seine-Saint-Denis').waitFor();
      expect(other.externalRequests).toEqual([]);
      expect(other.consoleErrors).toEqual([]);
    } finally {
      await other.close();
      fs.rmSync(carried, { recursive: true, force: true });
    }
  });
});
