import fc from 'fast-check';
import { runs, propertyTimeout } from '../support/property';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../electron/services/audit';
import type { Qrr } from '../../shared/domain/types';
import { openCore, snapshot } from '../support/db';

/**
 * For any sequence of QRR edits, valid or not:
 * - a refused edit leaves the database exactly as it was;
 * - the application's state equals a simple model of the rules;
 * - replaying the audit trail from empty gives exactly the current QRRs.
 */

const COMMUNES = ['34172', '34129', '34154', '34003', '34301']; // Montpellier, Lunel, Mauguio, Agde, Sète
const NAMES = ['QRR Nord', 'qrr nord', 'QRR Mosson', 'Petit Bard', ' QRR  Mosson ', '', 'X'.repeat(130)];

const command = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), name: fc.constantFrom(...NAMES), communes: fc.subarray(COMMUNES) }),
  fc.record({ kind: fc.constant('update' as const), target: fc.nat(4), name: fc.constantFrom(...NAMES), communes: fc.subarray([...COMMUNES, '93066']) }),
  fc.record({ kind: fc.constant('archive' as const), target: fc.nat(4) }),
  fc.record({ kind: fc.constant('restore' as const), target: fc.nat(4) }),
);

interface Replayed {
  name: string;
  communes: string[];
  archived: boolean;
}

function replay(core: Awaited<ReturnType<typeof openCore>>): Map<string, Replayed> {
  const state = new Map<string, Replayed>();
  for (const e of listAudit(core.db, { entity: 'qrr', limit: 100_000 }).reverse()) {
    if (e.action === 'create') {
      const v = e.newValue as { name: string; communes: string[] };
      state.set(e.entityId, { name: v.name, communes: v.communes, archived: false });
    } else {
      const q = state.get(e.entityId)!;
      if (e.action === 'update' && e.field === 'name') q.name = e.newValue as string;
      if (e.action === 'update' && e.field === 'communes') q.communes = e.newValue as string[];
      if (e.action === 'archive') q.archived = true;
      if (e.action === 'restore') q.archived = false;
    }
  }
  return state;
}

describe('QRR edits and their audit trail', () => {
  it('holds for any sequence of edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (commands) => {
        const core = await openCore();
        try {
          await core.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: '' });
          const model: { id: number; name: string; communes: string[]; archived: boolean }[] = [];
          const norm = (s: string) => s.trim().replace(/\s+/g, ' ');
          const nameTaken = (name: string, selfId: number | null) =>
            model.some((q) => q.id !== selfId && q.name.toLowerCase() === norm(name).toLowerCase());
          const validName = (name: string) => norm(name).length >= 1 && norm(name).length <= 120;

          for (const c of commands) {
            const before = snapshot(core.db);
            const target = c.kind === 'create' ? undefined : model[c.target % Math.max(model.length, 1)];
            let result;
            let expectOk: boolean;
            if (c.kind === 'create') {
              expectOk = validName(c.name) && !nameTaken(c.name, null);
              result = await core.dispatch('createQrr', { name: c.name, communes: c.communes });
              if (result.ok) model.push({ id: (result.value as Qrr).id, name: norm(c.name), communes: [...c.communes].sort(), archived: false });
            } else if (c.kind === 'update') {
              const id = target?.id ?? 999;
              expectOk = !!target && !target.archived && validName(c.name) && !nameTaken(c.name, id) && !c.communes.includes('93066');
              result = await core.dispatch('updateQrr', { id, name: c.name, communes: c.communes });
              if (result.ok && target) Object.assign(target, { name: norm(c.name), communes: [...c.communes].sort() });
            } else {
              const id = target?.id ?? 999;
              expectOk = !!target;
              result = await core.dispatch(c.kind === 'archive' ? 'archiveQrr' : 'restoreQrr', { id });
              if (result.ok && target) target.archived = c.kind === 'archive';
            }
            expect(result.ok, JSON.stringify({ c, result })).toBe(expectOk);
            if (!result.ok) expect(snapshot(core.db)).toEqual(before);
          }

          const listed = await core.dispatch('listQrrs', { includeArchived: true });
          const current = (listed.ok ? (listed.value as Qrr[]) : []).map((q) => ({
            id: q.id,
            name: q.name,
            communes: q.communes.map((x) => x.code),
            archived: q.archivedAt !== null,
          }));
          const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
          expect(current.sort(byId)).toEqual([...model].sort(byId));

          const replayed = replay(core);
          expect(
            [...replayed.entries()].map(([id, q]) => ({ id: Number(id), ...q, communes: [...q.communes].sort() })).sort(byId),
          ).toEqual([...model].sort(byId));
        } finally {
          core.close();
        }
      }),
      { numRuns: runs(30) },
    );
    // Each run creates a real database: allow for a loaded 2-core machine.
  }, propertyTimeout(240_000));
});
