/**
 * « N indicateurs à compléter » and the completeness badges lead to the cells
 * concerned (issue 13): a link on the dashboard opens Indicateurs on that
 * quartier and quarter with the focus on the first missing cell (its first
 * empty part), and the navigator goes through the others — « sans objet »
 * skipped, as in the transmission check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { cell, focusedCell } from '../support/grid';
import { setUpHerault } from '../support/herault';

const focusIs = async (page: Page, rowId: string, colId: string) =>
  expect.poll(() => focusedCell(page)).toEqual({ rowId, colId });

describe('missing indicators lead to their cells in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('from the dashboard to the first missing cell, then through the others', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const period = periodOfDate(new Date());
      const [a, b] = (await setUpHerault(
        core,
        [
          { name: 'QRR Mosson', securityZone: 'police' },
          { name: 'QRR Petit-Bard', securityZone: 'gendarmerie' },
        ],
        [period],
      )) as [number, number];
      // QRR Mosson: 07-01…07-05 complete, 07-06 has its operations but not its beneficiaries.
      const changes = ['07-01', '07-02', '07-03', '07-04', '07-05'].map((code, i) => ({ qrrId: a, indicatorCode: code, value: { count: i + 1 } }));
      changes.push({ qrrId: a, indicatorCode: '07-06', value: { operations: 2, beneficiaries: null } as never });
      expect(await core.dispatch('saveIndicatorValues', { periodCode: period, changes })).toMatchObject({ ok: true });

      await app.open();
      await page.getByTestId('dashboard-table').waitFor();
      // The badge of QRR Mosson × engagement 07: 5 / 9.
      const badge = page.getByTestId(`completeness-link-07-${a}`);
      expect(await badge.textContent()).toBe('5 / 9');
      await badge.click();
      await focusIs(page, '07-06', `${a}:p1`);
      expect(await page.getByLabel('Quartier').inputValue()).toBe(String(a));
      const nav = page.getByTestId('missing-navigator');
      await nav.getByText(/4 indicateurs à compléter dans l'engagement 07 \(1 sur 4\)/).waitFor();
      await nav.getByRole('button', { name: 'Suivant à compléter' }).click();
      await focusIs(page, '07-07', `${a}:p0`);
      await nav.getByRole('button', { name: 'Précédent' }).click();
      await focusIs(page, '07-06', `${a}:p1`);
      // The address no longer carries the jump: a reload stays on Indicateurs without jumping again.
      expect(await page.evaluate(() => window.location.hash)).toBe('#/indicateurs');

      // Engagement 08 is missing in both quartiers: all of them side by side; 08-02 is « sans objet » in
      // QRR Petit-Bard (zone gendarmerie), so the navigator skips it there.
      await page.getByRole('link', { name: 'Tableau de bord', exact: true }).click();
      await page.getByTestId('missing-link-08').click();
      await focusIs(page, '08-01', `${a}:p0`);
      expect(await page.getByLabel('Quartier').inputValue()).toBe('all');
      await nav.getByText(/12 indicateurs à compléter dans l'engagement 08/).waitFor(); // 7 + 5 (08-02 and 08-06 sans objet in zone gendarmerie)
      const next = nav.getByRole('button', { name: 'Suivant à compléter' });
      await next.click();
      await focusIs(page, '08-01', `${b}:p0`);
      await next.click();
      await focusIs(page, '08-02', `${a}:p0`);
      await next.click();
      await focusIs(page, '08-03', `${a}:p0`);

      // The completeness badges of the Indicateurs screen do the same, per quartier and engagement.
      await page.getByTestId(`completeness-09-${b}`).click();
      await focusIs(page, '09-01', `${b}:p0`);
      await nav.getByText(/dans l'engagement 09/).waitFor();
      await nav.getByRole('button', { name: 'Tous les engagements' }).click();
      await nav.getByText(/^\d+ indicateurs à compléter \(/).waitFor();
      await cell(page, '01-01', `${a}:p0`).waitFor();
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 180_000);
});
