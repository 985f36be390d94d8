/**
 * The indicator grid as data: its rows (engagement headers and indicators),
 * its columns (per QRR: one editable cell per part of the typed value, the
 * computed rate, previous quarter, change, target, comment, last update), and
 * the translation of cell texts into validated changes. Pure: unit tested
 * without a browser.
 */
import { computeIndicator, computedUnit, formatIndicatorValue, formatPartValue, parsePartInput, validateIndicatorValue } from '../../../../shared/domain/indicator-values';
import type { PreviousIndicatorRecord, QrrName } from '../../../../shared/domain/followup-grid';
import type { IndicatorValuePayload, IndicatorValueRecord } from '../../../../shared/domain/types';
import { formatPercentFr, formatPerThousandFr } from '../../../../shared/format/number-fr';
import { indicatorChange } from '../../../../shared/report/report-model';
import type { Engagement, Indicator } from '../../../../shared/referential/types';
import { updatedColumn, withQrrBlocks } from '../../grid/qrr-columns';
import { sameEntries } from '../../grid/stable-rows';
import type { CellWrite, RejectedCell, SheetColumn, SheetColumnDef } from '../../grid/types';

export const MAX_PARTS = 3;

export type IndicatorRow =
  | { readonly type: 'group'; readonly id: string; readonly engagement: Engagement }
  | {
      readonly type: 'indicator';
      readonly id: string;
      readonly engagementCode: string;
      readonly indicator: Indicator;
      /** Per QRR id. */
      readonly records: ReadonlyMap<number, IndicatorValueRecord>;
      readonly previous: ReadonlyMap<number, IndicatorValuePayload>;
      /** Parts typed but not saved yet, per QRR id: the row breaks a rule between its parts (see {@link HeldRow}). */
      readonly held: ReadonlyMap<number, HeldRow>;
    };

/**
 * A row whose parts, as typed, break a rule between them (« dont hommes »
 * above the total…): kept in the grid, not written, until the parts agree —
 * then the whole row is written at once. The database never holds it.
 */
export interface HeldRow {
  readonly qrrId: number;
  readonly indicatorCode: string;
  readonly parts: Readonly<Record<string, IndicatorValuePayload[string]>>;
  readonly message: string;
}

export const heldKey = (qrrId: number, indicatorCode: string): string => `${qrrId}|${indicatorCode}`;

export type IndicatorDataRow = Extract<IndicatorRow, { type: 'indicator' }>;

export const isIndicatorRow = (r: IndicatorRow): r is IndicatorDataRow => r.type === 'indicator';

/** Whether two rows of the same id show the same thing (stable-rows.ts keeps the older object then). */
export const sameIndicatorRow = (a: IndicatorRow, b: IndicatorRow): boolean =>
  a.type === 'group' || b.type === 'group'
    ? a.type === 'group' && b.type === 'group' && a.engagement === b.engagement
    : a.indicator === b.indicator && sameEntries(a.records, b.records) && sameEntries(a.previous, b.previous) && sameEntries(a.held, b.held);

export function buildRows(
  engagements: readonly Engagement[],
  records: readonly IndicatorValueRecord[],
  previous: readonly PreviousIndicatorRecord[],
  options: { readonly onlyMissing?: ReadonlySet<string>; readonly held?: ReadonlyMap<string, HeldRow> } = {},
): IndicatorRow[] {
  const heldByCode = new Map<string, Map<number, HeldRow>>();
  for (const h of options.held?.values() ?? []) {
    if (!heldByCode.has(h.indicatorCode)) heldByCode.set(h.indicatorCode, new Map());
    heldByCode.get(h.indicatorCode)!.set(h.qrrId, h);
  }
  const byCode = new Map<string, Map<number, IndicatorValueRecord>>();
  for (const r of records) {
    if (!byCode.has(r.indicatorCode)) byCode.set(r.indicatorCode, new Map());
    byCode.get(r.indicatorCode)!.set(r.qrrId, r);
  }
  const prevByCode = new Map<string, Map<number, IndicatorValuePayload>>();
  for (const r of previous) {
    if (!r.value) continue;
    if (!prevByCode.has(r.indicatorCode)) prevByCode.set(r.indicatorCode, new Map());
    prevByCode.get(r.indicatorCode)!.set(r.qrrId, r.value);
  }
  const rows: IndicatorRow[] = [];
  for (const engagement of engagements) {
    const indicators = engagement.indicators.filter((i) => !options.onlyMissing || options.onlyMissing.has(i.code));
    if (indicators.length === 0) continue;
    rows.push({ type: 'group', id: `engagement-${engagement.code}`, engagement });
    for (const indicator of indicators) {
      rows.push({
        type: 'indicator',
        id: indicator.code,
        engagementCode: engagement.code,
        indicator,
        records: byCode.get(indicator.code) ?? new Map(),
        previous: prevByCode.get(indicator.code) ?? new Map(),
        held: heldByCode.get(indicator.code) ?? new Map(),
      });
    }
  }
  return rows;
}

const valueOf = (row: IndicatorDataRow, qrrId: number): IndicatorValuePayload | null => row.records.get(qrrId)?.value ?? null;
/** What the part cells show: the parts held in the grid, else the saved value. */
const shownValueOf = (row: IndicatorDataRow, qrrId: number): IndicatorValuePayload | null => (row.held.get(qrrId)?.parts as IndicatorValuePayload | undefined) ?? valueOf(row, qrrId);

const computedText = (indicator: Indicator, value: IndicatorValuePayload | null): string => {
  if (!value) return '';
  const n = computeIndicator(indicator, value);
  if (n === null) return '';
  return computedUnit(indicator) === '‰' ? formatPerThousandFr(n) : formatPercentFr(n);
};

/** Column ids: `<qrrId>:p0`…`p2` for the parts, `<qrrId>:comment`, and read-only ones. */
export const partColId = (qrrId: number, index: number): string => `${qrrId}:p${index}`;
export const parseColId = (colId: string): { qrrId: number; field: string } | null => {
  const match = /^(\d+):(\w+)$/.exec(colId);
  return match ? { qrrId: Number(match[1]), field: match[2]! } : null;
};

/** Headers while no indicator row is focused: what a part column holds depends on the row. */
const PART_HEADERS = ['Valeur', '2e valeur', '3e valeur'];

/** A part's name with its unit when the name does not say it (« Montant (€) »). */
const partName = (part: Indicator['parts'][number]): string => {
  const unit = part.unit ?? (part.type === 'amount' ? '€' : null);
  return unit && !part.label.includes(unit) ? `${part.label} (${unit})` : part.label;
};

/**
 * A part column's header for the focused indicator: what the part holds, with
 * its unit; blank when the indicator has no such part (its cell there is
 * blank and read-only). The generic « Valeur / 2e valeur / 3e valeur » only
 * while no indicator row is focused.
 */
export function partHeader(indicator: Indicator | null, index: number): string {
  if (!indicator) return PART_HEADERS[index]!;
  const part = indicator.parts[index];
  // A long parenthesis (« (GS, CP, CE1 en REP et REP +) ») does not fit a column header: it stays in the tooltip.
  return part ? partName(part).replace(/\s*\([^()]{13,}\)/, '') : '';
}

/** The part column header's tooltip: which indicator the header speaks for, or why it is blank. */
export function partHeaderTooltip(indicator: Indicator | null, index: number): string {
  if (!indicator) return "Ce que contient cette colonne dépend de l'indicateur : choisissez une ligne, l'en-tête le dit (survolez une case pour le nom de sa valeur).";
  const part = indicator.parts[index];
  if (!part) return `L'indicateur ${indicator.code} n'a ${indicator.parts.length === 1 ? "qu'une valeur" : `que ${indicator.parts.length} valeurs`} : cette colonne ne le concerne pas.`;
  return `Indicateur ${indicator.code} : ${partName(part)}`;
}

/** The computed column's header for the focused indicator: what is computed, with its unit; blank when nothing is. */
export function rateHeader(indicator: Indicator | null): string {
  if (!indicator) return 'Taux';
  if (computedUnit(indicator) === null) return '';
  return indicator.kind === 'gender_split' ? 'Part des femmes (%)' : indicator.kind === 'ratio_per_1000' ? 'Pour 1 000 habitants (‰)' : 'Taux (%)';
}

/**
 * `focusedIndicator` is read each time the headers are drawn: part columns are
 * headed by what they hold for the focused row (the grid redraws its headers on focus).
 */
export function buildColumns(qrrs: readonly QrrName[], detailed: boolean, focusedIndicator: () => Indicator | null = () => null): SheetColumnDef<IndicatorRow>[] {
  const data = (f: (row: IndicatorDataRow) => string) => (row: IndicatorRow) => (isIndicatorRow(row) ? f(row) : '');
  const fixed: SheetColumn<IndicatorRow>[] = [
    { colId: 'code', headerName: 'Code', text: (r) => (isIndicatorRow(r) ? r.indicator.code : ''), colDef: { pinned: 'left', width: 66 } },
    {
      colId: 'label',
      headerName: 'Indicateur',
      text: data((r) => r.indicator.label),
      colDef: { pinned: 'left', width: detailed ? 236 : 220, tooltipValueGetter: (p) => (p.data && isIndicatorRow(p.data) ? p.data.indicator.label : undefined) },
    },
  ];
  const perQrr = (q: QrrName): SheetColumn<IndicatorRow>[] => {
    const parts: SheetColumn<IndicatorRow>[] = Array.from({ length: MAX_PARTS }, (_, index) => ({
      colId: partColId(q.id, index),
      headerName: PART_HEADERS[index]!,
      text: data((r) => {
        const part = r.indicator.parts[index];
        const v = shownValueOf(r, q.id);
        return part && v ? formatPartValue(part, v[part.key] ?? null) : '';
      }),
      // A computed value (05-02 from the FIPD credits) is shown, never typed.
      editable: (r) => isIndicatorRow(r) && index < r.indicator.parts.length && !r.records.get(q.id)?.computed,
      readOnlyReason: (r) =>
        !isIndicatorRow(r)
          ? null
          : r.records.get(q.id)?.computed
            ? `L'indicateur ${r.indicator.code} est calculé depuis les crédits FIPD (écran « Crédits FIPD ») : il ne se saisit pas ici.`
            : r.indicator.parts.length === 1
              ? `L'indicateur ${r.indicator.code} n'a qu'une valeur : cette colonne ne le concerne pas.`
              : `L'indicateur ${r.indicator.code} n'a que ${r.indicator.parts.length} valeurs : cette colonne ne le concerne pas.`,
      choices: (r) => {
        const part = isIndicatorRow(r) ? r.indicator.parts[index] : undefined;
        return part?.type === 'enum' ? (part.values ?? []).map((v) => part.valueLabels?.[v] ?? v) : part?.type === 'boolean' ? ['oui', 'non'] : null;
      },
      placeholder: (r) => (isIndicatorRow(r) ? (r.indicator.parts[index]?.label ?? '') : ''),
      validate: (r, text) => {
        if (!isIndicatorRow(r)) return null;
        const part = r.indicator.parts[index];
        if (!part) return null;
        const parsed = parsePartInput(part, text);
        if (!parsed.ok) return `${part.label} : ${parsed.message}`;
        if (parsed.value === null) return null;
        // A rule that needs this part only (a population or a denominator of 0) is refused in the editor,
        // which stays open on the text typed, as Excel's data validation does — not after it has closed.
        const alone = validateIndicatorValue(r.indicator, { [part.key]: parsed.value });
        return alone.ok ? null : alone.message;
      },
      colDef: {
        width: 108,
        type: 'rightAligned',
        headerValueGetter: () => partHeader(focusedIndicator(), index),
        headerTooltip: () => partHeaderTooltip(focusedIndicator(), index),
        wrapHeaderText: true,
        // Two lines at most, with an ellipsis when the name is longer (the tooltip has it in full).
        headerClass: 'qrr-header--part',
        cellClassRules: { 'qrr-cell--held': (p) => !!p.data && isIndicatorRow(p.data) && p.data.held.has(q.id) && index < p.data.indicator.parts.length },
        // Each cell names its own part (a header speaks for the focused row only); none on a part the indicator lacks.
        tooltipValueGetter: (p) => {
          const part = p.data && isIndicatorRow(p.data) ? p.data.indicator.parts[index] : undefined;
          return part ? partName(part) : undefined;
        },
      },
    }));
    const computed: SheetColumn<IndicatorRow> = {
      colId: `${q.id}:rate`,
      headerName: 'Taux',
      text: data((r) => computedText(r.indicator, valueOf(r, q.id))),
      colDef: {
        width: 84,
        type: 'rightAligned',
        wrapHeaderText: true,
        headerValueGetter: () => rateHeader(focusedIndicator()),
        headerTooltip: () => {
          const indicator = focusedIndicator();
          return indicator && rateHeader(indicator) === '' ? `L'indicateur ${indicator.code} n'a pas de valeur calculée.` : 'Calculé depuis les valeurs saisies.';
        },
      },
    };
    if (!detailed) return [...parts, computed];
    return [
      ...parts,
      computed,
      {
        colId: `${q.id}:previous`,
        headerName: 'Trimestre précédent',
        text: data((r) => {
          const p = r.previous.get(q.id);
          return p ? formatIndicatorValue(r.indicator, p) : '';
        }),
        colDef: { width: 150 },
      },
      {
        colId: `${q.id}:change`,
        headerName: 'Évolution',
        text: data((r) => indicatorChange(r.indicator, valueOf(r, q.id), r.previous.get(q.id) ?? null)?.text ?? ''),
        colDef: { width: 100 },
      },
      {
        colId: `${q.id}:target`,
        headerName: 'Cible',
        text: data((r) => {
          const t = r.records.get(q.id)?.target;
          return t ? formatIndicatorValue(r.indicator, t) : '';
        }),
        colDef: { width: 120 },
      },
      {
        colId: `${q.id}:comment`,
        headerName: 'Commentaire',
        text: data((r) => r.records.get(q.id)?.comment ?? ''),
        editable: isIndicatorRow,
        validate: (_r, text) => (text.length > 2000 ? 'Le commentaire ne peut pas dépasser 2 000 caractères.' : null),
        colDef: { width: 220 },
      },
      updatedColumn<IndicatorRow>(q.id, (r) => (isIndicatorRow(r) ? r.records.get(q.id) : undefined)),
    ];
  };
  return withQrrBlocks(fixed, qrrs, perQrr);
}

/** One change of the saveIndicatorValues request, with what it replaces (for undo). */
export interface PlannedChange {
  readonly qrrId: number;
  readonly indicatorCode: string;
  readonly value?: IndicatorValuePayload | null;
  readonly comment?: string;
  readonly before: { readonly value: IndicatorValuePayload | null; readonly comment: string };
}

/**
 * Cell texts → per (QRR, indicator) changes. A cell that does not parse is
 * refused alone; an indicator whose resulting value breaks a rule between its
 * parts (numerator above denominator…) is refused with all its cells.
 */
export function planWrites(
  rows: readonly IndicatorRow[],
  writes: readonly CellWrite[],
  options: { readonly holdRowRules?: boolean } = {},
): { changes: PlannedChange[]; rejected: RejectedCell[]; held: HeldRow[]; released: string[] } {
  const held: HeldRow[] = [];
  /** Held rows written (their parts now agree) or emptied. */
  const released: string[] = [];
  const rowById = new Map(rows.filter(isIndicatorRow).map((r) => [r.id, r]));
  const rejected: RejectedCell[] = [];
  const drafts = new Map<string, { row: IndicatorDataRow; qrrId: number; parts: Record<string, unknown>; comment?: string; cells: CellWrite[] }>();
  for (const w of writes) {
    const row = rowById.get(w.rowId);
    const col = parseColId(w.colId);
    if (!row || !col) continue;
    const key = `${col.qrrId}|${row.id}`;
    // Parts held in the grid are the starting point: the row is corrected in any order.
    const current = shownValueOf(row, col.qrrId);
    const draft =
      drafts.get(key) ??
      drafts
        .set(key, {
          row,
          qrrId: col.qrrId,
          parts: Object.fromEntries(row.indicator.parts.map((p) => [p.key, current?.[p.key] ?? null])),
          cells: [],
        })
        .get(key)!;
    if (col.field === 'comment') {
      draft.comment = w.text.trim();
      draft.cells.push(w);
      continue;
    }
    const index = /^p(\d)$/.exec(col.field)?.[1];
    const part = index === undefined ? undefined : row.indicator.parts[Number(index)];
    if (!part) continue;
    const parsed = parsePartInput(part, w.text);
    if (!parsed.ok) {
      rejected.push({ ...w, reason: `${part.label} : ${parsed.message}` });
      continue;
    }
    draft.parts[part.key] = parsed.value;
    draft.cells.push(w);
  }
  const changes: PlannedChange[] = [];
  for (const d of drafts.values()) {
    const record = d.row.records.get(d.qrrId);
    const before = { value: record?.value ?? null, comment: record?.comment ?? '' };
    const allNull = Object.values(d.parts).every((v) => v === null);
    let value: IndicatorValuePayload | null = null;
    if (!allNull) {
      const checked = validateIndicatorValue(d.row.indicator, d.parts);
      if (!checked.ok && options.holdRowRules && checked.issues.every((i) => partCheckPasses(d.row.indicator, i.path, d.parts))) {
        // Only a rule between parts is broken: keep the row in the grid until it is left (see HeldRow).
        held.push({ qrrId: d.qrrId, indicatorCode: d.row.id, parts: d.parts as HeldRow['parts'], message: checked.message });
        if (d.comment !== undefined && d.comment !== before.comment) changes.push({ qrrId: d.qrrId, indicatorCode: d.row.id, comment: d.comment, before });
        continue;
      }
      if (!checked.ok) {
        for (const cell of d.cells.filter((c) => parseColId(c.colId)?.field !== 'comment')) rejected.push({ ...cell, reason: checked.message });
        if (d.comment === undefined) continue;
        changes.push({ qrrId: d.qrrId, indicatorCode: d.row.id, comment: d.comment, before });
        continue;
      }
      value = checked.value;
    }
    if (d.row.held.has(d.qrrId)) released.push(heldKey(d.qrrId, d.row.id));
    const valueChanged = JSON.stringify(value) !== JSON.stringify(before.value);
    const commentChanged = d.comment !== undefined && d.comment !== before.comment;
    if (!valueChanged && !commentChanged) continue;
    changes.push({
      qrrId: d.qrrId,
      indicatorCode: d.row.id,
      ...(valueChanged ? { value } : {}),
      ...(commentChanged ? { comment: d.comment } : {}),
      before,
    });
  }
  return { changes, rejected, held, released };
}

/** True when the part named by an issue is valid on its own (the issue is a rule between parts). */
const partCheckPasses = (indicator: Indicator, key: string, parts: Record<string, unknown>): boolean => {
  const part = indicator.parts.find((p) => p.key === key);
  if (!part) return false;
  return validateIndicatorValue(indicator, { [key]: parts[key] ?? null }).ok;
};

/** Texts that fill the empty cells of the given QRRs with last quarter's values (« reprendre le trimestre précédent »). */
export function carryOverWrites(rows: readonly IndicatorRow[], qrrIds: readonly number[]): { writes: CellWrite[]; copied: number; kept: number } {
  const writes: CellWrite[] = [];
  let copied = 0;
  let kept = 0;
  for (const row of rows.filter(isIndicatorRow)) {
    for (const qrrId of qrrIds) {
      const previous = row.previous.get(qrrId);
      if (!previous) continue;
      const current = valueOf(row, qrrId);
      if (current && Object.values(current).some((v) => v !== null && v !== '')) {
        kept++;
        continue;
      }
      copied++;
      row.indicator.parts.forEach((part, index) =>
        writes.push({ rowId: row.id, colId: partColId(qrrId, index), text: formatPartValue(part, previous[part.key] ?? null) }),
      );
    }
  }
  return { writes, copied, kept };
}
