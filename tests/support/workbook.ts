/** Helpers of the exchange workbook tests: edit a workbook as Excel would, and find its columns and rows. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { escapeCellText } from '../../electron/services/exchange/xlsx-cells';
import { tempDir } from './db';

/** Opens a workbook with exceljs, lets the test edit it, saves it again — as Excel would. */
export async function edit(bytes: Uint8Array, change: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  // exceljs decodes `_xHHHH_` when reading but does not escape when writing; Excel does both.
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value === 'string') cell.value = escapeCellText(cell.value);
      }),
    );
  }
  change(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Column number of a header in row 1. */
export function column(sheet: ExcelJS.Worksheet, header: string): number {
  let found = 0;
  sheet.getRow(1).eachCell((cell, n) => {
    if (cell.value === header) found = n;
  });
  if (!found) throw new Error(`no column ${header} in ${sheet.name}`);
  return found;
}

/** The first data row whose hidden reference matches. */
export function rowWhere(sheet: ExcelJS.Worksheet, match: (ref: Record<string, unknown>, row: ExcelJS.Row) => boolean): ExcelJS.Row {
  const refColumn = column(sheet, 'Réf.');
  for (let n = 2; n <= sheet.rowCount; n++) {
    const row = sheet.getRow(n);
    const text = row.getCell(refColumn).value;
    if (typeof text === 'string' && match(JSON.parse(text) as Record<string, unknown>, row)) return row;
  }
  throw new Error(`no such row in ${sheet.name}`);
}

export const sheetOf = (workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet => {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  return sheet;
};

/** LibreOffice, when installed (the tests that need it are skipped otherwise, saying why). */
export const SOFFICE = ['/usr/bin/soffice', '/usr/local/bin/soffice', '/opt/libreoffice/program/soffice'].find((p) => fs.existsSync(p));

/** The workbook opened and saved again as .xlsx by LibreOffice Calc (headless, its own profile in a temporary folder). */
export function resaveWithCalc(bytes: Uint8Array): Buffer {
  if (!SOFFICE) throw new Error('LibreOffice (soffice) is not installed');
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'classeur.xlsx'), bytes);
  fs.mkdirSync(path.join(dir, 'calc'));
  execFileSync(
    SOFFICE,
    [`-env:UserInstallation=file://${path.join(dir, 'profil')}`, '--headless', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', path.join(dir, 'calc'), path.join(dir, 'classeur.xlsx')],
    { stdio: 'ignore', timeout: 180_000 },
  );
  const resaved = fs.readFileSync(path.join(dir, 'calc', 'classeur.xlsx'));
  // Calc really wrote its own file.
  if (resaved.equals(Buffer.from(bytes))) throw new Error('LibreOffice returned the same bytes');
  return resaved;
}
