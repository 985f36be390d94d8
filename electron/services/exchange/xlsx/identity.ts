/** Reading 2: the hidden sheet « _qrr » says the workbook is ours. Part of exchange/xlsx (see index.ts). */
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { EXCHANGE_VERSION, ExchangeDocumentSchema } from '../../../../shared/exchange/format';
import { DomainError } from '../../../../shared/ipc/result';
import { SHEETS, WORKBOOK_FORMAT, WORKBOOK_VERSION } from '../xlsx-layout';
import { plainCell } from '../xlsx-cells';
import { WORKBOOK_MESSAGES } from './common';

const IdentitySchema = z.object({
  format: z.literal(WORKBOOK_FORMAT),
  version: z.number().int().min(1),
  exchangeVersion: z.number().int().min(1),
  referentialVersion: ExchangeDocumentSchema.shape.referentialVersion,
  departement: ExchangeDocumentSchema.shape.departement,
  sender: ExchangeDocumentSchema.shape.sender,
  exportedAt: ExchangeDocumentSchema.shape.exportedAt,
  scope: ExchangeDocumentSchema.shape.scope,
  qrrs: ExchangeDocumentSchema.shape.qrrs,
  periods: ExchangeDocumentSchema.shape.periods,
});
export type Identity = z.infer<typeof IdentitySchema>;

const IDENTITY_FIELDS: Readonly<Record<string, string>> = {
  version: 'version',
  exchangeVersion: 'version du format',
  referentialVersion: 'version du référentiel',
  departement: 'département',
  sender: 'expéditeur',
  exportedAt: "date d'export",
  scope: 'trimestres exportés',
  qrrs: 'quartiers',
  periods: 'trimestres',
};

export function readIdentity(workbook: ExcelJS.Workbook): Identity {
  const sheet = workbook.getWorksheet(SHEETS.identity);
  if (!sheet) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.notOurs);
  const raw: Record<string, unknown> = {};
  const broken: string[] = [];
  sheet.eachRow((row) => {
    const key = plainCell(row.getCell(1).value);
    if (!key.ok || typeof key.value !== 'string') return;
    let text = '';
    for (let c = 2; c <= row.cellCount; c++) {
      const v = plainCell(row.getCell(c).value);
      if (v.ok && typeof v.value === 'string') text += v.value;
    }
    try {
      raw[key.value] = JSON.parse(text);
    } catch {
      broken.push(key.value);
    }
  });
  if (raw.format !== WORKBOOK_FORMAT) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.notOurs);
  const newer = (v: unknown, ours: number): boolean => typeof v === 'number' && v > ours;
  if (newer(raw.version, WORKBOOK_VERSION) || newer(raw.exchangeVersion, EXCHANGE_VERSION)) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.newer);
  if (broken.length > 0) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.identityDamaged(broken.map((k) => IDENTITY_FIELDS[k] ?? k).join(', ')));
  const parsed = IdentitySchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].map((k) => IDENTITY_FIELDS[k] ?? k);
    throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.identityDamaged(fields.join(', ')));
  }
  if (parsed.data.exchangeVersion !== EXCHANGE_VERSION) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.identityDamaged('version du format'));
  return parsed.data;
}
