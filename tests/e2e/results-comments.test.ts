/**
 * Typed comments in Chromium (issue 13, PILOTE): freins, actions à venir and
 * réussites typed beside an engagement's synthesis are saved (audited), still
 * there after a reload, printed in the report where the synthesis is, and
 * locked once the quarter is transmitted.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodOfDate } from '../../shared/domain/period';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { cell, openSidePanel } from '../support/grid';
import { setUpHerault } from '../support/herault';

const TEXTS = {
  Freins: 'Le bailleur tarde à signer la convention de gestion urbaine.',
  'Actions à venir': 'Réunion du groupe de partenariat opérationnel en janvier.',
  Réussites: 'Quarante jeunes accompagnés vers un premier emploi.',
} as const;

describe('typed comments beside the synthesis in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('types freins, actions à venir and réussites; they survive a reload, reach the report and the journal, and lock with the quarter', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const period = periodOfDate(new Date());
      const [q] = await setUpHerault(core, [{ name: 'QRR Mosson', securityZone: 'police' }], [period]);

      const panel = page.getByTestId('assessment-panel');
      const openPanel = async () => {
        await page.getByRole('link', { name: 'Indicateurs', exact: true }).click();
        await cell(page, '07-02', `${q}:p0`).click();
        await openSidePanel(page);
        await panel.waitFor();
      };
      await app.open();
      await openPanel();
      expect(await panel.textContent()).toMatch(/engagement 07/);
      for (const [label, text] of Object.entries(TEXTS)) {
        await panel.getByLabel(label, { exact: false }).fill(text);
        await panel.getByLabel('Météo').focus(); // leaving the field saves it
        await panel.getByText('Appréciation enregistrée.').waitFor();
      }
      await expect
        .poll(() => readOnly(app.databasePath, (db) => db.prepare('SELECT obstacles, next_steps AS nextSteps, successes FROM assessment').get()))
        .toEqual({ obstacles: TEXTS.Freins, nextSteps: TEXTS['Actions à venir'], successes: TEXTS.Réussites });

      // Reload: the texts come back from the database.
      await page.reload();
      await openPanel();
      for (const [label, text] of Object.entries(TEXTS)) expect(await panel.getByLabel(label, { exact: false }).inputValue()).toBe(text);

      // Each typed comment has its audit entry.
      const audited = readOnly(app.databasePath, (db) =>
        db.prepare("SELECT field, new_value AS value FROM audit_log WHERE entity = 'assessment' ORDER BY id").all(),
      ) as { field: string; value: string }[];
      expect(audited.map((a) => a.field).sort()).toEqual(['nextSteps', 'obstacles', 'successes']);
      expect(audited.find((a) => a.field === 'obstacles')!.value).toContain(TEXTS.Freins);

      // Too long a text is refused with the limit, in French, and nothing is written.
      const tooLong = await core.dispatch('saveAssessment', { periodCode: period, qrrId: q, engagementCode: '07', obstacles: 'x'.repeat(2001) });
      expect(tooLong).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Le champ « Freins » ne peut pas dépasser 2000 caractères/) } });

      // The report prints them where the synthesis is: the first pages (table) and the QRR's annex (whole texts).
      const report = (await core.dispatch('generateReport', { periodCode: period, transmit: false })) as { ok: true; value: { path: string } };
      expect(report.ok).toBe(true);
      const text = execFileSync('pdftotext', [report.value.path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain(`Freins : ${TEXTS.Freins}`);
      expect(text).toContain(`Actions à venir : ${TEXTS['Actions à venir']}`);
      expect(text).toContain(`Réussites : ${TEXTS.Réussites}`);
      const first3 = execFileSync('pdftotext', ['-f', '1', '-l', '3', report.value.path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(first3).toMatch(/Réussite : Quarante jeunes/);

      // Transmitted: the fields are locked, and main refuses a write anyway.
      expect(await core.dispatch('transmitPeriod', { code: period, confirmIncomplete: true })).toMatchObject({ ok: true });
      await page.reload();
      await openPanel();
      expect(await panel.getByLabel('Freins', { exact: false }).isDisabled()).toBe(true);
      const locked = await core.dispatch('saveAssessment', { periodCode: period, qrrId: q, engagementCode: '07', successes: 'Autre chose' });
      expect(locked).toMatchObject({ ok: false });
      expect(readOnly(app.databasePath, (db) => db.prepare('SELECT successes FROM assessment').pluck().get())).toBe(TEXTS.Réussites);
      expect(app.consoleErrors).toEqual([]);
      expect(app.externalRequests).toEqual([]);
    } finally {
      await app.close();
    }
  }, 180_000);
});
