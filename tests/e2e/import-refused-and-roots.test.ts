import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { qrrExchangeKey, sealExchangeDocument, serializeExchangeDocument } from '../../shared/exchange/format';
import { launchBrowser, startApp, type AppSession } from '../support/e2e-harness';
import { readOnly, tempDir } from '../support/db';
import { certificatePem, dn, issue } from '../support/pki';

/*
 * Two refusals the user must see and decide on, in the real page:
 * - an exchange file with a cell the application refuses: shown « Refusé »
 *   with its French reason, the whole file refused unless « Importer sans les
 *   données refusées » is ticked;
 * - the trusted roots carried by a transfer archive: listed with their
 *   fingerprints, none trusted by the restore, each confirmed on its own.
 */

const TIMEOUT = 60_000;

async function must<T = unknown>(app: AppSession, channel: string, request: unknown): Promise<T> {
  const result = await app.core.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel} refused: ${result.error.message}`);
  return result.value as T;
}

/** 2,001 characters once trimmed (the limit counts what would be saved). */
const LONG_COMMENT = `${'Commentaire trop long '.repeat(100).slice(0, 2000)}.`;

/** A colleague's file: one quartier, one quarter, a good value and a comment longer than the application accepts. */
function fileWithARefusedCell(dir: string): string {
  const key = qrrExchangeKey('QRR Centre', ['93066']);
  const at = '2026-10-05T09:00:00.000Z';
  const value = { qrrKey: key, periodCode: '2026-T3', target: null, source: '', updatedAt: at, updatedBy: 'collegue' };
  const document = sealExchangeDocument({
    format: 'qrr-echange',
    version: 2,
    referentialVersion: 1,
    departement: { code: '93', nom: 'Seine-Saint-Denis' },
    sender: { name: 'Dominique Collègue', osUser: 'collegue' },
    exportedAt: at,
    scope: { periods: ['2026-T3'] },
    qrrs: [{ key, name: 'QRR Centre', communes: ['93066'], qpvCodes: [], securityZone: 'police', wave: '2019', population: 9000 }],
    periods: [{ code: '2026-T3', state: 'open' }],
    indicatorValues: [
      { ...value, indicatorCode: '01-03', value: { count: 12 }, comment: 'Chiffre DSDEN.' },
      { ...value, indicatorCode: '01-04', value: null, comment: LONG_COMMENT },
    ],
    actionStatuses: [],
    assessments: [],
    fipdEnvelopes: [],
    subsidies: [],
  });
  const file = path.join(dir, 'qrr-93-2026-T3.qrr');
  fs.writeFileSync(file, serializeExchangeDocument(document));
  return file;
}

describe('refusals decided in Chromium: refused cells of an import, trusted roots of a restored archive', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('import: shows « Refusé » with its French reason, refuses the whole file by default, then imports the rest once « sans les données refusées » is ticked', async () => {
    const dir = tempDir('qrr-e2e-refus-');
    const me = await startApp(browser);
    try {
      await must(me, 'saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille Martin' });
      await must(me, 'createQrr', { name: 'QRR Centre', communes: ['93066'] });
      const file = fileWithARefusedCell(dir);
      const { page } = me;
      await me.open();
      await page.getByRole('link', { name: 'Échanges' }).click();
      await page.getByLabel(/Fichier d'échange/).setInputFiles(file);
      const preview = page.getByTestId('import-preview');
      await preview.waitFor({ timeout: TIMEOUT });

      // Counts per state; the « Refusé » filter is chosen first, the reason on its line.
      const counts = page.getByTestId('import-counts');
      expect(await counts.textContent()).toMatch(/Nouveau : 2.*Refusé \(l'application n'accepterait pas cette valeur\) : 1/);
      const refusedTag = counts.getByRole('button', { name: /^Refusé/ });
      expect(await refusedTag.getAttribute('aria-pressed')).toBe('true');
      const lines = page.getByTestId('import-lines');
      expect(await lines.locator('tbody tr').count()).toBe(1);
      expect(await page.getByTestId('refused-reason').textContent()).toBe('Refusé : Le commentaire ne peut pas dépasser 2000 caractères (2001).');
      expect(await lines.textContent()).toMatch(/Indicateur 01-04 \(commentaire\)/);
      // The other filter shows the other line, without a reason; back to « Refusé ».
      await counts.getByRole('button', { name: /^Nouveau/ }).click();
      expect(await lines.textContent()).toMatch(/Indicateur 01-03/);
      expect(await page.getByTestId('refused-reason').count()).toBe(0);
      await refusedTag.click();
      expect(await page.getByTestId('refused-reason').count()).toBe(1);

      // Without the explicit choice: the whole file is refused, nothing written, no backup.
      const alert = page.getByTestId('refused-alert');
      expect(await alert.textContent()).toMatch(/1 case du fichier est refusée par l'application.*Sans votre accord, le fichier est refusé en entier/);
      await page.getByRole('button', { name: "Confirmer l'import" }).click();
      const error = page.getByText(/1 donnée du fichier est refusée par l'application ; rien n'a été importé\. Première raison : Le commentaire ne peut pas dépasser 2000 caractères \(2001\)\./);
      await error.waitFor({ timeout: TIMEOUT });
      const stored = () => readOnly(me.databasePath, (db) => db.prepare(`SELECT indicator_code AS code, comment FROM indicator_value ORDER BY code`).all());
      expect(stored()).toEqual([]);
      const backups = () => (fs.existsSync(path.join(me.dir, 'sauvegardes')) ? fs.readdirSync(path.join(me.dir, 'sauvegardes')).filter((f) => f.includes('avant-import')) : []);
      expect(backups()).toEqual([]);

      // Ticked: the rest is imported, the refused cell left out and counted.
      // DSFR draws the box over the input: the user clicks the label.
      await page.locator('label[for="skip-refused"]').click();
      expect(await page.getByLabel('Importer sans les données refusées').isChecked()).toBe(true);
      await page.getByRole('button', { name: "Confirmer l'import" }).click();
      const summary = page.getByTestId('import-summary');
      await summary.waitFor({ timeout: TIMEOUT });
      expect(await summary.textContent()).toMatch(/2 nouvelles données ajoutées.*1 donnée refusée laissée de côté/);
      expect(stored()).toEqual([{ code: '01-03', comment: 'Chiffre DSDEN.' }]);
      expect(backups()).toHaveLength(1);
      expect(me.consoleErrors).toEqual([]);
    } finally {
      await me.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('restore: lists each root with its fingerprint, trusts none by default, and trusts only the one confirmed', async () => {
    const carried = tempDir('qrr-e2e-racines-');
    const roots = [
      issue({ subject: dn('Autorité racine A (test)', 'Ministère de l’Intérieur (test)'), ca: true, serial: '0A' }),
      issue({ subject: dn('Autorité racine B (test)', 'Organisme inconnu (test)'), ca: true, serial: '0B' }),
    ];
    const old = await startApp(browser);
    let archive: string;
    let offered: { fingerprint: string; subject: string }[];
    try {
      await must(old, 'installDemo', undefined);
      offered = [];
      for (const root of roots) {
        offered.push(await must(old, 'addTrustedRoot', { certificateBase64: Buffer.from(certificatePem(root)).toString('base64') }));
      }
      const written = await must<{ path: string }>(old, 'exportEverything', undefined);
      archive = path.join(carried, path.basename(written.path));
      fs.copyFileSync(written.path, archive);
    } finally {
      await old.close();
    }

    const fresh = await startApp(browser);
    try {
      await must(fresh, 'saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      await must(fresh, 'createQrr', { name: 'QRR à remplacer', communes: ['93066'] });
      const { page } = fresh;
      await fresh.open();
      await page.getByRole('link', { name: 'Paramètres' }).click();
      await page.getByLabel(/Archive de transfert/).setInputFiles(archive);
      await page.getByRole('dialog', { name: 'Remplacer les données de ce poste ?' }).getByRole('button', { name: 'Remplacer les données de ce poste' }).click();
      const list = page.getByTestId('offered-roots');
      await list.waitFor({ timeout: TIMEOUT });

      // Both listed with their SHA-256 fingerprints; neither trusted by the restore itself.
      const items = list.getByRole('listitem');
      expect(await items.count()).toBe(2);
      for (const root of offered) {
        const item = items.filter({ hasText: root.subject });
        expect(await item.textContent()).toContain(`Empreinte SHA-256 : ${root.fingerprint.match(/../g)!.join(':').toUpperCase()}`);
        expect(await item.getByRole('button', { name: 'Faire confiance à cette autorité' }).count()).toBe(1);
      }
      expect(await must<unknown[]>(fresh, 'listTrustedRoots', undefined)).toEqual([]);

      // One confirmation trusts that root only.
      const [a, b] = offered as [(typeof offered)[number], (typeof offered)[number]];
      await items.filter({ hasText: a.subject }).getByRole('button', { name: 'Faire confiance à cette autorité' }).click();
      await items.filter({ hasText: a.subject }).getByText('De confiance sur ce poste').waitFor();
      expect(await items.filter({ hasText: b.subject }).getByRole('button', { name: 'Faire confiance à cette autorité' }).count()).toBe(1);
      const trusted = await must<{ fingerprint: string }[]>(fresh, 'listTrustedRoots', undefined);
      expect(trusted.map((r) => r.fingerprint)).toEqual([a.fingerprint]);
      expect(fresh.externalRequests).toEqual([]);
      expect(fresh.consoleErrors).toEqual([]);
    } finally {
      await fresh.close();
      fs.rmSync(carried, { recursive: true, force: true });
    }
  }, 240_000);
});
