import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import referential from '../../seeds/referential.json';
import type { IndicatorValueRecord } from '../../shared/domain/types';
import type { Referential } from '../../shared/referential/types';
import { buildRows, carryOverWrites, partColId, planWrites } from '../../renderer/src/screens/indicators/indicator-grid-model';
import { actionColId, buildActionRows, planActionWrites } from '../../renderer/src/screens/actions/action-grid-model';
import { pasteTarget, rectOf } from '../../renderer/src/grid/selection';

const { engagements } = referential as unknown as Referential;
const record = (indicatorCode: string, value: Record<string, unknown> | null, qrrId = 1): IndicatorValueRecord => ({
  qrrId,
  indicatorCode,
  periodCode: '2026-T4',
  value: value as never,
  target: null,
  comment: '',
  source: '',
  updatedAt: '2026-11-26T10:00:00Z',
  updatedBy: 'agent',
});

describe('indicator grid model', () => {
  it('groups the 56 indicators under their 10 engagements', () => {
    const rows = buildRows(engagements, [], []);
    expect(rows.filter((r) => r.type === 'group')).toHaveLength(10);
    expect(rows.filter((r) => r.type === 'indicator')).toHaveLength(56);
    expect(buildRows(engagements, [], [], { onlyMissing: new Set(['01-02', '10-01']) }).map((r) => r.id)).toEqual([
      'engagement-01',
      '01-02',
      'engagement-10',
      '10-01',
    ]);
  });

  it('turns cell texts into validated changes, refusing bad cells and broken rules with French reasons', () => {
    const rows = buildRows(engagements, [record('01-01', { numerator: 10, denominator: 40 })], []);
    const { changes, rejected } = planWrites(rows, [
      { rowId: '01-01', colId: partColId(1, 0), text: '12' },
      { rowId: '01-03', colId: partColId(1, 0), text: '1 250' },
      { rowId: '01-04', colId: partColId(1, 0), text: 'douze' },
      { rowId: '01-02', colId: partColId(1, 0), text: '50' },
      { rowId: '01-02', colId: partColId(1, 1), text: '40' },
      { rowId: '05-02', colId: partColId(1, 1), text: '1 234,56 €' },
      { rowId: '05-02', colId: '1:comment', text: ' Source : DDFiP ' },
    ]);
    expect(changes).toEqual([
      { qrrId: 1, indicatorCode: '01-01', value: { numerator: 12, denominator: 40 }, before: { value: { numerator: 10, denominator: 40 }, comment: '' } },
      { qrrId: 1, indicatorCode: '01-03', value: { count: 1250 }, before: { value: null, comment: '' } },
      { qrrId: 1, indicatorCode: '05-02', value: { count: null, amountCents: 123456 }, comment: 'Source : DDFiP', before: { value: null, comment: '' } },
    ]);
    expect(rejected.map((r) => [r.rowId, r.colId])).toEqual([
      ['01-04', '1:p0'],
      ['01-02', '1:p0'],
      ['01-02', '1:p1'],
    ]);
    expect(rejected[0]!.reason).toBe("Nombre : « douze » n'est pas un nombre.");
    expect(rejected[1]!.reason).toMatch(/ne peut pas dépasser le dénominateur/);
  });

  it('clearing every part of a value removes it; writing the same value changes nothing', () => {
    const rows = buildRows(engagements, [record('01-03', { count: 5 })], []);
    expect(planWrites(rows, [{ rowId: '01-03', colId: partColId(1, 0), text: '' }]).changes).toEqual([
      { qrrId: 1, indicatorCode: '01-03', value: null, before: { value: { count: 5 }, comment: '' } },
    ]);
    expect(planWrites(rows, [{ rowId: '01-03', colId: partColId(1, 0), text: '5' }]).changes).toEqual([]);
  });

  it('carries last quarter over only into empty cells', () => {
    const rows = buildRows(
      engagements,
      [record('01-03', { count: 9 })],
      [record('01-03', { count: 5 }), record('01-01', { numerator: 3, denominator: 4 }), record('02-01', { state: 'en_cours' })],
    );
    const { writes, copied, kept } = carryOverWrites(rows, [1]);
    expect({ copied, kept }).toEqual({ copied: 2, kept: 1 });
    expect(writes).toEqual([
      { rowId: '01-01', colId: '1:p0', text: '3' },
      { rowId: '01-01', colId: '1:p1', text: '4' },
      { rowId: '02-01', colId: '1:p0', text: 'En cours' },
    ]);
    // What carry-over writes, planWrites accepts as the same values.
    expect(planWrites(rows, writes).changes.map((c) => c.value)).toEqual([{ numerator: 3, denominator: 4 }, { state: 'en_cours' }]);
  });
});

describe('action grid model', () => {
  it('plans status, référent and comment changes per cell', () => {
    const rows = buildActionRows(engagements, [], []);
    const { changes, rejected } = planActionWrites(rows, [
      { rowId: '04-06 bis', colId: actionColId(2, 'status'), text: 'Réalisée' },
      { rowId: '04-06 bis', colId: actionColId(2, 'referent'), text: ' DASEN ' },
      { rowId: '01-01', colId: actionColId(2, 'status'), text: 'presque' },
      { rowId: '01-02', colId: actionColId(2, 'status'), text: '' },
    ]);
    expect(changes).toEqual([{ qrrId: 2, actionCode: '04-06 bis', after: { status: 'realisee', referent: 'DASEN' }, before: { status: null, referent: '' } }]);
    expect(rejected).toHaveLength(1);
  });
});

describe('paste target', () => {
  it('places a block at the top-left of the selection, or repeats a single cell over it', () => {
    expect(pasteTarget(rectOf({ row: 3, col: 2 }, { row: 3, col: 2 }), 5, 3)).toEqual({ rect: { top: 3, left: 2, bottom: 7, right: 4 }, repeat: false });
    expect(pasteTarget(rectOf({ row: 5, col: 4 }, { row: 2, col: 1 }), 1, 1)).toEqual({ rect: { top: 2, left: 1, bottom: 5, right: 4 }, repeat: true });
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50), (a, b, c, d) => {
        const r = rectOf({ row: a, col: b }, { row: c, col: d });
        expect(r.top <= r.bottom && r.left <= r.right).toBe(true);
      }),
    );
  });
});
