/**
 * The report is simple first (issue 13): in the first 3 pages of the
 * demonstration's signed report, pdftotext finds every engagement, the
 * département figure of at least 10 indicators (checked against sums read
 * from the database), the targets, the actual signer's name and no
 * « période ouvert »; a « sans objet » and a target set through IPC change
 * completeness and the report.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import seed from '../../seeds/referential.json';
import { formatInteger } from '../../shared/format/fr';
import type { ReportModel } from '../../shared/report/report-model';
import type { Referential } from '../../shared/referential/types';
import { openCore } from '../support/db';
import { makeTestPki, TEST_SIGNER_CN } from '../support/pki';

const ref = seed as unknown as Referential;
const PERIOD = '2026-T4';
const ok = <T>(r: unknown): T => {
  expect(r).toMatchObject({ ok: true });
  return (r as { value: T }).value;
};

describe('report: the « tableau de bord simple et normalisé » first', () => {
  it('shows engagements, département figures, targets and the signer in its first 3 pages', async () => {
    const core = await openCore();
    try {
      await core.dispatch('installDemo', undefined);
      const pki = makeTestPki({ password: 'secret' });
      const report = ok<{ path: string; pages: number }>(
        await core.dispatch('generateReport', {
          periodCode: PERIOD,
          transmit: false,
          signature: { p12Base64: Buffer.from(pki.p12).toString('base64'), password: 'secret', visible: true },
        }),
      );
      const first3 = execFileSync('pdftotext', ['-f', '1', '-l', '3', '-layout', report.path, '-'], { encoding: 'utf8' });
      const all = execFileSync('pdftotext', [report.path, '-'], { encoding: 'utf8' });
      expect(all).not.toMatch(/période ouvert/);
      expect(first3).toContain('Tableau de bord simple et normalisé');
      expect(first3).toContain(`Signé par : ${TEST_SIGNER_CN}`);
      expect(first3).toMatch(/Autorité : .*Préfet de la Seine-Saint-Denis/);
      const flat = execFileSync('pdftotext', ['-f', '1', '-l', '3', report.path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const e of ref.engagements) expect(flat, e.code).toContain(`${e.code} — ${e.title.slice(0, 20)}`);
      // Targets: the circular's « au moins » and a progress rate.
      expect(first3).toMatch(/au moins \d/);
      expect(first3).toMatch(/cible .*%/);

      // Département figures of single-count indicators (the quarter's sum, whatever the nature), summed straight from the database.
      const singleCounts = ref.engagements
        .flatMap((e) => e.indicators)
        .filter((i) => i.kind === 'count' && i.parts.length === 1 && i.measure!.sansObjet.length === 0);
      const sumOf = core.db.prepare(
        `SELECT SUM(json_extract(v.value, '$.count')) FROM indicator_value v JOIN qrr q ON q.id = v.qrr_id
         WHERE v.period_code = ? AND v.indicator_code = ? AND q.archived_at IS NULL AND json_extract(v.value, '$.count') IS NOT NULL`,
      );
      const lines = first3.split('\n');
      let checked = 0;
      for (const i of singleCounts) {
        const sum = sumOf.pluck().get(PERIOD, i.code) as number | null;
        if (sum === null) continue;
        const line = lines.find((l) => l.trimStart().startsWith(`${i.code} `) && !l.includes(' : '));
        if (!line) continue;
        expect(line, i.code).toMatch(new RegExp(`\\s${formatInteger(sum).replace(/\s/g, '\\s')}\\s`));
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(10);
    } finally {
      core.close();
    }
  }, 180_000);

  it('leaves a « sans objet » out of completeness and shows it and a target in the report', async () => {
    const core = await openCore();
    try {
      await core.dispatch('installDemo', undefined);
      const qrrId = ok<{ id: number }[]>(await core.dispatch('listQrrs', { includeArchived: false }))[0]!.id;
      const before = ok<ReportModel>(await core.dispatch('getReportModel', { periodCode: PERIOD }));
      // Empty an indicator so it counts as missing, then declare it « sans objet ».
      ok(await core.dispatch('saveIndicatorValues', { periodCode: PERIOD, changes: [{ qrrId, indicatorCode: '02-03', value: null }] }));
      const emptied = ok<ReportModel>(await core.dispatch('getReportModel', { periodCode: PERIOD }));
      expect(emptied.missing.indicators.some((m) => m.qrrId === qrrId && m.indicatorCode === '02-03')).toBe(true);
      expect(await core.dispatch('saveSansObjet', { qrrId, itemType: 'indicator', code: '02-03', sansObjet: true, reason: '' })).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/motif/) },
      });
      ok(await core.dispatch('saveSansObjet', { qrrId, itemType: 'indicator', code: '02-03', sansObjet: true, reason: 'Aucune copropriété dégradée dans le quartier.' }));
      const after = ok<ReportModel>(await core.dispatch('getReportModel', { periodCode: PERIOD }));
      expect(after.missing.indicators.some((m) => m.qrrId === qrrId && m.indicatorCode === '02-03')).toBe(false);
      const q = after.qrrs.find((x) => x.id === qrrId)!;
      expect(q.completeness.total).toBe(before.qrrs.find((x) => x.id === qrrId)!.completeness.total - 1);
      expect(after.results.find((r) => r.code === '02-03')!.sansObjet).toBe(1);
      expect(after.sansObjetCount.indicators).toBeGreaterThan(before.sansObjetCount.indicators);

      ok(await core.dispatch('saveTarget', { qrrId, indicatorCode: '01-03', initialValue: 10, initialDate: '2025-03-31', targetValue: 30, targetDeadline: '2027-06-30' }));
      const withTarget = ok<ReportModel>(await core.dispatch('getReportModel', { periodCode: PERIOD }));
      const goal = withTarget.qrrs.find((x) => x.id === qrrId)!.engagements[0]!.indicators.find((i) => i.code === '01-03')!.goal!;
      expect(goal.text).toContain("30 d'ici le 30/06/2027");
      expect(withTarget.results.find((r) => r.code === '01-03')!.target).toMatchObject({ targetValue: 30 });

      const audit = core.db.prepare(`SELECT entity, action FROM audit_log WHERE entity IN ('sans_objet', 'indicator_target') ORDER BY id`).all();
      expect(audit, JSON.stringify(audit)).toEqual([
        { entity: 'sans_objet', action: 'create' },
        { entity: 'indicator_target', action: 'create' },
      ]);
      const pdf = ok<{ path: string }>(await core.dispatch('generateReport', { periodCode: PERIOD, transmit: false }));

      // One way to transmit: refused while something is missing, with the list; then explicitly confirmed and recorded.
      const refused = await core.dispatch('transmitPeriod', { code: PERIOD });
      expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/n'est pas complet : .*à compléter.*confirmez/) } });
      expect(ok<{ state: string }>(await core.dispatch('transmitPeriod', { code: PERIOD, confirmIncomplete: true })).state).toBe('transmitted');
      const record = core.db.prepare(`SELECT new_value FROM audit_log WHERE entity = 'period' AND entity_id = ? AND field = 'transmission'`).pluck().get(PERIOD) as string;
      expect(JSON.parse(record)).toEqual({ missing: after.missing.count, signedReport: null });
      const text = execFileSync('pdftotext', [pdf.path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain('Sans objet : Aucune copropriété dégradée');
      expect(fs.existsSync(pdf.path)).toBe(true);
    } finally {
      core.close();
    }
  }, 180_000);
});
