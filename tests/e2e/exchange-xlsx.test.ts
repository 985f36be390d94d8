import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportExchange } from '../../electron/services/exchange/export';
import { exchangeFromWorkbook } from '../../electron/services/exchange/xlsx';
import { readReferential } from '../../electron/services/referential';
import { launchBrowser, startApp } from '../support/e2e-harness';

describe('exchange workbook in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('exports a quarter as an Excel workbook from the Échanges screen, beside the .qrr choice', async () => {
    const app = await startApp(browser);
    try {
      await app.core.dispatch('installDemo', undefined);
      await app.open();
      await app.page.getByRole('link', { name: 'Échanges', exact: true }).click();
      const format = app.page.getByLabel('Format');
      expect(await format.inputValue()).toBe('qrr');
      await app.page.getByLabel('Trimestre à exporter').selectOption('2026-T4');
      await format.selectOption({ label: 'Classeur Excel .xlsx' });
      await app.page.getByRole('button', { name: 'Exporter' }).click();
      const exported = app.page.getByTestId('exchange-exported');
      await exported.waitFor();
      const file = /enregistré : (.+)$/.exec((await exported.textContent()) ?? '')![1]!;
      expect(file).toBe(path.join(path.dirname(app.databasePath), 'exports', 'qrr-93-2026-T4.xlsx'));

      const read = await exchangeFromWorkbook(fs.readFileSync(file), readReferential(app.core.db));
      const direct = exportExchange({ db: app.core.db, now: () => new Date(read.exportedAt), osUser: 'e2e-user', origin: 'test' }, { periods: ['2026-T4'] });
      expect(read).toEqual(direct);
      expect(read.indicatorValues.length).toBeGreaterThan(0);
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
