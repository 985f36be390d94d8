import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parsePartInput } from '../../shared/domain/indicator-values';
import { periodOfDate } from '../../shared/domain/period';
import type { Indicator } from '../../shared/referential/types';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, writesSettled } from '../support/grid';
import { runs, propertyTimeout } from '../support/property';

const KEYS = ['1', '2', '7', '0', 'Enter', 'Shift+Enter', 'Tab', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Escape', 'Delete'] as const;

/** The cell being edited and its text, or null. */
const editing = (page: import('playwright-core').Page) =>
  page.evaluate(() => {
    const c = document.querySelector('.ag-cell-inline-editing');
    const input = c?.querySelector('input');
    return c && input ? { rowId: c.closest('[row-id]')!.getAttribute('row-id')!, colId: c.getAttribute('col-id')!, text: input.value } : null;
  });
const refusalShown = (page: import('playwright-core').Page) =>
  page.evaluate(() => {
    const bubble = document.querySelector('[data-testid="cell-refusal"]');
    const status = document.querySelector('[data-testid="grid-status"]');
    return { bubble: bubble?.textContent ?? '', status: status?.textContent ?? '', statusIsError: !!status?.matches('.fr-alert--error, .fr-alert--warning') };
  });

/**
 * Issue 12, item 1: random key sequences over the real indicator grid in
 * Chromium; every committed edit (Enter, Tab or an arrow on an editor opened by typing) ends up in
 * the database or in a visible refusal by the cell and in the status line;
 * every digit typed either opens an editor or is refused visibly.
 */
describe('random key sequences in the indicator grid: nothing typed is lost', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('every committed sequence ends in the database or in a visible refusal', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const created = await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
      const q = (created as { ok: true; value: { id: number } }).value.id;
      await core.dispatch('openPeriod', { code: periodOfDate(new Date()) });
      const referential = (await core.dispatch('getReferential', undefined)) as { ok: true; value: { engagements: { indicators: Indicator[] }[] } };
      const indicators = new Map(referential.value.engagements.flatMap((e) => e.indicators).map((i) => [i.code, i]));
      await app.open();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '01-07', `${q}:p0`).waitFor();

      const stored = (code: string, colId: string) => {
        const raw = readOnly(app.databasePath, (db) => db.prepare('SELECT value FROM indicator_value WHERE qrr_id = ? AND indicator_code = ?').pluck().get(q, code)) as
          | string
          | null
          | undefined;
        const part = indicators.get(code)?.parts[Number(/:p(\d)$/.exec(colId)?.[1] ?? -1)];
        return { part, value: raw ? ((JSON.parse(raw) as Record<string, unknown>)[part?.key ?? ''] ?? null) : null };
      };

      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 24 }), async (keys) => {
          await page.keyboard.press('Escape');
          // Start near an engagement's end: 01-07 is followed by a title row.
          await cell(page, '01-07', `${q}:p0`).click();
          for (const key of keys) {
            const before = await editing(page);
            await page.keyboard.press(key);
            // An edit started by typing (Excel's « Entrer » mode) is written by the arrows too.
            // In a pick list (enum and yes/no parts), ↑/↓ move in the list and write nothing.
            const pickList = !!before && ['enum', 'boolean'].includes(stored(before.rowId, before.colId).part?.type ?? '');
            const verticalArrow = key === 'ArrowUp' || key === 'ArrowDown';
            const committed = before && (key === 'Enter' || key === 'Shift+Enter' || key === 'Tab' || (key.startsWith('Arrow') && !(pickList && verticalArrow)));
            if (committed && /:p\d$/.test(before.colId)) {
              await writesSettled(page);
              const after = await editing(page);
              const shown = await refusalShown(page);
              const { part, value } = stored(before.rowId, before.colId);
              const parsed = part ? parsePartInput(part, before.text) : null;
              const inDatabase = !!parsed && parsed.ok && value === parsed.value;
              const refusedVisibly = shown.bubble !== '' && shown.statusIsError && (after?.rowId === before.rowId || /attente|non enregistrée/.test(shown.bubble));
              expect(inDatabase || refusedVisibly, `${JSON.stringify(before)} after ${key}: stored ${JSON.stringify(value)}, ${JSON.stringify(shown)}`).toBe(true);
            }
            if (!before && /^\d$/.test(key)) {
              const after = await editing(page);
              const shown = await refusalShown(page);
              expect(after !== null || shown.bubble !== '', `digit ${key} neither opened an editor nor was refused`).toBe(true);
            }
          }
          await page.keyboard.press('Escape');
          await writesSettled(page);
        }),
        {
          numRuns: runs(12),
          // Known counterexample: the typed « 3 » after Enter from 01-07 landed on the next engagement's title row and was dropped.
          // And (npm run test:fuzz, seed 1728391037): « 1 » typed in 02-01's status cell was written as « Non engagé »,
          // the first label of the whole list the pick list showed for a typed start.
          examples: [[['1', '0', 'Enter', '2', '0', 'Enter', '3', 'Enter']], [['ArrowDown', '1', 'ArrowLeft']], [['ArrowDown', '1', 'ArrowDown', 'Tab']],
            // Same run: a population of 0 typed in 03-03 was refused only after the editor had closed, and lost.
            [['ArrowRight', 'Enter', 'ArrowDown', '0', 'ArrowDown']]],
        },
      );
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, propertyTimeout(300_000));
});
