/**
 * The départements' typed comments reach the national synthesis (issue 13)
 * without flooding it: the first pages only say how many there are and
 * where; the annex « Commentaires des départements » counts them per
 * engagement, then gives each text under its engagement, its département and
 * its quartier. Two real départements' exchange files, the PDF read back with
 * pdftotext.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolidateFiles, readExchangeFiles, writeNationalReport } from '../../electron/services/exchange-consolidation';
import { exportExchange } from '../../electron/services/exchange/export';
import { saveAssessment } from '../../electron/services/followup';
import { openPeriod } from '../../electron/services/periods';
import { departementComments } from '../../shared/exchange/consolidate-comments';
import { serializeExchangeDocument, type ExchangeDocument } from '../../shared/exchange/format';
import { SEED_REFERENTIAL } from '../../electron/services/referential';
import { openCore, steppingClock, tempDir } from '../support/db';

const spaces = (s: string): string => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

/** A département's file: its QRRs, and per QRR the typed comments written for 2026-T3 (plus one for 2026-T2, not consolidated). */
async function departementFile(code: string, qrrs: readonly { name: string; commune: string }[], comments: (ids: number[]) => Parameters<typeof saveAssessment>[2][]): Promise<ExchangeDocument> {
  const core = await openCore();
  try {
    expect((await core.dispatch('saveSettings', { departementCode: code, prefetName: '', coordinatorName: 'Camille' })).ok).toBe(true);
    const ids: number[] = [];
    for (const q of qrrs) {
      const created = await core.dispatch('createQrr', { name: q.name, communes: [q.commune] });
      if (!created.ok) throw new Error(created.error.message);
      ids.push((created.value as { id: number }).id);
    }
    const ctx = { db: core.db, now: steppingClock('2026-11-20T09:00:00.000Z'), osUser: 'coord', origin: 'ui' as const };
    openPeriod(ctx, '2026-T2');
    openPeriod(ctx, '2026-T3');
    saveAssessment(ctx, '2026-T2', { qrrId: ids[0]!, engagementCode: '01', meteo: 'soleil', obstacles: `Ancien frein du ${code}, trimestre précédent.` });
    for (const change of comments(ids)) saveAssessment(ctx, '2026-T3', change);
    return exportExchange(ctx);
  } finally {
    core.close();
  }
}

describe('national synthesis: the départements’ typed comments', () => {
  let dir: string;
  let docs: ExchangeDocument[];
  let text: string;
  /** pdftotext without -layout: each table cell's text in one block, in reading order. */
  let raw: string;

  beforeAll(async () => {
    docs = [
      await departementFile('34', [{ name: 'QRR Mosson', commune: '34172' }, { name: 'QRR Lunel', commune: '34145' }], ([mosson, lunel]) => [
        { qrrId: mosson!, engagementCode: '07', meteo: 'couvert', obstacles: 'Le bailleur de la Mosson tarde à signer.', successes: 'Quarante jeunes de la Mosson en emploi.' },
        { qrrId: lunel!, engagementCode: '07', nextSteps: 'Forum de l’emploi à Lunel en janvier.' },
        { qrrId: lunel!, engagementCode: '08', nextSteps: 'Réunion du GPO de Lunel le 12 janvier.' },
      ]),
      await departementFile('13', [{ name: 'QRR Nord', commune: '13055' }], ([nord]) => [
        { qrrId: nord!, engagementCode: '07', successes: 'Cité de l’emploi des quartiers Nord ouverte.' },
        { qrrId: nord!, engagementCode: '03', meteo: 'orage', obstacles: 'Trafic de stupéfiants au pied des tours Nord.' },
      ]),
    ];
    dir = tempDir('qrr-national-comments-');
    const files = docs.map((doc) => {
      const file = path.join(dir, `qrr-${doc.departement.code}.qrr`);
      fs.writeFileSync(file, serializeExchangeDocument(doc));
      return file;
    });
    const model = consolidateFiles(readExchangeFiles(files), { periodCode: '2026-T3' });
    const pdf = path.join(dir, 'synthese.pdf');
    writeNationalReport(model, pdf, { generatedAt: '2026-11-27T08:30:00.000Z', appVersion: 'test' });
    text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    raw = spaces(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }));
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gathers, per engagement, each département’s comments of the quarter by quartier (other quarters left out)', () => {
    const comments = departementComments(SEED_REFERENTIAL.engagements, docs, '2026-T3');
    expect(comments.map((e) => e.engagementCode)).toEqual(SEED_REFERENTIAL.engagements.map((e) => e.code));
    const e07 = comments.find((e) => e.engagementCode === '07')!;
    expect(e07.counts).toEqual({ obstacles: 1, nextSteps: 1, successes: 2 });
    expect(e07.departements).toEqual([
      {
        departementCode: '34',
        qrrs: [
          { qrrName: 'QRR Mosson', obstacles: 'Le bailleur de la Mosson tarde à signer.', nextSteps: '', successes: 'Quarante jeunes de la Mosson en emploi.' },
          { qrrName: 'QRR Lunel', obstacles: '', nextSteps: 'Forum de l’emploi à Lunel en janvier.', successes: '' },
        ],
      },
      { departementCode: '13', qrrs: [{ qrrName: 'QRR Nord', obstacles: '', nextSteps: '', successes: 'Cité de l’emploi des quartiers Nord ouverte.' }] },
    ]);
    expect(comments.find((e) => e.engagementCode === '01')).toMatchObject({ departements: [], counts: { obstacles: 0, nextSteps: 0, successes: 0 } });
  });

  it('the first pages count them, per engagement in the table, and point to the annex; the texts are not there', () => {
    const annexAt = text.lastIndexOf('Commentaires des départements —');
    expect(annexAt).toBeGreaterThan(0);
    const first = text.slice(0, annexAt);
    expect(spaces(first)).toContain("6 commentaires « Freins », « Actions à venir » ou « Réussites » de 2 départements : voir l'annexe « Commentaires des départements ».");
    // Each engagement's line of the synthesis table counts its own, in its « Synthèse » cell.
    const table = raw.slice(raw.indexOf('Tableau de bord simple et normalisé'), raw.indexOf('Résultats nationaux par indicateur'));
    const cell = (engagement: string, next: string, count: string): void => {
      const row = table.slice(table.indexOf(`${engagement} —`), table.indexOf(`${next} —`));
      expect(row, engagement).toContain(`Commentaires des départements : ${count} (en annexe).`);
    };
    cell('03', '04', '1 frein');
    cell('07', '08', '1 frein, 1 action à venir, 2 réussites');
    cell('08', '09', '1 action à venir');
    expect(table.match(/Commentaires des départements :/g)).toHaveLength(3);
    for (const doc of docs) for (const a of doc.assessments) for (const t of [a.obstacles, a.nextSteps, a.successes]) if (t) expect(first).not.toContain(t.slice(0, 30));
  });

  it('the annex gives each text under its engagement, its département and its quartier', () => {
    const annex = text.slice(text.lastIndexOf('Commentaires des départements —'));
    const lines = annex.split('\n').map(spaces).filter(Boolean);
    // The count table: engagement, départements, quartiers, freins, actions à venir, réussites.
    expect(lines.find((l) => l.startsWith('Engagement'))).toBe('Engagement Départements Quartiers Freins Actions à venir Réussites');
    // (the first line of each engagement is its row in the table, the headings come after it)
    expect(lines.find((l) => l.startsWith('07 —'))).toMatch(/ 2 3 1 1 2$/);
    expect(lines.find((l) => l.startsWith('08 —'))).toMatch(/ 1 1 — 1 —$/);
    expect(lines.find((l) => l.startsWith('03 —'))).toMatch(/ 1 1 1 — —$/);
    expect(lines.find((l) => l.startsWith('01 —'))).toMatch(/ — — — — —$/);

    // Below the table: headings and texts, in reading order.
    const body = lines.slice(lines.findIndex((l) => l.startsWith('10 —')) + 1);
    const at = (needle: string, from = 0): number => {
      const i = body.findIndex((l, n) => n >= from && l.includes(needle));
      expect(i, needle).toBeGreaterThanOrEqual(from);
      return i;
    };
    const e03 = at('03 —');
    const e07 = at('07 —', e03);
    const e08 = at('08 —', e07);
    // 03: Bouches-du-Rhône only.
    expect(at('Bouches-du-Rhône (13)', e03)).toBeLessThan(e07);
    expect(at('QRR Nord', e03)).toBeLessThan(e07);
    expect(at('Freins : Trafic de stupéfiants au pied des tours Nord.', e03)).toBeLessThan(e07);
    // 07: the départements in the synthesis' order (13, then 34: Mosson, then Lunel).
    const bdr = at('Bouches-du-Rhône (13)', e07);
    const nord = at('QRR Nord', bdr);
    expect(at('Réussites : Cité de l’emploi des quartiers Nord ouverte.', nord)).toBeGreaterThan(nord);
    const herault = at('Hérault (34)', nord);
    const mosson = at('QRR Mosson', herault);
    expect(at('Freins : Le bailleur de la Mosson tarde à signer.', mosson)).toBeGreaterThan(mosson);
    expect(at('Réussites : Quarante jeunes de la Mosson en emploi.', mosson)).toBeGreaterThan(mosson);
    const lunel = at('QRR Lunel', mosson);
    expect(at('Actions à venir : Forum de l’emploi à Lunel en janvier.', lunel)).toBeLessThan(e08);
    // 08: Hérault, Lunel only.
    expect(at('Actions à venir : Réunion du GPO de Lunel le 12 janvier.', e08)).toBeGreaterThan(at('QRR Lunel', e08));
    expect(body.slice(e08).some((l) => l.includes('Bouches-du-Rhône'))).toBe(false);
    // The previous quarter's comment is not consolidated.
    expect(annex).not.toContain('Ancien frein');
  });
});
