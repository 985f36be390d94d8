import type { Referential } from '../../../shared/referential/types';

/*
 * The layout of the exchange workbook (exchange/xlsx/*), PURE: no exceljs, no
 * file. Its sheets and their columns, both directions, so that a value written
 * by the export always reads back as the same value; the reading and writing
 * of one cell is in xlsx-cells.ts (the round trip is unit-tested cell by cell).
 *
 * Every data sheet has the same shape:
 *   - row 1: the French headers (the reader finds columns by these names);
 *   - column « Réf. » (hidden, grey): the row's identity and the metadata the
 *     coordinator does not edit (author and time of the last change, uids…),
 *     as compact JSON — a line added by hand has none and is refused;
 *   - grey identification columns (quartier, trimestre, code…): checked
 *     against « Réf. », so an edited identification is refused rather than
 *     silently attached to another quartier;
 *   - grey information columns (labels, dates of update): shown, never read;
 *   - white data columns: what the coordinator edits, typed (numbers, euros,
 *     dates, lists of French labels).
 */

export const WORKBOOK_FORMAT = 'qrr-echange-xlsx';
/**
 * Layout version of the workbook (independent from the exchange format's
 * version, also recorded). 2 added the results (issue 13): sheets « Cibles »
 * and « Sans objet », typed comments in « Appréciations ». A workbook carrying
 * results says 2, so that an older application refuses it (« version plus
 * récente ») rather than silently dropping them; one without says 1, as the
 * exchange file keeps its minor version only when it carries results.
 */
export const WORKBOOK_VERSION = 2;
export const WORKBOOK_VERSION_WITHOUT_RESULTS = 1;

export const SHEETS = {
  readme: 'Lisez-moi',
  indicators: 'Indicateurs',
  actions: 'Actions',
  assessments: 'Appréciations',
  envelopes: 'Enveloppes',
  subsidies: 'Subventions',
  payments: 'Versements',
  targets: 'Cibles',
  sansObjet: 'Sans objet',
  identity: '_qrr',
} as const;

export const NUM_FMT = {
  integer: '#,##0',
  euros: '#,##0.00 "€"',
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
  text: '@',
} as const;
export type CellFormat = keyof typeof NUM_FMT;

/**
 * - ref: the hidden technical column;
 * - id: identification, grey and locked, checked against « Réf. » on reading;
 * - info: grey and locked, shown only (never read);
 * - data: read back (white and editable, unless the sheet is read-only).
 */
export type ColumnRole = 'ref' | 'id' | 'info' | 'data';

export interface ColumnSpec {
  readonly key: string;
  readonly header: string;
  readonly width: number;
  readonly role: ColumnRole;
  readonly format?: CellFormat;
  /** Long texts: wrapped in the cell. */
  readonly wrap?: boolean;
  /** Added in a later layout: a workbook from before has no such column, read as empty. */
  readonly optional?: boolean;
}

const ref: ColumnSpec = { key: 'ref', header: 'Réf.', width: 12, role: 'ref', format: 'text' };
const quartier: ColumnSpec = { key: 'qrr', header: 'Quartier', width: 24, role: 'id', format: 'text' };
const trimestre: ColumnSpec = { key: 'period', header: 'Trimestre', width: 10, role: 'id', format: 'text' };
const updatedAt: ColumnSpec = { key: 'updatedAt', header: 'Mis à jour le', width: 16, role: 'info', format: 'datetime' };
const updatedBy: ColumnSpec = { key: 'updatedBy', header: 'Mis à jour par', width: 16, role: 'info', format: 'text' };

/** The columns of a value's part in slot i (1-based): its label, the value, the target. */
export const partColumnKeys = (slot: number) => ({ label: `part${slot}`, value: `value${slot}`, target: `target${slot}` }) as const;

/** Most parts any indicator of the référentiel has: one group of columns per slot. */
export function partSlotCount(referential: Pick<Referential, 'engagements'>): number {
  return Math.max(1, ...referential.engagements.flatMap((e) => e.indicators.map((i) => i.parts.length)));
}

/**
 * Indicateurs: one group « Champ i | Valeur i | Cible i » per part slot, so
 * that every kind fits the same columns (a count uses slot 1; a rate slots 1
 * and 2, numerator and denominator; a split by sex slots 1 to 3…) and the
 * French label of the part stands right beside its value. Slots the row's
 * indicator does not have are grey and must stay empty.
 */
export function indicatorColumns(slots: number): ColumnSpec[] {
  const parts: ColumnSpec[] = [];
  for (let i = 1; i <= slots; i++) {
    const k = partColumnKeys(i);
    parts.push(
      { key: k.label, header: `Champ ${i}`, width: 30, role: 'info', format: 'text', wrap: true },
      { key: k.value, header: `Valeur ${i}`, width: 13, role: 'data' },
      { key: k.target, header: `Cible ${i}`, width: 13, role: 'data' },
    );
  }
  return [
    ref,
    quartier,
    trimestre,
    { key: 'code', header: 'Code', width: 8, role: 'id', format: 'text' },
    { key: 'label', header: 'Indicateur', width: 40, role: 'info', format: 'text', wrap: true },
    ...parts,
    { key: 'comment', header: 'Commentaire', width: 36, role: 'data', format: 'text', wrap: true },
    { key: 'source', header: 'Source', width: 20, role: 'data', format: 'text' },
    updatedAt,
    updatedBy,
  ];
}

export const ACTION_COLUMNS: readonly ColumnSpec[] = [
  ref,
  quartier,
  trimestre,
  { key: 'code', header: 'Code', width: 9, role: 'id', format: 'text' },
  { key: 'label', header: 'Action', width: 48, role: 'info', format: 'text', wrap: true },
  { key: 'status', header: 'Statut', width: 14, role: 'data', format: 'text' },
  { key: 'referent', header: 'Référent', width: 20, role: 'data', format: 'text' },
  { key: 'comment', header: 'Commentaire', width: 36, role: 'data', format: 'text', wrap: true },
  updatedAt,
  updatedBy,
];

export const ASSESSMENT_COLUMNS: readonly ColumnSpec[] = [
  ref,
  quartier,
  trimestre,
  { key: 'code', header: 'Engagement', width: 11, role: 'id', format: 'text' },
  { key: 'label', header: 'Intitulé', width: 40, role: 'info', format: 'text', wrap: true },
  { key: 'meteo', header: 'Météo', width: 15, role: 'data', format: 'text' },
  { key: 'trend', header: 'Tendance', width: 12, role: 'data', format: 'text' },
  { key: 'comment', header: 'Commentaire', width: 40, role: 'data', format: 'text', wrap: true },
  // The typed comments beside the synthesis (layout 2), as on the Actions screen.
  { key: 'obstacles', header: 'Freins', width: 32, role: 'data', format: 'text', wrap: true, optional: true },
  { key: 'nextSteps', header: 'Actions à venir', width: 32, role: 'data', format: 'text', wrap: true, optional: true },
  { key: 'successes', header: 'Réussites', width: 32, role: 'data', format: 'text', wrap: true, optional: true },
  { key: 'commentAuthor', header: 'Commentaire signé par', width: 18, role: 'info', format: 'text' },
  { key: 'commentDate', header: 'Commentaire du', width: 16, role: 'info', format: 'datetime' },
  updatedAt,
  updatedBy,
];

const year: ColumnSpec = { key: 'year', header: 'Année', width: 8, role: 'id' };
const overEnvelope: ColumnSpec = { key: 'overEnvelopeReason', header: "Motif de dépassement de l'enveloppe", width: 28, role: 'info', format: 'text', wrap: true };

export const ENVELOPE_COLUMNS: readonly ColumnSpec[] = [
  ref,
  quartier,
  year,
  { key: 'source', header: 'Source', width: 24, role: 'id', format: 'text' },
  { key: 'amount', header: 'Montant (€)', width: 15, role: 'data', format: 'euros' },
  { key: 'decidedOn', header: 'Délégué le', width: 12, role: 'data', format: 'date' },
  { key: 'comment', header: 'Commentaire', width: 36, role: 'data', format: 'text', wrap: true },
  overEnvelope,
  updatedAt,
  updatedBy,
];

export const SUBSIDY_COLUMNS: readonly ColumnSpec[] = [
  ref,
  quartier,
  year,
  { key: 'beneficiaryName', header: 'Association', width: 28, role: 'data', format: 'text' },
  { key: 'title', header: 'Intitulé', width: 32, role: 'data', format: 'text', wrap: true },
  { key: 'source', header: 'Source', width: 22, role: 'data', format: 'text' },
  { key: 'actionCodes', header: 'Actions', width: 14, role: 'data', format: 'text' },
  { key: 'siret', header: 'SIRET', width: 19, role: 'data', format: 'text' },
  { key: 'rna', header: 'RNA', width: 12, role: 'data', format: 'text' },
  { key: 'requested', header: 'Demandé (€)', width: 14, role: 'data', format: 'euros' },
  { key: 'granted', header: 'Attribué (€)', width: 14, role: 'data', format: 'euros' },
  { key: 'cofinancing', header: 'Cofinancement (€)', width: 16, role: 'data', format: 'euros' },
  { key: 'status', header: 'Statut', width: 12, role: 'data', format: 'text' },
  { key: 'decisionKind', header: 'Décision', width: 12, role: 'data', format: 'text' },
  { key: 'decisionNumber', header: 'N° de décision', width: 16, role: 'data', format: 'text' },
  { key: 'decisionDate', header: 'Date de décision', width: 14, role: 'data', format: 'date' },
  { key: 'chorusEj', header: 'EJ Chorus', width: 14, role: 'data', format: 'text' },
  { key: 'reportDueDate', header: 'Compte-rendu dû le', width: 16, role: 'data', format: 'date' },
  { key: 'reportReceivedDate', header: 'Compte-rendu reçu le', width: 16, role: 'data', format: 'date' },
  { key: 'documents', header: 'Pièces reçues', width: 40, role: 'data', format: 'text', wrap: true },
  { key: 'comment', header: 'Commentaire', width: 30, role: 'data', format: 'text', wrap: true },
  overEnvelope,
  { key: 'createdAt', header: 'Créée le', width: 16, role: 'info', format: 'datetime' },
  updatedAt,
  updatedBy,
];

/** Payments are recorded in the application, never edited (the import only adds unknown ones): the whole sheet is read-only. */
export const PAYMENT_COLUMNS: readonly ColumnSpec[] = [
  ref,
  { key: 'qrr', header: 'Quartier', width: 24, role: 'info', format: 'text' },
  { key: 'subsidy', header: 'Subvention', width: 44, role: 'info', format: 'text', wrap: true },
  { key: 'paidOn', header: 'Payé le', width: 12, role: 'data', format: 'date' },
  { key: 'amount', header: 'Montant (€)', width: 15, role: 'data', format: 'euros' },
  { key: 'kind', header: 'Nature', width: 16, role: 'data', format: 'text' },
  { key: 'comment', header: 'Commentaire', width: 30, role: 'data', format: 'text', wrap: true },
  { key: 'createdAt', header: 'Enregistré le', width: 16, role: 'info', format: 'datetime' },
];

/**
 * Cibles (layout 2): one row per QRR × indicator with a stored baseline and
 * target (not per quarter). Figures are plain numbers, dates jj/mm/aaaa; the
 * circular's wording of a target it states is shown, never read.
 */
export const TARGET_COLUMNS: readonly ColumnSpec[] = [
  ref,
  quartier,
  { key: 'code', header: 'Code', width: 8, role: 'id', format: 'text' },
  { key: 'label', header: 'Indicateur', width: 44, role: 'info', format: 'text', wrap: true },
  { key: 'initialValue', header: 'Valeur initiale', width: 13, role: 'data' },
  { key: 'initialDate', header: 'Valeur initiale au', width: 13, role: 'data', format: 'date' },
  { key: 'targetValue', header: 'Cible', width: 13, role: 'data' },
  { key: 'targetDeadline', header: 'Échéance', width: 13, role: 'data', format: 'date' },
  { key: 'origin', header: 'Origine', width: 12, role: 'info', format: 'text' },
  { key: 'quote', header: 'Formulation de la circulaire', width: 40, role: 'info', format: 'text', wrap: true },
  updatedAt,
  updatedBy,
];

/** How the « Type » column of « Sans objet » names an item. */
export const SANS_OBJET_TYPE_LABELS = { indicator: 'Indicateur', action: 'Action' } as const;
/** The « Sans objet » column's two words. */
export const YES_NO_LABELS = { oui: 'oui', non: 'non' } as const;

/**
 * Sans objet (layout 2): the users' decisions per QRR × indicator or action,
 * with their reason (« non » lifts a proposal made from the QRR's zone).
 * Proposals nobody decided are not listed: every application derives them.
 */
export const SANS_OBJET_COLUMNS: readonly ColumnSpec[] = [
  ref,
  quartier,
  { key: 'type', header: 'Type', width: 11, role: 'id', format: 'text' },
  { key: 'code', header: 'Code', width: 8, role: 'id', format: 'text' },
  { key: 'label', header: 'Libellé', width: 48, role: 'info', format: 'text', wrap: true },
  { key: 'sansObjet', header: 'Sans objet', width: 11, role: 'data', format: 'text' },
  { key: 'reason', header: 'Motif', width: 44, role: 'data', format: 'text', wrap: true },
  updatedAt,
  updatedBy,
];

/** Columns frozen on the left: up to the last identification or label column before the data. */
export function frozenColumns(columns: readonly ColumnSpec[]): number {
  const firstData = columns.findIndex((c) => c.role === 'data');
  return firstData < 0 ? 0 : firstData;
}

/** 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let n = index;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/**
 * Where each column is (1-based), found by its header in row 1 (ignoring case,
 * accents and surrounding spaces: LibreOffice may retype them). Information
 * columns may be missing (they are never read); the others are required.
 */
export function locateColumns(
  headers: readonly (string | null)[],
  columns: readonly ColumnSpec[],
): { readonly ok: true; readonly positions: ReadonlyMap<string, number> } | { readonly ok: false; readonly missing: readonly string[] } {
  const found = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h !== null && !found.has(fold(h))) found.set(fold(h), i + 1);
  });
  const positions = new Map<string, number>();
  const missing: string[] = [];
  for (const c of columns) {
    const at = found.get(fold(c.header));
    if (at !== undefined) positions.set(c.key, at);
    else if (c.role !== 'info' && c.optional !== true) missing.push(c.header);
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, positions };
}

/** Lower case, no accents, single spaces: « Réalisée » ≡ « realisee ». */
export const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .trim();
