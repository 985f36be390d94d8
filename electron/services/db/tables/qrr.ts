import type { Qrr, SecurityZone } from '../../../../shared/domain/types';
import { command, query, scalar, selectList } from '../query';

/** Table `qrr`: one row per quartier de reconquête républicaine (its communes and QPV: qrr-commune.ts, qrr-qpv.ts). */
export const QRR_COLUMNS = {
  id: 'id',
  name: 'name',
  securityZone: 'security_zone',
  wave: 'wave',
  deleguePrefet: 'delegue_prefet',
  referents: 'referents',
  population: 'population',
  notes: 'notes',
  archivedAt: 'archived_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

/** The record without its lists; `hasData` is 1 when the QRR holds follow-up data or credits (then it is archived, never deleted). */
export type QrrRow = Omit<Qrr, 'communes' | 'qpvCodes' | 'hasData'> & { readonly hasData: 0 | 1 };

export type QrrRecordRow = Omit<Qrr, 'communes' | 'qpvCodes'>;

export const fromRow = (row: QrrRow): QrrRecordRow => ({ ...row, hasData: row.hasData === 1 });

const SELECT = `SELECT ${selectList(QRR_COLUMNS)},
  (EXISTS (SELECT 1 FROM indicator_value v WHERE v.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM action_status s WHERE s.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM assessment a WHERE a.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM subsidy sub WHERE sub.qrr_id = qrr.id)
   OR EXISTS (SELECT 1 FROM fipd_envelope env WHERE env.qrr_id = qrr.id)) AS hasData
  FROM qrr`;

export const selectQrr = query<QrrRow, [id: number]>(`${SELECT} WHERE id = ?`);
/** Every QRR (1) or the active ones only (0). */
export const selectQrrs = query<QrrRow, [includeArchived: 0 | 1]>(`${SELECT} WHERE (? OR archived_at IS NULL)`);

/** What a write checks first: does the QRR exist, is it archived. */
export const selectQrrState = query<{ name: string; archivedAt: string | null }, [id: number]>(
  'SELECT name, archived_at AS archivedAt FROM qrr WHERE id = ?',
);
export const selectQrrName = scalar<string, [id: number]>('SELECT name FROM qrr WHERE id = ?');
/** Another QRR of that name, ignoring case (selfId: the QRR being renamed, or null). */
export const selectQrrNameClash = query<{ id: number }, [name: string, selfId: number | null]>(
  'SELECT id FROM qrr WHERE name = ? COLLATE NOCASE AND id IS NOT ?',
);
export const countQrrs = scalar<number, []>('SELECT count(*) FROM qrr');
export const selectActiveQrrIds = scalar<number, []>('SELECT id FROM qrr WHERE archived_at IS NULL ORDER BY id');
/** What the « sans objet » proposals depend on. */
export const selectQrrCharacteristics = query<{ id: number; securityZone: SecurityZone | null }, []>(
  'SELECT id, security_zone AS securityZone FROM qrr ORDER BY id',
);

/** The same, for the listed QRRs only (their ids as a JSON array). */
export const selectQrrCharacteristicsOf = query<{ id: number; securityZone: SecurityZone | null }, [qrrIdsJson: string]>(
  'SELECT id, security_zone AS securityZone FROM qrr WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
);

export const insertQrr = command<[name: string, createdAt: string, updatedAt: string]>(
  'INSERT INTO qrr (name, created_at, updated_at) VALUES (?, ?, ?)',
);
export type QrrFieldsParams = Pick<QrrRow, 'id' | 'name' | 'securityZone' | 'wave' | 'deleguePrefet' | 'referents' | 'population' | 'notes'> & {
  readonly at: string;
};
export const updateQrrFields = command<[QrrFieldsParams]>(
  `UPDATE qrr SET name = @name, security_zone = @securityZone, wave = @wave, delegue_prefet = @deleguePrefet,
     referents = @referents, population = @population, notes = @notes, updated_at = @at WHERE id = @id`,
);
export const updateQrrArchived = command<[archivedAt: string | null, updatedAt: string, id: number]>(
  'UPDATE qrr SET archived_at = ?, updated_at = ? WHERE id = ?',
);
export const deleteQrr = command<[id: number]>('DELETE FROM qrr WHERE id = ?');
