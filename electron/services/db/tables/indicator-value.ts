import type { IndicatorValuePayload, IndicatorValueRecord } from '../../../../shared/domain/types';
import type { KeyedTable } from '../../keyed-record';
import { pickColumns, query, selectList } from '../query';

/**
 * Table `indicator_value`: one row per QRR × indicator × quarter; no row means
 * nothing entered. `value` and `target` are JSON (an indicator's parts).
 *
 * The follow-up's saves write through keyed-record with `INDICATOR_VALUES`
 * (services/followup.ts; its lists still run their own SQL): read with
 * `selectValuesOfPeriod` / `selectValuesOfQrr` and `fromRow`.
 */
export const INDICATOR_VALUE_COLUMNS = {
  qrrId: 'qrr_id',
  indicatorCode: 'indicator_code',
  periodCode: 'period_code',
  value: 'value',
  target: 'target',
  comment: 'comment',
  source: 'source',
  updatedAt: 'updated_at',
  updatedBy: 'updated_by',
} as const;

export type IndicatorValueRow = Omit<IndicatorValueRecord, 'value' | 'target' | 'computed'> & {
  readonly value: string | null;
  readonly target: string | null;
};

const encode = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const decode = (v: unknown): IndicatorValuePayload | null => (v === null ? null : (JSON.parse(v as string) as IndicatorValuePayload));

export const fromRow = (row: IndicatorValueRow): IndicatorValueRecord => ({ ...row, value: decode(row.value), target: decode(row.target) });

const SELECT = `SELECT ${selectList(INDICATOR_VALUE_COLUMNS)} FROM indicator_value`;

export const selectValuesOfPeriod = query<IndicatorValueRow, [{ readonly periodCode: string }]>(
  `${SELECT} WHERE period_code = @periodCode ORDER BY qrr_id, indicator_code`,
);
export const selectValuesOfQrr = query<IndicatorValueRow, [{ readonly periodCode: string; readonly qrrId: number }]>(
  `${SELECT} WHERE period_code = @periodCode AND qrr_id = @qrrId ORDER BY qrr_id, indicator_code`,
);
/** One indicator's entered values in a QRR, oldest quarter first (the results' baseline proposals). */
export const selectEnteredValues = query<{ periodCode: string; value: string }, [qrrId: number, indicatorCode: string]>(
  `SELECT period_code AS periodCode, value FROM indicator_value
   WHERE qrr_id = ? AND indicator_code = ? AND value IS NOT NULL ORDER BY period_code`,
);

export type IndicatorValueFields = { value: IndicatorValuePayload | null; target: IndicatorValuePayload | null; comment: string; source: string };

/** The editable columns, for keyed-record's patch-and-audit writes (entity `indicator_value`, id `qrrId|code|period`). */
export const INDICATOR_VALUES: KeyedTable<IndicatorValueFields> = {
  table: 'indicator_value',
  entity: 'indicator_value',
  columns: pickColumns(INDICATOR_VALUE_COLUMNS, ['value', 'target', 'comment', 'source']),
  empty: { value: null, target: null, comment: '', source: '' },
  encode: { value: encode, target: encode },
  decode: { value: decode, target: decode },
};
