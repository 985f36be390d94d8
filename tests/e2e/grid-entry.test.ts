import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, type AppSession } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, cellText, focusedCell, pasteTsv, refusalSays, statusSays, withOpenQuarter } from '../support/grid';

/**
 * Issue 12, « Why »: the sequences a new user typed, each as a regression
 * test over the real UI and a real SQLite file.
 */
describe('entering a quarter without surprises (Chromium, real SQLite)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const withQuarter = (run: (app: AppSession, q: string) => Promise<void>) => withOpenQuarter(browser, run);
  const values = (app: AppSession) =>
    readOnly(app.databasePath, (db) =>
      Object.fromEntries(
        (db.prepare('SELECT indicator_code AS code, value FROM indicator_value ORDER BY 1').all() as { code: string; value: string | null }[]).map((r) => [
          r.code,
          r.value === null ? null : JSON.parse(r.value),
        ]),
      ),
    );

  it('« 10 Enter 20 Enter 3 Enter » from the last indicator of an engagement: Enter passes over the next title row, nothing is lost', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '03-04', `${q}:p0`).click();
      // Typed in one go, faster than the database answers.
      await page.keyboard.type('10\n20\n3\n');
      await expect.poll(() => values(app), { timeout: 15_000 }).toEqual({ '03-04': { count: 10 }, '03-05': { count: 20 }, '04-01': { count: 3 } });
      expect(await focusedCell(page)).toEqual({ rowId: '04-02', colId: `${q}:p0` });
      // Shift+Enter goes back up over the title row too; arrows pass over it.
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.press('Shift+Enter');
      expect(await focusedCell(page)).toEqual({ rowId: '03-05', colId: `${q}:p0` });
      await page.keyboard.press('ArrowDown');
      expect(await focusedCell(page)).toEqual({ rowId: '04-01', colId: `${q}:p0` });
      // Tab goes to the next writable cell: 04-01 has one value, so on to 04-02's first.
      await page.keyboard.press('Tab');
      expect((await focusedCell(page)).rowId).toBe('04-01');
    });
  });

  it('a refused value keeps its edit open with the reason by the cell and in the status line, never a stale success', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '01-03', `${q}:p0`).click();
      await page.keyboard.type('12\n');
      await statusSays(page, /Saisie : 1 cellule enregistrée/);
      for (const [text, reason] of [
        ['douze', /n'est pas un nombre/],
        ['1,5', /entier/],
      ] as const) {
        await page.keyboard.type(text);
        for (const key of ['Enter', 'Tab']) {
          await page.keyboard.press(key);
          expect(await page.locator('.ag-cell-inline-editing').count()).toBe(1);
          expect(await refusalSays(page, reason)).toMatch(/Refusé/);
          expect(await statusSays(page, reason)).not.toMatch(/enregistrée/);
        }
        await page.keyboard.press('Escape');
        await page.locator('.ag-cell-inline-editing').waitFor({ state: 'detached' });
      }
      expect(values(app)['01-04']).toBeUndefined();
      // A key typed on a cell that cannot be written is refused with the reason, not swallowed
      // (01-03 has one value; a computed 05-02 says so too, see fipd.test.ts).
      await cell(page, '01-03', `${q}:p1`).click();
      await page.keyboard.type('9');
      await refusalSays(page, /n'a qu'une valeur/);
      // And on a title row.
      await page.locator('.ag-full-width-row[row-id="engagement-02"]').click();
      await page.keyboard.type('5');
      await refusalSays(page, /titre/);
    });
  });

  it('05-03 (total 438, hommes 251) corrected left to right: a new total of 120 waits in the grid, marked, until hommes agrees; the database never holds the row half-right', async () => {
    await withQuarter(async (app, q) => {
      const { page, core } = app;
      await core.dispatch('saveIndicatorValues', {
        periodCode: periodOfDate(new Date()),
        via: 'saisie',
        changes: [{ qrrId: Number(q), indicatorCode: '05-03', value: { total: 438, men: 251, women: 187 } }],
      });
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '05-03', `${q}:p0`).click();
      await page.keyboard.type('120');
      await page.keyboard.press('Tab');
      // Held, said by the cell and the status line, not written.
      await refusalSays(page, /pas encore enregistrée.*« dont hommes » \(251\) ne peut pas dépasser « Nombre de bénéficiaires » \(120\)/);
      await statusSays(page, /pas encore enregistrée/);
      expect(await cellText(page, '05-03', `${q}:p0`)).toMatch(/120/);
      expect(await cell(page, '05-03', `${q}:p0`).getAttribute('class')).toMatch(/qrr-cell--held/);
      expect(values(app)['05-03']).toEqual({ total: 438, men: 251, women: 187 });
      // Leaving the row while it disagrees says so by the row; the typed total is kept.
      await cell(page, '05-04', `${q}:p0`).click();
      await refusalSays(page, /Ligne 05-03 non enregistrée/);
      await statusSays(page, /Ligne 05-03 non enregistrée/);
      // Back to it: hommes 50, femmes 70 — the row agrees and is written at once.
      await cell(page, '05-03', `${q}:p1`).click();
      await page.keyboard.type('50');
      await page.keyboard.press('Tab');
      await refusalSays(page, /Hommes et femmes|pas encore enregistrée/);
      await page.keyboard.type('70\n');
      await expect.poll(() => values(app)['05-03'], { timeout: 15_000 }).toEqual({ total: 120, men: 50, women: 70 });
      expect(await cell(page, '05-03', `${q}:p0`).getAttribute('class')).not.toMatch(/qrr-cell--held/);
      // A paste is checked at once: a block breaking the rule is refused, not held.
      await cell(page, '05-03', `${q}:p0`).click();
      await pasteTsv(page, '10\t50\t70\r\n');
      await statusSays(page, /refusée/);
      expect(values(app)['05-03']).toEqual({ total: 120, men: 50, women: 70 });
    });
  });

  it('Ctrl+Y and Ctrl+Shift+Z both redo', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '01-03', `${q}:p0`).click();
      await page.keyboard.type('7\n');
      await statusSays(page, /Saisie/);
      for (const redo of ['Control+y', 'Control+Shift+z']) {
        await page.keyboard.press('Control+z');
        await statusSays(page, /Annulé/);
        await expect.poll(() => values(app)["01-03"] ?? null, { timeout: 15_000 }).toBeNull();
        await page.keyboard.press(redo);
        await statusSays(page, /Rétabli/);
        await expect.poll(() => values(app)["01-03"], { timeout: 15_000 }).toEqual({ count: 7 });
      }
    });
  });

  it('pick lists: « réa » Enter gives Réalisée, « nord » Enter gives the quartier; paste accepts a label, a start or the code', async () => {
    await withQuarter(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      await cell(page, '01-01', `${q}:status`).click();
      await page.keyboard.type('rea');
      await page.getByRole('listbox').getByRole('option', { name: 'Réalisée' }).waitFor();
      await page.keyboard.press('Enter');
      // « e »: « En cours » starts with it, « Non engagée » has a word that does; ↓ takes the second.
      await page.keyboard.type('e');
      expect(await page.getByRole('listbox', { name: 'Valeurs possibles' }).getByRole('option').allTextContents()).toEqual(['En cours', 'Non engagée']);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await cell(page, '01-03', `${q}:status`).click();
      await pasteTsv(page, 'en c\r\nsans_objet\r\nabandonnée\r\n');
      await statusSays(page, /Collage : 2 cellules enregistrées, 1 refusée/);
      await refusalSays(page, /abandonnée/);
      const statuses = () =>
        readOnly(app.databasePath, (db) => db.prepare("SELECT action_code, status FROM action_status WHERE action_code LIKE '01-0%' ORDER BY 1").all());
      await expect.poll(statuses, { timeout: 15_000 }).toEqual([
        { action_code: '01-01', status: 'realisee' },
        { action_code: '01-02', status: 'non_engagee' },
        { action_code: '01-03', status: 'en_cours' },
        { action_code: '01-04', status: 'sans_objet' },
      ]);

      await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
      await cell(page, 'new-0', 'qrrId').click();
      await page.keyboard.type('nord');
      await page.getByRole('listbox', { name: 'Valeurs possibles' }).getByRole('option', { name: 'QRR Nord' }).waitFor();
      await page.keyboard.press('Tab');
      expect(await cellText(page, 'new-0', 'qrrId')).toBe('QRR Nord');
    });
  });
});
