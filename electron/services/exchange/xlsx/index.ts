/*
 * The exchange document as an Excel workbook that coordinators edit in Excel
 * or LibreOffice Calc and import back, through the same preview as a .qrr
 * file (the reader returns an ExchangeDocument; exchange/sources.ts picks it
 * by the file's magic bytes). The layout is in xlsx-layout.ts.
 *
 * Reading never trusts the file:
 *   1. the zip is checked BEFORE exceljs sees a byte: entries counted and
 *      their declared sizes summed from the central directory (fflate, without
 *      inflating anything), then every entry inflated with a hard cap — a
 *      declared size can lie, the real output cannot — and only the inflated,
 *      checked parts are handed to exceljs, re-zipped; ranges that would make
 *      exceljs create millions of objects (validations, merges and column
 *      ranges over whole sheets) are dropped, the reader needs none of them;
 *   2. the hidden sheet « _qrr » says the workbook is ours (format, version,
 *      département, sender, QRRs, periods);
 *   3. each row is identified by its hidden « Réf. » and its grey columns must
 *      still say the same; each white cell is read with French rules, and
 *      every refusal names the sheet, the row and the column.
 * An empty cell means « nothing entered »: the import never erases anything.
 * An edited workbook has no meaningful hash: the document is sealed again.
 */
export { DEFAULT_WORKBOOK_LIMITS, WORKBOOK_MESSAGES, type WorkbookLimits } from './common';
export { exchangeToWorkbook, workbookFileName, writeExchangeWorkbook } from './write';
export { unpackWorkbook, withoutExpandedRanges, type UnpackResult } from './unpack';
export { exchangeFromWorkbook } from './read';
