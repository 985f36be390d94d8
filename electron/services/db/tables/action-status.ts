import type { ActionStatus, ActionStatusRecord } from '../../../../shared/domain/types';
import type { KeyedTable } from '../../keyed-record';
import { pickColumns, query, selectList } from '../query';

/**
 * Table `action_status`: one row per QRR × action × quarter; no row means
 * nothing entered. The stored row is the record (nothing to decode).
 *
 * The follow-up's saves write through keyed-record with `ACTION_STATUSES`
 * (services/followup.ts; its lists still run their own SQL): read with
 * `selectStatusesOfPeriod` / `selectStatusesOfQrr`.
 */
export const ACTION_STATUS_COLUMNS = {
  qrrId: 'qrr_id',
  actionCode: 'action_code',
  periodCode: 'period_code',
  status: 'status',
  comment: 'comment',
  referent: 'referent',
  updatedAt: 'updated_at',
  updatedBy: 'updated_by',
} as const;

const SELECT = `SELECT ${selectList(ACTION_STATUS_COLUMNS)} FROM action_status`;

export const selectStatusesOfPeriod = query<ActionStatusRecord, [{ readonly periodCode: string }]>(
  `${SELECT} WHERE period_code = @periodCode ORDER BY qrr_id, action_code`,
);
export const selectStatusesOfQrr = query<ActionStatusRecord, [{ readonly periodCode: string; readonly qrrId: number }]>(
  `${SELECT} WHERE period_code = @periodCode AND qrr_id = @qrrId ORDER BY qrr_id, action_code`,
);

export type ActionStatusFields = { status: ActionStatus | null; comment: string; referent: string };

/** The editable columns, for keyed-record's patch-and-audit writes (entity `action_status`, id `qrrId|code|period`). */
export const ACTION_STATUSES: KeyedTable<ActionStatusFields> = {
  table: 'action_status',
  entity: 'action_status',
  columns: pickColumns(ACTION_STATUS_COLUMNS, ['status', 'comment', 'referent']),
  empty: { status: null, comment: '', referent: '' },
};
