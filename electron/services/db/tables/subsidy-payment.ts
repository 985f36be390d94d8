import type { PaymentKind, PaymentRecord } from '../../../../shared/domain/fipd';
import { command, query, selectList } from '../query';

/**
 * Table `subsidy_payment`: the payments (CP, integer cents) of a subsidy.
 * Triggers keep « paid ≤ granted » true whatever writes the table. The stored
 * row is the record.
 */
export const PAYMENT_COLUMNS = {
  id: 'id',
  subsidyId: 'subsidy_id',
  paidOn: 'paid_on',
  amountCents: 'amount_cents',
  kind: 'kind',
  comment: 'comment',
  createdAt: 'created_at',
} as const;

const SELECT = `SELECT ${selectList(PAYMENT_COLUMNS)} FROM subsidy_payment`;

export const selectPayment = query<PaymentRecord, [id: number]>(`${SELECT} WHERE id = ?`);
export const selectPaymentsOf = query<PaymentRecord, [subsidyId: number]>(`${SELECT} WHERE subsidy_id = ? ORDER BY paid_on, id`);
/** The payments of several subsidies, their ids given as a JSON list. */
export const selectPaymentsOfMany = query<PaymentRecord, [subsidyIdsJson: string]>(
  `${SELECT} WHERE subsidy_id IN (SELECT value FROM json_each(?)) ORDER BY paid_on, id`,
);

export const insertPayment = command<[subsidyId: number, paidOn: string, amountCents: number, kind: PaymentKind, comment: string, createdAt: string]>(
  'INSERT INTO subsidy_payment (subsidy_id, paid_on, amount_cents, kind, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)',
);
export const deletePaymentRow = command<[id: number]>('DELETE FROM subsidy_payment WHERE id = ?');
