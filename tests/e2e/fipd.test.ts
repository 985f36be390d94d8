import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, cellText, openSidePanel, pasteTsv, refusalSays, statusSays, typeInto } from '../support/grid';

describe('FIPD credits in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('envelope, three pasted lines (one bad SIRET refused), advance and balance, totals, 05-02 computed, xlsx export', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const now = new Date();
      const period = periodOfDate(now);
      const year = now.getFullYear();
      // A decision date inside the current quarter, French format.
      const month = String((Number(period.slice(-1)) - 1) * 3 + 1).padStart(2, '0');
      const decided = `15/${month}/${year}`;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const created = await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
      const q = (created as { ok: true; value: { id: number } }).value.id;
      await core.dispatch('openPeriod', { code: period });
      await app.open();
      await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();

      await typeInto(page, String(q), 'amount', '80 000');
      await statusSays(page, /Saisie : 1 cellule enregistrée/);

      // Quartier, Source, Association, SIRET, RNA, Intitulé, Actions, Demandé, Attribué, Cofinancement, Statut, Décision, N°, Date.
      await cell(page, 'new-0', 'qrrId').click();
      await pasteTsv(
        page,
        [
          `QRR Nord\tFIPD\tAssociation Les Ailes\t732 829 320 00074\t\tAteliers de prévention\t06-01\t20 000\t15 000,50\t\tattribuée\tArrêté\tA-2026-12\t${decided}`,
          `QRR Nord\tFIPD\tClub sportif du Franc-Moisin\t\tW931234567\tSport et citoyenneté\t05-01\t30 000\t25 000\t5 000\tattribuée\tConvention\tC-2026-3\t${decided}`,
          `QRR Nord\tFIPD\tAssociation fantôme\t123 456 789 00000\t\tProjet douteux\t\t10 000\t\t\tdemandée\t\t\t`,
        ].join('\r\n') + '\r\n',
      );
      const status = await statusSays(page, /Collage/);
      expect(status).toMatch(/1 refusée/);
      expect(status).toMatch(/SIRET/);
      await expect.poll(() => readOnly(app.databasePath, (db) => db.prepare('SELECT beneficiary_name FROM subsidy ORDER BY id').pluck().all())).toEqual([
        'Association Les Ailes',
        'Club sportif du Franc-Moisin',
      ]);
      // The refused line stays as typed, to be corrected.
      expect(await cellText(page, 'new-0', 'beneficiaryName')).toBe('Association fantôme');

      // Advance then balance for the first subsidy.
      const first = readOnly(app.databasePath, (db) => db.prepare('SELECT id FROM subsidy ORDER BY id').pluck().get() as number);
      await cell(page, `s${first}`, 'title').click();
      await openSidePanel(page);
      const detail = page.getByTestId('subsidy-detail');
      await detail.waitFor();
      for (const [date, amount, kind] of [
        [decided, '10 000', 'Avance'],
        [decided, '5 000,50', 'Solde'],
      ] as const) {
        await detail.getByLabel(/Date du versement/).fill(date);
        await detail.getByLabel('Montant (€)').fill(amount);
        await detail.getByLabel('Nature').selectOption({ label: kind });
        await detail.getByRole('button', { name: 'Enregistrer le versement' }).click();
        await detail.getByTestId('payments').filter({ hasText: kind }).waitFor();
      }
      // The balance was paid without the financial report: flagged until the documents are ticked.
      expect(await detail.textContent()).toMatch(/solde/i);
      await detail.locator('label', { hasText: 'Compte-rendu financier (CERFA 15059)' }).click();
      await expect
        .poll(() => readOnly(app.databasePath, (db) => db.prepare('SELECT documents FROM subsidy WHERE id = ?').pluck().get(first) as string))
        .toContain('compte_rendu');
      // More than granted is refused.
      await detail.getByLabel(/Date du versement/).fill(decided);
      await detail.getByLabel('Montant (€)').fill('1');
      await detail.getByRole('button', { name: 'Enregistrer le versement' }).click();
      await detail.getByRole('alert').waitFor();

      const ledger = page.getByTestId('fipd-ledger');
      await expect.poll(async () => (await ledger.textContent()) ?? '').toMatch(/Délégué 80\u202f000,00\u00a0€ · engagé 40\u202f000,50\u00a0€ · versé 15\u202f000,50\u00a0€/);
      expect(await page.getByTestId('fipd-chart').textContent()).toMatch(/Versé15\u202f000,50\u00a0€/);

      // The dashboard (and the report, same model) shows the credits of the year.
      await page.getByRole('link', { name: 'Tableau de bord', exact: true }).click();
      // The refused line typed below is not saved: leaving asks first (issue 12), and the user gives it up.
      const guard = page.getByRole('dialog', { name: /pas enregistrée/ });
      await guard.waitFor();
      expect(await guard.textContent()).toMatch(/Nouvelle subvention, ligne 1 \(Association fantôme\)/);
      await guard.getByRole('button', { name: 'Abandonner ces saisies' }).click();
      await expect
        .poll(async () => (await page.getByTestId('dashboard-fipd').textContent()) ?? '')
        .toMatch(/Délégué 80\u202f000,00\u00a0€ · engagé 40\u202f000,50\u00a0€ · versé 15\u202f000,50\u00a0€/);

      // Indicator 05-02 is computed from these lines, and read-only in the grid.
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '05-02', `${q}:p0`).waitFor();
      await expect.poll(() => cellText(page, '05-02', `${q}:p0`)).toBe('2');
      expect(await cellText(page, '05-02', `${q}:p1`)).toBe('40\u202f000,50\u00a0€');
      await cell(page, '05-02', `${q}:p0`).click();
      await page.keyboard.type('9');
      expect(await page.locator('.ag-cell-inline-editing').count()).toBe(0);
      await refusalSays(page, /calculé depuis les crédits FIPD/);

      // Export to Excel, read back.
      await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
      await page.getByRole('button', { name: 'Exporter en Excel (.xlsx)' }).click();
      const exported = page.getByTestId('fipd-exported');
      await exported.waitFor();
      const file = /dans (.+\.xlsx)$/.exec((await exported.textContent()) ?? '')![1]!;
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const sheet = workbook.getWorksheet('Subventions')!;
      expect(sheet.getRow(1).getCell(5).value).toBe('Association');
      expect(sheet.rowCount).toBe(3);
      expect(sheet.getRow(2).getCell(5).value).toBe('Association Les Ailes');
      expect(sheet.getRow(2).getCell(11).value).toBe(15000.5);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 180_000);

  it('the subsidies always show their quartiers by name, whatever answers first (Tableau de bord → Crédits FIPD, six times)', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      await core.dispatch('installDemo', undefined);
      for (let i = 0; i < 6; i++) {
        await app.open();
        await page.getByTestId('dashboard-fipd').waitFor();
        await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
        const quartiers = page.locator('.ag-row[row-id^="s"] .ag-cell[col-id="qrrId"]');
        await quartiers.first().waitFor();
        // The names arrive in their own request: the cells drawn before must be redrawn with them.
        await expect.poll(async () => (await quartiers.allTextContents()).filter((t) => !/démonstration/.test(t)), { timeout: 10_000 }).toEqual([]);
        expect(await page.getByText(/QRR n° \d/).count()).toBe(0);
      }
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 180_000);
});
