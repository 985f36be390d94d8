import path from 'node:path';
import ExcelJS from 'exceljs';
import {
  DECISION_KIND_LABELS,
  FUNDING_SOURCE_LABELS,
  SUBSIDY_STATUS_LABELS,
  formatSiret,
  type SubsidyFilters,
  type SubsidyRecord,
} from '../../../shared/domain/fipd';
import type { ServiceContext } from '../context';
import { createQrrService } from '../qrr';
import type { Geography } from '../geography';
import { neutraliseFormula } from '../../../shared/format/spreadsheet-text';
import { listSubsidies } from './subsidies';
import { writeFileAtomic } from '../atomic-write';

/**
 * The subsidies shown (same filters as the screen) as a file in the « exports »
 * folder beside the database: CSV for any tool (semicolons, UTF-8 with BOM,
 * French decimals, as Excel in French expects) or a real .xlsx with numbers
 * and dates typed, through exceljs. Texts are never formulas: neutralised
 * in CSV (shared/format/spreadsheet-text.ts), plain string cells in .xlsx
 * (exceljs writes a string as a shared string, never a formula).
 */
type Cell = string | number | Date | null;
interface Column {
  readonly header: string;
  readonly width: number;
  readonly value: (s: SubsidyRecord, qrrName: (id: number) => string) => Cell;
  readonly kind?: 'euros' | 'date';
}

const euros = (cents: number) => cents / 100;
const date = (iso: string | null) => (iso ? new Date(`${iso}T00:00:00Z`) : null);

const COLUMNS: readonly Column[] = [
  { header: 'N°', width: 6, value: (s) => s.id },
  { header: 'Année', width: 8, value: (s) => s.budgetYear },
  { header: 'Quartier', width: 24, value: (s, q) => q(s.qrrId) },
  { header: 'Source', width: 12, value: (s) => FUNDING_SOURCE_LABELS[s.source] },
  { header: 'Association', width: 30, value: (s) => s.beneficiaryName },
  { header: 'SIRET', width: 18, value: (s) => (s.siret ? formatSiret(s.siret) : '') },
  { header: 'RNA', width: 12, value: (s) => s.rna ?? '' },
  { header: 'Intitulé', width: 36, value: (s) => s.title },
  { header: 'Actions', width: 12, value: (s) => s.actionCodes.join(', ') },
  { header: 'Demandé (€)', width: 14, value: (s) => euros(s.requestedCents), kind: 'euros' },
  { header: 'Attribué (€)', width: 14, value: (s) => euros(s.grantedCents), kind: 'euros' },
  { header: 'Cofinancement (€)', width: 16, value: (s) => euros(s.cofinancingCents), kind: 'euros' },
  { header: 'Versé (€)', width: 14, value: (s) => euros(s.paidCents), kind: 'euros' },
  { header: 'Statut', width: 12, value: (s) => SUBSIDY_STATUS_LABELS[s.status] },
  { header: 'Décision', width: 12, value: (s) => (s.decisionKind ? DECISION_KIND_LABELS[s.decisionKind] : '') },
  { header: 'N° de décision', width: 16, value: (s) => s.decisionNumber },
  { header: 'Date de décision', width: 14, value: (s) => date(s.decisionDate), kind: 'date' },
  { header: 'EJ Chorus', width: 14, value: (s) => s.chorusEj },
  { header: 'Compte-rendu dû le', width: 16, value: (s) => date(s.reportDueDate), kind: 'date' },
  { header: 'Compte-rendu reçu le', width: 16, value: (s) => date(s.reportReceivedDate), kind: 'date' },
  { header: 'Alertes', width: 40, value: (s) => s.flags.map((f) => f.message).join(' ') },
  { header: 'Commentaire', width: 30, value: (s) => s.comment },
];

const csvCell = (value: Cell, kind?: Column['kind']): string => {
  if (value === null) return '';
  let text: string;
  if (value instanceof Date) text = value.toLocaleDateString('fr-FR', { timeZone: 'UTC' });
  else if (typeof value === 'number') text = kind === 'euros' ? value.toFixed(2).replace('.', ',') : String(value);
  // A text that a spreadsheet would run as a formula is written as text (numbers and dates above stay as they are).
  else text = neutraliseFormula(value);
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export async function exportSubsidies(
  ctx: ServiceContext,
  geography: Geography,
  options: { readonly filters: SubsidyFilters; readonly format: 'csv' | 'xlsx'; readonly outputDir: string },
): Promise<{ readonly path: string; readonly fileName: string; readonly lines: number }> {
  const subsidies = listSubsidies(ctx, options.filters);
  const names = new Map(createQrrService(geography).list(ctx, { includeArchived: true }).map((q) => [q.id, q.name]));
  const qrrName = (id: number) => names.get(id) ?? `QRR n° ${id}`;
  const stamp = ctx.now().toISOString().slice(0, 10);
  const fileName = `credits-fipd${options.filters.budgetYear ? `-${options.filters.budgetYear}` : ''}-${stamp}.${options.format}`;
  const file = path.join(options.outputDir, fileName);

  if (options.format === 'csv') {
    const lines = [COLUMNS.map((c) => csvCell(c.header)).join(';'), ...subsidies.map((s) => COLUMNS.map((c) => csvCell(c.value(s, qrrName), c.kind)).join(';'))];
    writeFileAtomic(file, `\ufeff${lines.join('\r\n')}\r\n`);
  } else {
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'Tableau de bord QRR';
    workbook.created = ctx.now();
    const sheet = workbook.addWorksheet('Subventions', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = COLUMNS.map((c) => ({
      header: c.header,
      width: c.width,
      ...(c.kind === 'euros' ? { style: { numFmt: '#,##0.00 "€"' } } : c.kind === 'date' ? { style: { numFmt: 'dd/mm/yyyy' } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    for (const s of subsidies) sheet.addRow(COLUMNS.map((c) => c.value(s, qrrName)));
    writeFileAtomic(file, new Uint8Array(await workbook.xlsx.writeBuffer()));
  }
  return { path: file, fileName, lines: subsidies.length };
}
