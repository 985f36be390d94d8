/**
 * What a follow-up grid (Indicateurs, Actions) loads for a quarter: the
 * records of the quartiers shown only — not every quartier of the base —
 * sent as columns (one array per field) instead of one object per record,
 * and for the quarter before only the field the grid shows of it. At
 * national scale (1,600 quartiers) showing one quartier moves 56 records,
 * not 89,600. Pure: main encodes, the renderer decodes.
 */
import type { SansObjetIndex } from './sans-objet';
import type { ActionStatusRecord, IndicatorValueRecord, Qrr } from './types';

/** What the quartier choice of a grid needs of a quartier. */
export type QrrName = Pick<Qrr, 'id' | 'name'>;

/** The active quartiers, in the order of the quartier list, as columns (a national base has about 1,600). */
export type QrrNames = Columns<QrrName>;

export const decodeQrrNames = (names: QrrNames): QrrName[] => fromColumns(names);

/** Indicators « sans objet » of the quartiers loaded, with their reason (shared/domain/sans-objet.ts). */
export interface SansObjetColumns {
  readonly qrrId: readonly number[];
  readonly code: readonly string[];
  readonly reason: readonly string[];
}

/** The SansObjetIndex of the indicators sent (actions are not asked about: the index answers « applies »). */
export function sansObjetIndexOf(columns: SansObjetColumns): SansObjetIndex {
  const reasons = new Map(columns.code.map((code, i) => [`${columns.qrrId[i]}|${code}`, columns.reason[i]!] as const));
  return {
    reasonOf: (qrrId, itemType, code) => (itemType === 'indicator' ? (reasons.get(`${qrrId}|${code}`) ?? null) : null),
    isSansObjet: (qrrId, itemType, code) => itemType === 'indicator' && reasons.has(`${qrrId}|${code}`),
  };
}

/** A list of records as one array per field (same length, same order). */
export type Columns<T> = { readonly [K in keyof T]-?: readonly T[K][] };

export function toColumns<T extends object, K extends keyof T>(records: readonly T[], keys: readonly K[]): Columns<Pick<T, K>> {
  const out = {} as Record<K, unknown[]>;
  for (const key of keys) out[key] = records.map((record) => record[key]);
  return out as unknown as Columns<Pick<T, K>>;
}

export function fromColumns<T extends object>(columns: Columns<T>, extra: Partial<T> = {}): T[] {
  const keys = Object.keys(columns) as (keyof T)[];
  const length = keys.length === 0 ? 0 : (columns[keys[0]!] as readonly unknown[]).length;
  return Array.from({ length }, (_, i) => {
    const record = { ...extra } as Record<keyof T, unknown>;
    for (const key of keys) record[key] = (columns[key] as readonly unknown[])[i];
    return record as T;
  });
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

export type IndicatorGridLoad = GridLoad<Columns<Pick<IndicatorGridRecord, (typeof INDICATOR_GRID_FIELDS)[number] & keyof IndicatorGridRecord>>, Columns<PreviousIndicatorRecord>> & {
  /** Completeness leaves these out (the dashboard and the transmission check do too). */
  readonly sansObjet: SansObjetColumns;
};
export type ActionGridLoad = GridLoad<Columns<Pick<ActionStatusRecord, (typeof ACTION_GRID_FIELDS)[number]>>, Columns<PreviousActionRecord>>;

export function encodeIndicatorGrid(
  periodCode: string,
  previousCode: string | null,
  current: readonly IndicatorValueRecord[],
  previous: readonly PreviousIndicatorRecord[],
  sansObjet: SansObjetColumns,
): IndicatorGridLoad {
  const withComputed = current.map((r) => (r.computed === true ? r : { ...r, computed: false })) as IndicatorGridRecord[];
  return { periodCode, previousCode, current: toColumns(withComputed, INDICATOR_GRID_FIELDS), previous: toColumns(previous, INDICATOR_PREVIOUS_FIELDS), sansObjet };
}

export function decodeIndicatorGrid(load: IndicatorGridLoad): { records: IndicatorValueRecord[]; previous: PreviousIndicatorRecord[]; sansObjet: SansObjetIndex } {
  return {
    records: fromColumns<IndicatorValueRecord>(load.current as Columns<IndicatorValueRecord>, { periodCode: load.periodCode }),
    previous: fromColumns(load.previous),
    sansObjet: sansObjetIndexOf(load.sansObjet),
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
