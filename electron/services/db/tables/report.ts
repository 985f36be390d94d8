import type { ReportRecord } from '../../../../shared/domain/types';
import { command, query, selectList } from '../query';

/** Table `report`: one row per report PDF produced (its hash, signer, whether it accompanied the transmission). */
export const REPORT_COLUMNS = {
  id: 'id',
  periodCode: 'period_code',
  generatedAt: 'generated_at',
  fileName: 'file_name',
  sha256: 'sha256',
  sizeBytes: 'size_bytes',
  signed: 'signed',
  signer: 'signer',
  transmitted: 'transmitted',
  generatedBy: 'generated_by',
} as const;

/** As stored: the flags are 0 or 1. */
export type ReportRow = Omit<ReportRecord, 'signed' | 'transmitted'> & { readonly signed: 0 | 1; readonly transmitted: 0 | 1 };

export const fromRow = (row: ReportRow): ReportRecord => ({ ...row, signed: row.signed === 1, transmitted: row.transmitted === 1 });

/** The reports of one period, or of all (null), newest first. */
export const selectReports = query<ReportRow, [{ readonly period: string | null }]>(
  `SELECT ${selectList(REPORT_COLUMNS)} FROM report WHERE (@period IS NULL OR period_code = @period) ORDER BY id DESC`,
);

export const selectReport = query<ReportRow, [id: number]>(`SELECT ${selectList(REPORT_COLUMNS)} FROM report WHERE id = ?`);

export const insertReport = command<[Omit<ReportRow, 'id'>]>(
  `INSERT INTO report (period_code, generated_at, file_name, sha256, size_bytes, signed, signer, transmitted, generated_by)
   VALUES (@periodCode, @generatedAt, @fileName, @sha256, @sizeBytes, @signed, @signer, @transmitted, @generatedBy)`,
);
