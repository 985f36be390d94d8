import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from '../support/property';
import { parisClock, parisIsoDate, parisMidnight, parisOffsetMs, parisWallClockAsUtc } from '../../shared/format/paris-time';

describe('paris-time: the one clock of the application', () => {
  it('reads the Paris calendar day, not the UTC one', () => {
    // 23:30 UTC on 31 December is already New Year's Day in Paris (UTC+1).
    expect(parisIsoDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    // 22:30 UTC in summer is 00:30 the next day in Paris (UTC+2).
    expect(parisIsoDate(new Date('2026-07-14T22:30:00Z'))).toBe('2026-07-15');
    expect(parisIsoDate(new Date('2026-07-14T21:59:59Z'))).toBe('2026-07-14');
  });

  it('gives the wall clock with hours 0–23 (midnight is 0, not 24)', () => {
    expect(parisClock(new Date('2026-01-15T23:00:00Z'))).toEqual({ year: 2026, month: 1, day: 16, hour: 0, minute: 0, second: 0 });
    expect(parisWallClockAsUtc(new Date('2026-07-01T08:30:15.000Z')).toISOString()).toBe('2026-07-01T10:30:15.000Z');
  });

  it('knows summer and winter time, and the days clocks change', () => {
    expect(parisOffsetMs(Date.parse('2026-01-10T12:00:00Z'))).toBe(3_600_000);
    expect(parisOffsetMs(Date.parse('2026-07-10T12:00:00Z'))).toBe(7_200_000);
    // 29 March 2026: 02:00 → 03:00 at 01:00 UTC; 25 October 2026: 03:00 → 02:00 at 01:00 UTC.
    expect(parisOffsetMs(Date.parse('2026-03-29T00:59:59Z'))).toBe(3_600_000);
    expect(parisOffsetMs(Date.parse('2026-03-29T01:00:00Z'))).toBe(7_200_000);
    expect(parisOffsetMs(Date.parse('2026-10-25T00:59:59Z'))).toBe(7_200_000);
    expect(parisOffsetMs(Date.parse('2026-10-25T01:00:00Z'))).toBe(3_600_000);
    expect(new Date(parisMidnight(2026, 3, 29)).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(parisMidnight(2026, 3, 30)).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(parisMidnight(2026, 10, 25)).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it('midnight of the day an instant falls on is at or before it, and less than 25 hours before', () => {
    const instant = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') });
    fc.assert(
      fc.property(instant, (t) => {
        const { year, month, day } = parisClock(new Date(t));
        const midnight = parisMidnight(year, month, day);
        expect(midnight).toBeLessThanOrEqual(t);
        expect(t - midnight).toBeLessThan(25 * 3_600_000);
        expect(parisIsoDate(new Date(midnight))).toBe(parisIsoDate(new Date(t)));
        // The wall clock written as UTC is the instant plus the offset (to the second).
        expect(parisWallClockAsUtc(new Date(t)).getTime()).toBe(Math.floor(t / 1000) * 1000 + parisOffsetMs(t));
      }),
      { numRuns: runs(300) },
    );
  });
});
