/**
 * Tab-separated text as Excel and LibreOffice put on the clipboard: cells
 * separated by tabs, rows by `\r\n` (or `\n`), a trailing newline after the
 * last row, and cells containing a tab, a newline or a quote wrapped in
 * double quotes with inner quotes doubled.
 */

/** Parses clipboard text into rows of cells. A trailing empty line is dropped. */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let atCellStart = true;
  while (i < text.length) {
    const c = text[i]!;
    if (atCellStart && c === '"') {
      // Quoted cell: runs to the next lone quote.
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < text.length) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          closed = true;
          j++;
          break;
        }
        value += text[j];
        j++;
      }
      if (closed && (j === text.length || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) {
        cell = value;
        i = j;
        atCellStart = false;
        continue;
      }
      // Not a well-formed quoted cell (e.g. `"12" cm`): read it literally.
    }
    atCellStart = false;
    if (c === '\t') {
      row.push(cell);
      cell = '';
      atCellStart = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += c;
      i++;
    }
  }
  if (!atCellStart || cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const needsQuotes = (cell: string): boolean => /[\t\r\n"]/.test(cell);

/** Serialises rows of cells the way spreadsheets read them back. */
export function toTsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((c) => (needsQuotes(c) ? `"${c.replaceAll('"', '""')}"` : c)).join('\t')).join('\r\n') + '\r\n';
}
