/**
 * What a follow-up grid (Indicateurs, Actions) loads for a quarter: the
 * records of the quartiers shown only — not every quartier of the base —
 * sent as columns (one array per field) instead of one object per record,
 * and for the quarter before only the field the grid shows of it. At
 * national scale (1,600 quartiers) showing one quartier moves 56 records,
 * not 89,600. Pure: main encodes, the renderer decodes.
 */
import type { ActionStatusRecord, IndicatorValueRecord } from './types';

/** A list of records as one array per field (same length, same order). */
export type Columns<T> = { readonly [K in keyof T]-?: readonly T[K][] };

export function toColumns<T extends object, K extends keyof T>(records: readonly T[], keys: readonly K[]): Columns<Pick<T, K>> {
  const out = {} as Record<K, unknown[]>;
  for (const key of keys) out[key] = new Array<unknown>(records.length);
  records.forEach((record, i) => {
    for (const key of keys) out[key][i] = record[key];
  });
  return out as unknown as Columns<Pick<T, K>>;
}

export function fromColumns<T extends object>(columns: Columns<T>, extra: Partial<T> = {}): T[] {
  const keys = Object.keys(columns) as (keyof T)[];
  const length = keys.length === 0 ? 0 : (columns[keys[0]!] as readonly unknown[]).length;
  const out = new Array<T>(length);
  for (let i = 0; i < length; i++) {
    const record = { ...extra } as Record<keyof T, unknown>;
    for (const key of keys) record[key] = (columns[key] as readonly unknown[])[i];
    out[i] = record as T;
  }
  return out;
}

/** The fields of a quarter's indicator values the screen uses (the grid, the cell's detail); the quarter is the request's. */
export const INDICATOR_GRID_FIELDS = ['qrrId', 'indicatorCode', 'value', 'target', 'comment', 'source', 'updatedAt', 'updatedBy', 'computed'] as const;
/** Of the quarter before: what the « Trimestre précédent », « Évolution » columns and « Reprendre » use. */
export const INDICATOR_PREVIOUS_FIELDS = ['qrrId', 'indicatorCode', 'value'] as const;
export const ACTION_GRID_FIELDS = ['qrrId', 'actionCode', 'status', 'comment', 'referent', 'updatedAt', 'updatedBy'] as const;
export const ACTION_PREVIOUS_FIELDS = ['qrrId', 'actionCode', 'status'] as const;

export type IndicatorGridRecord = Omit<IndicatorValueRecord, 'computed'> & { readonly computed: boolean };
export type PreviousIndicatorRecord = Pick<IndicatorValueRecord, (typeof INDICATOR_PREVIOUS_FIELDS)[number]>;
export type PreviousActionRecord = Pick<ActionStatusRecord, (typeof ACTION_PREVIOUS_FIELDS)[number]>;

/** A grid's load: the quarter's records and the previous quarter's (empty when that quarter was never opened). */
export interface GridLoad<C, P> {
  readonly periodCode: string;
  /** The quarter before, when it was opened; null otherwise. */
  readonly previousCode: string | null;
  readonly current: C;
  readonly previous: P;
}

export type IndicatorGridLoad = GridLoad<Columns<Pick<IndicatorGridRecord, (typeof INDICATOR_GRID_FIELDS)[number] & keyof IndicatorGridRecord>>, Columns<PreviousIndicatorRecord>>;
export type ActionGridLoad = GridLoad<Columns<Pick<ActionStatusRecord, (typeof ACTION_GRID_FIELDS)[number]>>, Columns<PreviousActionRecord>>;

export function encodeIndicatorGrid(
  periodCode: string,
  previousCode: string | null,
  current: readonly IndicatorValueRecord[],
  previous: readonly PreviousIndicatorRecord[],
): IndicatorGridLoad {
  const withComputed = current.map((r) => (r.computed === true ? r : { ...r, computed: false })) as IndicatorGridRecord[];
  return { periodCode, previousCode, current: toColumns(withComputed, INDICATOR_GRID_FIELDS), previous: toColumns(previous, INDICATOR_PREVIOUS_FIELDS) };
}

export function decodeIndicatorGrid(load: IndicatorGridLoad): { records: IndicatorValueRecord[]; previous: PreviousIndicatorRecord[] } {
  return {
    records: fromColumns<IndicatorValueRecord>(load.current as Columns<IndicatorValueRecord>, { periodCode: load.periodCode }),
    previous: fromColumns(load.previous),
  };
}

export function encodeActionGrid(
  periodCode: string,
  previousCode: string | null,
  current: readonly ActionStatusRecord[],
  previous: readonly PreviousActionRecord[],
): ActionGridLoad {
  return { periodCode, previousCode, current: toColumns(current, ACTION_GRID_FIELDS), previous: toColumns(previous, ACTION_PREVIOUS_FIELDS) };
}

export function decodeActionGrid(load: ActionGridLoad): { records: ActionStatusRecord[]; previous: PreviousActionRecord[] } {
  return {
    records: fromColumns<ActionStatusRecord>(load.current as Columns<ActionStatusRecord>, { periodCode: load.periodCode }),
    previous: fromColumns(load.previous),
  };
}
