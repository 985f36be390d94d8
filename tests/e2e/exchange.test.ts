import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';

describe('exchange files in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("exports a colleague's quarters, previews and imports them, then resolves a conflict by taking theirs", async () => {
    const colleague = await startApp(browser);
    const me = await startApp(browser);
    try {
      // The colleague's database: the demonstration, exported through the screen.
      await colleague.core.dispatch('installDemo', undefined);
      await colleague.open();
      await colleague.page.getByRole('link', { name: 'Échanges' }).click();
      await colleague.page.getByRole('button', { name: 'Exporter' }).click();
      const exported = colleague.page.getByTestId('exchange-exported');
      await exported.waitFor();
      const file = /enregistré : (.+\.qrr\.json)$/.exec((await exported.textContent()) ?? '')![1]!;

      // Mine: same département, nothing yet — the first run offers to start from the file.
      await me.core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille Martin' });
      await me.open();
      await me.page.getByRole('button', { name: "Importer un fichier d'échange" }).click();
      await me.page.getByLabel(/Fichier d'échange/).setInputFiles(file);
      const preview = me.page.getByTestId('import-preview');
      await preview.waitFor();
      expect(await preview.textContent()).toMatch(/Quartier créé : QRR Nord \(démonstration\)/);
      expect(await me.page.getByTestId('import-counts').textContent()).toMatch(/En conflit : 0/);
      // Nothing written by the preview.
      expect(readOnly(me.databasePath, (db) => db.prepare('SELECT count(*) FROM indicator_value').pluck().get())).toBe(0);
      await me.page.getByRole('button', { name: "Confirmer l'import" }).click();
      // The application opens on the imported data.
      await me.page.getByRole('link', { name: 'Échanges' }).click();
      const count = (path: string) => readOnly(path, (db) => db.prepare('SELECT count(*) FROM indicator_value').pluck().get());
      expect(count(me.databasePath)).toBe(count(colleague.databasePath));

      // I change one value; importing again shows exactly that conflict; I take theirs.
      const row = readOnly(me.databasePath, (db) =>
        db.prepare(`SELECT qrr_id AS qrrId, period_code AS period FROM indicator_value WHERE indicator_code = '01-03' AND value IS NOT NULL LIMIT 1`).get(),
      ) as { qrrId: number; period: string };
      const state = readOnly(me.databasePath, (db) => db.prepare('SELECT state FROM period WHERE code = ?').pluck().get(row.period));
      if (state === 'transmitted') await me.core.dispatch('reopenPeriod', { code: row.period, reason: 'Correction après échange avec la DASEN' });
      expect((await me.core.dispatch('saveIndicatorValues', { periodCode: row.period, changes: [{ qrrId: row.qrrId, indicatorCode: '01-03', value: { count: 999999 } }] })).ok).toBe(true);
      await me.page.getByLabel(/Fichier d'échange/).setInputFiles([]);
      await me.page.getByLabel(/Fichier d'échange/).setInputFiles(file);
      await preview.waitFor();
      expect(await me.page.getByTestId('import-counts').textContent()).toMatch(/En conflit : 1/);
      await me.page.getByRole('combobox', { name: /Choix pour/ }).selectOption('theirs');
      await me.page.getByRole('button', { name: "Confirmer l'import" }).click();
      await me.page.getByTestId('import-summary').waitFor();
      const restored = readOnly(me.databasePath, (db) => ({
        value: db.prepare(`SELECT value FROM indicator_value WHERE qrr_id = ? AND indicator_code = '01-03' AND period_code = ?`).pluck().get(row.qrrId, row.period),
        origin: db.prepare(`SELECT origin FROM audit_log WHERE entity = 'indicator_value' ORDER BY id DESC LIMIT 1`).pluck().get(),
      }));
      expect(restored.value).not.toContain('999999');
      expect(restored.origin).toMatch(/^import:qrr-93-tout\.qrr\.json$/);
      expect(me.consoleErrors).toEqual([]);
    } finally {
      await colleague.close();
      await me.close();
    }
  }, 240_000);
});
