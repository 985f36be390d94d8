import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { REPO_ROOT } from '../support/paths';

/** Screenshots of the grid screens, kept to be looked at (git-ignored). */
const SHOTS = path.join(REPO_ROOT, 'test-results', 'screens');

/** What of the grid is on screen without scrolling: data rows fully shown, headers fully shown. */
const visibleGrid = (page: Page) =>
  page.evaluate(() => {
    // The rows' area: under the header, above the horizontal scroll bar, inside the window.
    const sheet = document.querySelector('.qrr-sheet__grid')!;
    const grid = sheet.getBoundingClientRect();
    const scrollBar = sheet.querySelector('.ag-body-horizontal-scroll')?.getBoundingClientRect();
    const box = {
      top: sheet.querySelector('.ag-header')!.getBoundingClientRect().bottom,
      bottom: scrollBar && scrollBar.height > 0 ? Math.min(scrollBar.top, grid.bottom) : grid.bottom,
      right: Math.min(grid.right, window.innerWidth),
    };
    // Rows are as wide as all the columns: only their height counts (headers say which columns show).
    const inView = (r: DOMRect) => r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.bottom <= window.innerHeight;
    // A row is drawn once per column container (pinned, centre): count row ids.
    const rows = new Set(
      [...sheet.querySelectorAll('.ag-row[row-id]')]
        .filter((r) => /^\d\d-\d\d/.test(r.getAttribute('row-id') ?? '') && inView(r.getBoundingClientRect()))
        .map((r) => r.getAttribute('row-id')),
    );
    const headers = [...document.querySelectorAll('.qrr-sheet .ag-header-cell')]
      .filter((h) => {
        const r = h.getBoundingClientRect();
        return r.width > 0 && r.left >= 0 && r.right <= box.right + 1;
      })
      .map((h) => h.textContent?.trim() ?? '');
    const sample = sheet.querySelector('.ag-row[row-id="01-03"]')?.getBoundingClientRect();
    return { debug: JSON.stringify({ box, sample, grid }), rows: rows.size, headers, pageScrolls: document.scrollingElement!.scrollHeight > window.innerHeight + 1 };
  });

const seriousViolations = async (page: Page) => {
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
};

describe('grid screens built for 1366×768 (Chromium, the demonstration database)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    it(`${width}×${height}: ≥ 12 indicator rows and Valeur, Trimestre précédent, Évolution, Cible on screen; the page itself never scrolls; axe passes`, async () => {
      const app = await startApp(browser);
      try {
        const { page, core } = app;
        await core.dispatch('installDemo', undefined);
        await page.setViewportSize({ width, height });
        await app.open();
        await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
        await page.getByLabel('Quartier', { exact: true }).selectOption({ index: 0 });
        await page.locator('.ag-row[row-id="01-01"]').first().waitFor();
        await page.screenshot({ path: path.join(SHOTS, `indicateurs-${width}x${height}.png`) });
        const shown = await visibleGrid(page);
        expect(shown.rows, shown.debug).toBeGreaterThanOrEqual(12);
        for (const header of ['Valeur', 'Trimestre précédent', 'Évolution', 'Cible']) expect(shown.headers).toContain(header);
        expect(shown.pageScrolls).toBe(false);
        // Part columns say what they hold for the focused row.
        await page.locator('.ag-row[row-id="01-01"] .ag-cell[col-id$=":p1"]').click();
        await expect.poll(async () => (await visibleGrid(page)).headers.join(' | ')).toMatch(/Nombre total de classes/);
        await page.screenshot({ path: path.join(SHOTS, `indicateurs-focused-${width}x${height}.png`) });
        expect(await seriousViolations(page)).toEqual([]);

        await page.getByRole('link', { name: 'Actions', exact: true }).click();
        await page.locator('.ag-row[row-id="01-01"]').first().waitFor();
        await page.screenshot({ path: path.join(SHOTS, `actions-${width}x${height}.png`) });
        expect((await visibleGrid(page)).pageScrolls).toBe(false);
        expect(await seriousViolations(page)).toEqual([]);

        await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
        await page.locator('.ag-row[row-id="new-0"]').first().waitFor();
        await page.screenshot({ path: path.join(SHOTS, `fipd-${width}x${height}.png`) });
        expect((await visibleGrid(page)).pageScrolls).toBe(false);
        // The alerts are a count that opens their list.
        const toggle = page.getByTestId('fipd-alerts-toggle');
        expect(await toggle.textContent()).toMatch(/\d+ alertes? à surveiller/);
        expect(await page.getByTestId('fipd-flags').isVisible()).toBe(false);
        await toggle.click();
        await page.getByTestId('fipd-flags').waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        expect(app.consoleErrors).toEqual([]);
      } finally {
        await app.close();
      }
    }, 240_000);
  }
});
