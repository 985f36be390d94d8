import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { cell, cellText, typeInto } from '../support/grid';

/** Records every request the page sends (channel and request), before the bridge carries it to main. */
const RECORD_REQUESTS = `
  window.__requests = [];
  const wrap = () => {
    const bridge = window.__qrrBridge;
    if (!bridge) return setTimeout(wrap, 0);
    window.__qrrBridge = (channel, request) => {
      window.__requests.push({ channel, request });
      return bridge(channel, request);
    };
  };
  wrap();
`;

/**
 * The grids at scale: the Indicateurs screen asks main for the quartiers it
 * shows only (not every quartier of the base, nor the full quartier and
 * « sans objet » lists), a typed cell is saved and merged without reloading
 * the quarter, and quartiers side by side draw a window of rows and columns.
 */
describe('grids at scale (Chromium, 30 quartiers)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('one quartier shown: only its values are asked for; typing saves and merges; side by side draws a window', async () => {
    const app = await startApp(browser);
    try {
      const { page, core, context } = app;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const ids: number[] = [];
      for (let n = 1; n <= 30; n++) {
        const created = await core.dispatch('createQrr', { name: `QRR ${String(n).padStart(2, '0')}`, communes: [] });
        ids.push((created as { ok: true; value: { id: number } }).value.id);
      }
      const period = periodOfDate(new Date());
      await core.dispatch('openPeriod', { code: period });
      await core.dispatch('saveIndicatorValues', { periodCode: period, changes: ids.map((qrrId) => ({ qrrId, indicatorCode: '01-03', value: { count: qrrId } })) });
      await context.addInitScript({ content: RECORD_REQUESTS });
      await app.open();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).waitFor();
      // What the screen asks for (the application's start has its own requests).
      await page.evaluate('window.__requests = []');
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      const first = String(ids[0]);
      await cell(page, '01-03', `${first}:p0`).waitFor();
      expect(await cellText(page, '01-03', `${first}:p0`)).toBe(first);

      const requests = (): Promise<{ channel: string; request: { qrrIds?: number[] } }[]> => page.evaluate('window.__requests');
      const asked = (await requests()).map((r) => r.channel);
      // Never the whole base: no list of every quartier's values, full quartier records or « sans objet » of all.
      for (const heavy of ['listIndicatorValues', 'listQrrs', 'listSansObjet']) expect(asked).not.toContain(heavy);
      const loads = (await requests()).filter((r) => r.channel === 'loadIndicatorGrid');
      expect(loads.map((r) => r.request.qrrIds)).toEqual([[ids[0]]]);

      // A typed cell: saved, merged into what is shown, nothing listed again.
      await page.evaluate('window.__requests = []');
      await typeInto(page, '01-03', `${first}:p0`, '77');
      await expect.poll(() => cellText(page, '01-03', `${first}:p0`)).toBe('77');
      // (The focused cell's detail asks for its own history and assessment: small, per cell.)
      const after = (await requests()).map((r) => r.channel);
      expect(after.filter((c) => c === 'saveIndicatorValues')).toHaveLength(1);
      for (const reload of ['loadIndicatorGrid', 'listIndicatorValues', 'listQrrNames', 'listPeriods']) expect(after).not.toContain(reload);

      // Side by side, 30 quartiers × 5 columns: a window of rows and columns is drawn, not the 66 × 150 cells.
      await page.getByLabel('Quartier', { exact: true }).selectOption('all');
      await page.locator(`.ag-header-group-cell`).first().waitFor();
      await cell(page, '01-03', `${first}:p0`).waitFor();
      const drawn = await page.evaluate(() => ({
        // A row is drawn once per column container (pinned, centre): counted by id.
        rows: new Set([...document.querySelectorAll('.qrr-sheet .ag-row[row-id]')].map((r) => r.getAttribute('row-id'))).size,
        // The quartiers' cells (`<qrrId>:…`), not the pinned code and label.
        cells: document.querySelectorAll('.qrr-sheet .ag-cell[col-id*=":"]').length,
      }));
      expect(drawn.rows).toBeGreaterThan(5);
      expect(drawn.rows).toBeLessThan(66);
      // 122 columns exist (2 fixed + 30 × 4): a window of them is drawn per row.
      expect(drawn.cells).toBeLessThan(drawn.rows * 40);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
