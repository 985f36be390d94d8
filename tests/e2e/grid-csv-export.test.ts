import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, cellText, pasteTsv, statusSays } from '../support/grid';

/**
 * The grids' CSV export (Crédits FIPD › « Exporter en CSV », the only CSV the
 * screens produce) through the real UI: texts pasted into the grid from a
 * colleague's spreadsheet that begin with = + - @ are written as text (OWASP
 * « CSV injection », shared/format/spreadsheet-text.ts); amounts stay numbers.
 */
describe('CSV export of the subsidies grid neutralises formulas (Chromium, real SQLite, real file)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('pasted « =HYPERLINK… », « +33… », « -2+3… », « @SOMME… » come out with a leading apostrophe; 1 234,56 € stays 1234,56', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
      await app.open();
      await page.getByRole('link', { name: 'Crédits FIPD', exact: true }).click();
      // Quartier, Source, Association, SIRET, RNA, Intitulé, Actions, Demandé, Attribué, Cofinancement, Statut.
      await cell(page, 'new-0', 'qrrId').click();
      await pasteTsv(
        page,
        [
          'QRR Nord\tFIPD\t=HYPERLINK("http://exemple.invalid","x")\t\t\t+33 atelier\t\t1 234,56\t\t\tdemandée',
          'QRR Nord\tFIPD\t@SOMME(A1) asso\t\t\t-2+3 projet\t\t10 000\t\t\tdemandée',
        ].join('\r\n') + '\r\n',
      );
      await statusSays(page, /Collage : \d+ cellules enregistrées\./);
      await expect
        .poll(() => readOnly(app.databasePath, (db) => db.prepare('SELECT beneficiary_name FROM subsidy ORDER BY id').pluck().all()))
        .toEqual(['=HYPERLINK("http://exemple.invalid","x")', '@SOMME(A1) asso']);
      // On screen and in the database, the texts stay as typed.
      const first = readOnly(app.databasePath, (db) => db.prepare('SELECT min(id) FROM subsidy').pluck().get() as number);
      expect(await cellText(page, `s${first}`, 'beneficiaryName')).toBe('=HYPERLINK("http://exemple.invalid","x")');

      await page.getByRole('button', { name: 'Exporter en CSV' }).click();
      const said = (await page.getByTestId('fipd-exported').textContent()) ?? '';
      const file = /dans (.+\.csv)$/.exec(said.trim())?.[1];
      expect(file, said).toBeDefined();
      const text = fs.readFileSync(file!, 'utf8');
      expect(text.startsWith('\ufeff')).toBe(true);
      const lines = text.slice(1).split('\r\n').filter(Boolean);
      expect(lines).toHaveLength(3);
      const [head, ...rows] = lines.map((l) => l.split(';'));
      const col = (name: string) => head!.indexOf(name);
      expect(rows.map((r) => r[col('Association')])).toEqual([`"'=HYPERLINK(""http://exemple.invalid"",""x"")"`, "'@SOMME(A1) asso"]);
      expect(rows.map((r) => r[col('Intitulé')])).toEqual(["'+33 atelier", "'-2+3 projet"]);
      // Numbers stay numbers (French decimals, no apostrophe).
      expect(rows.map((r) => r[col('Demandé (€)')])).toEqual(['1234,56', '10000,00']);
      // No cell of the file, quoted or not, starts like a formula.
      const cells = rows.flat().map((c) => c.replace(/^"/, ''));
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
