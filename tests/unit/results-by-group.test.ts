/**
 * indicatorResultsByGroup (the national consolidation reads each quartier's
 * values once for the nation and its départements) gives, for the whole and
 * for every group, exactly what indicatorResults gives when called on them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import seed from '../../seeds/referential.json';
import { sansObjetLookup } from '../../shared/domain/sans-objet';
import type { IndicatorTarget } from '../../shared/domain/targets';
import { SECURITY_ZONES, type IndicatorValuePayload } from '../../shared/domain/types';
import type { Referential } from '../../shared/referential/types';
import { indicatorResults, indicatorResultsByGroup, seriesPeriods, type ResultsInput } from '../../shared/report/results-model';
import { runs } from '../support/property';

const ref = seed as unknown as Referential;
const indicators = ref.engagements.flatMap((e) => e.indicators);
const PERIOD = '2026-T3';
const QUARTERS = seriesPeriods(PERIOD);

/** A value for the indicator: each part filled or not (numbers, or the first allowed value). */
function valueOf(code: string, seedNumber: number): IndicatorValuePayload | null {
  const indicator = indicators.find((i) => i.code === code)!;
  if (seedNumber % 5 === 0) return null;
  return Object.fromEntries(
    indicator.parts.map((p, k) => {
      const n = (seedNumber >> k) % 40;
      if (n % 7 === 0) return [p.key, null];
      return [p.key, p.type === 'integer' || p.type === 'amount' ? n : (p.values?.[n % p.values.length] ?? 'texte')];
    }),
  );
}

describe('indicatorResultsByGroup', () => {
  it('gives each group and the whole what indicatorResults gives them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ zone: fc.constantFrom(...SECURITY_ZONES, null), group: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 7 }),
        fc.array(fc.record({ unit: fc.nat(), indicator: fc.nat(), quarter: fc.nat(), value: fc.nat() }), { maxLength: 120 }),
        fc.array(fc.record({ unit: fc.nat(), indicator: fc.nat(), target: fc.option(fc.integer({ min: 0, max: 60 })), initial: fc.option(fc.integer({ min: 0, max: 30 })) }), { maxLength: 10 }),
        (unitSpecs, cells, targetSpecs) => {
          const units = unitSpecs.map((u, i) => ({ id: i + 1, name: `Quartier ${i + 1}`, ...u }));
          const quarters = new Map<string, Map<string, IndicatorValuePayload | null>>();
          for (const c of cells) {
            const unit = units[c.unit % units.length]!;
            const indicator = indicators[c.indicator % indicators.length]!;
            const quarter = QUARTERS[c.quarter % QUARTERS.length]!;
            if (!quarters.has(quarter)) quarters.set(quarter, new Map());
            quarters.get(quarter)!.set(`${unit.id}|${indicator.code}`, valueOf(indicator.code, c.value));
          }
          const targets: IndicatorTarget[] = targetSpecs.map((t) => ({
            qrrId: units[t.unit % units.length]!.id,
            indicatorCode: indicators[t.indicator % indicators.length]!.code,
            initialValue: t.initial,
            initialDate: t.initial === null ? null : '2026-01-01',
            targetValue: t.target,
            targetDeadline: '2027-06-30',
            origin: 'saisie',
            quote: null,
            stored: true,
          }));
          const input: ResultsInput = {
            engagements: ref.engagements,
            units: units.map(({ id, name }) => ({ id, name })),
            periodCode: PERIOD,
            quarters,
            sansObjet: sansObjetLookup(ref.engagements, units.map((u) => ({ id: u.id, securityZone: u.zone })), []),
            targets,
          };
          const groups = [0, 1, 2].map((g) => {
            const members = units.filter((u) => u.group === g);
            const ids = new Set(members.map((u) => u.id));
            return { units: members.map(({ id, name }) => ({ id, name })), targets: targets.filter((t) => ids.has(t.qrrId)) };
          });
          const byGroup = indicatorResultsByGroup(input, groups);
          expect(byGroup.all).toEqual(indicatorResults(input));
          groups.forEach((g, i) => expect(byGroup.groups[i]).toEqual(indicatorResults({ ...input, units: g.units, targets: g.targets })));
        },
      ),
      { numRuns: runs(25) },
    );
  });

  it('refuses a group unit that is not among the units', () => {
    const input: ResultsInput = { engagements: ref.engagements, units: [{ id: 1, name: 'A' }], periodCode: PERIOD, quarters: new Map(), sansObjet: sansObjetLookup(ref.engagements, [], []), targets: [] };
    expect(() => indicatorResultsByGroup(input, [{ units: [{ id: 2, name: 'B' }], targets: [] }])).toThrow(/not among the units/);
  });
});
