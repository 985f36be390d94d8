import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, cellText, openSidePanel, pasteTsv, statusSays, typeInto } from '../support/grid';

describe('actions grid and engagement assessment in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('types and pastes statuses, shows the implementation rate, saves a signed assessment, passes axe', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille Martin' });
      const created = await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
      const q = String((created as { ok: true; value: { id: number } }).value.id);
      await core.dispatch('openPeriod', { code: periodOfDate(new Date()) });
      await app.open();
      await page.getByRole('link', { name: 'Actions', exact: true }).click();
      await cell(page, '10-01', `${q}:status`).waitFor();

      await typeInto(page, '10-01', `${q}:status`, 'réalisée');
      await typeInto(page, '10-02', `${q}:status`, 'en cours');
      // Status, référent, comment for three actions, pasted from a workbook; one unknown status.
      await cell(page, '10-03', `${q}:status`).click();
      await pasteTsv(page, 'Réalisée\tPréfecture\tFait en mars\r\nsans objet\t\t\r\nterminée\tDDSP\t\r\n');
      const status = await statusSays(page, /Collage/);
      expect(status).toMatch(/Collage : 8 cellules enregistrées, 1 refusée\./);
      expect(status).toMatch(/« terminée » n'est pas un statut/);
      expect(await cellText(page, '10-03', `${q}:referent`)).toBe('Préfecture');

      // Engagement 10: 6 actions, 1 sans objet → 2 réalisées out of 5 applicable.
      const chart = page.getByTestId('implementation-chart');
      await expect.poll(async () => (await chart.locator('li').nth(9).textContent()) ?? '').toMatch(/^1040\u00a0% \(2 \/ 5\)$/);

      // The focused cell's history, then the assessment of its engagement.
      await cell(page, '10-03', `${q}:referent`).click();
      await openSidePanel(page);
      await page.getByTestId('cell-history').filter({ hasText: /Collage — référent : .*Préfecture/ }).waitFor();
      await cell(page, '10-01', `${q}:referent`).click();
      const panel = page.getByTestId('assessment-panel');
      await panel.waitFor();
      await panel.getByLabel('Météo').selectOption('couvert');
      await panel.getByText('Appréciation enregistrée.').waitFor();
      await panel.getByLabel('Tendance').selectOption('hausse');
      await panel.getByLabel(/Commentaire de synthèse/).fill('Le tableau de bord est tenu à jour chaque mois.');
      await panel.getByLabel('Météo').focus();
      await panel.getByText(/Rédigé par Camille Martin le \d{2}\/\d{2}\/\d{4}/).waitFor();

      const stored = readOnly(app.databasePath, (db) => ({
        statuses: db.prepare("SELECT action_code, status, referent FROM action_status WHERE action_code LIKE '10-%' ORDER BY action_code").all(),
        assessment: db.prepare('SELECT meteo, trend, comment, comment_author FROM assessment').get(),
      }));
      expect(stored.statuses).toEqual([
        { action_code: '10-01', status: 'realisee', referent: '' },
        { action_code: '10-02', status: 'en_cours', referent: '' },
        { action_code: '10-03', status: 'realisee', referent: 'Préfecture' },
        { action_code: '10-04', status: 'sans_objet', referent: '' },
        // The unknown status was refused alone; the référent beside it was kept.
        { action_code: '10-05', status: null, referent: 'DDSP' },
      ]);
      expect(stored.assessment).toEqual({ meteo: 'couvert', trend: 'hausse', comment: 'Le tableau de bord est tenu à jour chaque mois.', comment_author: 'Camille Martin' });

      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  }, 240_000);
});
