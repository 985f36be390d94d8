import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { backupDatabase } from '../../electron/services/db/backup';
import { applyImport } from '../../electron/services/exchange/apply';
import { exportExchange } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { saveAssessment } from '../../electron/services/followup';
import { createGeography } from '../../electron/services/geography';
import { openPeriod } from '../../electron/services/periods';
import { listSansObjet, listTargets, saveSansObjet, saveTarget } from '../../electron/services/results';
import { canonicalJson } from '../../shared/exchange/format';
import { openCore, steppingClock } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';
import { runs, propertyTimeout } from '../support/property';

/**
 * For any « sans objet » decisions, baselines and targets and typed comments
 * saved in a database, its exchange file imported into an empty database
 * gives the same results, and the file imported again (or the second
 * database's own export, imported back) is « identique » line for line.
 */

const geography = createGeography(COMMUNES_FILE);
const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 30 }), fc.constantFrom('Éducateurs absents l’été', '  espaces autour  ', 'Réunion « GPO »'));
const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const figure = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 500 }), fc.double({ min: 0, max: 100, noNaN: true }).map((x) => Math.round(x * 10) / 10));

const edit = fc.oneof(
  fc.record({
    kind: fc.constant('sansObjet' as const),
    qrr: fc.nat(1),
    item: fc.constantFrom(['indicator', '02-03'], ['indicator', '08-02'], ['indicator', '08-06'], ['action', '04-02'], ['action', '10-05']) as fc.Arbitrary<[
      'indicator' | 'action',
      string,
    ]>,
    sansObjet: fc.boolean(),
    reason: fc.oneof(fc.constant('Motif'), fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '')),
  }),
  fc.record({
    kind: fc.constant('target' as const),
    qrr: fc.nat(1),
    code: fc.constantFrom('01-03', '03-01', '04-01', '07-02'),
    initialValue: figure,
    targetValue: figure,
    dates: fc.tuple(fc.option(date, { nil: null }), fc.option(date, { nil: null })).map(([x, y]) => (x && y && y < x ? [y, x] : [x, y])),
  }),
  fc.record({
    kind: fc.constant('comment' as const),
    qrr: fc.nat(1),
    engagement: fc.constantFrom('01', '07', '10'),
    period: fc.constantFrom('2026-T2', '2026-T3'),
    obstacles: text,
    nextSteps: text,
    successes: text,
  }),
);

function resultsOf(ctx: ServiceContext) {
  const names = new Map((ctx.db.prepare('SELECT id, name FROM qrr').all() as { id: number; name: string }[]).map((q) => [q.id, q.name] as const));
  const named = <T extends { qrrId: number }>(rows: readonly T[]) =>
    rows.map(({ qrrId, ...r }) => canonicalJson({ qrr: names.get(qrrId), ...r })).sort();
  return {
    sansObjet: named(listSansObjet(ctx)),
    targets: named(listTargets(ctx).filter((t) => t.stored)),
    typed: ctx.db
      .prepare(`SELECT q.name, engagement_code, period_code, obstacles, next_steps, successes FROM assessment a JOIN qrr q ON q.id = a.qrr_id ORDER BY 1, 2, 3`)
      .all(),
  };
}

describe('results in the exchange file, for any decisions, targets and typed comments', () => {
  it('survive an export and an import, and import again as « identique »', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 8 }), async (edits) => {
        const a = await openCore();
        const b = await openCore();
        try {
          for (const core of [a, b]) await core.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: 'Camille' });
          const ctxA: ServiceContext = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
          const ctxB: ServiceContext = { db: b.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
          const ids = [
            ((await a.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'], securityZone: 'police' })) as { value: { id: number } }).value.id,
            ((await a.dispatch('createQrr', { name: 'QRR Lunel', communes: ['34145'], securityZone: 'gendarmerie' })) as { value: { id: number } }).value.id,
          ];
          openPeriod(ctxA, '2026-T2');
          openPeriod(ctxA, '2026-T3');
          for (const e of edits) {
            const qrrId = ids[e.qrr]!;
            if (e.kind === 'sansObjet') saveSansObjet(ctxA, { qrrId, itemType: e.item[0], code: e.item[1], sansObjet: e.sansObjet, reason: e.reason });
            else if (e.kind === 'target')
              saveTarget(ctxA, { qrrId, indicatorCode: e.code, initialValue: e.initialValue, initialDate: e.dates[0]!, targetValue: e.targetValue, targetDeadline: e.dates[1]! });
            else saveAssessment(ctxA, e.period, { qrrId, engagementCode: e.engagement, obstacles: e.obstacles, nextSteps: e.nextSteps, successes: e.successes });
          }
          const doc = exportExchange(ctxA);
          await applyImport(ctxB, doc, { defaultChoice: 'theirs' }, {
            backup: () => Promise.resolve(backupDatabase(b.db, path.join(b.dir, 'sauvegardes'), 'avant-import', ctxB.now())),
            fileName: 'a.qrr',
            hash: doc.sha256,
            geography,
          });
          expect(resultsOf(ctxB)).toEqual(resultsOf(ctxA));
          for (const [ctx, file] of [
            [ctxB, doc],
            [ctxA, exportExchange(ctxB)],
          ] as const) {
            const preview = previewImport(ctx, file, geography);
            expect(preview.lines.filter((l) => l.kind !== 'identical')).toEqual([]);
          }
        } finally {
          a.close();
          b.close();
        }
      }),
      { numRuns: runs(12) },
    );
  }, propertyTimeout(300_000));
});
