import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { cell, refusalSays } from '../support/grid';
import { REPO_ROOT } from '../support/paths';

/**
 * Issue 12, item 5: part columns are headed by what they hold for the focused
 * row, with the unit; a column the focused indicator has no part for is blank
 * (header and cells), never « 3e valeur »; the computed column says what it
 * computes. Real UI in Chromium.
 */
describe('part columns headed by what they hold (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    fs.mkdirSync(path.join(REPO_ROOT, 'test-results', 'screens'), { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const header = (page: Page, colId: string) =>
    page.locator(`.ag-header-cell[col-id="${colId}"] .ag-header-cell-text`).first().textContent().then((t) => t?.trim() ?? '');
  const headers = async (page: Page, q: string) => [
    await header(page, `${q}:p0`),
    await header(page, `${q}:p1`),
    await header(page, `${q}:p2`),
    await header(page, `${q}:rate`),
  ];
  const focusRow = async (page: Page, rowId: string) => {
    await page.keyboard.press('Escape');
    await cell(page, rowId, 'code').click();
  };

  it('for each kind of row: what the parts are, their unit, blank where the indicator has none; side by side too', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const nord = String(((await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] })) as { ok: true; value: { id: number } }).value.id);
      const sud = String(((await core.dispatch('createQrr', { name: 'QRR Sud', communes: [] })) as { ok: true; value: { id: number } }).value.id);
      await core.dispatch('openPeriod', { code: periodOfDate(new Date()) });
      await app.open();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '01-01', `${nord}:p0`).waitFor();

      // No row focused yet: generic headers, whose tooltip says they depend on the row.
      expect(await headers(page, nord)).toEqual(['Valeur', '2e valeur', '3e valeur', 'Taux']);

      const expected: Record<string, string[]> = {
        // Count and rate: both counts, the rate in percent; no third part.
        '01-01': ['Nombre de classes dédoublées', 'Nombre total de classes de GS, CP, CE1 en REP et REP +', '', 'Taux (%)'],
        // A single count: one header, nothing computed.
        '01-03': ['Nombre', '', '', ''],
        // A progress state.
        '02-01': ["État d'avancement", '', '', ''],
        // A ratio per 1,000 inhabitants.
        '03-03': ['Nombre de structures médicales et para-médicales présentes', 'Population (habitants)', '', 'Pour 1 000 habitants (‰)'],
        // Count plus an amount, with its unit.
        '05-02': ['Nombre d\'associations soutenues', 'Montant (€)', '', ''],
        // Gender split: three parts, the share of women.
        '05-03': ['Nombre de bénéficiaires', 'dont hommes', 'dont femmes', 'Part des femmes (%)'],
        // Two yes/no parts.
        '06-05': ['Présence les soirs', 'Présence le week-end', '', ''],
      };
      for (const [rowId, want] of Object.entries(expected)) {
        await focusRow(page, rowId);
        await expect.poll(() => headers(page, nord), { message: rowId }).toEqual(want);
      }
      expect(await page.locator('.ag-header-cell-text', { hasText: /\de valeur/ }).count()).toBe(0);

      // The blank third column of a 2-part indicator: its header's tooltip says why, its cell has none and refuses typing.
      await focusRow(page, '01-01');
      await page.locator(`.ag-header-cell[col-id="${nord}:p2"]`).hover();
      await expect.poll(() => page.locator('.ag-tooltip').first().textContent()).toMatch(/L'indicateur 01-01 n'a que 2 valeurs : cette colonne ne le concerne pas/);
      await page.mouse.move(0, 0);
      await page.locator('.ag-tooltip').waitFor({ state: 'detached' });
      // A name shortened in the header is whole in its tooltip.
      await page.locator(`.ag-header-cell[col-id="${nord}:p0"]`).hover();
      await expect.poll(() => page.locator('.ag-tooltip').first().textContent()).toBe('Indicateur 01-01 : Nombre de classes dédoublées (GS, CP, CE1 en REP et REP +)');
      await page.mouse.move(0, 0);
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'screens', 'indicateurs-headers-1366x768.png') });
      await cell(page, '01-01', `${nord}:p2`).click();
      expect(await cell(page, '01-01', `${nord}:p2`).textContent()).toBe('');
      await page.keyboard.type('3');
      await refusalSays(page, /n'a que 2 valeurs/);
      // A title row focused: the generic headers again.
      await page.locator('.ag-full-width-row[row-id="engagement-02"]').click();
      await expect.poll(() => headers(page, nord)).toEqual(['Valeur', '2e valeur', '3e valeur', 'Taux']);

      // Side by side: each quartier's block is headed the same way for the focused row.
      await page.getByLabel('Quartier', { exact: true }).selectOption('all');
      await cell(page, '05-03', `${sud}:p0`).waitFor();
      await focusRow(page, '05-03');
      for (const q of [nord, sud]) await expect.poll(() => headers(page, q)).toEqual(expected['05-03']);
      await focusRow(page, '01-03');
      for (const q of [nord, sud]) await expect.poll(() => headers(page, q)).toEqual(expected['01-03']);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
