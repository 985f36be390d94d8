/** Writing the results (issue 13): the rows of « Cibles » and « Sans objet ». Part of exchange/xlsx (see index.ts). */
import type { ExchangeDocument } from '../../../../shared/exchange/format';
import { type CellInput, dateCell, parisWallClock } from '../xlsx-cells';
import { type CellFormat, SANS_OBJET_TYPE_LABELS, YES_NO_LABELS } from '../xlsx-layout';
import type { indexReferential } from './common';

/** One row to write: its cells by column key, and what differs from the column's defaults. */
export interface RowOut {
  readonly cells: Readonly<Record<string, CellInput>>;
  /** Per-cell format (indicator parts: integer, euros or text depending on the indicator). */
  readonly formats?: Readonly<Record<string, CellFormat>>;
  /** Data cells that must stay empty on this row (part slots the indicator does not have): grey and locked. */
  readonly unused?: ReadonlySet<string>;
  /** Per-cell lists of French words (indicator parts that are lists or yes/no). */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
}

interface ResultsRows {
  readonly targets: readonly RowOut[];
  readonly sansObjet: readonly RowOut[];
  /** Rows naming codes the référentiel no longer has: left out, counted on « Lisez-moi ». */
  readonly left: number;
}

/** Does the document carry results (so the workbook says layout 2)? The same rule as the exchange file's minor version. */
export const carriesResults = (doc: ExchangeDocument): boolean => doc.results !== undefined || doc.minorVersion !== undefined;

const cleared = (t: NonNullable<ExchangeDocument['results']>['targets'][number]): boolean =>
  t.initialValue === null && t.initialDate === null && t.targetValue === null && t.targetDeadline === null;

/** The rows of the records whose item the référentiel knows, and how many were left out. */
function laidOut<T, I>(records: readonly T[], itemOf: (record: T) => I | undefined, row: (record: T, item: I) => RowOut): { rows: RowOut[]; left: number } {
  const rows: RowOut[] = [];
  let left = 0;
  for (const r of records) {
    const item = itemOf(r);
    if (item === undefined) left++;
    else rows.push(row(r, item));
  }
  return { rows, left };
}

export function resultsRows(
  doc: ExchangeDocument,
  ref: ReturnType<typeof indexReferential>,
  numberOf: (qrrKey: string) => number,
  nameOf: (qrrKey: string) => string,
): ResultsRows {
  const json = JSON.stringify;
  const targets = laidOut(
    doc.results?.targets ?? [],
    (t) => ref.indicators.get(t.indicatorCode),
    (t, indicator): RowOut => ({
      cells: {
        ref: json({ q: numberOf(t.qrrKey), c: t.indicatorCode, o: t.origin, ...(cleared(t) ? { e: 1 } : {}), at: t.updatedAt, by: t.updatedBy }),
        qrr: nameOf(t.qrrKey),
        code: t.indicatorCode,
        label: indicator.label,
        initialValue: t.initialValue,
        initialDate: dateCell(t.initialDate),
        targetValue: t.targetValue,
        targetDeadline: dateCell(t.targetDeadline),
        origin: t.origin,
        quote: t.quote,
        updatedAt: parisWallClock(t.updatedAt),
        updatedBy: t.updatedBy,
      },
    }),
  );
  const sansObjet = laidOut(
    doc.results?.sansObjet ?? [],
    (d) => (d.itemType === 'indicator' ? ref.indicators.get(d.code) : ref.actions.get(d.code)),
    (d, item): RowOut => ({
      cells: {
        ref: json({ q: numberOf(d.qrrKey), t: d.itemType, c: d.code, at: d.updatedAt, by: d.updatedBy }),
        qrr: nameOf(d.qrrKey),
        type: SANS_OBJET_TYPE_LABELS[d.itemType],
        code: d.code,
        label: item.label,
        sansObjet: d.sansObjet ? YES_NO_LABELS.oui : YES_NO_LABELS.non,
        reason: d.reason,
        updatedAt: parisWallClock(d.updatedAt),
        updatedBy: d.updatedBy,
      },
    }),
  );
  return { targets: targets.rows, sansObjet: sansObjet.rows, left: targets.left + sansObjet.left };
}
