import { command, query, selectList } from '../query';

/** Table `settings`: the one row (id = 1) naming the département and its signatories. */
export const SETTINGS_COLUMNS = {
  departementCode: 'departement_code',
  prefetName: 'prefet_name',
  coordinatorName: 'coordinator_name',
  updatedAt: 'updated_at',
} as const;

/** The stored row is the record: nothing to decode. */
export interface SettingsRow {
  readonly departementCode: string;
  readonly prefetName: string;
  readonly coordinatorName: string;
  readonly updatedAt: string;
}

export const selectSettings = query<SettingsRow, []>(`SELECT ${selectList(SETTINGS_COLUMNS)} FROM settings WHERE id = 1`);

/** The département alone (backups read it from databases of any schema version that has the table). */
export const selectDepartementCode = query<{ departement_code: string }, []>('SELECT departement_code FROM settings WHERE id = 1');

export const upsertSettings = command<[SettingsRow]>(
  `INSERT INTO settings (id, departement_code, prefet_name, coordinator_name, updated_at)
   VALUES (1, @departementCode, @prefetName, @coordinatorName, @updatedAt)
   ON CONFLICT (id) DO UPDATE SET departement_code = excluded.departement_code,
     prefet_name = excluded.prefet_name, coordinator_name = excluded.coordinator_name,
     updated_at = excluded.updated_at`,
);
