/**
 * sansObjetLookup (the national consolidation's « sans objet » lookup, built
 * per zone) answers exactly as indexSansObjet(sansObjetStates(…)) for any
 * QRRs, zones and decisions — including decisions about unknown QRRs or
 * codes, a QRR id given twice and a code present in two engagements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import seed from '../../seeds/referential.json';
import { indexSansObjet, sansObjetLookup, sansObjetStates, SANS_OBJET_ITEM_TYPES, type SansObjetDecision } from '../../shared/domain/sans-objet';
import { SECURITY_ZONES } from '../../shared/domain/types';
import type { Engagement, Referential } from '../../shared/referential/types';
import { runs } from '../support/property';

const ref = seed as unknown as Referential;

/** Engagement 08 again, its rules turned around: codes 08-xx then exist twice with different proposals. */
const e08 = ref.engagements.find((e) => e.code === '08')!;
const twin: Engagement = {
  ...e08,
  code: '08bis',
  indicators: e08.indicators.map((i, n) =>
    n % 2 === 0 || !i.measure ? i : { ...i, measure: { ...i.measure, sansObjet: [{ when: 'zone_police', reason: 'Doublon police', quote: '' }] } },
  ),
};
const REFERENTIALS: readonly (readonly Engagement[])[] = [ref.engagements, [...ref.engagements, twin]];

const codesOf = (engagements: readonly Engagement[]) => ({
  indicator: [...engagements.flatMap((e) => e.indicators.map((i) => i.code)), '99-99'],
  action: [...engagements.flatMap((e) => e.actions.map((a) => a.code)), '99-99'],
});

const zone = fc.constantFrom(...SECURITY_ZONES, null);

describe('sansObjetLookup', () => {
  it('answers as the index of every state, for any QRRs and decisions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REFERENTIALS.keys()),
        fc.array(fc.record({ id: fc.integer({ min: 1, max: 6 }), securityZone: zone }), { maxLength: 8 }),
        fc.array(
          fc.record({
            qrrId: fc.integer({ min: 1, max: 7 }),
            itemType: fc.constantFrom(...SANS_OBJET_ITEM_TYPES),
            pick: fc.nat(),
            applies: fc.boolean(),
            reason: fc.constantFrom('', 'Raison A', 'Raison B'),
          }),
          { maxLength: 12 },
        ),
        (which, qrrs, picks) => {
          const engagements = REFERENTIALS[which]!;
          const codes = codesOf(engagements);
          const decisions: SansObjetDecision[] = picks.map(({ pick, ...d }) => ({
            ...d,
            code: codes[d.itemType][pick % codes[d.itemType].length]!,
            updatedAt: '2026-11-01T00:00:00.000Z',
            updatedBy: 'test',
          }));
          const expected = indexSansObjet(sansObjetStates(engagements, qrrs, decisions));
          const lookup = sansObjetLookup(engagements, qrrs, decisions);
          for (let id = 0; id <= 7; id++) {
            for (const itemType of SANS_OBJET_ITEM_TYPES) {
              for (const code of codes[itemType]) {
                expect(lookup.reasonOf(id, itemType, code)).toBe(expected.reasonOf(id, itemType, code));
                expect(lookup.isSansObjet(id, itemType, code)).toBe(expected.isSansObjet(id, itemType, code));
              }
            }
          }
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it('proposes from the zone and lets a decision lift a proposal', () => {
    const qrrs = [
      { id: 1, securityZone: 'police' as const },
      { id: 2, securityZone: 'gendarmerie' as const },
    ];
    const lifted: SansObjetDecision = { qrrId: 2, itemType: 'indicator', code: '08-06', applies: false, reason: '', updatedAt: '2026-11-01T00:00:00.000Z', updatedBy: 'a' };
    const lookup = sansObjetLookup(ref.engagements, qrrs, [lifted]);
    expect(lookup.reasonOf(2, 'indicator', '08-02')).toMatch(/zone gendarmerie/);
    expect(lookup.isSansObjet(1, 'indicator', '08-02')).toBe(false);
    expect(lookup.isSansObjet(2, 'indicator', '08-06')).toBe(false);
    expect(lookup.isSansObjet(3, 'action', '10-06')).toBe(false);
  });
});
