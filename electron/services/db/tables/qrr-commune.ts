import { command, scalar } from '../query';

/** Table `qrr_commune`: the communes (INSEE codes) a QRR covers; deleted with their QRR (ON DELETE CASCADE). */
export const selectCommuneCodes = scalar<string, [qrrId: number]>('SELECT insee_code FROM qrr_commune WHERE qrr_id = ? ORDER BY insee_code');
export const deleteCommunesOf = command<[qrrId: number]>('DELETE FROM qrr_commune WHERE qrr_id = ?');
export const insertCommune = command<[qrrId: number, inseeCode: string]>('INSERT INTO qrr_commune (qrr_id, insee_code) VALUES (?, ?)');
