import { command, scalar } from '../query';

/** Table `qrr_qpv`: the QPV codes a QRR overlaps; deleted with their QRR (ON DELETE CASCADE). */
export const selectQpvCodes = scalar<string, [qrrId: number]>('SELECT qpv_code FROM qrr_qpv WHERE qrr_id = ? ORDER BY qpv_code');
export const deleteQpvsOf = command<[qrrId: number]>('DELETE FROM qrr_qpv WHERE qrr_id = ?');
export const insertQpv = command<[qrrId: number, qpvCode: string]>('INSERT INTO qrr_qpv (qrr_id, qpv_code) VALUES (?, ?)');
