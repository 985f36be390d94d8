import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { writeTransaction } from '../../electron/services/db/query';
import { ACTION_STATUSES, type ActionStatusFields } from '../../electron/services/db/tables/action-status';
import { writeKeyed, writeKeyedBatch } from '../../electron/services/keyed-record';
import { openCore, steppingClock } from '../support/db';
import { propertyTimeout, runs } from '../support/property';

/*
 * Property: a batch (writeKeyedBatch: rows read in one statement, upserted in
 * one, audit rows inserted together) writes exactly what the same patches
 * written one by one with writeKeyed write — the table's rows and the audit
 * trail, entry for entry — whatever the patches: a key given several times,
 * a row emptied (deleted) then filled again, patches that change nothing.
 */

type Core = Awaited<ReturnType<typeof openCore>>;
const P = '2026-T3';
const ACTIONS = ['01-01', '01-02', '02-01'];
type Patch = { qrr: number; action: number; patch: Partial<ActionStatusFields> };

const patchArb: fc.Arbitrary<Patch> = fc.record({
  qrr: fc.nat(1),
  action: fc.nat(ACTIONS.length - 1),
  patch: fc.record(
    {
      status: fc.constantFrom<ActionStatusFields['status']>(null, 'en_cours', 'realisee'),
      comment: fc.constantFrom('', 'Réunion tenue', 'Relancé'),
      referent: fc.constantFrom('', 'DDSP'),
    },
    { requiredKeys: [] },
  ),
});

describe('keyed-record batches', () => {
  const cores: Core[] = [];
  const qrrIds: number[][] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const core = await openCore();
      cores.push(core);
      expect((await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille' })).ok).toBe(true);
      const ids: number[] = [];
      for (const name of ['QRR Nord', 'QRR Sud']) {
        const created = await core.dispatch('createQrr', { name, communes: ['93066'], qpvCodes: [] });
        ids.push((created as { ok: true; value: { id: number } }).value.id);
      }
      qrrIds.push(ids);
      expect((await core.dispatch('openPeriod', { code: P })).ok).toBe(true);
    }
  });
  afterAll(() => cores.forEach((c) => c.close()));

  const rowsOf = (core: Core) =>
    core.db.prepare('SELECT qrr_id, action_code, status, comment, referent, updated_at, updated_by FROM action_status ORDER BY qrr_id, action_code').all();
  const trailOf = (core: Core, from: number) =>
    core.db.prepare('SELECT at, os_user, origin, entity, entity_id, action, field, old_value, new_value FROM audit_log WHERE id > ? ORDER BY id').all(from);

  it('writes the same rows and the same audit entries as the patches one by one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(patchArb, { maxLength: 12 }), fc.array(patchArb, { maxLength: 12 }), async (first, second) => {
        // Each run from empty rows (a failed run must not leave the two databases apart for the next).
        for (const core of cores) core.db.exec('DELETE FROM action_status');
        const marks = cores.map((c) => c.db.prepare('SELECT coalesce(max(id), 0) FROM audit_log').pluck().get() as number);
        // Both databases start from the same rows: the first list written one by one in each.
        for (const [n, core] of cores.entries()) {
          const ctx: ServiceContext = { db: core.db, now: steppingClock('2026-11-26T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
          const write = (p: Patch) => ({
            key: { qrr_id: qrrIds[n]![p.qrr]!, action_code: ACTIONS[p.action]!, period_code: P },
            entityId: `${p.qrr}|${ACTIONS[p.action]}|${P}`,
          });
          writeTransaction(ctx, () => first.forEach((p) => writeKeyed(ctx, ACTION_STATUSES, write(p), p.patch)));
          const clock = steppingClock('2026-11-27T09:00:00.000Z');
          const later: ServiceContext = { ...ctx, now: clock };
          if (n === 0) writeTransaction(later, () => writeKeyedBatch(later, ACTION_STATUSES, second.map((p) => ({ write: write(p), patch: p.patch }))));
          else writeTransaction(later, () => second.forEach((p) => writeKeyed(later, ACTION_STATUSES, write(p), p.patch)));
        }
        const norm = (rows: unknown[], n: number) => JSON.stringify(rows).replaceAll(`"qrr_id":${qrrIds[n]![0]},`, '"qrr_id":"A",').replaceAll(`"qrr_id":${qrrIds[n]![1]},`, '"qrr_id":"B",');
        expect(norm(rowsOf(cores[0]!), 0)).toBe(norm(rowsOf(cores[1]!), 1));
        expect(trailOf(cores[0]!, marks[0]!)).toEqual(trailOf(cores[1]!, marks[1]!));
      }),
      { numRuns: runs(60) },
    );
  }, propertyTimeout(120_000));
});
