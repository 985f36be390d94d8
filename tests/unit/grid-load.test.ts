import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import referential from '../../seeds/referential.json';
import { decodeIndicatorGrid, encodeIndicatorGrid, fromColumns, sansObjetIndexOf, toColumns } from '../../shared/domain/followup-grid';
import type { IndicatorValueRecord } from '../../shared/domain/types';
import type { Referential } from '../../shared/referential/types';
import { buildRows, sameIndicatorRow, type IndicatorRow } from '../../renderer/src/screens/indicators/indicator-grid-model';
import { keepUnchanged, sameEntries } from '../../renderer/src/grid/stable-rows';
import { runs } from '../support/property';

const { engagements } = referential as unknown as Referential;

const record = (qrrId: number, indicatorCode: string, count: number | null): IndicatorValueRecord => ({
  qrrId,
  indicatorCode,
  periodCode: '2026-T4',
  value: count === null ? null : { count },
  target: null,
  comment: '',
  source: '',
  updatedAt: '2026-11-26T10:00:00.000Z',
  updatedBy: 'agent',
});

describe('a grid load sent as columns', () => {
  it('gives back the very records it was made of, in order, whatever they hold', () => {
    const row = fc.record({ qrrId: fc.integer({ min: 1 }), code: fc.string(), value: fc.option(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.boolean(), fc.string()))) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), (records) => {
        const columns = toColumns(records, ['qrrId', 'code', 'value'] as const);
        expect(columns.qrrId).toHaveLength(records.length);
        expect(fromColumns(columns)).toEqual(records);
      }),
      { numRuns: runs(100) },
    );
  });

  it('indicator values: the quarter filled back in, computed kept, « sans objet » answered for indicators only', () => {
    const computed = { ...record(2, '05-02', null), value: { count: 3, amountCents: 450_000 }, computed: true };
    const load = encodeIndicatorGrid('2026-T4', '2026-T3', [record(2, '01-03', 12), computed], [{ qrrId: 2, indicatorCode: '01-03', value: { count: 9 } }], {
      qrrId: [2],
      code: ['06-05'],
      reason: ['Zone de gendarmerie.'],
    });
    // One array per field: the field names travel once, not once per record.
    expect(Object.keys(load.current).sort()).toEqual(['comment', 'computed', 'indicatorCode', 'qrrId', 'source', 'target', 'updatedAt', 'updatedBy', 'value']);
    const decoded = decodeIndicatorGrid(JSON.parse(JSON.stringify(load)));
    expect(decoded.records).toEqual([{ ...record(2, '01-03', 12), computed: false }, computed]);
    expect(decoded.previous).toEqual([{ qrrId: 2, indicatorCode: '01-03', value: { count: 9 } }]);
    expect(decoded.sansObjet.isSansObjet(2, 'indicator', '06-05')).toBe(true);
    expect(decoded.sansObjet.reasonOf(2, 'indicator', '06-05')).toBe('Zone de gendarmerie.');
    expect(decoded.sansObjet.isSansObjet(3, 'indicator', '06-05')).toBe(false);
    expect(sansObjetIndexOf({ qrrId: [2], code: ['06-05'], reason: ['x'] }).isSansObjet(2, 'action', '06-05')).toBe(false);
  });
});

describe('rows kept when unchanged', () => {
  it('after a save merged, only the saved row is a new object: the grid redraws that row alone', () => {
    const before = [record(1, '01-03', 5), record(1, '01-04', 7), record(2, '01-03', 1)];
    const rows = buildRows(engagements, before, []);
    const saved = record(1, '01-03', 6);
    const after = [...before.filter((r) => !(r.qrrId === 1 && r.indicatorCode === '01-03')), saved];
    const kept = keepUnchanged(buildRows(engagements, after, []), rows, (r: IndicatorRow) => r.id, sameIndicatorRow);
    const renewed = kept.filter((row, i) => row !== rows[i]).map((r) => r.id);
    expect(renewed).toEqual(['01-03']);
    expect(kept.find((r) => r.id === '01-03')).toMatchObject({ records: new Map([[1, saved], [2, before[2]]]) });
  });

  it('maps are the same when they hold the very same values under the same keys', () => {
    const value = { count: 1 };
    expect(sameEntries(new Map([[1, value]]), new Map([[1, value]]))).toBe(true);
    expect(sameEntries(new Map([[1, value]]), new Map([[1, { count: 1 }]]))).toBe(false);
    expect(sameEntries(new Map([[1, undefined]]), new Map([[2, undefined]]))).toBe(false);
    expect(sameEntries(new Map([[1, value]]), new Map())).toBe(false);
  });
});
