import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';

/**
 * Files opened from outside the page (double click on a .qrr, second launch,
 * Fichier › Importer…): main queues them (core.openedFiles, as electron/main.ts
 * does), the page pulls them with takeOpenedFile when it loads and when the
 * window gets the focus, and shows the Échanges screen.
 */
describe('files opened from outside the window, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function configured(): Promise<AppSession> {
    const app = await startApp(browser);
    const settings = await app.core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille Martin' });
    const qrr = await app.core.dispatch('createQrr', { name: 'QRR Franc-Moisin', communes: ['93066'] });
    if (!settings.ok || !qrr.ok) throw new Error('setup refused');
    return app;
  }

  it('takes the file given at launch when the page loads, and shows Échanges', async () => {
    const app = await configured();
    try {
      const file = path.join(app.dir, 'echange-93.qrr');
      fs.writeFileSync(file, '{"format":"qrr-echange"}');
      expect(app.core.openedFiles.push(file)).toBe('queued');

      await app.open();
      await app.page.waitForURL(/#\/echanges$/);
      await app.page.getByRole('link', { name: 'Échanges', exact: true }).waitFor();
      expect(app.core.openedFiles.size).toBe(0);
      expect(app.consoleErrors).toEqual([]);
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('asks again when the window gets the focus, and reports a file that vanished in French', async () => {
    const app = await configured();
    try {
      await app.open();
      await app.page.getByRole('link', { name: 'Échanges', exact: true }).waitFor();
      expect(app.page.url()).not.toMatch(/#\/echanges$/);

      // A second launch queued a file that was deleted before the window asked for it.
      expect(app.core.openedFiles.push(path.join(app.dir, 'supprime.qrr'))).toBe('queued');
      // What main's focus() on the window does in the page.
      await app.page.evaluate(() => window.dispatchEvent(new Event('focus')));
      const alert = app.page.getByTestId('opened-file-error');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/Ouverture du fichier impossible.*Le fichier « supprime\.qrr » est introuvable/);
      expect(app.core.openedFiles.size).toBe(0);
      expect(app.page.url()).not.toMatch(/#\/echanges$/);

      await alert.getByRole('button', { name: 'Masquer le message' }).click();
      await alert.waitFor({ state: 'detached' });

      // The next focus finds a readable file: Échanges, and the error does not come back.
      const file = path.join(app.dir, 'rapport.pdf');
      fs.writeFileSync(file, '%PDF-1.7\n');
      app.core.openedFiles.push(file);
      await app.page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await app.page.waitForURL(/#\/echanges$/);
      expect(app.core.openedFiles.size).toBe(0);
      expect(await app.page.getByTestId('opened-file-error').count()).toBe(0);
      expect(app.consoleErrors).toEqual([]);
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
