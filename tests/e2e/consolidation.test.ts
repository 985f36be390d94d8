import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportExchange } from '../../electron/services/exchange/export';
import { sealExchangeDocument, serializeExchangeDocument } from '../../shared/exchange/format';
import { snapshot } from '../support/db';
import { launchBrowser, startApp } from '../support/e2e-harness';

describe('national consolidation in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('chooses two départements’ files, shows them side by side, filters the QRRs and produces the PDF', async () => {
    const app = await startApp(browser);
    try {
      await app.core.dispatch('installDemo', undefined);
      // Two départements' files: this database's export, and the same rewritten as the Nord's and sealed again.
      const exported = exportExchange({ db: app.core.db, now: () => new Date('2026-11-26T10:00:00.000Z'), osUser: 'coord', origin: 'test' });
      const { sha256: _hash, ...unsigned } = exported;
      const nord = sealExchangeDocument({ ...unsigned, departement: { code: '59', nom: 'Nord' }, sender: { name: 'Camille Dupont', osUser: 'cdupont' } });
      const files = [
        path.join(app.dir, 'qrr-93-tout.qrr'),
        path.join(app.dir, 'qrr-59-tout.qrr'),
      ];
      fs.writeFileSync(files[0]!, serializeExchangeDocument(exported));
      fs.writeFileSync(files[1]!, serializeExchangeDocument(nord));

      await app.open();
      const { page } = app;
      await page.getByRole('link', { name: 'Consolidation nationale', exact: true }).click();
      await page.getByRole('heading', { name: 'Consolidation nationale' }).waitFor();
      const before = snapshot(app.core.db);
      await page.getByLabel(/Fichiers d'échange des départements/).setInputFiles(files);

      const departements = page.getByTestId('consolidation-departements');
      await departements.waitFor();
      const rows = await departements.locator('tbody tr').allTextContents();
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/^Nord \(59\)qrr-59-tout\.qrr26\/11\/2026 11:00Camille Dupont3ouvert/);
      expect(rows[1]).toMatch(/^Seine-Saint-Denis \(93\)qrr-93-tout\.qrr/);
      // Side by side: one column per département in the engagement matrix.
      const headers = await page.getByTestId('consolidation-matrix').locator('thead th').allTextContents();
      expect(headers).toEqual(['Engagement', 'National', 'Nord (59)', 'Seine-Saint-Denis (93)']);
      expect(await page.getByTestId('consolidation-summary').textContent()).toMatch(/2 départements, 6 quartiers comptés — indicateurs renseignés : \d+\s% \(\d+ \/ 336\)/);

      // Per QRR, filtered by département then by engagement.
      const qrrRows = page.getByTestId('consolidation-qrrs').locator('tbody tr');
      expect(await qrrRows.count()).toBe(6);
      await page.getByLabel('Département', { exact: true }).selectOption('59');
      expect(await qrrRows.count()).toBe(3);
      await page.getByLabel('Engagement', { exact: true }).selectOption('08');
      expect(await page.getByTestId('consolidation-qrrs').locator('caption').textContent()).toBe('Engagement 08 — 3 quartiers');
      expect(await qrrRows.first().textContent()).toMatch(/^QRR Nord \(démonstration\)Nord \(59\)\d+\s% \(\d+ \/ 7\)/);

      // Another quarter, chosen in the list of those the files hold.
      await page.getByLabel('Trimestre', { exact: true }).selectOption({ index: 2 });
      await page.getByTestId('consolidation-summary').filter({ hasText: 'Trimestre demandé' }).waitFor();

      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

      await page.getByRole('button', { name: 'Produire la synthèse PDF' }).click();
      const notice = page.getByTestId('consolidation-pdf');
      await notice.waitFor();
      const pdf = /: (.+\.pdf)$/.exec((await notice.textContent()) ?? '')![1]!;
      expect(path.dirname(pdf)).toBe(path.join(app.dir, 'exports'));
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/[\s\u00a0\u202f]+/g, ' ');
      expect(text).toContain('Nord (59)');
      expect(text).toContain('Seine-Saint-Denis (93)');
      expect(text).toMatch(/page 1 \/ \d+/);

      // A malformed file among them: refused, named, nothing shown.
      const broken = path.join(app.dir, 'casse.qrr');
      fs.writeFileSync(broken, '{ "format": "qrr-echange"');
      await page.getByLabel(/Fichiers d'échange des départements/).setInputFiles([files[0]!, broken]);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('« casse.qrr »');
      expect(await page.getByTestId('consolidation').count()).toBe(0);

      // Read-only: the database is exactly as before.
      expect(snapshot(app.core.db)).toEqual(before);
      expect(app.externalRequests).toEqual([]);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 240_000);

  it('is reachable from the first run, for the national task force that follows no département', async () => {
    const app = await startApp(browser);
    try {
      const exported = path.join(app.dir, 'qrr-93.qrr');
      const source = await startApp(browser);
      try {
        await source.core.dispatch('installDemo', undefined);
        fs.writeFileSync(exported, serializeExchangeDocument(exportExchange({ db: source.core.db, now: () => new Date('2026-11-26T10:00:00.000Z'), osUser: 'c', origin: 'test' })));
      } finally {
        await source.close();
      }
      await app.open();
      const { page } = app;
      await page.getByRole('button', { name: 'Consolider des fichiers de départements' }).click();
      await page.getByRole('heading', { name: 'Consolidation nationale' }).waitFor();
      await page.getByLabel(/Fichiers d'échange des départements/).setInputFiles([exported]);
      await page.getByTestId('consolidation-departements').waitFor();
      expect(await page.getByTestId('consolidation-departements').locator('tbody tr').count()).toBe(1);
      // Nothing was set up: still the first run, no département chosen.
      expect(await app.core.dispatch('getSettings', undefined)).toEqual({ ok: true, value: null });
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
