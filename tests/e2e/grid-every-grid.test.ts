import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, cellText, openSidePanel, pasteTsv, refusalSays, statusSays, withOpenQuarter } from '../support/grid';

/**
 * Issue 12, « Same behaviour in the indicator, action, envelope and subsidy
 * grids »: a refused typed value keeps its edit open on Enter and Tab with
 * the reason by the cell and in the status line; pick lists for every coded
 * value; Ctrl+Y and Ctrl+Shift+Z redo everywhere; paste skips title rows;
 * at 1366×768 the headers and the identifying columns stay put and the
 * assessment sits beside the grid. Real UI in Chromium, real SQLite file.
 */
describe('the same spreadsheet behaviour in every grid (Chromium, real SQLite)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const withQuarter = (run: (app: AppSession, q: string) => Promise<void>) => withOpenQuarter(browser, run);
  const editing = (page: Page) => page.locator('.ag-cell-inline-editing').count();

  /** Types a refused text, then Enter and Tab: the edit stays open, the reason by the cell and in the status line; Escape gives up. */
  const refusedBothWays = async (page: Page, text: string, reason: RegExp) => {
    await page.keyboard.type(text);
    for (const key of ['Enter', 'Tab']) {
      await page.keyboard.press(key);
      expect(await editing(page), `${text} ${key}`).toBe(1);
      expect(await refusalSays(page, reason)).toMatch(/Refusé/);
      expect(await statusSays(page, reason)).not.toMatch(/enregistrée/);
    }
    await page.keyboard.press('Escape');
    await page.locator('.ag-cell-inline-editing').waitFor({ state: 'detached' });
  };

  it('refusals: « 1.5 » in a count, a status « abandonnée », an envelope « douze », a SIRET 123 456 789 00000 — all kept open with their reason', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '01-03', `${q}:p0`).click();
      await refusedBothWays(page, '1.5', /Nombre/);

      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      await cell(page, '01-01', `${q}:status`).click();
      await refusedBothWays(page, 'abandonnée', /abandonnée/);

      await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
      await cell(page, q, 'amount').click();
      await refusedBothWays(page, 'douze', /douze|montant/i);
      await cell(page, 'new-0', 'siret').click();
      await refusedBothWays(page, '123 456 789 00000', /SIRET/);
      expect(readOnly(app.databasePath, (db) => [db.prepare('SELECT count(*) FROM subsidy').pluck().get(), db.prepare('SELECT count(*) FROM fipd_envelope').pluck().get()])).toEqual([0, 0]);
    });
  });

  it('pick lists for the subsidy quartier, source, status and decision; Ctrl+Y and Ctrl+Shift+Z redo in the action and envelope grids', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
      const options = () => page.getByRole('listbox', { name: 'Valeurs possibles' }).getByRole('option');
      // Typing the start of a word, accents and capitals ignored, then Tab on to the next cell.
      await cell(page, 'new-0', 'qrrId').click();
      for (const [typed, shown] of [
        ['nord', 'QRR Nord'],
        ['politique', 'Politique de la ville (BOP 147)'],
      ] as const) {
        await page.keyboard.type(typed);
        await options().filter({ hasText: shown }).first().waitFor();
        await page.keyboard.press('Tab');
      }
      await page.keyboard.type('Association des Lilas');
      await page.keyboard.press('Tab');
      await cell(page, 'new-0', 'title').click();
      await page.keyboard.type('Atelier');
      await page.keyboard.press('Enter');
      const subsidy = () =>
        readOnly(app.databasePath, (db) => db.prepare('SELECT id, source, status, decision_kind AS decision FROM subsidy').get() as { id: number; source: string; status: string; decision: string | null } | undefined);
      await expect.poll(() => subsidy()?.source, { timeout: 15_000 }).toBe('bop147');
      const id = subsidy()!.id;
      for (const [colId, typed] of [
        ['status', 'INSTR'],
        ['decisionKind', 'arrete'],
      ] as const) {
        await cell(page, `s${id}`, colId).click();
        await page.keyboard.type(typed);
        await options().first().waitFor();
        await page.keyboard.press('Enter');
        await statusSays(page, /Saisie : 1 cellule enregistrée/);
      }
      await expect.poll(() => subsidy(), { timeout: 15_000 }).toMatchObject({ status: 'instruite', decision: 'arrete' });
      expect(await cellText(page, `s${id}`, 'decisionKind')).toBe('Arrêté');

      // Redo in the envelope grid.
      const envelope = () => readOnly(app.databasePath, (db) => (db.prepare('SELECT amount_cents FROM fipd_envelope').pluck().get() as number | undefined) ?? 0);
      await cell(page, q, 'amount').click();
      await page.keyboard.type('80 000\n');
      await expect.poll(envelope, { timeout: 15_000 }).toBe(8_000_000);
      await cell(page, q, 'amount').click();
      for (const redo of ['Control+y', 'Control+Shift+z']) {
        await page.keyboard.press('Control+z');
        await expect.poll(envelope, { timeout: 15_000 }).toBe(0);
        await page.keyboard.press(redo);
        await expect.poll(envelope, { timeout: 15_000 }).toBe(8_000_000);
      }

      // Redo in the action grid.
      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      const status = () => readOnly(app.databasePath, (db) => (db.prepare("SELECT status FROM action_status WHERE action_code = '01-01'").pluck().get() as string | undefined) ?? null);
      await cell(page, '01-01', `${q}:status`).click();
      await page.keyboard.type('en c');
      await page.keyboard.press('Enter');
      await expect.poll(status, { timeout: 15_000 }).toBe('en_cours');
      await cell(page, '01-01', `${q}:status`).click();
      for (const redo of ['Control+y', 'Control+Shift+z']) {
        await page.keyboard.press('Control+z');
        await statusSays(page, /Annulé/);
        await expect.poll(status, { timeout: 15_000 }).not.toBe('en_cours');
        await page.keyboard.press(redo);
        await statusSays(page, /Rétabli/);
        await expect.poll(status, { timeout: 15_000 }).toBe('en_cours');
      }
    });
  });

  it('a pasted column passes over an engagement title row, as Excel passes over hidden rows', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '03-05', `${q}:p0`).click();
      await pasteTsv(page, '1\r\n2\r\n3\r\n');
      await statusSays(page, /Collage : 3 cellules enregistrées/);
      const counts = () =>
        readOnly(app.databasePath, (db) =>
          Object.fromEntries(
            (db.prepare('SELECT indicator_code AS code, value FROM indicator_value ORDER BY 1').all() as { code: string; value: string }[]).map((r) => [r.code, JSON.parse(r.value).count]),
          ),
        );
      await expect.poll(counts, { timeout: 15_000 }).toEqual({ '03-05': 1, '04-01': 2, '04-02': 3 });
    });
  });

  it('the selected rectangle is highlighted and cleared as it changes (only its rows are redrawn)', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      const selected = () =>
        page.evaluate(() =>
          [...document.querySelectorAll('.qrr-sheet .ag-cell.qrr-cell--selected')].map((c) => `${c.closest('[row-id]')!.getAttribute('row-id')} ${c.getAttribute('col-id')}`).sort(),
        );
      await cell(page, '01-03', `${q}:p0`).click();
      expect(await selected()).toEqual([]);
      await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Shift+ArrowDown');
      await expect.poll(selected).toEqual(['01-03', '01-04', '01-05'].map((r) => `${r} ${q}:p0`));
      await page.getByText('3 cellules sélectionnées').waitFor();
      // Shrinking the rectangle clears the row it leaves.
      await page.keyboard.press('Shift+ArrowUp');
      await expect.poll(selected).toEqual(['01-03', '01-04'].map((r) => `${r} ${q}:p0`));
      // A plain click elsewhere clears it all.
      await cell(page, '01-07', `${q}:p0`).click();
      await expect.poll(selected).toEqual([]);
      // Dragging with the mouse draws a new one.
      await cell(page, '01-06', `${q}:p0`).hover();
      await page.mouse.down();
      await cell(page, '01-07', `${q}:p0`).hover();
      await page.mouse.up();
      await expect.poll(selected).toEqual(['01-06', '01-07'].map((r) => `${r} ${q}:p0`));
    });
  });

  it('1366×768: headers and identifying columns stay put while the grid scrolls; the assessment sits beside the grid', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      await core.dispatch('installDemo', undefined);
      await page.setViewportSize({ width: 1366, height: 768 });
      await app.open();
      const box = (selector: string) => page.locator(selector).first().boundingBox();
      /**
       * In the screen's main grid (the last one), scrolls with the mouse wheel fully right then fully down:
       * where a pinned cell and the header are before and after, and whether the last column's header then shows.
       */
      const scrollAround = async (rowId: string, colId: string, lastColId: string) => {
        const grid = page.locator('.qrr-sheet__grid').last();
        const rect = async (selector: string) => {
          const b = await grid.locator(selector).first().boundingBox();
          return b ? { x: Math.round(b.x), y: Math.round(b.y) } : null;
        };
        // AG Grid 36 keeps pinned cells in their row, held in place by sticky positioning.
        const pinned = `.ag-row[row-id="${rowId}"] .ag-cell[col-id="${colId}"]`;
        const before = { pinned: await rect(pinned), header: await rect('.ag-header') };
        const body = (await grid.boundingBox())!;
        await page.mouse.move(body.x + body.width / 2, body.y + 60);
        await page.mouse.wheel(5000, 0);
        const last = grid.locator(`.ag-header-cell[col-id="${lastColId}"]`).first();
        await expect.poll(async () => {
          const b = await last.boundingBox();
          return !!b && b.x + b.width <= Math.min(1366, body.x + body.width) + 1;
        }).toBe(true);
        const right = { pinned: await rect(pinned) };
        await page.mouse.wheel(0, 5000);
        await page.mouse.wheel(0, 5000);
        return { before, right, headerAfterDown: await rect('.ag-header') };
      };

      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await page.getByLabel('Quartier', { exact: true }).selectOption({ index: 0 });
      await cell(page, '01-01', 'label').waitFor();
      const indicators = await scrollAround('01-01', 'label', (await page.locator('.ag-header-cell[col-id$=":updated"]').first().getAttribute('col-id'))!);
      // Scrolled right: the label stays where it was, the last column shows; scrolled down: the header stays.
      expect(indicators.right.pinned).toEqual(indicators.before.pinned);
      expect(indicators.headerAfterDown?.y).toBe(indicators.before.header?.y);
      // The side panel (detail, engagement assessment) is beside the grid, not below it.
      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '01-03', 'code').click();
      await openSidePanel(page);
      await page.getByTestId('assessment-panel').waitFor();
      const grid = await box('.qrr-sheet__grid');
      const side = await box('[data-testid="side-panel"]');
      expect(side!.x).toBeGreaterThanOrEqual(grid!.x + grid!.width - 1);
      expect(side!.y).toBeLessThan(grid!.y + grid!.height);

      await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
      const subsidy = page.locator('.ag-row[row-id^="s"]').first();
      await subsidy.waitFor({ timeout: 30_000 });
      const fipd = await scrollAround((await subsidy.getAttribute('row-id'))!, 'beneficiaryName', 'comment');
      expect(fipd.before.pinned).not.toBeNull();
      expect(indicators.before.pinned).not.toBeNull();
      expect(fipd.right.pinned).toEqual(fipd.before.pinned);
      expect(fipd.headerAfterDown?.y).toBe(fipd.before.header?.y);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 180_000);
});
