import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { periodLabel, periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';

/** Opens the editor of an indicator, fills its parts (label → text typed), saves. */
async function enter(page: Page, code: string, parts: Record<string, string>) {
  await page.getByRole('button', { name: `Saisir l'indicateur ${code}` }).click();
  const form = page.getByRole('form', { name: `Saisie de l'indicateur ${code}` });
  for (const [label, text] of Object.entries(parts)) {
    const field = form.getByLabel(label, { exact: true });
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption({ label: text });
    else await field.fill(text);
  }
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await form.waitFor({ state: 'detached' });
}

const cellOf = (page: Page, code: string, column: number) => page.locator(`tr[data-indicator="${code}"] td`).nth(column);

describe('QRRs and one value of each kind, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates two QRRs with communes and QPV, enters a value of each kind, reloads, sees them and their history', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      await app.open();
      await page.getByLabel('Département').selectOption('93');
      await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();

      // First QRR through the first-run form, with QPV codes, zone and population.
      await page.getByLabel(/Nom du quartier/).fill('QRR Saint-Denis');
      await page.getByLabel(/Communes du quartier/).fill('saint denis');
      await page.getByRole('button', { name: 'Saint-Denis (93066)' }).click();
      await page.getByLabel(/Quartiers prioritaires/).fill('qn09301m QP093028');
      await page.getByLabel('Zone de sécurité').selectOption('police');
      await page.getByLabel('Vague de création').selectOption('2018');
      await page.getByLabel('Population').fill('24 500');
      await page.getByRole('button', { name: 'Créer le quartier' }).click();
      await page.getByTestId('qrr-table').waitFor();

      // A QPV of another département is refused, in French, next to the field.
      await page.getByRole('button', { name: 'Nouveau quartier' }).click();
      await page.getByLabel(/Nom du quartier/).fill('QRR Épinay');
      await page.getByLabel(/Communes du quartier/).fill('epinay');
      await page.getByRole('button', { name: /^Épinay-sur-Seine/ }).click();
      await page.getByLabel(/Quartiers prioritaires/).fill('QN03401A');
      await page.getByRole('button', { name: 'Créer le quartier' }).click();
      await page.getByRole('alert').getByText(/appartient à un autre département \(34\)/).waitFor();
      await page.getByLabel(/Quartiers prioritaires/).fill('QN09302A');
      await page.getByRole('button', { name: 'Créer le quartier' }).click();
      await page.getByText('« QRR Épinay » est créé.').waitFor();
      const qpvCells = await page.getByTestId('qrr-table').locator('tbody tr td:nth-child(3)').allTextContents();
      expect(qpvCells).toEqual(['QN09302A', 'QN09301M, QP093028']);

      // Open the current quarter and enter one value of each kind for QRR Saint-Denis.
      await page.getByRole('link', { name: 'Indicateurs' }).click();
      await page.getByText('Ouvrez un trimestre pour commencer la saisie.').waitFor();
      const quarter = periodOfDate(new Date());
      await page.getByLabel('Trimestre à ouvrir').selectOption({ label: periodLabel(quarter) });
      await page.getByRole('button', { name: 'Ouvrir', exact: true }).click();
      await page.getByLabel('Quartier', { exact: true }).selectOption({ label: 'QRR Saint-Denis' });
      await page.getByTestId('indicator-table').waitFor();

      await enter(page, '01-01', { 'Nombre de classes dédoublées (GS, CP, CE1 en REP et REP +)': '12', 'Nombre total de classes de GS, CP, CE1 en REP et REP +': '40' });
      await enter(page, '01-03', { Nombre: '1 250' });
      await enter(page, '02-01', { "État d'avancement": 'En cours' });
      await enter(page, '03-03', { 'Nombre de structures médicales et para-médicales présentes': '14', 'Population (habitants)': '24500' });
      await enter(page, '04-05', { 'Nombre de dispositifs adaptés de Classes préparatoires talents créés': '3', 'Nombre de jeunes bénéficiaires': '125' });
      await enter(page, '05-02', { "Nombre d'associations soutenues": '4', 'Montant (€)': '12 500,50' });
      await enter(page, '05-03', { 'Nombre de bénéficiaires': '120', 'dont hommes': '50', 'dont femmes': '70' });
      await enter(page, '06-05', { 'Présence les soirs': 'Oui', 'Présence le week-end': 'Non' });

      // A bad value is refused with a French message and nothing changes.
      await page.getByRole('button', { name: "Saisir l'indicateur 01-04" }).click();
      const form = page.getByRole('form', { name: "Saisie de l'indicateur 01-04" });
      await form.getByLabel('Nombre', { exact: true }).fill('douze');
      await form.getByRole('button', { name: 'Enregistrer' }).click();
      await form.getByRole('alert').getByText(/« douze » n'est pas un nombre/).waitFor();
      await form.getByRole('button', { name: 'Fermer' }).click();

      await page.reload();
      await page.getByLabel('Quartier', { exact: true }).selectOption({ label: 'QRR Saint-Denis' });
      await page.getByTestId('indicator-table').waitFor();
      await expect.poll(() => cellOf(page, '01-01', 2).textContent()).toBe('12 / 40 (30,0\u00a0%)');
      expect(await cellOf(page, '01-01', 3).textContent()).toBe('30,0\u00a0%');
      expect(await cellOf(page, '01-03', 2).textContent()).toBe('1\u202f250');
      expect(await cellOf(page, '02-01', 2).textContent()).toBe('En cours');
      expect(await cellOf(page, '03-03', 3).textContent()).toBe('0,6\u00a0‰');
      expect(await cellOf(page, '04-05', 2).textContent()).toBe('3 opérations, 125 bénéficiaires');
      expect(await cellOf(page, '05-02', 2).textContent()).toBe('4 associations, 12\u202f500,50\u00a0€');
      expect(await cellOf(page, '05-03', 2).textContent()).toBe('Total 120 (hommes 50, femmes 70)');
      expect(await cellOf(page, '06-05', 2).textContent()).toBe('Soirs : oui ; week-ends : non');
      expect(await page.getByTestId('completeness').textContent()).toBe('8 / 56 indicateurs renseignés');

      // The cell's history shows the audit entry.
      await page.getByRole('button', { name: "Saisir l'indicateur 05-02" }).click();
      const history = page.getByTestId('cell-history');
      await history.waitFor();
      expect(await history.textContent()).toMatch(/e2e-user — valeur : — → Nombre d'associations soutenues 4, Montant \(€\) 12\u202f500,50\u00a0€/);

      const stored = readOnly(app.databasePath, (db) => ({
        qpv: db.prepare('SELECT qpv_code FROM qrr_qpv ORDER BY qpv_code').pluck().all(),
        values: db.prepare('SELECT indicator_code, value FROM indicator_value ORDER BY indicator_code').all(),
        audited: db.prepare("SELECT count(*) FROM audit_log WHERE entity = 'indicator_value' AND field = 'value'").pluck().get(),
      }));
      expect(stored.qpv).toEqual(['QN09301M', 'QN09302A', 'QP093028']);
      expect(stored.values).toContainEqual({ indicator_code: '05-02', value: JSON.stringify({ count: 4, amountCents: 1250050 }) });
      expect(stored.values).toHaveLength(8);
      expect(stored.audited).toBe(8);
      expect(app.externalRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
