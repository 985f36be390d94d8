import type { SansObjetDecision, SansObjetItemType } from '../../../../shared/domain/sans-objet';
import { command, query, selectList } from '../query';

/**
 * Table `sans_objet`: the user's « sans objet » decisions per QRR × indicator
 * or action. No row: as proposed from the QRR's characteristics; a row: the
 * user decided (applies 1: sans objet, 0: the proposal is lifted), with a reason.
 */
export const SANS_OBJET_COLUMNS = {
  qrrId: 'qrr_id',
  itemType: 'item_type',
  code: 'code',
  applies: 'applies',
  reason: 'reason',
  updatedAt: 'updated_at',
  updatedBy: 'updated_by',
} as const;

export type SansObjetRow = Omit<SansObjetDecision, 'applies'> & { readonly applies: 0 | 1 };

export const fromRow = (row: SansObjetRow): SansObjetDecision => ({ ...row, applies: row.applies === 1 });

export const selectSansObjetDecisions = query<SansObjetRow, []>(
  `SELECT ${selectList(SANS_OBJET_COLUMNS)} FROM sans_objet ORDER BY qrr_id, item_type, code`,
);

/** The decisions of the listed QRRs only (a grid's quartiers), the list as JSON: one statement whatever its length. */
export const selectSansObjetDecisionsOf = query<SansObjetRow, [qrrIdsJson: string]>(
  `SELECT ${selectList(SANS_OBJET_COLUMNS)} FROM sans_objet WHERE qrr_id IN (SELECT value FROM json_each(?)) ORDER BY qrr_id, item_type, code`,
);

export const upsertSansObjet = command<
  [qrrId: number, itemType: SansObjetItemType, code: string, applies: 0 | 1, reason: string, updatedAt: string, updatedBy: string]
>(
  `INSERT INTO sans_objet (qrr_id, item_type, code, applies, reason, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (qrr_id, item_type, code) DO UPDATE SET applies = excluded.applies, reason = excluded.reason,
     updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
);
