import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp } from '../support/e2e-harness';
import path from 'node:path';
import { readOnly } from '../support/db';
import { makeTestPki, TEST_SIGNER_CN } from '../support/pki';

const PREVIEW_TIMEOUT = 60_000;

describe('exchange files in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("exports a colleague's quarters, previews and imports them, then resolves two conflicts (one taken, one kept) and shows the import in the journal", async () => {
    const colleague = await startApp(browser);
    const me = await startApp(browser);
    try {
      // The colleague's database: the demonstration, exported through the screen.
      await colleague.core.dispatch('installDemo', undefined);
      await colleague.open();
      await colleague.page.getByRole('link', { name: 'Échanges', exact: true }).click();
      await colleague.page.getByRole('button', { name: 'Exporter' }).click();
      const exported = colleague.page.getByTestId('exchange-exported');
      await exported.waitFor();
      const file = /enregistré : (.+\.qrr)$/.exec((await exported.textContent()) ?? '')![1]!;

      // Mine: same département, nothing yet — the first run offers to start from the file.
      await me.core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille Martin' });
      await me.open();
      await me.page.getByRole('button', { name: "Importer un fichier d'échange" }).click();
      await me.page.getByLabel(/Fichier d'échange/).setInputFiles(file);
      const preview = me.page.getByTestId('import-preview');
      // The harness carries the file's bytes (base64) through Playwright's binding, much slower than
      // Electron's IPC: a 1 MB file takes seconds when the machine is busy.
      await preview.waitFor({ timeout: PREVIEW_TIMEOUT });
      expect(await preview.textContent()).toMatch(/Quartier créé : QRR Nord \(démonstration\)/);
      expect(await me.page.getByTestId('import-counts').textContent()).toMatch(/En conflit : 0/);
      // Nothing written by the preview.
      expect(readOnly(me.databasePath, (db) => db.prepare('SELECT count(*) FROM indicator_value').pluck().get())).toBe(0);
      await me.page.getByRole('button', { name: "Confirmer l'import" }).click();
      // The application opens on the imported data.
      await me.page.getByRole('link', { name: 'Échanges', exact: true }).click({ timeout: PREVIEW_TIMEOUT });
      const count = (path: string) => readOnly(path, (db) => db.prepare('SELECT count(*) FROM indicator_value').pluck().get());
      expect(count(me.databasePath)).toBe(count(colleague.databasePath));

      // I change two values of an open quarter; importing again shows exactly those two conflicts;
      // I take theirs for one and keep mine for the other.
      const row = readOnly(me.databasePath, (db) =>
        db
          .prepare(
            `SELECT v.qrr_id AS qrrId, v.period_code AS period FROM indicator_value v JOIN period p ON p.code = v.period_code
             WHERE v.indicator_code = '01-03' AND v.value IS NOT NULL AND p.state <> 'transmitted' LIMIT 1`,
          )
          .get(),
      ) as { qrrId: number; period: string };
      expect(
        (
          await me.core.dispatch('saveIndicatorValues', {
            periodCode: row.period,
            changes: [
              { qrrId: row.qrrId, indicatorCode: '01-03', value: { count: 999999 } },
              { qrrId: row.qrrId, indicatorCode: '01-02', value: { numerator: 5, denominator: 7 } },
            ],
          })
        ).ok,
      ).toBe(true);
      await me.page.getByLabel(/Fichier d'échange/).setInputFiles([]);
      await me.page.getByLabel(/Fichier d'échange/).setInputFiles(file);
      await preview.waitFor({ timeout: PREVIEW_TIMEOUT });
      expect(await me.page.getByTestId('import-counts').textContent()).toMatch(/En conflit : 2/);
      const lines = me.page.getByTestId('import-lines');
      expect(await lines.textContent()).toMatch(/999\s?999/);
      // In bulk for the quarter (filtered), then one line back to mine.
      await me.page.getByLabel('Trimestre ou année').selectOption(row.period);
      await me.page.getByRole('button', { name: 'Prendre celles du fichier (conflits affichés)' }).click();
      // The bulk choice asks main for the keys of every conflict matching the filters (all pages): applied once it answers.
      await expect.poll(() => me.page.getByRole('combobox', { name: /Choix pour .*, 01-03, value/ }).inputValue()).toBe('theirs');
      await me.page.getByRole('combobox', { name: /Choix pour .*, 01-02, value/ }).selectOption('mine');
      await me.page.getByRole('button', { name: "Confirmer l'import" }).click();
      const summary = me.page.getByTestId('import-summary');
      await summary.waitFor({ timeout: PREVIEW_TIMEOUT });
      expect(await summary.textContent()).toMatch(/1 conflit résolu avec la valeur reçue, 1 valeur conservée/);
      const after = readOnly(me.databasePath, (db) => ({
        value: db.prepare(`SELECT value FROM indicator_value WHERE qrr_id = ? AND indicator_code = '01-03' AND period_code = ?`).pluck().get(row.qrrId, row.period),
        kept: db.prepare(`SELECT value FROM indicator_value WHERE qrr_id = ? AND indicator_code = '01-02' AND period_code = ?`).pluck().get(row.qrrId, row.period),
        origin: db.prepare(`SELECT origin FROM audit_log WHERE entity = 'indicator_value' ORDER BY id DESC LIMIT 1`).pluck().get(),
      }));
      expect(after.value).not.toContain('999999');
      expect(JSON.parse(after.kept as string)).toEqual({ numerator: 5, denominator: 7 });
      expect(after.origin).toBe('import:qrr-93-tout.qrr');

      // The audit trail, on screen: the import and the value it changed, with the file named.
      await me.page.getByRole('link', { name: 'Journal', exact: true }).click();
      const journal = me.page.getByRole('table').first();
      await journal.waitFor();
      await me.page.getByText(/qrr-93-tout\.qrr/).first().waitFor();
      expect(await journal.textContent()).toMatch(/999\s?999/);
      expect(me.consoleErrors).toEqual([]);
    } finally {
      await colleague.close();
      await me.close();
    }
  }, 240_000);
});

describe('a signed report PDF as the source of an import, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows who signed it and warns when the certificate is not trusted here; nothing is imported before the warning is accepted', async () => {
    const colleague = await startApp(browser);
    const me = await startApp(browser);
    try {
      await colleague.core.dispatch('installDemo', undefined);
      const pki = makeTestPki({ password: 'secret' });
      const report = await colleague.core.dispatch('generateReport', {
        periodCode: '2026-T4',
        transmit: false,
        signature: { p12Base64: Buffer.from(pki.p12).toString('base64'), password: 'secret', visible: false },
      });
      if (!report.ok) throw new Error(report.error.message);
      const pdf = (report.value as { path: string }).path;

      await me.core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille Martin' });
      await me.core.dispatch('createQrr', { name: 'QRR existant', communes: ['93066'], qpvCodes: [], securityZone: null, wave: null, deleguePrefet: '', referents: '', population: null, notes: '' });
      await me.open();
      await me.page.getByRole('link', { name: 'Échanges', exact: true }).click();
      await me.page.getByLabel(/Fichier d'échange/).setInputFiles(pdf);
      const preview = me.page.getByTestId('import-preview');
      await preview.waitFor({ timeout: PREVIEW_TIMEOUT });
      expect(await preview.textContent()).toMatch(new RegExp(`Rapport PDF de .*Signé par ${TEST_SIGNER_CN}`));
      const warning = me.page.getByTestId('import-warning');
      expect(await warning.textContent()).toMatch(/ne remonte à aucune autorité de confiance/);
      const confirm = me.page.getByRole('button', { name: "Confirmer l'import" });
      expect(await confirm.isDisabled()).toBe(true);
      const values = () => readOnly(me.databasePath, (db) => db.prepare('SELECT count(*) FROM indicator_value').pluck().get());
      expect(values()).toBe(0);
      await me.page.locator('label[for="accept-unverified"]').click();
      await confirm.click();
      await me.page.getByTestId('import-summary').waitFor({ timeout: PREVIEW_TIMEOUT });
      expect(values()).toBeGreaterThan(0);
      const entry = readOnly(me.databasePath, (db) =>
        db.prepare(`SELECT origin, new_value FROM audit_log WHERE entity = 'exchange_import' ORDER BY id DESC LIMIT 1`).get(),
      ) as { origin: string; new_value: string };
      expect(entry.origin).toBe(`import:${path.basename(pdf)}`);
      expect(JSON.parse(entry.new_value)).toMatchObject({ source: { kind: 'pdf', signed: true, trusted: false, signer: TEST_SIGNER_CN } });
      expect(me.consoleErrors).toEqual([]);
    } finally {
      await colleague.close();
      await me.close();
    }
  }, 240_000);
});
