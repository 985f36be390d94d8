import type { IndicatorTarget } from '../../../../shared/domain/targets';
import { command, query, selectList } from '../query';

/** Table `indicator_target`: baseline and target per QRR × indicator (PILOTE-style, not per quarter). */
export const INDICATOR_TARGET_COLUMNS = {
  qrrId: 'qrr_id',
  indicatorCode: 'indicator_code',
  initialValue: 'initial_value',
  initialDate: 'initial_date',
  targetValue: 'target_value',
  targetDeadline: 'target_deadline',
  origin: 'origin',
} as const;

/** The stored row is the record without what the référentiel adds (the circular's wording) and `stored`. */
export type TargetRow = Omit<IndicatorTarget, 'quote' | 'stored'>;

export const selectTargets = query<TargetRow, []>(
  `SELECT ${selectList(INDICATOR_TARGET_COLUMNS)} FROM indicator_target ORDER BY qrr_id, indicator_code`,
);

export const upsertTarget = command<[TargetRow & { readonly at: string; readonly by: string }]>(
  `INSERT INTO indicator_target (qrr_id, indicator_code, initial_value, initial_date, target_value, target_deadline, origin, updated_at, updated_by)
   VALUES (@qrrId, @indicatorCode, @initialValue, @initialDate, @targetValue, @targetDeadline, @origin, @at, @by)
   ON CONFLICT (qrr_id, indicator_code) DO UPDATE SET initial_value = excluded.initial_value, initial_date = excluded.initial_date,
     target_value = excluded.target_value, target_deadline = excluded.target_deadline, origin = excluded.origin,
     updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
);
