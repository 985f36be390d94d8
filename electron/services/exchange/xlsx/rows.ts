/** Reading 3a: the sheets' rows, cell by cell, and the refusals in the order of the sheets. Part of exchange/xlsx (see index.ts). */
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { FieldIssue } from '../../../../shared/ipc/result';
import {
  type ColumnSpec,
  SHEETS,
  columnLetter,
  locateColumns,
} from '../xlsx-layout';
import {
  type CellInput,
  type CellRead,
  cellProblem,
  isBlank,
  plainCell,
} from '../xlsx-cells';
import { MAX_PROBLEMS } from './common';

const SHEET_ORDER: readonly string[] = [SHEETS.indicators, SHEETS.actions, SHEETS.assessments, SHEETS.envelopes, SHEETS.subsidies, SHEETS.payments, SHEETS.targets, SHEETS.sansObjet];

/** The refusals found, in the order of the sheets and rows (a sheet's rows are checked in two passes). */
export class Problems {
  private readonly found: { message: string; where: string; sheet: number; row: number }[] = [];
  more = false;
  add(message: string, where = '', sheet = '', row = 0): void {
    if (this.found.length >= MAX_PROBLEMS) {
      this.more = true;
      return;
    }
    const index = SHEET_ORDER.indexOf(sheet);
    this.found.push({ message, where, sheet: index < 0 ? SHEET_ORDER.length : index, row });
  }
  private sorted() {
    return [...this.found].sort((x, y) => x.sheet - y.sheet || x.row - y.row);
  }
  get list(): string[] {
    return this.sorted().map((p) => p.message);
  }
  get issues(): FieldIssue[] {
    return this.sorted().map((p) => ({ path: p.where, message: p.message }));
  }
  get full(): boolean {
    return this.found.length >= MAX_PROBLEMS;
  }
}

/** One row being read: its cells by column key, and where to report. */
export class RowAccess {
  constructor(
    readonly sheet: string,
    readonly n: number,
    private readonly row: ExcelJS.Row,
    private readonly positions: ReadonlyMap<string, number>,
    private readonly columns: ReadonlyMap<string, ColumnSpec>,
    private readonly problems: Problems,
  ) {}

  private where(key: string): string {
    const col = this.positions.get(key);
    return col === undefined ? `${this.sheet}!${this.n}` : `${this.sheet}!${columnLetter(col)}${this.n}`;
  }

  /** The cell's plain content; undefined (and the problem recorded) when it cannot be read. */
  raw(key: string): CellInput | undefined {
    const col = this.positions.get(key);
    if (col === undefined) return null;
    const v = plainCell(this.row.getCell(col).value);
    if (!v.ok) {
      this.fail(key, v.message);
      return undefined;
    }
    return v.value;
  }

  fail(key: string | null, message: string): void {
    const col = key === null ? undefined : this.positions.get(key);
    const header = key === null ? null : (this.columns.get(key)?.header ?? null);
    this.problems.add(
      cellProblem(this.sheet, this.n, col ?? null, header, message),
      key === null ? `${this.sheet}!${this.n}` : this.where(key),
      this.sheet,
      this.n,
    );
  }

  /** A data cell read with its rule; undefined when refused (recorded). */
  read<T>(key: string, rule: (v: CellInput) => CellRead<T>): T | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const r = rule(v);
    if (!r.ok) {
      this.fail(key, r.message);
      return undefined;
    }
    return r.value;
  }

  /** The grey identification columns still say what « Réf. » says; records one problem naming every edited column. */
  checkIds(expected: Readonly<Record<string, string | number>>): boolean {
    const edited: string[] = [];
    for (const [key, want] of Object.entries(expected)) {
      if (!this.positions.has(key)) continue;
      const v = plainCell(this.row.getCell(this.positions.get(key)!).value);
      const got = v.ok ? v.value : undefined;
      const same =
        typeof want === 'number'
          ? got === want || (typeof got === 'string' && got.trim() === String(want))
          : (typeof got === 'string' && got.trim() === want.trim()) || (typeof got === 'number' && String(got) === want);
      if (!same) edited.push(`« ${this.columns.get(key)!.header} » devait contenir « ${want} »`);
    }
    if (edited.length === 0) return true;
    this.fail(
      null,
      `les colonnes grises d'identification ont été modifiées (${edited.join(' ; ')}). Elles ne doivent pas l'être : rétablissez-les ou reprenez un classeur exporté par l'application.`,
    );
    return false;
  }
}

interface SheetRows<R> {
  readonly rows: { readonly access: RowAccess; readonly ref: R }[];
}

/**
 * The rows of a data sheet with their parsed « Réf. »: empty rows skipped; a
 * row without reference (added by hand), with an unreadable one, or repeating
 * another row's, refused.
 */
export function sheetRows<R>(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: readonly ColumnSpec[],
  refSchema: z.ZodType<R>,
  identityOf: (ref: R) => string,
  problems: Problems,
): SheetRows<R> {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) {
    problems.add(`La feuille « ${name} » est absente du classeur : ne renommez ni ne supprimez les feuilles.`, name, name);
    return { rows: [] };
  }
  const headerRow = sheet.getRow(1);
  const headers: (string | null)[] = [];
  for (let c = 1; c <= headerRow.cellCount; c++) {
    const v = plainCell(headerRow.getCell(c).value);
    headers.push(v.ok && typeof v.value === 'string' ? v.value : null);
  }
  const located = locateColumns(headers, columns);
  if (!located.ok) {
    problems.add(
      `Feuille « ${name} » : colonne(s) introuvable(s) : ${located.missing.map((h) => `« ${h} »`).join(', ')}. Ne renommez ni ne supprimez les colonnes.`,
      name,
      name,
    );
    return { rows: [] };
  }
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const watched = columns.filter((c) => c.role !== 'info' && located.positions.has(c.key)).map((c) => located.positions.get(c.key)!);
  const refColumn = located.positions.get('ref')!;
  const firstRow = new Map<string, number>();
  const rows: { access: RowAccess; ref: R }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1 || problems.full) return;
    const blank = watched.every((col) => {
      const v = plainCell(row.getCell(col).value);
      return v.ok && isBlank(v.value);
    });
    if (blank) return;
    const access = new RowAccess(name, n, row, located.positions, byKey, problems);
    const refCell = plainCell(row.getCell(refColumn).value);
    const refText = refCell.ok && typeof refCell.value === 'string' ? refCell.value.trim() : '';
    if (refText === '') {
      access.fail(
        null,
        "cette ligne n'a pas été exportée par l'application (sa référence, dans la colonne masquée « Réf. », est vide) : on ne peut pas ajouter de ligne au classeur, saisissez la donnée dans l'application.",
      );
      return;
    }
    let parsed: R | undefined;
    try {
      const r = refSchema.safeParse(JSON.parse(refText));
      if (r.success) parsed = r.data;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      access.fail(null, "la référence de la ligne (colonne masquée « Réf. ») a été modifiée ou est illisible : reprenez un classeur exporté par l'application.");
      return;
    }
    const id = identityOf(parsed);
    const before = firstRow.get(id);
    if (before !== undefined) {
      access.fail(null, `cette ligne reprend la ligne ${before} (même référence) : ne copiez pas de lignes, chaque donnée n'y figure qu'une fois.`);
      return;
    }
    firstRow.set(id, n);
    rows.push({ access, ref: parsed });
  });
  return { rows };
}
