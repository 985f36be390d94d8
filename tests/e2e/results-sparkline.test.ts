/**
 * The dashboard's per-engagement sparkline (issue 13): each engagement's taux
 * de mise en œuvre over the last 8 quarters, drawn in Chromium. The values the
 * chart draws (and reads aloud) are those computed here from the database's
 * action statuses and « sans objet »; a quarter never opened is a gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { periodLabel, periodOfDate } from '../../shared/domain/period';
import type { SansObjetState } from '../../shared/domain/sans-objet';
import { seriesPeriods } from '../../shared/report/results-model';
import { launchBrowser, startApp } from '../support/e2e-harness';
import { readOnly } from '../support/db';
import { setUpHerault } from '../support/herault';

describe('per-engagement sparkline on the dashboard in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the implementation rate of the last 8 quarters as the database gives it', async () => {
    const app = await startApp(browser);
    try {
      const { page, core } = app;
      const series = seriesPeriods(periodOfDate(new Date()));
      const [p5, , p3, , p1, p0] = series.slice(2);
      // Quarters p4 and p2 (and the two oldest) never opened: gaps.
      const [a, b] = (await setUpHerault(
        core,
        [
          { name: 'QRR Mosson', securityZone: 'police' },
          { name: 'QRR Petit-Bard', securityZone: 'police' },
        ],
        [p5!, p3!, p1!, p0!],
      )) as [number, number];
      const statuses = (periodCode: string, changes: [number, string, string][]) =>
        core.dispatch('saveActionStatuses', { periodCode, changes: changes.map(([qrrId, actionCode, status]) => ({ qrrId, actionCode, status })) });
      await statuses(p5!, [[a, '10-01', 'realisee']]);
      await statuses(p3!, [[a, '10-01', 'realisee'], [a, '10-02', 'realisee'], [b, '10-01', 'realisee'], [b, '10-03', 'sans_objet']]);
      // 10-05 is « sans objet » in every quartier (action départementale): « réalisée » there counts for nothing.
      await statuses(p1!, [[a, '10-01', 'realisee'], [a, '10-02', 'realisee'], [a, '10-03', 'realisee'], [a, '10-04', 'en_cours'], [a, '10-05', 'realisee']]);

      // What the database says, computed here: réalisées / (actions − sans objet) across both quartiers.
      const sansObjet = ((await core.dispatch('listSansObjet', undefined)) as { ok: true; value: SansObjetState[] }).value;
      const expected = readOnly(app.databasePath, (db) => {
        const opened = new Set(db.prepare('SELECT code FROM period').pluck().all() as string[]);
        const actions = db.prepare("SELECT code FROM action WHERE engagement_code = '10' AND retired_in_version IS NULL").pluck().all() as string[];
        const status = db.prepare('SELECT status FROM action_status WHERE qrr_id = ? AND action_code = ? AND period_code = ?').pluck();
        return series.map((code) => {
          if (!opened.has(code)) return { code, value: null };
          let done = 0;
          let applicable = 0;
          for (const q of [a, b]) {
            for (const action of actions) {
              const so = sansObjet.some((s) => s.qrrId === q && s.itemType === 'action' && s.code === action && s.sansObjet);
              const st = status.get(q, action, code) as string | undefined;
              if (so || st === 'sans_objet') continue;
              applicable++;
              if (st === 'realisee') done++;
            }
          }
          return { code, value: (done / applicable) * 100 };
        });
      });
      expect(expected.map((e) => e.value)).toEqual([null, null, 12.5, null, (3 / 7) * 100, null, 3 / 8 * 100, 0]);

      await app.open();
      const chart = page.getByTestId('engagement-sparkline-10');
      await chart.waitFor();
      const drawn = await chart.locator('circle').evaluateAll((circles) =>
        circles.map((c) => ({ code: c.getAttribute('data-period'), value: Number(c.getAttribute('data-value')), y: Number(c.getAttribute('cy')) })),
      );
      const known = expected.filter((e) => e.value !== null);
      expect(drawn.map(({ code, value }) => ({ code, value }))).toEqual(known);
      // Higher rate, higher point (SVG's y grows downwards); the path breaks at each gap.
      const byValue = [...drawn].sort((x, y) => x.value - y.value);
      for (let i = 1; i < byValue.length; i++) expect(byValue[i]!.y).toBeLessThan(byValue[i - 1]!.y);
      expect(((await chart.locator('path').getAttribute('d')) ?? '').match(/M/g)).toHaveLength(3);

      // Read aloud: every quarter with its rate, or « trimestre non ouvert ».
      const label = (await chart.getAttribute('aria-label')) ?? '';
      expect(label).toMatch(/^Engagement 10, taux de mise en œuvre des 8 derniers trimestres : /);
      expect(label).toContain(`${periodLabel(p5!)} : 13\u00a0% (1 / 8)`);
      expect(label).toContain(`${periodLabel(p3!)} : 43\u00a0% (3 / 7)`);
      expect(label).toContain(`${periodLabel(p1!)} : 38\u00a0% (3 / 8)`);
      expect(label).toContain(`${periodLabel(p0!)} : 0\u00a0% (0 / 8)`);
      expect(label).toContain(`${periodLabel(series[3]!)} : trimestre non ouvert`);
      expect(app.consoleErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
