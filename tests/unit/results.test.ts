/**
 * Results by the référentiel's rules: one test per aggregation rule (sum,
 * ratio of sums, none) and per nature (stock, flow, yearly, seasonal), plus
 * progress toward a target, « sans objet » proposals and the circular's targets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import seed from '../../seeds/referential.json';
import { indicatorCompleteness } from '../../shared/domain/completeness';
import {
  aggregateAcross,
  comparisonPeriod,
  headlineFigure,
  progressToTarget,
  quartersToDate,
  yearToDate,
} from '../../shared/domain/results';
import { indexSansObjet, sansObjetStates } from '../../shared/domain/sans-objet';
import { circularTarget } from '../../shared/domain/targets';
import type { IndicatorValuePayload } from '../../shared/domain/types';
import type { Referential } from '../../shared/referential/types';
import { runs } from '../support/property';

const ref = seed as unknown as Referential;
const indicator = (code: string) => ref.engagements.flatMap((e) => e.indicators).find((i) => i.code === code)!;

describe('across quartiers', () => {
  it('sum: counts add up (01-03, a count)', () => {
    const f = aggregateAcross(indicator('01-03'), [{ count: 7 }, { count: 5 }, null, { count: null }]);
    expect(f).toMatchObject({ rule: 'sum', headline: 12, contributors: 2, value: { count: 12 } });
  });

  it('sum: operations and beneficiaries add up part by part (09-01)', () => {
    const f = aggregateAcross(indicator('09-01'), [
      { operations: 2, beneficiaries: 40 },
      { operations: 1, beneficiaries: 15 },
    ]);
    expect(f.rule).toBe('sum');
    expect(f.rule === 'sum' && f.value).toEqual({ operations: 3, beneficiaries: 55 });
    expect(f.headline).toBe(55);
    expect(f.text).toBe('3 opérations, 55 bénéficiaires');
  });

  it('ratio of sums: a rate is the summed numerators over the summed denominators, not the mean of rates (01-01)', () => {
    // 1/2 = 50 % and 9/10 = 90 %: mean of rates 70 %, ratio of sums 10/12 = 83.3 %.
    const f = aggregateAcross(indicator('01-01'), [
      { numerator: 1, denominator: 2 },
      { numerator: 9, denominator: 10 },
    ]);
    expect(f.rule).toBe('ratio_of_sums');
    expect(f.headline).toBeCloseTo((10 / 12) * 100, 10);
  });

  it('ratio of sums: per 1,000 inhabitants over the summed population (03-03)', () => {
    const f = aggregateAcross(indicator('03-03'), [
      { count: 10, population: 5000 },
      { count: 2, population: 15000 },
    ]);
    expect(f.headline).toBeCloseTo(0.6, 10);
  });

  it('none: progress states do not add up, they are counted by state (02-01)', () => {
    const f = aggregateAcross(indicator('02-01'), [{ state: 'realise' }, { state: 'en_cours' }, { state: 'realise' }]);
    expect(f.rule).toBe('none');
    expect(f.rule === 'none' && f.distribution).toEqual([
      ['Réalisé', 2],
      ['En cours', 1],
    ]);
    expect(f.headline).toBeNull();
  });

  it('sum is the same whatever the order and grouping of quartiers (property)', () => {
    const i = indicator('07-06');
    const value = fc.record({ operations: fc.nat(1000), beneficiaries: fc.nat(100000) });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 12 }), fc.nat(12), (values, cut) => {
        const whole = aggregateAcross(i, values);
        const parts = [aggregateAcross(i, values.slice(0, cut)), aggregateAcross(i, values.slice(cut))];
        const regrouped = aggregateAcross(i, parts.map((p) => (p.rule === 'sum' ? p.value : null)));
        expect(regrouped.headline).toEqual(whole.headline);
      }),
      { numRuns: runs(100) },
    );
  });
});

describe('over a year, by nature', () => {
  const year = (values: Record<string, IndicatorValuePayload>) => (code: string) => values[code] ?? null;

  it('stock: the year figure is the latest quarter, évolution against the previous quarter (03-01)', () => {
    const i = indicator('03-01');
    expect(i.measure!.nature).toBe('stock');
    expect(yearToDate(i, '2026-T3', year({ '2026-T1': { count: 1 }, '2026-T2': { count: 2 }, '2026-T3': { count: 2 } }))).toEqual({ count: 2 });
    // A quarter left empty: the last known figure stands.
    expect(yearToDate(i, '2026-T3', year({ '2026-T1': { count: 1 }, '2026-T2': { count: 3 } }))).toEqual({ count: 3 });
    expect(comparisonPeriod('stock', '2026-T1')).toBe('2025-T4');
  });

  it('flow: the year figure is the sum of the quarters to date (08-01, meetings held)', () => {
    const i = indicator('08-01');
    expect(i.measure!.nature).toBe('flow');
    expect(yearToDate(i, '2026-T3', year({ '2025-T4': { count: 9 }, '2026-T1': { count: 1 }, '2026-T2': { count: 2 }, '2026-T3': { count: 4 }, '2026-T4': { count: 8 } }))).toEqual({
      count: 7,
    });
    expect(comparisonPeriod('flow', '2026-T3')).toBe('2026-T2');
    expect(quartersToDate('2026-T3')).toEqual(['2026-T1', '2026-T2', '2026-T3']);
  });

  it('yearly: the quarter holds the year\'s running figure; évolution against the same quarter a year before (06-04)', () => {
    const i = indicator('06-04');
    expect(i.measure!.nature).toBe('yearly');
    expect(yearToDate(i, '2026-T2', year({ '2026-T1': { numerator: 3, denominator: 20 }, '2026-T2': { numerator: 5, denominator: 20 } }))).toEqual({
      numerator: 5,
      denominator: 20,
    });
    expect(comparisonPeriod('yearly', '2026-T2')).toBe('2025-T2');
  });

  it('seasonal: summer against the previous summer, the year adds up the holidays (09-05)', () => {
    const i = indicator('09-05');
    expect(i.measure!.nature).toBe('seasonal');
    expect(comparisonPeriod('seasonal', '2026-T3')).toBe('2025-T3');
    expect(yearToDate(i, '2026-T4', year({ '2026-T2': { operations: 1, beneficiaries: 8 }, '2026-T3': { operations: 3, beneficiaries: 30 } }))).toEqual({
      operations: 4,
      beneficiaries: 38,
    });
  });
});

describe('targets', () => {
  it('progress is the distance covered from the initial value toward the target', () => {
    expect(progressToTarget(15, 10, 20)).toBe(50);
    expect(progressToTarget(25, 10, 20)).toBe(150);
    expect(progressToTarget(1, null, 1)).toBe(100);
    expect(progressToTarget(0, 0, 0)).toBe(100);
    expect(progressToTarget(2, 3, 1)).toBe(100);
    expect(progressToTarget(0, 3, 1)).toBe(0);
    expect(progressToTarget(null, 0, 10)).toBeNull();
    expect(progressToTarget(5, 0, null)).toBeNull();
  });

  it('headline figures: the rate, the beneficiaries, the amount in euros, the state', () => {
    expect(headlineFigure(indicator('01-01'), { numerator: 3, denominator: 4 })).toBe(75);
    expect(headlineFigure(indicator('07-06'), { operations: 2, beneficiaries: 30 })).toBe(30);
    expect(headlineFigure(indicator('05-02'), { count: 2, amountCents: 123456 })).toBe(1234.56);
    expect(headlineFigure(indicator('02-01'), { state: 'en_cours' })).toBe(50);
  });

  it('the circular\'s targets: « a minima un », « en doublant … à échéance N +1 »', () => {
    expect(circularTarget(indicator('03-01'), 1, null)).toMatchObject({ targetValue: 1, origin: 'circulaire', quote: expect.stringContaining('a minima') });
    expect(circularTarget(indicator('04-01'), 1, { periodCode: '2025-T3', value: { count: 40 } })).toMatchObject({
      initialValue: 40,
      initialDate: '2025-09-30',
      targetValue: 80,
      targetDeadline: '2026-09-30',
    });
    expect(circularTarget(indicator('04-01'), 1, null)).toMatchObject({ targetValue: null, quote: expect.stringContaining('doublant') });
    expect(circularTarget(indicator('01-03'), 1, null)).toBeNull();
  });
});

describe('« sans objet »', () => {
  const qrrs = [
    { id: 1, securityZone: 'police' as const },
    { id: 2, securityZone: 'gendarmerie' as const },
    { id: 3, securityZone: null },
  ];

  it('is proposed from the QRR\'s zone, and for département-level actions everywhere', () => {
    const index = indexSansObjet(sansObjetStates(ref.engagements, qrrs, []));
    expect(index.isSansObjet(2, 'indicator', '08-02')).toBe(true);
    expect(index.isSansObjet(1, 'indicator', '08-02')).toBe(false);
    expect(index.isSansObjet(3, 'indicator', '08-02')).toBe(false);
    expect(index.isSansObjet(2, 'indicator', '08-01')).toBe(false);
    for (const q of qrrs) expect(index.isSansObjet(q.id, 'action', '10-06')).toBe(true);
    expect(index.reasonOf(2, 'indicator', '08-06')).toMatch(/zone gendarmerie/);
  });

  it('a decision overrides the proposal (lifted or added), with its reason', () => {
    const at = '2026-11-01T00:00:00.000Z';
    const states = sansObjetStates(ref.engagements, qrrs, [
      { qrrId: 2, itemType: 'indicator', code: '08-02', applies: false, reason: '', updatedAt: at, updatedBy: 'a' },
      { qrrId: 1, itemType: 'indicator', code: '02-03', applies: true, reason: 'Aucune copropriété dégradée.', updatedAt: at, updatedBy: 'a' },
    ]);
    const index = indexSansObjet(states);
    expect(index.isSansObjet(2, 'indicator', '08-02')).toBe(false);
    expect(states.find((s) => s.qrrId === 2 && s.code === '08-02')).toMatchObject({ origin: 'saisi', proposal: expect.stringMatching(/gendarmerie/) });
    expect(index.reasonOf(1, 'indicator', '02-03')).toBe('Aucune copropriété dégradée.');
  });

  it('is left out of completeness: neither filled nor missing', () => {
    const index = indexSansObjet(sansObjetStates(ref.engagements, qrrs, []));
    const e08 = ref.engagements.filter((e) => e.code === '08');
    const values: Record<string, IndicatorValuePayload> = { '08-01': { count: 1 }, '08-03': { count: 1 }, '08-04': { count: 1 }, '08-05': { count: 1 }, '08-07': { count: 1 } };
    const [gendarmerie] = indicatorCompleteness(e08, (c) => values[c], (c) => index.isSansObjet(2, 'indicator', c));
    expect(gendarmerie).toEqual({ engagementCode: '08', filled: 5, total: 5, missing: [] });
    const [police] = indicatorCompleteness(e08, (c) => values[c], (c) => index.isSansObjet(1, 'indicator', c));
    expect(police).toEqual({ engagementCode: '08', filled: 5, total: 7, missing: ['08-02', '08-06'] });
  });
});
