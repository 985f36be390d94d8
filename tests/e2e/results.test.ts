/**
 * Results in Chromium (issue 13): on the « Objectifs » screen the user sets a
 * target and declares an indicator « sans objet »; the dashboard's
 * completeness and results table change, and so does the report model the
 * PDF is drawn from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import type { ReportModel } from '../../shared/report/report-model';
import { launchBrowser, startApp } from '../support/e2e-harness';

describe('objectives and « sans objet » in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sets a target and a « sans objet »: completeness, the dashboard table and the report change', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const period = periodOfDate(new Date());
      await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet de test', coordinatorName: 'Camille Martin' });
      const created = await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'], securityZone: 'police' });
      const q = (created as { ok: true; value: { id: number } }).value.id;
      await core.dispatch('openPeriod', { code: period });
      await core.dispatch('saveIndicatorValues', { periodCode: period, changes: [{ qrrId: q, indicatorCode: '01-03', value: { count: 12 } }] });
      const model = async () => ((await core.dispatch('getReportModel', { periodCode: period })) as { ok: true; value: ReportModel }).value;

      await app.open();
      await page.getByTestId('dashboard-table').waitFor();
      expect(await page.getByTestId('dashboard-totals').textContent()).toMatch(/1 \/ 56/);
      expect(await page.getByTestId('result-01-03').textContent()).toMatch(/12/);

      // Objectifs: a target for 01-03, and 02-03 « sans objet » with its reason.
      await page.getByRole('link', { name: 'Objectifs', exact: true }).click();
      const row = page.getByTestId('target-01-03');
      await row.getByLabel('Valeur initiale 01-03', { exact: true }).fill('10');
      await row.getByLabel('Date de la valeur initiale 01-03').fill('2025-12-31');
      await row.getByLabel('Cible 01-03', { exact: true }).fill('20');
      await row.getByLabel('Échéance 01-03').fill('2027-06-30');
      await row.getByRole('button', { name: 'Enregistrer' }).click();
      await expect.poll(async () => (await model()).results.find((r) => r.code === '01-03')!.target?.targetValue).toBe(20);

      const so = page.getByTestId('sans-objet-indicator-02-03');
      await so.getByLabel('Motif « sans objet » 02-03').fill('Aucune copropriété dégradée dans le quartier.');
      await so.getByText('Sans objet', { exact: true }).click(); // DSFR: the label is what the user clicks
      await expect.poll(async () => (await model()).sansObjetCount.indicators).toBe(1);

      // Dashboard: 1 / 55 (02-03 no longer asked), the target and its progress in the results table.
      await page.getByRole('link', { name: 'Tableau de bord', exact: true }).click();
      await page.getByTestId('dashboard-table').waitFor();
      expect(await page.getByTestId('dashboard-totals').textContent()).toMatch(/1 \/ 55/);
      const result = await page.getByTestId('result-01-03').textContent();
      expect(result).toMatch(/20 d'ici le 30\/06\/2027/);
      expect(result).toMatch(/20\s%/); // (12 − 10) / (20 − 10)
      expect(await page.getByTestId('result-02-03').textContent()).toMatch(/Sans objet/);

      // The report: 02-03 shown « sans objet » with its reason, out of what is missing; the target in the QRR's detail.
      const m = await model();
      const row0203 = m.qrrs[0]!.engagements[1]!.indicators.find((i) => i.code === '02-03')!;
      expect(row0203.sansObjetReason).toBe('Aucune copropriété dégradée dans le quartier.');
      expect(m.missing.indicators.some((i) => i.indicatorCode === '02-03')).toBe(false);
      expect(m.qrrs[0]!.engagements[0]!.indicators.find((i) => i.code === '01-03')!.goal).toMatchObject({ progressText: '20\u00a0%' });
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
