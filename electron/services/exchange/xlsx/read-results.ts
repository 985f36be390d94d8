/** Reading the results (issue 13): « Cibles » and « Sans objet » back into the results section. Part of exchange/xlsx (see index.ts). */
import type ExcelJS from 'exceljs';
import type { ExchangeResults, ExchangeSansObjet, ExchangeTarget } from '../../../../shared/exchange/format-results';
import { readChoice, readDate, readFigure, readText, type CellInput } from '../xlsx-cells';
import { SANS_OBJET_COLUMNS, SANS_OBJET_TYPE_LABELS, SHEETS, TARGET_COLUMNS, YES_NO_LABELS } from '../xlsx-layout';
import { SansObjetRef, TargetRef, type indexReferential } from './common';
import type { Identity } from './identity';
import { type Problems, type RowAccess, sheetRows } from './rows';

/** The schema's bound on a « sans objet » reason (format-results.ts). */
const REASON_MAX = 500;

interface ResultsRead {
  readonly results: ExchangeResults;
  /** Row number of each record, to name the row if the assembled document is still refused. */
  readonly rows: { readonly targets: readonly number[]; readonly sansObjet: readonly number[] };
}

/**
 * The results sheets of a workbook. A sheet that is absent (a workbook from
 * layout 1, or removed) is « nothing entered », like an empty cell: the import
 * never erases anything. A row whose white cells are all empty likewise.
 */
export function readResultsSheets(
  workbook: ExcelJS.Workbook,
  ref: ReturnType<typeof indexReferential>,
  qrrOf: (access: RowAccess, q: number) => Identity['qrrs'][number] | undefined,
  problems: Problems,
  unknownCodes: (what: string, sheet: string, codes: Map<string, number>) => void,
): ResultsRead {
  const present = (name: string): boolean => workbook.getWorksheet(name) !== undefined;

  const targets: ExchangeTarget[] = [];
  const targetRows: number[] = [];
  if (present(SHEETS.targets)) {
    const unknown = new Map<string, number>();
    for (const { access, ref: r } of sheetRows(workbook, SHEETS.targets, TARGET_COLUMNS, TargetRef, (r) => `${r.q}|${r.c}`, problems).rows) {
      const qrr = qrrOf(access, r.q);
      if (!qrr || !access.checkIds({ qrr: qrr.name, code: r.c })) continue;
      const indicator = ref.indicators.get(r.c);
      if (!indicator) {
        if (!unknown.has(r.c)) unknown.set(r.c, access.n);
        continue;
      }
      const cells = {
        initialValue: access.read('initialValue', readFigure),
        initialDate: access.read('initialDate', readDate),
        targetValue: access.read('targetValue', readFigure),
        targetDeadline: access.read('targetDeadline', readDate),
      };
      if (Object.values(cells).some((v) => v === undefined)) continue;
      const c = cells as { [K in keyof typeof cells]: Exclude<(typeof cells)[K], undefined> };
      // Every cell empty: nothing entered — unless the target was exported so (cleared), then it reads back as it was.
      if (Object.values(c).every((v) => v === null) && r.e === undefined) continue;
      targets.push({
        qrrKey: qrr.key,
        indicatorCode: r.c,
        ...c,
        origin: r.o,
        // As the export writes it: the circular's wording of a target it states (the référentiel is the reference).
        quote: r.o === 'circulaire' ? (indicator.measure?.target?.quote ?? null) : null,
        updatedAt: r.at,
        updatedBy: r.by,
      });
      targetRows.push(access.n);
    }
    unknownCodes('indicateur(s)', SHEETS.targets, unknown);
  }

  const sansObjet: ExchangeSansObjet[] = [];
  const sansObjetRows: number[] = [];
  if (present(SHEETS.sansObjet)) {
    const unknown = new Map<string, number>();
    const yesNo = (v: CellInput) => (typeof v === 'boolean' ? { ok: true as const, value: v ? ('oui' as const) : ('non' as const) } : readChoice(YES_NO_LABELS, v));
    for (const { access, ref: r } of sheetRows(workbook, SHEETS.sansObjet, SANS_OBJET_COLUMNS, SansObjetRef, (r) => `${r.q}|${r.t}|${r.c}`, problems).rows) {
      const qrr = qrrOf(access, r.q);
      if (!qrr || !access.checkIds({ qrr: qrr.name, type: SANS_OBJET_TYPE_LABELS[r.t], code: r.c })) continue;
      const known = r.t === 'indicator' ? ref.indicators.has(r.c) : ref.actions.has(r.c);
      if (!known) {
        if (!unknown.has(`${SANS_OBJET_TYPE_LABELS[r.t].toLowerCase()} ${r.c}`)) unknown.set(`${SANS_OBJET_TYPE_LABELS[r.t].toLowerCase()} ${r.c}`, access.n);
        continue;
      }
      const decision = access.read('sansObjet', yesNo);
      const reason = access.read('reason', (v) => readText(v, REASON_MAX));
      if (decision === undefined || reason === undefined) continue;
      if (decision === null) {
        if (reason.trim() !== '') access.fail('sansObjet', 'indiquez « oui » (sans objet) ou « non » (à suivre) à côté de ce motif.');
        continue;
      }
      sansObjet.push({ qrrKey: qrr.key, itemType: r.t, code: r.c, sansObjet: decision === 'oui', reason, updatedAt: r.at, updatedBy: r.by });
      sansObjetRows.push(access.n);
    }
    unknownCodes('élément(s)', SHEETS.sansObjet, unknown);
  }
  return { results: { sansObjet, targets }, rows: { targets: targetRows, sansObjet: sansObjetRows } };
}
