import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTsv, toTsv } from '../../shared/format/tsv';

describe('TSV from and to spreadsheets', () => {
  it('reads what Excel and LibreOffice put on the clipboard', () => {
    expect(parseTsv('12\t40\r\n1 250\t\r\n')).toEqual([
      ['12', '40'],
      ['1 250', ''],
    ]);
    expect(parseTsv('a\tb\nc\td')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseTsv('"ligne 1\r\nligne 2"\t"il dit ""oui"""\r\n')).toEqual([['ligne 1\r\nligne 2', 'il dit "oui"']]);
    expect(parseTsv('"12" cm\tx')).toEqual([['"12" cm', 'x']]);
    expect(parseTsv('seul')).toEqual([['seul']]);
    expect(parseTsv('')).toEqual([]);
    expect(parseTsv('\t\r\n')).toEqual([['', '']]);
  });

  it('round-trips any grid of cells', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ' ', '\t', '\n', '\r', '"', '1', ',', '€', '\u202f') });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 5 })), (rows) => {
        // A row made of one empty cell is indistinguishable from a blank line, as in Excel.
        fc.pre(!rows.some((r) => r.length === 1 && r[0] === ''));
        expect(parseTsv(toTsv(rows))).toEqual(rows);
      }),
    );
  });
});
