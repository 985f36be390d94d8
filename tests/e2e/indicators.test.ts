import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodLabel, periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly, snapshot } from '../support/db';
import { cell, cellText, copySelection, openSidePanel, pasteTsv, statusSays, typeInto } from '../support/grid';

describe('indicator grid in Chromium, over a real SQLite file', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('QRRs with QPV codes; one value of each kind typed in the grid; reload; values and audit entries are there', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      await app.open();
      await page.getByLabel('Département').selectOption('93');
      await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();

      await page.getByLabel(/Nom du quartier/).fill('QRR Saint-Denis');
      await page.getByLabel(/Communes du quartier/).fill('saint denis');
      await page.getByRole('button', { name: 'Saint-Denis (93066)' }).click();
      await page.getByLabel(/Quartiers prioritaires/).fill('qn09301m QP093028');
      await page.getByLabel('Zone de sécurité').selectOption('police');
      await page.getByLabel('Vague de création').selectOption('2018');
      await page.getByLabel('Population').fill('24 500');
      await page.getByRole('button', { name: 'Créer le quartier' }).click();
      await page.getByTestId('qrr-table').waitFor();

      // A QPV code of another département is refused in French, next to the field.
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
      expect(await page.getByTestId('qrr-table').locator('tbody tr td:nth-child(3)').allTextContents()).toEqual(['QN09302A', 'QN09301M, QP093028']);

      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await page.getByText('Ouvrez un trimestre pour commencer la saisie.').waitFor();
      await page.getByLabel('Trimestre à ouvrir').selectOption({ label: periodLabel(periodOfDate(new Date())) });
      await page.getByRole('button', { name: 'Ouvrir', exact: true }).click();
      await page.getByLabel('Quartier', { exact: true }).selectOption({ label: 'QRR Saint-Denis' });
      const q = (await page.getByLabel('Quartier', { exact: true }).inputValue()).trim();
      await cell(page, '01-01', `${q}:p0`).waitFor();

      // One value of each kind, typed as a coordinator types it.
      await typeInto(page, '01-01', `${q}:p0`, '12'); // count_rate
      await typeInto(page, '01-01', `${q}:p1`, '40');
      await typeInto(page, '01-03', `${q}:p0`, '1 250'); // count
      await typeInto(page, '02-01', `${q}:p0`, 'en cours'); // progress
      await typeInto(page, '03-03', `${q}:p0`, '14'); // ratio per 1,000
      await typeInto(page, '03-03', `${q}:p1`, '24500');
      await typeInto(page, '04-05', `${q}:p0`, '3'); // operations + beneficiaries
      await typeInto(page, '04-05', `${q}:p1`, '125');
      await typeInto(page, '05-02', `${q}:p0`, '4'); // amount
      await typeInto(page, '05-02', `${q}:p1`, '12 500,50 €');
      await typeInto(page, '05-03', `${q}:p0`, '120'); // gender split
      await typeInto(page, '05-03', `${q}:p1`, '50');
      await typeInto(page, '05-03', `${q}:p2`, '70');
      await typeInto(page, '06-05', `${q}:p0`, 'oui'); // presence
      await typeInto(page, '06-05', `${q}:p1`, 'non');
      await statusSays(page, /Saisie : 1 cellule enregistrée/);

      // Text in a number cell is blocked in the editor, with the reason; Escape gives up.
      await cell(page, '01-04', `${q}:p0`).click();
      await page.keyboard.type('douze');
      await page.keyboard.press('Enter');
      expect(await page.locator('.ag-cell-inline-editing').count()).toBe(1);
      await page.keyboard.press('Escape');
      await page.locator('.ag-cell-inline-editing').waitFor({ state: 'detached' });
      expect(await cellText(page, '01-04', `${q}:p0`)).not.toContain('douze');
      expect(readOnly(app.databasePath, (db) => db.prepare("SELECT count(*) FROM indicator_value WHERE indicator_code = '01-04'").pluck().get())).toBe(0);

      // A numerator above the denominator is refused by the rules between parts, in French.
      await typeInto(page, '01-01', `${q}:p0`, '41');
      await statusSays(page, /ne peut pas dépasser le dénominateur/);

      await page.reload();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).waitFor();
      await page.getByLabel('Quartier', { exact: true }).selectOption({ label: 'QRR Saint-Denis' });
      await cell(page, '01-01', `${q}:p0`).waitFor();
      await expect.poll(() => cellText(page, '01-01', `${q}:rate`)).toBe('30,0\u00a0%');
      expect(await cellText(page, '01-01', `${q}:p0`)).toBe('12');
      expect(await cellText(page, '01-03', `${q}:p0`)).toBe('1\u202f250');
      expect(await cellText(page, '02-01', `${q}:p0`)).toBe('En cours');
      expect(await cellText(page, '03-03', `${q}:rate`)).toBe('0,6\u00a0‰');
      expect(await cellText(page, '05-02', `${q}:p1`)).toBe('12\u202f500,50\u00a0€');
      expect(await cellText(page, '05-03', `${q}:p2`)).toBe('70');
      expect(await cellText(page, '06-05', `${q}:p1`)).toBe('non');
      expect(await page.getByTestId('completeness').textContent()).toBe('8 / 56 indicateurs renseignés');

      // The focused cell's history shows its audit entries.
      await cell(page, '05-02', `${q}:p1`).click();
      await openSidePanel(page);
      const history = page.getByTestId('cell-history');
      await history.waitFor();
      expect(await history.textContent()).toMatch(/e2e-user — Saisie — valeur : .*Montant \(€\) 12\u202f500,50\u00a0€/);

      const stored = readOnly(app.databasePath, (db) => ({
        qpv: db.prepare('SELECT qpv_code FROM qrr_qpv ORDER BY qpv_code').pluck().all(),
        value: db.prepare("SELECT value FROM indicator_value WHERE indicator_code = '05-02'").pluck().get(),
        count: db.prepare('SELECT count(*) FROM indicator_value').pluck().get(),
        origins: db.prepare("SELECT DISTINCT origin FROM audit_log WHERE entity = 'indicator_value'").pluck().all(),
      }));
      expect(stored.qpv).toEqual(['QN09301M', 'QN09302A', 'QP093028']);
      expect(stored.value).toBe(JSON.stringify({ count: 4, amountCents: 1250050 }));
      expect(stored.count).toBe(8);
      expect(stored.origins).toEqual(['ui:saisie']);
      expect(app.externalRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);

      // Accessibility: no serious or critical violation on the screen.
      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`)).toEqual([]);
    } finally {
      await app.close();
    }
    // axe's colour-contrast check over a fully rendered grid takes tens of seconds on this machine.
  }, 240_000);

  it('pastes a block from Excel (one bad cell refused), undoes, redoes, fills down, and a transmitted quarter refuses edits', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const created = await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
      const q = String((created as { ok: true; value: { id: number } }).value.id);
      await core.dispatch('openPeriod', { code: periodOfDate(new Date()) });
      await app.open();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
      await cell(page, '05-01', `${q}:p0`).click();

      // 5 rows × 3 columns as LibreOffice copies them: French numbers, blanks, CRLF, one bad cell.
      await pasteTsv(page, '12\t\t\r\n4\t12 500,50\t\r\n120\t50\t70\r\n3\t\t\r\ndeux\t\t\r\n');
      const pasted = await statusSays(page, /Collage/);
      expect(pasted).toMatch(/Collage : 7 cellules enregistrées, 1 refusée\./);
      expect(pasted).toMatch(/05-05, Valeur : Nombre : « deux » n'est pas un nombre/);
      expect(await cellText(page, '05-02', `${q}:p1`)).toBe('12\u202f500,50\u00a0€');
      expect(await cellText(page, '05-03', `${q}:p2`)).toBe('70');
      const afterPaste = readOnly(app.databasePath, (db) => db.prepare('SELECT indicator_code FROM indicator_value ORDER BY 1').pluck().all());
      expect(afterPaste).toEqual(['05-01', '05-02', '05-03', '05-04']);

      // Undo the paste, then redo it (Ctrl+Z, Ctrl+Y), each through IPC and audited.
      await page.keyboard.press('Control+z');
      await statusSays(page, /Annulé : collage de 7 cellules/);
      expect(await cellText(page, '05-02', `${q}:p1`)).toBe('Montant (€)');
      expect(readOnly(app.databasePath, (db) => db.prepare('SELECT count(*) FROM indicator_value').pluck().get())).toBe(0);
      await page.keyboard.press('Control+y');
      await statusSays(page, /Rétabli : collage de 7 cellules/);
      expect(await cellText(page, '05-03', `${q}:p1`)).toBe('50');

      // Fill down: 1 250 in 01-03, select 01-03 → 01-07 with Shift+click, Ctrl+D.
      await typeInto(page, '01-03', `${q}:p0`, '1 250');
      await cell(page, '01-03', `${q}:p0`).click();
      await cell(page, '01-07', `${q}:p0`).click({ modifiers: ['Shift'] });
      expect(await copySelection(page)).toBe('1\u202f250\r\n\r\n\r\n\r\n\r\n');
      await page.keyboard.press('Control+d');
      await statusSays(page, /Recopie vers le bas : 4 cellules enregistrées/);
      for (const code of ['01-04', '01-05', '01-06', '01-07']) expect(await cellText(page, code, `${q}:p0`)).toBe('1\u202f250');

      // Delete clears the selection.
      await page.keyboard.press('Delete');
      await statusSays(page, /Effacement : 5 cellules enregistrées/);
      expect(await cellText(page, '01-05', `${q}:p0`)).toBe('Nombre');
      await page.keyboard.press('Control+z');
      await statusSays(page, /Annulé : effacement de 5 cellules/);

      await page.reload();
      await page.getByRole('link', { name: 'Indicateurs', exact: true }).waitFor();
      await cell(page, '01-07', `${q}:p0`).waitFor();
      await expect.poll(() => cellText(page, '01-07', `${q}:p0`)).toBe('1\u202f250');
      expect(await cellText(page, '05-04', `${q}:p0`)).toBe('3');
      const origins = readOnly(app.databasePath, (db) =>
        db.prepare("SELECT origin, count(*) AS n FROM audit_log WHERE entity = 'indicator_value' GROUP BY origin ORDER BY origin").all(),
      );
      expect(origins.map((o) => (o as { origin: string }).origin)).toEqual([
        'ui:annulation',
        'ui:collage',
        'ui:effacement',
        'ui:recopie',
        'ui:retablissement',
        'ui:saisie',
      ]);

      // Transmit the quarter: the grid becomes read-only and edits are refused with the reason.
      await page.getByRole('button', { name: 'Marquer comme transmis' }).click();
      // The transmission check lists what is missing; transmitting anyway needs an explicit confirmation.
      await page.getByTestId('missing-summary').waitFor();
      const anyway = page.getByText(/Transmettre malgré ces manques/);
      if (await anyway.count()) await anyway.click();
      await page.getByRole('button', { name: 'Confirmer la transmission' }).click();
      await page.getByText(/a été transmis : il est en lecture seule/).first().waitFor();
      const before = snapshot(core.db);
      await cell(page, '01-04', `${q}:p0`).click();
      await page.keyboard.type('99');
      await page.keyboard.press('Enter');
      expect(await page.locator('.ag-cell-inline-editing').count()).toBe(0);
      await pasteTsv(page, '7\r\n');
      await statusSays(page, /lecture seule/);
      expect(snapshot(core.db)).toEqual(before);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
