import { describe, expect, it } from 'vitest';
import referential from '../../seeds/referential.json';
import { indicatorCompleteness } from '../../shared/domain/completeness';
import type { Referential } from '../../shared/referential/types';

const { engagements } = referential as unknown as Referential;

describe('indicator completeness', () => {
  it('counts complete values per engagement and lists what is missing', () => {
    const values: Record<string, Record<string, unknown>> = {
      '01-01': { numerator: 12, denominator: 40 },
      '01-02': { numerator: 3, denominator: null }, // partial: still missing
      '01-03': { count: 0 }, // zero is a value
      '10-01': { state: 'realise' },
    };
    const result = indicatorCompleteness(engagements, (code) => values[code] as never);
    expect(result).toHaveLength(10);
    expect(result[0]).toMatchObject({ engagementCode: '01', filled: 2, total: 7 });
    expect(result[0]!.missing).toEqual(['01-02', '01-04', '01-05', '01-06', '01-07']);
    expect(result[9]).toEqual({ engagementCode: '10', filled: 1, total: 1, missing: [] });
    expect(result.reduce((n, c) => n + c.total, 0)).toBe(56);
    expect(indicatorCompleteness(engagements, () => null).every((c) => c.filled === 0 && c.missing.length === c.total)).toBe(true);
  });
});
