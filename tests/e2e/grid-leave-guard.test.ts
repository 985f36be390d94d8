import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { periodOfDate, previousPeriod } from '../../shared/domain/period';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, cellText, focusedCell, refusalSays } from '../support/grid';

/**
 * Issue 12, « Nothing typed is ever lost »: a row held in the grid because its
 * parts disagree (05-03: total 120 typed over 438 while « dont hommes » is
 * still 251) is never dropped without the user's choice — not by another
 * screen, another quarter, another quartier, nor by closing or reloading the
 * window. Real UI in Chromium, real SQLite file.
 */
describe('held rows are never dropped silently (Chromium, real SQLite)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const period = periodOfDate(new Date());
  const earlier = previousPeriod(period)!;
  const saved = { total: 438, men: 251, women: 187 };

  /** Two quartiers, two quarters, 05-03 saved for QRR Nord; then 120 typed as its new total (held: 251 men > 120). */
  const withHeldRow = async (run: (app: AppSession, q: string) => Promise<void>) => {
    const app = await startApp(browser);
    try {
      const { core, page } = app;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const created = await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
      await core.dispatch('createQrr', { name: 'QRR Sud', communes: [] });
      const q = String((created as { ok: true; value: { id: number } }).value.id);
      await core.dispatch('openPeriod', { code: earlier });
      await core.dispatch('openPeriod', { code: period });
      await core.dispatch('saveIndicatorValues', { periodCode: period, via: 'saisie', changes: [{ qrrId: Number(q), indicatorCode: '05-03', value: saved }] });
      await app.open();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '05-03', `${q}:p0`).click();
      await page.keyboard.type('120');
      await page.keyboard.press('Tab');
      await refusalSays(page, /pas encore enregistrée/);
      await run(app, q);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  };
  const stored = (app: AppSession) =>
    readOnly(app.databasePath, (db) => {
      const v = db.prepare("SELECT value FROM indicator_value WHERE indicator_code = '05-03' AND period_code = ?").pluck().get(period) as string | undefined;
      return v ? JSON.parse(v) : null;
    });
  const dialog = (page: Page) => page.getByRole('dialog', { name: /pas enregistrée/ });
  /** The question lists the held row with its reason. */
  const asked = async (page: Page) => {
    await dialog(page).waitFor();
    const text = (await page.getByTestId('leave-guard-entries').textContent()) ?? '';
    expect(text).toMatch(/Indicateur 05-03 — QRR Nord/);
    expect(text).toMatch(/« dont hommes » \(251\) ne peut pas dépasser « Nombre de bénéficiaires » \(120\)/);
    // « Revenir à la saisie » is the default: it has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Revenir à la saisie');
  };
  /** « Revenir à la saisie »: the dialog closes, the held value is still on screen, focus on the held row's first cell. */
  const comeBack = async (page: Page, q: string, how: 'button' | 'Escape' = 'button') => {
    if (how === 'button') await dialog(page).getByRole('button', { name: 'Revenir à la saisie' }).click();
    else await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'hidden' });
    expect(await cellText(page, '05-03', `${q}:p0`)).toMatch(/^120$/);
    await expect.poll(() => focusedCell(page)).toEqual({ rowId: '05-03', colId: `${q}:p0` });
    await refusalSays(page, /Ligne 05-03 non enregistrée/);
  };
  const giveUp = async (page: Page) => {
    await dialog(page).getByRole('button', { name: 'Abandonner ces saisies' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
  };

  it('another screen (side navigation): asked first; « Revenir » keeps the row on screen, « Abandonner » leaves', async () => {
    await withHeldRow(async (app, q) => {
      const { page } = app;
      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      await asked(page);
      expect(new URL(page.url()).hash).toBe('#/indicateurs');
      // The question is an accessible modal dialog (axe, on the dialog: the page behind it is inert).
      const axe = await new AxeBuilder({ page }).include('[data-testid="leave-guard"]').withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
      expect(await dialog(page).getAttribute('aria-describedby')).toBe('leave-guard-text');
      await comeBack(page, q);
      expect(await page.getByRole('heading', { level: 1, name: 'Indicateurs' }).isVisible()).toBe(true);
      // Escape is « Revenir » too.
      await page.getByRole('link', { name: 'Tableau de bord', exact: true }).click();
      await asked(page);
      await comeBack(page, q, 'Escape');
      expect(stored(app)).toEqual(saved);

      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      await asked(page);
      await giveUp(page);
      await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
      expect(new URL(page.url()).hash).toBe('#/actions');
      // Given up: the database still holds what was saved, and the screen shows it again.
      expect(stored(app)).toEqual(saved);
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await expect.poll(() => cellText(page, '05-03', `${q}:p0`)).toBe('438');
      // Nothing held any more: leaving is not asked.
      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
      expect(await dialog(page).count()).toBe(0);
    });
  });

  it('another quarter: asked first; « Revenir » keeps the quarter and the row, « Abandonner » changes the quarter', async () => {
    await withHeldRow(async (app, q) => {
      const { page } = app;
      const quarter = page.getByLabel('Trimestre', { exact: true });
      await quarter.selectOption(earlier);
      await asked(page);
      await comeBack(page, q);
      expect(await quarter.inputValue()).toBe(period);
      expect(stored(app)).toEqual(saved);

      await quarter.selectOption(earlier);
      await asked(page);
      await giveUp(page);
      await expect.poll(() => quarter.inputValue()).toBe(earlier);
      // The earlier quarter has no 05-03: the empty cell shows only its part's name, greyed.
      await expect.poll(() => cellText(page, '05-03', `${q}:p0`)).toBe('Nombre de bénéficiaires');
      await quarter.selectOption(period);
      await expect.poll(() => cellText(page, '05-03', `${q}:p0`)).toBe('438');
      expect(stored(app)).toEqual(saved);
    });
  });

  it('another quartier: asked only when the held row would be hidden; « Revenir » keeps it, « Abandonner » changes', async () => {
    await withHeldRow(async (app, q) => {
      const { page } = app;
      const quartier = page.getByLabel('Quartier', { exact: true });
      await quartier.selectOption({ label: 'QRR Sud' });
      await asked(page);
      await comeBack(page, q);
      expect(await quartier.inputValue()).toBe(q);
      // Side by side, the held row stays in view: nothing to ask, nothing lost.
      await quartier.selectOption('all');
      await expect.poll(() => cellText(page, '05-03', `${q}:p0`)).toBe('120');
      expect(await dialog(page).count()).toBe(0);
      expect(await cell(page, '05-03', `${q}:p0`).getAttribute('class')).toMatch(/qrr-cell--held/);

      await quartier.selectOption({ label: 'QRR Sud' });
      await asked(page);
      await giveUp(page);
      await expect.poll(() => quartier.inputValue()).not.toBe(q);
      await quartier.selectOption({ label: 'QRR Nord' });
      await expect.poll(() => cellText(page, '05-03', `${q}:p0`)).toBe('438');
      expect(stored(app)).toEqual(saved);
    });
  });

  it('closing or reloading the window: the browser asks (beforeunload); staying keeps the row', async () => {
    await withHeldRow(async (app, q) => {
      const { page } = app;
      const question = page.waitForEvent('dialog');
      void page.evaluate(() => window.location.reload()).catch(() => undefined);
      const reload = await question;
      expect(reload.type()).toBe('beforeunload');
      await reload.dismiss();
      expect(await cellText(page, '05-03', `${q}:p0`)).toBe('120');
      expect(await cell(page, '05-03', `${q}:p0`).getAttribute('class')).toMatch(/qrr-cell--held/);
      expect(stored(app)).toEqual(saved);

      const closing = page.waitForEvent('dialog');
      await page.close({ runBeforeUnload: true });
      const close = await closing;
      expect(close.type()).toBe('beforeunload');
      await close.dismiss();
      expect(page.isClosed()).toBe(false);
      expect(await cellText(page, '05-03', `${q}:p0`)).toBe('120');
    });
  });
});
