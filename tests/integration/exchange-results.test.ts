/**
 * The exchange file carries results data (issue 13): « sans objet » decisions
 * with their reason, baselines and targets with their dates (and the
 * circular's wording), typed comments (freins, actions à venir, réussites).
 * Exported, previewed with the same states as every cell, applied through the
 * services (audited), and identical on a second import; older files (without
 * the section) still import, a newer minor version is refused in French; the
 * national consolidation reads the decisions.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { backupDatabase } from '../../electron/services/db/backup';
import { applyImport } from '../../electron/services/exchange/apply';
import { exportExchange } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { saveAssessment, saveIndicatorValues } from '../../electron/services/followup';
import { createGeography } from '../../electron/services/geography';
import { openPeriod, transmitPeriod } from '../../electron/services/periods';
import { readReferential } from '../../electron/services/referential';
import { listSansObjet, listTargets, saveSansObjet, saveTarget } from '../../electron/services/results';
import { nationalResults } from '../../shared/exchange/consolidate-results';
import { canonicalJson, parseExchangeText, sealExchangeDocument, serializeExchangeDocument, type ExchangeDocument } from '../../shared/exchange/format';
import { openCore, steppingClock } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';

type Core = Awaited<ReturnType<typeof openCore>>;
const geography = createGeography(COMMUNES_FILE);
const RESULT_TABLES = new Set(['sans_objet', 'indicator_target']);
const TYPED = new Set(['obstacles', 'nextSteps', 'successes']);
const isResultsLine = (l: { table: string; field: string }) => RESULT_TABLES.has(l.table) || (l.table === 'assessment' && TYPED.has(l.field));

/** What the results look like in a database, QRRs named (ids differ between databases). */
function resultsOf(ctx: ServiceContext) {
  const names = new Map((ctx.db.prepare('SELECT id, name FROM qrr').all() as { id: number; name: string }[]).map((q) => [q.id, q.name] as const));
  const named = <T extends { qrrId: number }>(rows: readonly T[]) =>
    rows.map(({ qrrId, ...r }) => ({ qrr: names.get(qrrId), ...r })).sort((x, y) => canonicalJson(x).localeCompare(canonicalJson(y)));
  return {
    sansObjet: named(listSansObjet(ctx)),
    targets: named(listTargets(ctx).filter((t) => t.stored)),
    typed: ctx.db
      .prepare(
        `SELECT q.name, engagement_code, period_code, obstacles, next_steps, successes FROM assessment a JOIN qrr q ON q.id = a.qrr_id
         WHERE obstacles <> '' OR next_steps <> '' OR successes <> '' ORDER BY 1, 2, 3`,
      )
      .all(),
  };
}

describe('results data in the exchange file', () => {
  let a: Core;
  let b: Core;
  let ctxA: ServiceContext;
  let ctxB: ServiceContext;
  let doc: ExchangeDocument;
  const importInto = (core: Core, ctx: ServiceContext, d: ExchangeDocument, decisions: Parameters<typeof applyImport>[2] = { defaultChoice: 'theirs' }) =>
    applyImport(ctx, d, decisions, {
      backup: () => Promise.resolve(backupDatabase(ctx.db, path.join(core.dir, 'sauvegardes'), 'avant-import', ctx.now())),
      fileName: 'qrr-34.qrr',
      hash: d.sha256,
      geography,
    });

  beforeAll(async () => {
    a = await openCore();
    b = await openCore();
    for (const core of [a, b]) expect((await core.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: 'Camille' })).ok).toBe(true);
    ctxA = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
    ctxB = { db: b.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
    const idOf = (r: unknown) => (r as { ok: true; value: { id: number } }).value.id;
    const mosson = idOf(await a.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'], securityZone: 'police' }));
    const lunel = idOf(await a.dispatch('createQrr', { name: 'QRR Lunel', communes: ['34145'], securityZone: 'gendarmerie' }));
    openPeriod(ctxA, '2026-T2');
    openPeriod(ctxA, '2026-T3');
    saveIndicatorValues(ctxA, '2026-T2', [{ qrrId: mosson, indicatorCode: '04-01', value: { count: 40 } }]);
    // Decisions: one « sans objet » with its reason, one proposal lifted (08-02 in zone gendarmerie), one action.
    saveSansObjet(ctxA, { qrrId: mosson, itemType: 'indicator', code: '02-03', sansObjet: true, reason: 'Aucune copropriété dégradée.' });
    saveSansObjet(ctxA, { qrrId: lunel, itemType: 'indicator', code: '08-02', sansObjet: false, reason: 'Un délégué est installé malgré la zone.' });
    saveSansObjet(ctxA, { qrrId: lunel, itemType: 'action', code: '04-02', sansObjet: true, reason: 'Internat départemental.' });
    // Targets: one entered, one the circular's proposal accepted as is (its wording travels with it).
    saveTarget(ctxA, { qrrId: mosson, indicatorCode: '01-03', initialValue: 10, initialDate: '2025-12-31', targetValue: 20, targetDeadline: '2027-06-30' });
    const proposal = listTargets(ctxA).find((t) => t.qrrId === mosson && t.indicatorCode === '04-01')!;
    expect(proposal).toMatchObject({ origin: 'circulaire', targetValue: 80, stored: false });
    saveTarget(ctxA, { qrrId: mosson, indicatorCode: '04-01', initialValue: proposal.initialValue, initialDate: proposal.initialDate, targetValue: 80, targetDeadline: proposal.targetDeadline });
    saveAssessment(ctxA, '2026-T2', { qrrId: mosson, engagementCode: '07', meteo: 'couvert', obstacles: 'Le bailleur tarde.', successes: 'Quarante jeunes en emploi.' });
    saveAssessment(ctxA, '2026-T3', { qrrId: lunel, engagementCode: '08', nextSteps: 'Réunion du GPO en janvier.' });
    transmitPeriod(ctxA, '2026-T2');
    doc = exportExchange(ctxA);
  });
  afterAll(() => {
    a?.close();
    b?.close();
  });

  it('exports the decisions, the stored targets (with dates and the circular’s wording) and the typed comments', () => {
    expect(doc.minorVersion).toBe(1);
    expect(doc.results!.sansObjet.map((s) => [s.itemType, s.code, s.sansObjet, s.reason])).toEqual([
      ['indicator', '02-03', true, 'Aucune copropriété dégradée.'],
      ['action', '04-02', true, 'Internat départemental.'],
      ['indicator', '08-02', false, 'Un délégué est installé malgré la zone.'],
    ]);
    const target0401 = doc.results!.targets.find((t) => t.indicatorCode === '04-01')!;
    expect(target0401).toMatchObject({ origin: 'circulaire', initialValue: 40, initialDate: '2026-06-30', targetValue: 80, targetDeadline: '2027-06-30' });
    expect(target0401.quote).toContain('en doublant');
    expect(doc.results!.targets.find((t) => t.indicatorCode === '01-03')).toMatchObject({ origin: 'saisie', quote: null, targetDeadline: '2027-06-30' });
    expect(doc.assessments.find((x) => x.engagementCode === '07')).toMatchObject({ obstacles: 'Le bailleur tarde.', successes: 'Quarante jeunes en emploi.' });
    expect(doc.assessments.find((x) => x.engagementCode === '07')).not.toHaveProperty('nextSteps');
    // The file reads back as written.
    expect(parseExchangeText(serializeExchangeDocument(doc))).toEqual({ ok: true, document: doc });
  });

  it('into another database: new lines, applied with the audit trail; the same file again is all « identique »', async () => {
    const preview = previewImport(ctxB, doc, geography);
    const results = preview.lines.filter(isResultsLine);
    expect(results.map((l) => `${l.table}.${l.field}:${l.kind}`).sort()).toEqual([
      'assessment.nextSteps:new',
      'assessment.obstacles:new',
      'assessment.successes:new',
      'indicator_target.target:new',
      'indicator_target.target:new',
      'sans_objet.decision:new',
      'sans_objet.decision:new',
      'sans_objet.decision:new',
    ]);
    expect(results.find((l) => l.table === 'indicator_target' && l.code === '04-01')!.summary).toMatch(/^cible de l'indicateur 04-01 \(« .*en doublant/);
    await importInto(b, ctxB, doc);
    expect(resultsOf(ctxB)).toEqual(resultsOf(ctxA));
    const audit = b.db.prepare("SELECT entity, origin FROM audit_log WHERE entity IN ('sans_objet', 'indicator_target') ORDER BY id").all();
    expect(audit).toHaveLength(5);
    expect(audit.every((x) => (x as { origin: string }).origin === 'import:qrr-34.qrr')).toBe(true);
    expect(b.db.prepare("SELECT count(*) FROM audit_log WHERE entity = 'assessment' AND field IN ('obstacles', 'nextSteps', 'successes')").pluck().get()).toBe(3);

    // Round trip: B's own export, and A's file again, are identical everywhere.
    for (const again of [exportExchange(ctxB), doc]) {
      const second = previewImport(ctxB, again, geography);
      expect(second.lines.filter(isResultsLine).every((l) => l.kind === 'identical')).toBe(true);
      expect(second.counts).toMatchObject({ new: 0, conflict: 0, refused: 0 });
    }
    const back = previewImport(ctxA, exportExchange(ctxB), geography);
    expect(back.lines.filter(isResultsLine).map((l) => l.kind)).toEqual(Array(8).fill('identical'));
  });

  it('conflicts, locks and refusals as for every cell', () => {
    const lunelB = b.db.prepare("SELECT id FROM qrr WHERE name = 'QRR Lunel'").pluck().get() as number;
    const mossonB = b.db.prepare("SELECT id FROM qrr WHERE name = 'QRR Mosson'").pluck().get() as number;
    saveSansObjet(ctxB, { qrrId: lunelB, itemType: 'action', code: '04-02', sansObjet: true, reason: 'Autre motif.' });
    saveTarget(ctxB, { qrrId: mossonB, indicatorCode: '01-03', initialValue: 10, initialDate: '2025-12-31', targetValue: 25, targetDeadline: '2027-06-30' });
    // A file whose target deadline comes before its initial date, and whose typed comment is too long.
    const { sha256: _s, ...rest } = doc;
    const broken = sealExchangeDocument({
      ...rest,
      results: { ...rest.results!, targets: rest.results!.targets.map((t) => (t.indicatorCode === '04-01' ? { ...t, targetDeadline: '2020-01-01' } : t)) },
      assessments: rest.assessments.map((x) => (x.engagementCode === '08' ? { ...x, nextSteps: 'x'.repeat(2001) } : x)),
    });
    const lines = previewImport(ctxB, broken, geography).lines.filter(isResultsLine);
    const kind = (table: string, code: string) => lines.find((l) => l.table === table && l.code === code)!;
    expect(kind('sans_objet', 'action:04-02')).toMatchObject({ kind: 'conflict', mine: { value: { sansObjet: true, reason: 'Autre motif.' } } });
    expect(kind('indicator_target', '01-03')).toMatchObject({ kind: 'conflict', theirs: { value: { targetValue: 20 } } });
    expect(kind('indicator_target', '04-01')).toMatchObject({ kind: 'refused', refusedReason: "L'échéance de la cible doit suivre la date de la valeur initiale." });
    expect(kind('assessment', '08')).toMatchObject({ kind: 'refused', refusedReason: expect.stringMatching(/Actions à venir.*2000 caractères/) });
    // 2026-T2 is transmitted here too: its typed comments cannot change.
    const changed = sealExchangeDocument({ ...rest, assessments: rest.assessments.map((x) => (x.engagementCode === '07' ? { ...x, obstacles: 'Autre frein.' } : x)) });
    expect(previewImport(ctxB, changed, geography).lines.find((l) => l.table === 'assessment' && l.field === 'obstacles')).toMatchObject({
      kind: 'locked',
      lockReason: 'period_transmitted',
    });
  });

  it('older files (without results) still import; a newer minor version is refused in French', () => {
    const { sha256: _s, minorVersion: _m, results: _r, ...older } = doc;
    const old = sealExchangeDocument({ ...older, assessments: older.assessments.map(({ obstacles: _o, nextSteps: _n, successes: _x, ...x }) => x) });
    const parsed = parseExchangeText(serializeExchangeDocument(old));
    expect(parsed.ok).toBe(true);
    expect(previewImport(ctxB, old, geography).lines.filter(isResultsLine)).toEqual([]);
    const newer = sealExchangeDocument({ ...older, minorVersion: 2 });
    expect(parseExchangeText(serializeExchangeDocument(newer))).toEqual({
      ok: false,
      message: "Ce fichier d'échange (version 2.2) a été produit par une version plus récente de l'application : installez la dernière version pour l'importer.",
    });
  });

  it('the national consolidation reads the « sans objet » decisions of the files', () => {
    const engagements = readReferential(a.db).engagements;
    const national = nationalResults(engagements, [doc], '2026-T3');
    // 02-03 « sans objet » in Mosson (decided), 08-02 lifted in Lunel (zone gendarmerie): both apply as decided.
    expect(national.results.find((r) => r.code === '02-03')).toMatchObject({ applicable: 1, sansObjet: 1 });
    expect(national.results.find((r) => r.code === '08-02')).toMatchObject({ applicable: 2, sansObjet: 0 });
    // Targets travel too: 01-03's target of Mosson.
    expect(national.results.find((r) => r.code === '01-03')!.target).toMatchObject({ targetValue: 20 });
  });
});
