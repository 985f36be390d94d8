/**
 * The subsidies grid as data: one row per subsidy plus blank rows at the
 * bottom where lines are typed or pasted from a spreadsheet; each column's
 * French text, parsing and check; and cell texts → saveSubsidies lines (new
 * lines wait as drafts until their quartier, association and title are known).
 * Pure: unit tested without a browser.
 */
import {
  DECISION_KINDS,
  DECISION_KIND_LABELS,
  FUNDING_SOURCES,
  FUNDING_SOURCE_LABELS,
  SUBSIDY_STATUSES,
  SUBSIDY_STATUS_LABELS,
  formatSiret,
  normaliseRna,
  normaliseSiret,
  parseFrenchDateToIso,
  rnaProblem,
  siretProblem,
  type SubsidyRecord,
} from '../../../../shared/domain/fipd';
import type { Qrr } from '../../../../shared/domain/types';
import { formatDate } from '../../../../shared/format/fr';
import { formatEurosFromCents, parseFrenchAmountToCents } from '../../../../shared/format/number-fr';
import { choicesOf, resolveChoice, type Choice, type ChoiceNoun } from '../../../../shared/format/choice';
import type { CellWrite, RejectedCell, SheetColumn } from '../../grid/types';

export const BLANK_ROWS = 20;

const qrrName = (qrrs: readonly Qrr[], id: number): string => qrrs.find((q) => q.id === id)?.name ?? `QRR n° ${id}`;

/** Who the line is about stays in view when scrolling right (the columns keep the workbook's order, for paste). */
const PINNED = new Set(['qrrId', 'source', 'beneficiaryName']);

export type SubsidyRow =
  | { readonly type: 'subsidy'; readonly id: string; readonly record: SubsidyRecord; readonly qrrName: string }
  | { readonly type: 'new'; readonly id: string; readonly draft: Readonly<Record<string, string>> }
  | { readonly type: 'total'; readonly id: string; readonly sums: Readonly<Record<'requestedCents' | 'grantedCents' | 'cofinancingCents' | 'paid' | 'toPay', number>>; readonly count: number };

export const isSubsidyDataRow = (r: SubsidyRow): boolean => r.type !== 'total';

/** The pinned totals row of the lines shown. */
export function totalsRow(records: readonly SubsidyRecord[]): SubsidyRow {
  const sum = (f: (r: SubsidyRecord) => number) => records.reduce((n, r) => n + f(r), 0);
  return {
    type: 'total',
    id: 'total',
    count: records.length,
    sums: {
      requestedCents: sum((r) => r.requestedCents),
      grantedCents: sum((r) => r.grantedCents),
      cofinancingCents: sum((r) => r.cofinancingCents),
      paid: sum((r) => r.paidCents),
      toPay: sum((r) => Math.max(r.grantedCents - r.paidCents, 0)),
    },
  };
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

interface FieldSpec {
  readonly key: string;
  readonly header: string;
  readonly width: number;
  readonly text: (r: SubsidyRecord, qrrName: (id: number) => string) => string;
  readonly parse: (text: string, qrrs: readonly Qrr[]) => Parsed;
  readonly right?: boolean;
  /** Labels offered by the cell's pick list (coded fields). */
  readonly choices?: (qrrs: readonly Qrr[]) => readonly string[];
}

/** A coded field: its label, code or unambiguous start (« attr », « nord »), accents ignored; see shared/format/choice.ts. */
const byLabel = <K extends string>(values: readonly K[], labels: Readonly<Record<K, string>>, noun: ChoiceNoun) => (text: string): Parsed => {
  const picked = resolveChoice(text, choicesOf(values, labels), noun);
  return picked.ok ? picked : { ok: false, message: picked.message };
};
const qrrChoices = (qrrs: readonly Qrr[]): Choice<number>[] => qrrs.map((q) => ({ value: q.id, label: q.name }));
const required = (label: string, max: number) => (text: string): Parsed =>
  text.trim() === '' ? { ok: false, message: `${label} est obligatoire.` } : text.trim().length > max ? { ok: false, message: `${label} est trop long.` } : { ok: true, value: text.trim() };
const optionalText = (max: number) => (text: string): Parsed => (text.trim().length > max ? { ok: false, message: `Texte trop long (${max} caractères au plus).` } : { ok: true, value: text.trim() });
const amount = (text: string): Parsed => (text.trim() === '' ? { ok: true, value: 0 } : parseFrenchAmountToCents(text));
const date = (text: string): Parsed => (text.trim() === '' ? { ok: true, value: null } : parseFrenchDateToIso(text.trim()));
const euros = (c: number) => (c === 0 ? '' : formatEurosFromCents(c));
const day = (d: string | null) => (d ? formatDate(`${d}T12:00:00Z`) : '');

export const SUBSIDY_FIELDS: readonly FieldSpec[] = [
  {
    key: 'qrrId',
    header: 'Quartier',
    width: 140,
    text: (r, name) => name(r.qrrId),
    parse: (text, qrrs) => {
      const picked = resolveChoice(text, qrrChoices(qrrs), { known: 'un quartier actif du département', plural: 'quartiers' });
      return picked.ok ? picked : { ok: false, message: picked.message };
    },
    choices: (qrrs) => qrrs.map((q) => q.name),
  },
  { key: 'source', header: 'Source', width: 110, text: (r) => FUNDING_SOURCE_LABELS[r.source], parse: byLabel(FUNDING_SOURCES, FUNDING_SOURCE_LABELS, { known: 'une source connue', plural: 'sources' }), choices: () => FUNDING_SOURCES.map((v) => FUNDING_SOURCE_LABELS[v]) },
  { key: 'beneficiaryName', header: 'Association', width: 180, text: (r) => r.beneficiaryName, parse: required("Le nom de l'association", 200) },
  {
    key: 'siret',
    header: 'SIRET',
    width: 160,
    text: (r) => (r.siret ? formatSiret(r.siret) : ''),
    parse: (text) => {
      if (text.trim() === '') return { ok: true, value: null };
      const problem = siretProblem(text);
      return problem ? { ok: false, message: problem } : { ok: true, value: normaliseSiret(text) };
    },
  },
  {
    key: 'rna',
    header: 'RNA',
    width: 120,
    text: (r) => r.rna ?? '',
    parse: (text) => {
      if (text.trim() === '') return { ok: true, value: null };
      const problem = rnaProblem(text);
      return problem ? { ok: false, message: problem } : { ok: true, value: normaliseRna(text) };
    },
  },
  { key: 'title', header: 'Intitulé', width: 220, text: (r) => r.title, parse: required("L'intitulé de l'action", 300) },
  {
    key: 'actionCodes',
    header: 'Actions',
    width: 110,
    text: (r) => r.actionCodes.join(', '),
    parse: (text) => ({ ok: true, value: text.split(/[,;]+/).map((c) => c.trim()).filter(Boolean) }),
  },
  { key: 'requestedCents', header: 'Demandé', width: 130, right: true, text: (r) => euros(r.requestedCents), parse: amount },
  { key: 'grantedCents', header: 'Attribué', width: 130, right: true, text: (r) => euros(r.grantedCents), parse: amount },
  { key: 'cofinancingCents', header: 'Cofinancement', width: 130, right: true, text: (r) => euros(r.cofinancingCents), parse: amount },
  {
    key: 'status',
    header: 'Statut',
    width: 110,
    text: (r) => SUBSIDY_STATUS_LABELS[r.status],
    parse: byLabel(SUBSIDY_STATUSES, SUBSIDY_STATUS_LABELS, { known: 'un statut connu', plural: 'statuts' }),
    choices: () => SUBSIDY_STATUSES.map((v) => SUBSIDY_STATUS_LABELS[v]),
  },
  {
    key: 'decisionKind',
    header: 'Décision',
    width: 110,
    text: (r) => (r.decisionKind ? DECISION_KIND_LABELS[r.decisionKind] : ''),
    parse: (text) => (text.trim() === '' ? { ok: true, value: null } : byLabel(DECISION_KINDS, DECISION_KIND_LABELS, { known: 'un type de décision connu', plural: 'types de décision' })(text)),
    choices: () => DECISION_KINDS.map((v) => DECISION_KIND_LABELS[v]),
  },
  { key: 'decisionNumber', header: 'N° de décision', width: 130, text: (r) => r.decisionNumber, parse: optionalText(60) },
  { key: 'decisionDate', header: 'Date de décision', width: 130, text: (r) => day(r.decisionDate), parse: date },
  { key: 'chorusEj', header: 'EJ Chorus', width: 120, text: (r) => r.chorusEj, parse: optionalText(20) },
  { key: 'reportDueDate', header: 'Compte-rendu dû le', width: 140, text: (r) => day(r.reportDueDate), parse: date },
  { key: 'reportReceivedDate', header: 'Compte-rendu reçu le', width: 150, text: (r) => day(r.reportReceivedDate), parse: date },
  { key: 'comment', header: 'Commentaire', width: 200, text: (r) => r.comment, parse: optionalText(2000) },
];

const FIELD_BY_KEY = new Map(SUBSIDY_FIELDS.map((f) => [f.key, f]));
/** A new line is saved once these are known; the rest take their defaults. */
export const REQUIRED_FOR_CREATION = ['qrrId', 'beneficiaryName', 'title'] as const;

/**
 * The quartier's name is part of each row (not looked up by the column): the
 * subsidies and the quartiers arrive in separate requests, and a grid redraws
 * a cell when its row changes, not when a column's lookup does.
 */
export function buildSubsidyRows(
  records: readonly SubsidyRecord[],
  drafts: ReadonlyMap<string, Readonly<Record<string, string>>>,
  qrrs: readonly Qrr[] = [],
): SubsidyRow[] {
  return [
    ...records.map((record): SubsidyRow => ({ type: 'subsidy', id: `s${record.id}`, record, qrrName: qrrName(qrrs, record.qrrId) })),
    ...Array.from({ length: BLANK_ROWS }, (_, i): SubsidyRow => ({ type: 'new', id: `new-${i}`, draft: drafts.get(`new-${i}`) ?? {} })),
  ];
}

export function buildSubsidyColumns(qrrs: readonly Qrr[]): SheetColumn<SubsidyRow>[] {
  const fields = SUBSIDY_FIELDS.map(
    (f): SheetColumn<SubsidyRow> => ({
      colId: f.key,
      headerName: f.header,
      text: (r) =>
        r.type === 'subsidy'
          ? f.text(r.record, () => r.qrrName)
          : r.type === 'new'
            ? (r.draft[f.key] ?? '')
            : f.key in r.sums
              ? formatEurosFromCents(r.sums[f.key as keyof typeof r.sums])
              : f.key === 'beneficiaryName'
                ? `Total (${r.count} ligne${r.count > 1 ? 's' : ''})`
                : '',
      editable: (r) => r.type !== 'total',
      validate: (_r, text) => {
        const parsed = f.parse(text, qrrs);
        return parsed.ok ? null : parsed.message;
      },
      ...(f.choices ? { choices: () => f.choices!(qrrs) } : {}),
      ...(f.key === 'beneficiaryName' ? { placeholder: (r: SubsidyRow) => (r.type === 'new' ? 'Nouvelle ligne' : '') } : {}),
      colDef: { width: f.width, ...(f.right ? { type: 'rightAligned' } : {}), ...(PINNED.has(f.key) ? { pinned: 'left' as const } : {}) },
    }),
  );
  const computed = (colId: string, headerName: string, width: number, text: (r: SubsidyRecord) => string, right = true): SheetColumn<SubsidyRow> => ({
    colId,
    headerName,
    text: (r) => (r.type === 'subsidy' ? text(r.record) : r.type === 'total' && colId in r.sums ? formatEurosFromCents(r.sums[colId as keyof typeof r.sums]) : ''),
    colDef: { width, ...(right ? { type: 'rightAligned' } : {}) },
  });
  // The order of a coordinator's workbook: who, what, how much, decision; then what was paid.
  return [
    { ...computed('id', 'N°', 56, (r) => String(r.id)), colDef: { width: 56, type: 'rightAligned', pinned: 'left' } },
    ...fields,
    computed('paid', 'Versé', 130, (r) => euros(r.paidCents)),
    computed('toPay', 'Reste à verser', 130, (r) => euros(Math.max(r.grantedCents - r.paidCents, 0))),
    computed('flags', 'Alertes', 260, (r) => r.flags.map((f) => f.message).join(' '), false),
  ];
}

export type SubsidyLine = Record<string, unknown>;

/**
 * Cell texts → lines to save. Existing subsidies get a patch; blank rows
 * accumulate a draft and become a creation line once complete.
 */
export function planSubsidyWrites(
  rows: readonly SubsidyRow[],
  writes: readonly CellWrite[],
  context: { readonly qrrs: readonly Qrr[]; readonly budgetYear: number },
): { lines: { rowId: string; line: SubsidyLine; before: SubsidyLine | null }[]; drafts: Map<string, Record<string, string>>; rejected: RejectedCell[] } {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const rejected: RejectedCell[] = [];
  const patches = new Map<string, SubsidyLine>();
  const drafts = new Map<string, Record<string, string>>();
  for (const w of writes) {
    const row = byId.get(w.rowId);
    const field = FIELD_BY_KEY.get(w.colId);
    if (!row || !field) continue;
    const parsed = field.parse(w.text, context.qrrs);
    if (!parsed.ok) {
      rejected.push({ ...w, reason: parsed.message });
      continue;
    }
    if (row.type === 'new') {
      const draft = drafts.get(row.id) ?? { ...row.draft };
      draft[field.key] = w.text.trim();
      drafts.set(row.id, draft);
    } else {
      const patch = patches.get(row.id) ?? {};
      patch[field.key] = parsed.value;
      patches.set(row.id, patch);
    }
  }
  const lines: { rowId: string; line: SubsidyLine; before: SubsidyLine | null }[] = [];
  for (const [rowId, patch] of patches) {
    const row = byId.get(rowId);
    if (row?.type !== 'subsidy') continue;
    const before = Object.fromEntries(Object.keys(patch).map((k) => [k, (row.record as unknown as Record<string, unknown>)[k]]));
    if (JSON.stringify(before) === JSON.stringify(patch)) continue;
    lines.push({ rowId, line: { id: row.record.id, ...patch }, before: { id: row.record.id, ...before } });
  }
  const remainingDrafts = new Map<string, Record<string, string>>();
  const rowsWithRejections = new Set(rejected.map((r) => r.rowId));
  for (const w of writes) {
    // A new line with a refused cell (an invalid SIRET…) is not created: it stays a draft, the bad text kept to be corrected.
    if (rowsWithRejections.has(w.rowId) && byId.get(w.rowId)?.type === 'new') {
      const draft = drafts.get(w.rowId) ?? { ...(byId.get(w.rowId) as { draft: Record<string, string> }).draft };
      draft[w.colId] = w.text.trim();
      drafts.set(w.rowId, draft);
    }
  }
  for (const [rowId, draft] of drafts) {
    const complete = REQUIRED_FOR_CREATION.every((k) => (draft[k] ?? '').trim() !== '');
    if (!complete || rowsWithRejections.has(rowId)) {
      remainingDrafts.set(rowId, draft);
      continue;
    }
    const line: SubsidyLine = { budgetYear: context.budgetYear, source: 'fipd' };
    for (const [key, text] of Object.entries(draft)) {
      const parsed = FIELD_BY_KEY.get(key)!.parse(text, context.qrrs);
      if (parsed.ok) line[key] = parsed.value;
    }
    lines.push({ rowId, line, before: null });
  }
  return { lines, drafts: remainingDrafts, rejected };
}
