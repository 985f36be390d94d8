import { expect } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { startApp, type AppSession } from './e2e-harness';

/**
 * Drives a SpreadsheetGrid (renderer/src/grid) the way a user does: click a
 * cell, type, press keys, paste what a spreadsheet put on the clipboard.
 */
export const cell = (page: Page, rowId: string, colId: string): Locator =>
  page.locator(`.ag-row[row-id="${rowId}"] .ag-cell[col-id="${colId}"]`).first();

/** Clicks a cell, types a text over it and confirms with Enter (which moves down, as in Excel). */
export async function typeInto(page: Page, rowId: string, colId: string, text: string): Promise<void> {
  await cell(page, rowId, colId).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await page.locator('.ag-cell-inline-editing').waitFor({ state: 'detached' });
}

/** Puts TSV on the system clipboard, as Excel does, and presses Ctrl+V on the focused cell. */
export async function pasteTsv(page: Page, tsv: string): Promise<void> {
  await page.evaluate((text) => navigator.clipboard.writeText(text), tsv);
  await page.keyboard.press('Control+v');
}

/** Presses Ctrl+C on the selection and returns what the grid put on the system clipboard. */
export async function copySelection(page: Page): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.keyboard.press('Control+c');
  return page.evaluate(() => navigator.clipboard.readText());
}

export const cellText = async (page: Page, rowId: string, colId: string): Promise<string> =>
  (await cell(page, rowId, colId).textContent()) ?? '';

/** Waits for a grid's status line (of any grid on the page) to say something matching, and returns it. */
export async function statusSays(page: Page, pattern: RegExp): Promise<string> {
  const status = page.getByTestId('grid-status').filter({ hasText: pattern }).first();
  await status.waitFor();
  return (await status.textContent()) ?? '';
}

/** Waits for the refusal bubble by a cell to say something matching, and returns it. */
export async function refusalSays(page: Page, pattern: RegExp): Promise<string> {
  const bubble = page.getByTestId('cell-refusal').filter({ hasText: pattern }).first();
  await bubble.waitFor();
  return (await bubble.textContent()) ?? '';
}

/** Waits until no write is in progress in any grid of the page (the status line no longer says « Enregistrement… »). */
export async function writesSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid="grid-status"]')].some((s) => /Enregistrement/.test(s.textContent ?? '')));
}

/** The focused grid cell, as row id and column id ('' when none). */
export const focusedCell = (page: Page): Promise<{ rowId: string; colId: string }> =>
  page.evaluate(() => {
    const el = document.activeElement?.closest('.ag-cell, .ag-full-width-row');
    return { rowId: el?.closest('[row-id]')?.getAttribute('row-id') ?? '', colId: el?.getAttribute('col-id') ?? '' };
  });

/** Unfolds the panel beside the grid (focused row's detail, assessment); folded by default below 1600 px. */
export async function openSidePanel(page: Page): Promise<void> {
  const toggle = page.getByTestId('side-panel').locator('button[aria-expanded]').first();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

/**
 * A fresh application for a grid scenario: département 93, one quartier « QRR Nord », the current
 * quarter open, the page open; `run` gets the quartier's id. Fails on any console error.
 */
export async function withOpenQuarter(browser: Browser, run: (app: AppSession, qrrId: string) => Promise<void>): Promise<void> {
  const app = await startApp(browser);
  try {
    const { core } = app;
    await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
    const created = await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
    await core.dispatch('openPeriod', { code: periodOfDate(new Date()) });
    await app.open();
    await run(app, String((created as { ok: true; value: { id: number } }).value.id));
    expect(app.consoleErrors).toEqual([]);
  } finally {
    await app.close();
  }
}
