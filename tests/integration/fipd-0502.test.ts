import { describe, expect, it } from 'vitest';
import { openCore } from '../support/db';

const P = '2026-T4';
type Ok<T> = { ok: true; value: T };

describe('indicator 05-02 computed from the FIPD credits', () => {
  it('is computed while the quarter is open, refused when typed, and frozen when the quarter is transmitted', async () => {
    const core = await openCore(undefined, { now: () => new Date('2026-11-26T10:00:00Z') });
    try {
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const qrrId = ((await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] })) as Ok<{ id: number }>).value.id;
      await core.dispatch('openPeriod', { code: P });
      await core.dispatch('setEnvelope', { qrrId, budgetYear: 2026, amountCents: 8_000_000 });
      const subsidy = await core.dispatch('saveSubsidy', {
        budgetYear: 2026,
        qrrId,
        source: 'fipd',
        beneficiaryName: 'Association Les Ailes',
        rna: 'W931234567',
        title: 'Ateliers de prévention',
        grantedCents: 1_500_050,
        status: 'attribuee',
        decisionKind: 'arrete',
        decisionNumber: 'A-12',
        decisionDate: '2026-10-15',
      });
      expect(subsidy.ok, JSON.stringify(subsidy)).toBe(true);

      const value0502 = async () =>
        ((await core.dispatch('listIndicatorValues', { periodCode: P, qrrId })) as Ok<{ indicatorCode: string; value: unknown; computed?: boolean }[]>).value.find(
          (r) => r.indicatorCode === '05-02',
        );
      expect(await value0502()).toMatchObject({ value: { count: 1, amountCents: 1_500_050 }, computed: true });
      expect(await core.dispatch('saveIndicatorValues', { periodCode: P, changes: [{ qrrId, indicatorCode: '05-02', value: { count: 9, amountCents: 1 } }] })).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/calculé à partir des subventions/) },
      });

      expect((await core.dispatch('transmitPeriod', { code: P, confirmIncomplete: true })).ok).toBe(true);
      const stored = core.db.prepare(`SELECT value, source FROM indicator_value WHERE indicator_code = '05-02'`).get();
      expect(stored).toEqual({ value: JSON.stringify({ count: 1, amountCents: 1_500_050 }), source: 'Calculé depuis les crédits FIPD' });

      // A later change of the subsidy does not rewrite the transmitted quarter.
      const id = (subsidy as Ok<{ id: number }>).value.id;
      expect((await core.dispatch('saveSubsidy', { id, grantedCents: 2_000_000 })).ok).toBe(true);
      expect((await value0502())?.value).toEqual({ count: 1, amountCents: 1_500_050 });
      expect((await value0502())?.computed).toBeUndefined();
    } finally {
      core.close();
    }
  });
});
