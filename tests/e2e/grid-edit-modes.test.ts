import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, type AppSession } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, focusedCell, refusalSays, statusSays, withOpenQuarter } from '../support/grid';

/**
 * Excel's two editing modes in the grids (issue 12, « do what a user coming
 * from Excel would expect »): an edit started by typing (« Entrer ») takes
 * the arrows as « write and move »; one started with F2 or a double click
 * (« Modifier ») leaves them to the caret inside the text. Real UI in
 * Chromium, real SQLite file.
 */
describe("Excel's « Entrer » and « Modifier » modes (Chromium, real SQLite)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const withQuarter = (run: (app: AppSession, q: string) => Promise<void>) =>
    withOpenQuarter(browser, async (app, q) => {
      await app.page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await run(app, q);
    });
  const count = (app: AppSession, code: string) =>
    readOnly(app.databasePath, (db) => {
      const v = db.prepare('SELECT value FROM indicator_value WHERE indicator_code = ?').pluck().get(code) as string | undefined;
      return v ? (JSON.parse(v) as { count: number }).count : null;
    });
  const editing = (page: Page) => page.locator('.ag-cell-inline-editing').count();
  const editorText = (page: Page) => page.locator('.ag-cell-inline-editing input').inputValue();

  it('typed (« Entrer »): ↓ ↑ → ← write the value and move like Excel, over title rows; a refused value keeps the edit open', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await cell(page, '01-03', `${q}:p0`).click();
      await page.keyboard.type('5');
      await page.keyboard.press('ArrowDown');
      expect(await focusedCell(page)).toEqual({ rowId: '01-04', colId: `${q}:p0` });
      await page.keyboard.type('6');
      await page.keyboard.press('ArrowRight');
      expect(await focusedCell(page)).toEqual({ rowId: '01-04', colId: `${q}:p1` });
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type('7');
      await page.keyboard.press('ArrowUp');
      expect(await focusedCell(page)).toEqual({ rowId: '01-03', colId: `${q}:p0` });
      await expect.poll(() => [count(app, '01-03'), count(app, '01-04')], { timeout: 15_000 }).toEqual([5, 7]);
      // ← from a typed value writes it and moves left, as → does right.
      await cell(page, '01-05', `${q}:p0`).click();
      await page.keyboard.type('8');
      await page.keyboard.press('ArrowLeft');
      expect(await focusedCell(page)).toEqual({ rowId: '01-05', colId: 'label' });
      await expect.poll(() => count(app, '01-05'), { timeout: 15_000 }).toBe(8);
      // ↑ from the first indicator of engagement 03 passes over its title row.
      await cell(page, '03-01', `${q}:p0`).click();
      await page.keyboard.type('4');
      await page.keyboard.press('ArrowUp');
      expect(await focusedCell(page)).toEqual({ rowId: '02-04', colId: `${q}:p0` });
      await expect.poll(() => count(app, '03-01'), { timeout: 15_000 }).toBe(4);
      // A refused value: the arrow does not leave the cell, the reason shows.
      await cell(page, '01-06', `${q}:p0`).click();
      await page.keyboard.type('douze');
      await page.keyboard.press('ArrowDown');
      expect(await editing(page)).toBe(1);
      await refusalSays(page, /n'est pas un nombre/);
      await statusSays(page, /n'est pas un nombre/);
      expect(await editorText(page)).toBe('douze');
      await page.keyboard.press('Escape');
      expect(count(app, '01-06')).toBeNull();
    });
  });

  it('F2 or a double click (« Modifier »): the arrows move the caret inside the text; F2 while typing switches to it', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await cell(page, '01-03', `${q}:p0`).click();
      await page.keyboard.type('5\n');
      await expect.poll(() => count(app, '01-03'), { timeout: 15_000 }).toBe(5);

      // F2: the caret after « 5 »; ← puts it before, « 1 » gives 15; → then « 0 » gives 150. ↑/↓ stay in the cell.
      await cell(page, '01-03', `${q}:p0`).click();
      await page.keyboard.press('F2');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type('1');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.type('0');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
      expect(await editing(page)).toBe(1);
      expect(await editorText(page)).toBe('150');
      expect(await focusedCell(page)).toMatchObject({ rowId: '01-03' });
      await page.keyboard.press('Enter');
      await expect.poll(() => count(app, '01-03'), { timeout: 15_000 }).toBe(150);

      // Double click: the same.
      await cell(page, '01-03', `${q}:p0`).dblclick();
      await page.locator('.ag-cell-inline-editing input').waitFor();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type('9');
      await page.keyboard.press('ArrowDown');
      expect(await editing(page)).toBe(1);
      expect(await editorText(page)).toBe('1950');
      await page.keyboard.press('Enter');
      await expect.poll(() => count(app, '01-03'), { timeout: 15_000 }).toBe(1950);

      // Typed, then F2: « Modifier » from then on.
      await cell(page, '01-04', `${q}:p0`).click();
      await page.keyboard.type('3');
      await page.keyboard.press('F2');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type('4');
      expect(await editing(page)).toBe(1);
      expect(await editorText(page)).toBe('43');
      await page.keyboard.press('Enter');
      await expect.poll(() => count(app, '01-04'), { timeout: 15_000 }).toBe(43);
      // And the next typed edit is « Entrer » again.
      await cell(page, '01-05', `${q}:p0`).click();
      await page.keyboard.type('2');
      await page.keyboard.press('ArrowDown');
      expect(await focusedCell(page)).toEqual({ rowId: '01-06', colId: `${q}:p0` });
      await expect.poll(() => count(app, '01-05'), { timeout: 15_000 }).toBe(2);
    });
  });
});
