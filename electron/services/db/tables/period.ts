import type { PeriodState } from '../../../../shared/domain/period';
import { command, query, scalar, selectList } from '../query';

/** Table `period`: the quarters opened, their state (open, transmitted, reopened) and when it changed. */
export const PERIOD_COLUMNS = {
  code: 'code',
  state: 'state',
  createdAt: 'created_at',
  transmittedAt: 'transmitted_at',
  reopenedAt: 'reopened_at',
  reopenReason: 'reopen_reason',
} as const;

export interface PeriodRow {
  readonly code: string;
  readonly state: PeriodState;
  readonly createdAt: string;
  readonly transmittedAt: string | null;
  readonly reopenedAt: string | null;
  readonly reopenReason: string | null;
}

const SELECT = `SELECT ${selectList(PERIOD_COLUMNS)} FROM period`;

export const selectPeriod = query<PeriodRow, [code: string]>(`${SELECT} WHERE code = ?`);
export const selectPeriods = query<PeriodRow, []>(`${SELECT} ORDER BY code DESC`);
export const selectPeriodState = scalar<PeriodState, [code: string]>('SELECT state FROM period WHERE code = ?');

export const insertOpenPeriod = command<[code: string, createdAt: string]>(`INSERT INTO period (code, state, created_at) VALUES (?, 'open', ?)`);
export const markTransmitted = command<[transmittedAt: string, code: string]>(`UPDATE period SET state = 'transmitted', transmitted_at = ? WHERE code = ?`);
export const markReopened = command<[reopenedAt: string, reason: string, code: string]>(
  `UPDATE period SET state = 'reopened', reopened_at = ?, reopen_reason = ? WHERE code = ?`,
);
