import path from 'node:path';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { z } from 'zod';
import { validateIndicatorValue, type PartValue } from '../../../shared/domain/indicator-values';
import {
  DECISION_KIND_LABELS,
  FUNDING_SOURCE_LABELS,
  PAYMENT_KIND_LABELS,
  SUBSIDY_DOCUMENT_LABELS,
  SUBSIDY_STATUS_LABELS,
  formatSiret,
  type FundingSource,
} from '../../../shared/domain/fipd';
import { ACTION_STATUS_LABELS, METEO_LABELS, TREND_LABELS } from '../../../shared/domain/types';
import { fieldName } from '../../../shared/exchange/diff';
import {
  EXCHANGE_FORMAT,
  EXCHANGE_MAX_BYTES,
  EXCHANGE_MESSAGES,
  EXCHANGE_VERSION,
  ExchangeDocumentSchema,
  sealExchangeDocument,
  type ExchangeActionStatus,
  type ExchangeAssessment,
  type ExchangeDocument,
  type ExchangeEnvelope,
  type ExchangeIndicatorValue,
  type ExchangePayment,
  type ExchangeSubsidy,
  type UnsignedExchangeDocument,
} from '../../../shared/exchange/format';
import { formatDateTime } from '../../../shared/format/fr';
import { DomainError, type FieldIssue } from '../../../shared/ipc/result';
import type { Action, Engagement, Indicator, Referential } from '../../../shared/referential/types';
import { exchangeFileName } from './export';
import {
  ACTION_COLUMNS,
  ASSESSMENT_COLUMNS,
  CHOICES_SEPARATOR,
  ENVELOPE_COLUMNS,
  NUM_FMT,
  PAYMENT_COLUMNS,
  SHEETS,
  SUBSIDY_COLUMNS,
  WORKBOOK_FORMAT,
  WORKBOOK_VERSION,
  cellProblem,
  chunkText,
  columnLetter,
  dateCell,
  escapeCellText,
  frozenColumns,
  indicatorColumns,
  isBlank,
  locateColumns,
  parisWallClock,
  partCell,
  partChoices,
  partColumnKeys,
  partFormat,
  partSlotCount,
  plainCell,
  readChoice,
  readChoices,
  readCodes,
  readDate,
  readEuros,
  readPartCell,
  readRna,
  readSiret,
  readText,
  type CellFormat,
  type CellInput,
  type CellRead,
  type ColumnSpec,
} from './xlsx-layout';
import { writeFileAtomic } from '../atomic-write';
import { inflateZipEntries, listZipEntries, looksLikeZip, memorySink } from '../guarded-unzip';

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

type ReferentialLike = Pick<Referential, 'engagements'>;

export interface WorkbookLimits {
  /** The workbook file itself. */
  readonly maxBytes: number;
  /** Files inside the zip (an exported workbook has about 20). */
  readonly maxEntries: number;
  /** All files inside the zip once inflated, declared and real. */
  readonly maxUncompressedBytes: number;
}

export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = {
  maxBytes: EXCHANGE_MAX_BYTES,
  maxEntries: 500,
  maxUncompressedBytes: 100 * 1024 * 1024,
};

/** Problems listed at most in one refusal (the first ones, in the order of the sheets). */
const MAX_PROBLEMS = 20;

const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024)).toLocaleString('fr-FR')} Mo`;

export const WORKBOOK_MESSAGES = {
  notXlsx: "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : il ne peut pas être importé.",
  damaged: 'Ce classeur Excel est endommagé (son contenu est illisible) : il ne peut pas être importé.',
  notOurs:
    "Ce classeur n'a pas été produit par le Tableau de bord QRR (sa feuille d'identification est absente ou illisible) : " +
    "seuls les classeurs exportés depuis l'écran « Échanges », puis modifiés dans Excel ou LibreOffice, peuvent être importés.",
  identityDamaged: (detail: string) =>
    `La feuille d'identification masquée de ce classeur a été modifiée (${detail}) : reprenez un classeur exporté par l'application.`,
  newer:
    "Ce classeur a été produit par une version plus récente du Tableau de bord QRR : installez la dernière version de l'application pour l'importer.",
  tooManyEntries: (max: number) =>
    `Ce classeur contient plus de ${max.toLocaleString('fr-FR')} fichiers internes : ce n'est pas un classeur exporté par le Tableau de bord QRR, il n'est pas importé.`,
  tooBigInflated: (declared: number, max: number) =>
    `Une fois décompressé, ce classeur occuperait ${mb(declared)}, au-delà de la limite de ${mb(max)} : il n'est pas importé (un classeur exporté par l'application est bien plus petit).`,
  lyingEntry: (name: string) =>
    `Ce classeur est endommagé ou piégé : son fichier interne « ${name} » est plus volumineux une fois décompressé que ce qu'il annonce. Il n'est pas importé.`,
  inflatedBeyond: (max: number) =>
    `Une fois décompressé, ce classeur dépasserait la limite de ${mb(max)} : il n'est pas importé.`,
  refused: (problems: readonly string[], more: boolean) =>
    problems.length === 1
      ? `Le classeur ne peut pas être importé. ${problems[0]}`
      : `Le classeur ne peut pas être importé (${more ? `plus de ${problems.length} erreurs, voici les ${problems.length} premières` : `${problems.length} erreurs`}). ${problems.join(' ')}`,
} as const;

// ---------------------------------------------------------------------------
// The référentiel, indexed

interface ReferentialIndex {
  readonly indicators: ReadonlyMap<string, Indicator>;
  readonly actions: ReadonlyMap<string, Action>;
  readonly engagements: ReadonlyMap<string, Engagement>;
  readonly slots: number;
}

function indexReferential(referential: ReferentialLike): ReferentialIndex {
  return {
    indicators: new Map(referential.engagements.flatMap((e) => e.indicators.map((i) => [i.code, i] as const))),
    actions: new Map(referential.engagements.flatMap((e) => e.actions.map((a) => [a.code, a] as const))),
    engagements: new Map(referential.engagements.map((e) => [e.code, e] as const)),
    slots: partSlotCount(referential),
  };
}

// ---------------------------------------------------------------------------
// « Réf. »: each row's identity and the metadata nobody edits in the workbook

const isoInstant = ExchangeDocumentSchema.shape.exportedAt;
const qrrNumber = z.number().int().min(1);
const period = z.string().regex(/^\d{4}-T[1-4]$/);
const code = z.string().min(1).max(20);
const author = z.string().max(200);
const uid = z.string().regex(/^[0-9a-f]{32}$/);
const year = z.number().int().min(2018).max(2100);

const FollowupRef = z.strictObject({ q: qrrNumber, p: period, c: code, at: isoInstant, by: author });
const AssessmentRef = FollowupRef.extend({ ca: author, cd: isoInstant.nullable() });
const EnvelopeRef = z.strictObject({
  q: qrrNumber,
  y: year,
  s: ExchangeDocumentSchema.shape.fipdEnvelopes.element.shape.source,
  at: isoInstant,
  by: author,
  r: z.string().max(10_000).nullable(),
});
const SubsidyRef = z.strictObject({ u: uid, q: qrrNumber, y: year, ca: isoInstant, at: isoInstant, by: author, r: z.string().max(10_000).nullable() });
const PaymentRef = z.strictObject({ u: uid, s: uid, ca: isoInstant });

// ---------------------------------------------------------------------------
// Writing

const GREY = 'FFE7E7E7';
const HEADER = 'FFDDE5F4';
const THIN = { style: 'thin' as const, color: { argb: 'FFBBBBBB' } };

type Style = Partial<ExcelJS.Style>;
const styles = new Map<string, Style>();
/** One style object per combination, shared by every cell that uses it (exceljs registers styles by value). */
function styleOf(format: CellFormat | undefined, grey: boolean, wrap: boolean): Style {
  const key = `${format ?? ''}|${grey}|${wrap}`;
  let style = styles.get(key);
  if (!style) {
    style = {
      ...(format ? { numFmt: NUM_FMT[format] } : {}),
      alignment: { vertical: 'top', ...(wrap ? { wrapText: true } : {}) },
      protection: { locked: grey },
      border: { bottom: THIN, right: THIN },
      ...(grey ? { fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: GREY } }, font: { color: { argb: 'FF3A3A3A' } } } : {}),
    } satisfies Style;
    styles.set(key, style);
  }
  return style;
}

interface RowOut {
  readonly cells: Readonly<Record<string, CellInput>>;
  /** Per-cell format (indicator parts: integer, euros or text depending on the indicator). */
  readonly formats?: Readonly<Record<string, CellFormat>>;
  /** Data cells that must stay empty on this row (part slots the indicator does not have): grey and locked. */
  readonly unused?: ReadonlySet<string>;
  /** Per-cell lists of French words (indicator parts that are lists or yes/no). */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
}

const listValidation = (choices: readonly string[]): ExcelJS.DataValidation | null => {
  const formula = `"${choices.join(',')}"`;
  // A list typed in the validation itself: no comma inside a choice, 255 characters at most (Excel's limit).
  if (choices.some((c) => c.includes(',') || c.includes('"')) || formula.length > 255) return null;
  return {
    type: 'list',
    allowBlank: true,
    formulae: [formula],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Valeur non admise',
    error: `Choisissez une valeur de la liste : ${choices.join(', ')}.`,
  };
};

async function addDataSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: readonly ColumnSpec[],
  rows: readonly RowOut[],
  options: { readonly columnChoices?: Readonly<Record<string, readonly string[]>>; readonly readOnly?: boolean } = {},
): Promise<void> {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: frozenColumns(columns), ySplit: 1 }],
    properties: { defaultRowHeight: 15 },
  });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, hidden: c.role === 'ref' }));
  const header = sheet.getRow(1);
  header.eachCell((cell) => {
    cell.style = {
      font: { bold: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER } },
      alignment: { vertical: 'middle', wrapText: true },
      border: { bottom: { style: 'medium', color: { argb: 'FF000091' } } },
      protection: { locked: true },
    };
  });
  const columnValidations = new Map(
    Object.entries(options.columnChoices ?? {}).flatMap(([k, list]) => {
      const v = listValidation(list);
      return v ? [[k, v] as const] : [];
    }),
  );
  for (const r of rows) {
    const row = sheet.addRow(columns.map((c) => stored(r.cells[c.key] ?? null)));
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      const unused = r.unused?.has(c.key) ?? false;
      const grey = c.role !== 'data' || unused || options.readOnly === true;
      cell.style = styleOf(r.formats?.[c.key] ?? c.format, grey, c.wrap === true);
      if (grey) return;
      const perCell = r.choices?.[c.key];
      const validation = perCell ? listValidation(perCell) : columnValidations.get(c.key);
      if (validation) cell.dataValidation = validation;
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  // No password: the protection only prevents a slip (editing a grey column, inserting a row); the reader checks anyway.
  await sheet.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    autoFilter: true,
  });
}

const json = (value: unknown): string => JSON.stringify(value);
const stored = (value: CellInput): CellInput => (typeof value === 'string' ? escapeCellText(value) : value);

/**
 * The workbook of an exchange document. Values of indicators, actions or
 * engagements the référentiel no longer has (retired codes) cannot be laid
 * out: they are left out and counted on « Lisez-moi ».
 */
export async function exchangeToWorkbook(doc: ExchangeDocument, referential: ReferentialLike): Promise<Buffer> {
  const ref = indexReferential(referential);
  const qrrNumbers = new Map(doc.qrrs.map((q, i) => [q.key, i + 1]));
  const qrrNames = new Map(doc.qrrs.map((q) => [q.key, q.name]));
  const numberOf = (key: string): number => {
    const n = qrrNumbers.get(key);
    if (n === undefined) throw new DomainError('VALIDATION', `Le document d'échange est incohérent : il contient des données d'un quartier qu'il ne décrit pas (« ${key} »).`);
    return n;
  };
  const left = { indicators: 0, actions: 0, assessments: 0 };

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tableau de bord QRR';
  workbook.created = new Date(doc.exportedAt);
  workbook.modified = new Date(doc.exportedAt);
  const readme = workbook.addWorksheet(SHEETS.readme);

  // Indicateurs
  const slots = ref.slots;
  const indicatorRows: RowOut[] = [];
  for (const v of doc.indicatorValues) {
    const indicator = ref.indicators.get(v.indicatorCode);
    if (!indicator) {
      left.indicators++;
      continue;
    }
    const cells: Record<string, CellInput> = {
      ref: json({ q: numberOf(v.qrrKey), p: v.periodCode, c: v.indicatorCode, at: v.updatedAt, by: v.updatedBy }),
      qrr: qrrNames.get(v.qrrKey)!,
      period: v.periodCode,
      code: v.indicatorCode,
      label: indicator.label,
      comment: v.comment,
      source: v.source,
      updatedAt: parisWallClock(v.updatedAt),
      updatedBy: v.updatedBy,
    };
    const formats: Record<string, CellFormat> = {};
    const choices: Record<string, readonly string[]> = {};
    const unused = new Set<string>();
    for (let i = 1; i <= slots; i++) {
      const k = partColumnKeys(i);
      const part = indicator.parts[i - 1];
      if (!part) {
        unused.add(k.value).add(k.target);
        continue;
      }
      cells[k.label] = part.label;
      cells[k.value] = partCell(part, v.value?.[part.key]);
      cells[k.target] = partCell(part, v.target?.[part.key]);
      formats[k.value] = formats[k.target] = partFormat(part);
      const list = partChoices(part);
      if (list) choices[k.value] = choices[k.target] = list;
    }
    indicatorRows.push({ cells, formats, choices, unused });
  }
  await addDataSheet(workbook, SHEETS.indicators, indicatorColumns(slots), indicatorRows);

  // Actions
  const actionRows: RowOut[] = [];
  for (const s of doc.actionStatuses) {
    const action = ref.actions.get(s.actionCode);
    if (!action) {
      left.actions++;
      continue;
    }
    actionRows.push({
      cells: {
        ref: json({ q: numberOf(s.qrrKey), p: s.periodCode, c: s.actionCode, at: s.updatedAt, by: s.updatedBy }),
        qrr: qrrNames.get(s.qrrKey)!,
        period: s.periodCode,
        code: s.actionCode,
        label: action.label,
        status: s.status ? ACTION_STATUS_LABELS[s.status] : null,
        referent: s.referent,
        comment: s.comment,
        updatedAt: parisWallClock(s.updatedAt),
        updatedBy: s.updatedBy,
      },
    });
  }
  await addDataSheet(workbook, SHEETS.actions, ACTION_COLUMNS, actionRows, { columnChoices: { status: Object.values(ACTION_STATUS_LABELS) } });

  // Appréciations
  const assessmentRows: RowOut[] = [];
  for (const a of doc.assessments) {
    const engagement = ref.engagements.get(a.engagementCode);
    if (!engagement) {
      left.assessments++;
      continue;
    }
    assessmentRows.push({
      cells: {
        ref: json({ q: numberOf(a.qrrKey), p: a.periodCode, c: a.engagementCode, at: a.updatedAt, by: a.updatedBy, ca: a.commentAuthor, cd: a.commentDate }),
        qrr: qrrNames.get(a.qrrKey)!,
        period: a.periodCode,
        code: a.engagementCode,
        label: engagement.title,
        meteo: METEO_LABELS[a.meteo],
        trend: a.trend ? TREND_LABELS[a.trend] : null,
        comment: a.comment,
        commentAuthor: a.commentAuthor,
        commentDate: a.commentDate ? parisWallClock(a.commentDate) : null,
        updatedAt: parisWallClock(a.updatedAt),
        updatedBy: a.updatedBy,
      },
    });
  }
  await addDataSheet(workbook, SHEETS.assessments, ASSESSMENT_COLUMNS, assessmentRows, {
    columnChoices: { meteo: Object.values(METEO_LABELS), trend: Object.values(TREND_LABELS) },
  });

  // Enveloppes
  await addDataSheet(
    workbook,
    SHEETS.envelopes,
    ENVELOPE_COLUMNS,
    doc.fipdEnvelopes.map((e) => ({
      cells: {
        ref: json({ q: numberOf(e.qrrKey), y: e.budgetYear, s: e.source, at: e.updatedAt, by: e.updatedBy, r: e.overEnvelopeReason }),
        qrr: qrrNames.get(e.qrrKey)!,
        year: e.budgetYear,
        source: FUNDING_SOURCE_LABELS[e.source],
        amount: e.amountCents / 100,
        decidedOn: dateCell(e.decidedOn),
        comment: e.comment,
        overEnvelopeReason: e.overEnvelopeReason,
        updatedAt: parisWallClock(e.updatedAt),
        updatedBy: e.updatedBy,
      },
    })),
  );

  // Subventions
  await addDataSheet(
    workbook,
    SHEETS.subsidies,
    SUBSIDY_COLUMNS,
    doc.subsidies.map((s) => ({
      cells: {
        ref: json({ u: s.uid, q: numberOf(s.qrrKey), y: s.budgetYear, ca: s.createdAt, at: s.updatedAt, by: s.updatedBy, r: s.overEnvelopeReason }),
        qrr: qrrNames.get(s.qrrKey)!,
        year: s.budgetYear,
        beneficiaryName: s.beneficiaryName,
        title: s.title,
        source: FUNDING_SOURCE_LABELS[s.source],
        actionCodes: s.actionCodes.join(', '),
        siret: s.siret ? formatSiret(s.siret) : null,
        rna: s.rna,
        requested: s.requestedCents / 100,
        granted: s.grantedCents / 100,
        cofinancing: s.cofinancingCents / 100,
        status: SUBSIDY_STATUS_LABELS[s.status],
        decisionKind: s.decisionKind ? DECISION_KIND_LABELS[s.decisionKind] : null,
        decisionNumber: s.decisionNumber,
        decisionDate: dateCell(s.decisionDate),
        chorusEj: s.chorusEj,
        reportDueDate: dateCell(s.reportDueDate),
        reportReceivedDate: dateCell(s.reportReceivedDate),
        documents: s.documents.map((d) => SUBSIDY_DOCUMENT_LABELS[d]).join(CHOICES_SEPARATOR),
        comment: s.comment,
        overEnvelopeReason: s.overEnvelopeReason,
        createdAt: parisWallClock(s.createdAt),
        updatedAt: parisWallClock(s.updatedAt),
        updatedBy: s.updatedBy,
      },
    })),
    {
      columnChoices: {
        source: Object.values(FUNDING_SOURCE_LABELS),
        status: Object.values(SUBSIDY_STATUS_LABELS),
        decisionKind: Object.values(DECISION_KIND_LABELS),
      },
    },
  );

  // Versements (read-only)
  await addDataSheet(
    workbook,
    SHEETS.payments,
    PAYMENT_COLUMNS,
    doc.subsidies.flatMap((s) =>
      s.payments.map((p) => ({
        cells: {
          ref: json({ u: p.uid, s: s.uid, ca: p.createdAt }),
          qrr: qrrNames.get(s.qrrKey)!,
          subsidy: `${s.beneficiaryName} — ${s.title} (${s.budgetYear})`,
          paidOn: dateCell(p.paidOn),
          amount: p.amountCents / 100,
          kind: PAYMENT_KIND_LABELS[p.kind],
          comment: p.comment,
          createdAt: parisWallClock(p.createdAt),
        },
      })),
    ),
    { readOnly: true },
  );

  // _qrr: what the reader needs to know the workbook is ours, and the document's header.
  const identity = workbook.addWorksheet(SHEETS.identity, { state: 'veryHidden' });
  const header: Record<string, unknown> = {
    format: WORKBOOK_FORMAT,
    version: WORKBOOK_VERSION,
    exchangeVersion: doc.version,
    referentialVersion: doc.referentialVersion,
    departement: doc.departement,
    sender: doc.sender,
    exportedAt: doc.exportedAt,
    scope: doc.scope,
    qrrs: doc.qrrs,
    periods: doc.periods,
  };
  identity.columns = [{ width: 20 }, { width: 80 }];
  for (const [key, value] of Object.entries(header)) identity.addRow([key, ...chunkText(json(value)).map(escapeCellText)]);
  await identity.protect('', { selectLockedCells: true, selectUnlockedCells: true });

  fillReadme(readme, doc, left);
  await readme.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function fillReadme(sheet: ExcelJS.Worksheet, doc: ExchangeDocument, left: { indicators: number; actions: number; assessments: number }): void {
  sheet.columns = [{ width: 120 }];
  const periods = doc.scope.periods.length === 0 ? 'aucun' : doc.scope.periods.join(', ');
  const leftOut = [
    left.indicators ? `${left.indicators} valeur(s) d'indicateurs` : '',
    left.actions ? `${left.actions} statut(s) d'actions` : '',
    left.assessments ? `${left.assessments} appréciation(s)` : '',
  ].filter(Boolean);
  const lines: [string, 'title' | 'heading' | 'text'][] = [
    ["Tableau de bord QRR — classeur d'échange", 'title'],
    [`Département : ${doc.departement.nom} (${doc.departement.code})`, 'text'],
    [`Exporté le ${formatDateTime(doc.exportedAt)} par ${doc.sender.name || doc.sender.osUser}`, 'text'],
    [`Trimestres : ${periods} — référentiel version ${doc.referentialVersion}`, 'text'],
    ['', 'text'],
    ["Qu'est-ce que ce classeur ?", 'heading'],
    [
      "Il contient les mêmes données qu'un fichier d'échange .qrr : valeurs des indicateurs, statuts des actions, appréciations par engagement, " +
        'enveloppes de crédits, subventions et versements des quartiers de reconquête républicaine du département.',
      'text',
    ],
    [
      "Vous pouvez le compléter dans Excel ou LibreOffice Calc, l'enregistrer au format .xlsx, puis l'importer dans le Tableau de bord QRR " +
        "(écran « Échanges », « Importer le fichier d'un collègue ») : l'application montre alors, cellule par cellule, ce qui est nouveau, " +
        'identique ou en conflit, et rien n’est modifié avant votre confirmation.',
      'text',
    ],
    ['', 'text'],
    ['Comment le modifier', 'heading'],
    ['• Modifiez uniquement les cellules blanches. Les colonnes grises (quartier, trimestre, code, libellés, dates de mise à jour…) identifient chaque ligne : ne les modifiez pas.', 'text'],
    ['• Ne renommez ni les feuilles ni les colonnes, n’ajoutez pas de lignes et ne supprimez pas les colonnes ou feuilles masquées : une nouvelle donnée se saisit dans l’application.', 'text'],
    ['• Nombres : tapez-les comme d’habitude (1 234 ou 1 234,5). Montants en euros, avec au plus deux décimales. Dates au format jj/mm/aaaa.', 'text'],
    ['• Listes (statut, météo, tendance, source, décision, état d’avancement, oui/non) : choisissez une valeur dans la liste déroulante.', 'text'],
    ['• Indicateurs : « Champ 1, 2, 3 » nomment les parties de la valeur ; tapez chaque partie dans « Valeur » (et l’objectif dans « Cible ») à côté.', 'text'],
    ['• Subventions : actions séparées par des virgules (01-01, 05-02) ; pièces reçues séparées par « ; » ou un retour à la ligne.', 'text'],
    ['• Versements : en lecture seule ; un versement s’enregistre dans l’application.', 'text'],
    ['• Vider une cellule ne supprime rien : un import n’efface jamais une donnée, il ajoute ou remplace seulement, selon vos choix.', 'text'],
    [
      '• Les feuilles sont protégées sans mot de passe, seulement pour éviter une fausse manœuvre. Une cellule illisible (nombre mal écrit, ' +
        'valeur hors liste, date invalide) fait refuser l’import avec la feuille, la ligne et la colonne à corriger.',
      'text',
    ],
    ['', 'text'],
    ['Feuilles', 'heading'],
    [`« ${SHEETS.indicators} » : une ligne par quartier, trimestre et indicateur renseigné.`, 'text'],
    [`« ${SHEETS.actions} » : statut, référent et commentaire de chaque action suivie.`, 'text'],
    [`« ${SHEETS.assessments} » : météo, tendance et commentaire par engagement.`, 'text'],
    [`« ${SHEETS.envelopes} », « ${SHEETS.subsidies} », « ${SHEETS.payments} » : les crédits FIPD et autres crédits, par année budgétaire.`, 'text'],
    ...(leftOut.length > 0
      ? ([
          ['', 'text'],
          [`Non repris dans ce classeur (codes retirés du référentiel) : ${leftOut.join(', ')}. Ils restent dans le fichier d'échange .qrr.`, 'text'],
        ] as [string, 'text'][])
      : []),
  ];
  for (const [text, kind] of lines) {
    const cell = sheet.addRow([text]).getCell(1);
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (kind === 'title') cell.font = { bold: true, size: 14, color: { argb: 'FF000091' } };
    if (kind === 'heading') cell.font = { bold: true, size: 12 };
  }
}

/** `qrr-93-2026-T4.xlsx`, or `qrr-93-tout.xlsx` for several periods. */
export const workbookFileName = (doc: ExchangeDocument): string => exchangeFileName(doc).replace(/\.qrr$/, '.xlsx');

/** Writes the workbook in `dir` through a temporary file (never half a file); returns its path. */
export async function writeExchangeWorkbook(doc: ExchangeDocument, referential: ReferentialLike, dir: string): Promise<string> {
  const bytes = await exchangeToWorkbook(doc, referential);
  const file = path.join(dir, workbookFileName(doc));
  writeFileAtomic(file, bytes);
  return file;
}

// ---------------------------------------------------------------------------
// Reading 1: the zip, checked before exceljs sees it

export type UnpackResult =
  | { readonly ok: true; readonly files: Readonly<Record<string, Uint8Array>> }
  | { readonly ok: false; readonly message: string; /** Bytes really inflated before the refusal (0: refused from the central directory). */ readonly inflatedBytes: number };

/** Input fed to the inflater at a time: deflate expands at most ~1 030 times, so one step yields at most ~16 Mo before the caps are checked. */
const PUSH_CHUNK = 16 * 1024;

/**
 * The files of an .xlsx, inflated under caps, or a French refusal. First the
 * central directory alone (entry count, declared sizes: a 200 Mo entry is
 * refused without inflating anything), then every entry inflated with
 * fflate's streaming Unzip and stopped as soon as it grows beyond its
 * declared size or the total beyond the limit (electron/services/guarded-unzip.ts).
 */
export function unpackWorkbook(bytes: Uint8Array, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS): UnpackResult {
  const refuse = (message: string, inflatedBytes = 0): UnpackResult => ({ ok: false, message, inflatedBytes });
  if (bytes.byteLength > limits.maxBytes) return refuse(EXCHANGE_MESSAGES.tooBig(limits.maxBytes));
  if (!looksLikeZip(bytes)) return refuse(WORKBOOK_MESSAGES.notXlsx);

  const listing = listZipEntries(bytes, limits.maxEntries);
  if (!listing.ok) return refuse(listing.problem === 'tooManyEntries' ? WORKBOOK_MESSAGES.tooManyEntries(limits.maxEntries) : WORKBOOK_MESSAGES.notXlsx);
  const declared = new Map<string, number>();
  let declaredTotal = 0;
  let problem: string | null = null;
  for (const file of listing.entries) {
    if (declared.has(file.name)) problem ??= WORKBOOK_MESSAGES.damaged;
    if (file.compression !== 0 && file.compression !== 8) problem ??= WORKBOOK_MESSAGES.notXlsx;
    if (!Number.isSafeInteger(file.originalSize) || file.originalSize < 0) problem ??= WORKBOOK_MESSAGES.damaged;
    declared.set(file.name, file.originalSize);
    declaredTotal += file.originalSize;
  }
  if (problem) return refuse(problem);
  if (declaredTotal > limits.maxUncompressedBytes) return refuse(WORKBOOK_MESSAGES.tooBigInflated(declaredTotal, limits.maxUncompressedBytes));
  if (!declared.has('xl/workbook.xml')) return refuse(WORKBOOK_MESSAGES.notXlsx);

  const sinks = new Map<string, ReturnType<typeof memorySink>>();
  const inflated = inflateZipEntries(bytes, declared, {
    want: () => true,
    sinkFor: (name) => {
      const sink = memorySink();
      sinks.set(name, sink);
      return sink;
    },
    maxUncompressedBytes: limits.maxUncompressedBytes,
    pushChunk: PUSH_CHUNK,
  });
  const found = inflated.problem;
  if (found) {
    const message =
      found.kind === 'larger'
        ? WORKBOOK_MESSAGES.lyingEntry(found.name)
        : found.kind === 'total'
          ? WORKBOOK_MESSAGES.inflatedBeyond(limits.maxUncompressedBytes)
          : WORKBOOK_MESSAGES.damaged;
    return refuse(message, inflated.inflatedBytes);
  }
  const files: Record<string, Uint8Array> = {};
  for (const [name, sink] of sinks) files[name] = sink.bytes();
  return { ok: true, files };
}

/**
 * Elements exceljs expands cell by cell when it reads them: a validation, a
 * merge or a column style over a whole sheet (`A1:XFD1048576`, `max="16384"`
 * or far more when forged) would make it create millions or billions of
 * objects. The reader needs none of them.
 */
const EXPANDED_ELEMENTS = /<((?:[A-Za-z_][\w.-]*:)?)(dataValidations|mergeCells|cols)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1\2\s*>)/g;

export function withoutExpandedRanges(sheetXml: string): string {
  return sheetXml.replace(EXPANDED_ELEMENTS, '');
}

function repack(files: Readonly<Record<string, Uint8Array>>): Buffer {
  const checked: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    checked[name] = /^xl\/worksheets\/[^/]+\.xml$/i.test(name)
      ? new TextEncoder().encode(withoutExpandedRanges(new TextDecoder('utf-8').decode(data)))
      : data;
  }
  // Stored, not compressed: exceljs reads it straight away, and it never holds more than what was checked.
  return Buffer.from(zipSync(checked, { level: 0 }));
}

// ---------------------------------------------------------------------------
// Reading 2: identification

const IdentitySchema = z.object({
  format: z.literal(WORKBOOK_FORMAT),
  version: z.number().int().min(1),
  exchangeVersion: z.number().int().min(1),
  referentialVersion: ExchangeDocumentSchema.shape.referentialVersion,
  departement: ExchangeDocumentSchema.shape.departement,
  sender: ExchangeDocumentSchema.shape.sender,
  exportedAt: ExchangeDocumentSchema.shape.exportedAt,
  scope: ExchangeDocumentSchema.shape.scope,
  qrrs: ExchangeDocumentSchema.shape.qrrs,
  periods: ExchangeDocumentSchema.shape.periods,
});
type Identity = z.infer<typeof IdentitySchema>;

const IDENTITY_FIELDS: Readonly<Record<string, string>> = {
  version: 'version',
  exchangeVersion: 'version du format',
  referentialVersion: 'version du référentiel',
  departement: 'département',
  sender: 'expéditeur',
  exportedAt: "date d'export",
  scope: 'trimestres exportés',
  qrrs: 'quartiers',
  periods: 'trimestres',
};

function readIdentity(workbook: ExcelJS.Workbook): Identity {
  const sheet = workbook.getWorksheet(SHEETS.identity);
  if (!sheet) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.notOurs);
  const raw: Record<string, unknown> = {};
  const broken: string[] = [];
  sheet.eachRow((row) => {
    const key = plainCell(row.getCell(1).value);
    if (!key.ok || typeof key.value !== 'string') return;
    let text = '';
    for (let c = 2; c <= row.cellCount; c++) {
      const v = plainCell(row.getCell(c).value);
      if (v.ok && typeof v.value === 'string') text += v.value;
    }
    try {
      raw[key.value] = JSON.parse(text);
    } catch {
      broken.push(key.value);
    }
  });
  if (raw.format !== WORKBOOK_FORMAT) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.notOurs);
  const newer = (v: unknown, ours: number): boolean => typeof v === 'number' && v > ours;
  if (newer(raw.version, WORKBOOK_VERSION) || newer(raw.exchangeVersion, EXCHANGE_VERSION)) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.newer);
  if (broken.length > 0) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.identityDamaged(broken.map((k) => IDENTITY_FIELDS[k] ?? k).join(', ')));
  const parsed = IdentitySchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].map((k) => IDENTITY_FIELDS[k] ?? k);
    throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.identityDamaged(fields.join(', ')));
  }
  if (parsed.data.exchangeVersion !== EXCHANGE_VERSION) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.identityDamaged('version du format'));
  return parsed.data;
}

// ---------------------------------------------------------------------------
// Reading 3: the sheets

const SHEET_ORDER: readonly string[] = [SHEETS.indicators, SHEETS.actions, SHEETS.assessments, SHEETS.envelopes, SHEETS.subsidies, SHEETS.payments];

/** The refusals found, in the order of the sheets and rows (a sheet's rows are checked in two passes). */
class Problems {
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
class RowAccess {
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
function sheetRows<R>(
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

/** The document of a workbook exported by exchangeToWorkbook (possibly edited since), or a French refusal (DomainError VALIDATION). */
export async function exchangeFromWorkbook(
  bytes: Uint8Array,
  referential: ReferentialLike,
  limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS,
): Promise<ExchangeDocument> {
  const unpacked = unpackWorkbook(bytes, limits);
  if (!unpacked.ok) throw new DomainError('VALIDATION', unpacked.message);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own `Buffer` type (an ArrayBuffer); it accepts Node's at run time.
    await workbook.xlsx.load(repack(unpacked.files) as unknown as ArrayBuffer);
  } catch {
    throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.damaged);
  }
  const identity = readIdentity(workbook);
  const ref = indexReferential(referential);
  const problems = new Problems();
  const qrrOf = (access: RowAccess, q: number): Identity['qrrs'][number] | undefined => {
    const qrr = identity.qrrs[q - 1];
    if (!qrr) access.fail(null, "la référence de la ligne (colonne masquée « Réf. ») désigne un quartier que le classeur ne décrit pas : reprenez un classeur exporté par l'application.");
    return qrr;
  };
  /** Row numbers of each record, to name the row if the assembled document is still refused. */
  const rowsOf: Record<string, number[]> = { indicatorValues: [], actionStatuses: [], assessments: [], fipdEnvelopes: [], subsidies: [] };
  const paymentRows = new Map<string, number>();
  const unknownCodes = (what: string, sheet: string, codes: Map<string, number>): void => {
    if (codes.size === 0) return;
    problems.add(
      `Feuille « ${sheet} » : ${what} inconnu(s) du référentiel de cette application : ${[...codes].map(([c, n]) => `« ${c} » (ligne ${n})`).join(', ')}. Mettez l'application à jour ou reprenez un classeur exporté par l'application.`,
      sheet,
      sheet,
      Math.min(...codes.values()),
    );
  };
  const text = (max: number) => (v: CellInput) => readText(v, max);
  const TEXT_MAX = 10_000;

  // Indicateurs
  const indicatorValues: ExchangeIndicatorValue[] = [];
  const unknownIndicators = new Map<string, number>();
  const slots = ref.slots;
  for (const { access, ref: r } of sheetRows(workbook, SHEETS.indicators, indicatorColumns(slots), FollowupRef, (r) => `${r.q}|${r.p}|${r.c}`, problems).rows) {
    const qrr = qrrOf(access, r.q);
    if (!qrr || !access.checkIds({ qrr: qrr.name, period: r.p, code: r.c })) continue;
    const indicator = ref.indicators.get(r.c);
    if (!indicator) {
      if (!unknownIndicators.has(r.c)) unknownIndicators.set(r.c, access.n);
      continue;
    }
    const payloads: Record<'value' | 'target', Record<string, PartValue>> = { value: {}, target: {} };
    let readable = true;
    for (let i = 1; i <= slots; i++) {
      const k = partColumnKeys(i);
      const part = indicator.parts[i - 1];
      for (const side of ['value', 'target'] as const) {
        const key = k[side];
        if (!part) {
          const v = access.raw(key);
          if (v !== undefined && !isBlank(v)) {
            access.fail(key, `l'indicateur ${indicator.code} n'a que ${indicator.parts.length} champ(s) : cette cellule grise doit rester vide.`);
            readable = false;
          }
          continue;
        }
        const v = access.read(key, (c) => readPartCell(part, c));
        if (v === undefined) readable = false;
        else payloads[side][part.key] = v;
      }
    }
    const comment = access.read('comment', text(TEXT_MAX));
    const source = access.read('source', text(TEXT_MAX));
    if (!readable || comment === undefined || source === undefined) continue;
    const checked: Record<'value' | 'target', ExchangeIndicatorValue['value']> = { value: null, target: null };
    for (const side of ['value', 'target'] as const) {
      if (Object.values(payloads[side]).every((p) => p === null)) continue;
      const result = validateIndicatorValue(indicator, payloads[side]);
      if (!result.ok) {
        access.fail(null, `${side === 'value' ? 'valeur' : 'cible'} de l'indicateur ${indicator.code} : ${result.message}`);
        readable = false;
      } else checked[side] = { ...result.value };
    }
    if (!readable) continue;
    indicatorValues.push({
      qrrKey: qrr.key,
      indicatorCode: r.c,
      periodCode: r.p,
      value: checked.value,
      target: checked.target,
      comment,
      source,
      updatedAt: r.at,
      updatedBy: r.by,
    });
    rowsOf.indicatorValues!.push(access.n);
  }
  unknownCodes('indicateur(s)', SHEETS.indicators, unknownIndicators);

  // Actions
  const actionStatuses: ExchangeActionStatus[] = [];
  const unknownActions = new Map<string, number>();
  for (const { access, ref: r } of sheetRows(workbook, SHEETS.actions, ACTION_COLUMNS, FollowupRef, (r) => `${r.q}|${r.p}|${r.c}`, problems).rows) {
    const qrr = qrrOf(access, r.q);
    if (!qrr || !access.checkIds({ qrr: qrr.name, period: r.p, code: r.c })) continue;
    if (!ref.actions.has(r.c)) {
      if (!unknownActions.has(r.c)) unknownActions.set(r.c, access.n);
      continue;
    }
    const status = access.read('status', (v) => readChoice(ACTION_STATUS_LABELS, v));
    const referent = access.read('referent', text(TEXT_MAX));
    const comment = access.read('comment', text(TEXT_MAX));
    if (status === undefined || referent === undefined || comment === undefined) continue;
    actionStatuses.push({ qrrKey: qrr.key, actionCode: r.c, periodCode: r.p, status, comment, referent, updatedAt: r.at, updatedBy: r.by });
    rowsOf.actionStatuses!.push(access.n);
  }
  unknownCodes('action(s)', SHEETS.actions, unknownActions);

  // Appréciations
  const assessments: ExchangeAssessment[] = [];
  const unknownEngagements = new Map<string, number>();
  for (const { access, ref: r } of sheetRows(workbook, SHEETS.assessments, ASSESSMENT_COLUMNS, AssessmentRef, (r) => `${r.q}|${r.p}|${r.c}`, problems).rows) {
    const qrr = qrrOf(access, r.q);
    if (!qrr || !access.checkIds({ qrr: qrr.name, period: r.p, code: r.c })) continue;
    if (!ref.engagements.has(r.c)) {
      if (!unknownEngagements.has(r.c)) unknownEngagements.set(r.c, access.n);
      continue;
    }
    const meteo = access.read('meteo', (v) => readChoice(METEO_LABELS, v));
    const trend = access.read('trend', (v) => readChoice(TREND_LABELS, v));
    const comment = access.read('comment', text(TEXT_MAX));
    if (meteo === undefined || trend === undefined || comment === undefined) continue;
    assessments.push({
      qrrKey: qrr.key,
      engagementCode: r.c,
      periodCode: r.p,
      // An empty météo is « nothing entered »: the value the application uses for it.
      meteo: meteo ?? 'non_renseignee',
      trend,
      comment,
      commentAuthor: r.ca,
      commentDate: r.cd,
      updatedAt: r.at,
      updatedBy: r.by,
    });
    rowsOf.assessments!.push(access.n);
  }
  unknownCodes('engagement(s)', SHEETS.assessments, unknownEngagements);

  // Enveloppes
  const fipdEnvelopes: ExchangeEnvelope[] = [];
  for (const { access, ref: r } of sheetRows(workbook, SHEETS.envelopes, ENVELOPE_COLUMNS, EnvelopeRef, (r) => `${r.q}|${r.y}|${r.s}`, problems).rows) {
    const qrr = qrrOf(access, r.q);
    if (!qrr || !access.checkIds({ qrr: qrr.name, year: r.y, source: FUNDING_SOURCE_LABELS[r.s] })) continue;
    const amountCents = access.read('amount', readEuros);
    const decidedOn = access.read('decidedOn', readDate);
    const comment = access.read('comment', text(TEXT_MAX));
    if (amountCents === undefined || decidedOn === undefined || comment === undefined) continue;
    fipdEnvelopes.push({ qrrKey: qrr.key, budgetYear: r.y, source: r.s, amountCents, decidedOn, comment, overEnvelopeReason: r.r, updatedAt: r.at, updatedBy: r.by });
    rowsOf.fipdEnvelopes!.push(access.n);
  }

  // Subventions
  const subsidies: ExchangeSubsidy[] = [];
  const knownActions = new Set(ref.actions.keys());
  const required = <T>(access: RowAccess, key: string, value: T | null | undefined, message: string): T | undefined => {
    if (value === undefined) return undefined;
    if (value === null || value === '') {
      access.fail(key, message);
      return undefined;
    }
    return value;
  };
  /** Subsidies whose row was refused (already reported): their payments are not reported again. */
  const refusedSubsidies = new Set<string>();
  for (const { access, ref: r } of sheetRows(workbook, SHEETS.subsidies, SUBSIDY_COLUMNS, SubsidyRef, (r) => r.u, problems).rows) {
    refusedSubsidies.add(r.u);
    const qrr = qrrOf(access, r.q);
    if (!qrr || !access.checkIds({ qrr: qrr.name, year: r.y })) continue;
    const fields = {
      beneficiaryName: required(access, 'beneficiaryName', access.read('beneficiaryName', text(200)), "le nom de l'association est obligatoire."),
      title: required(access, 'title', access.read('title', text(300)), "l'intitulé est obligatoire."),
      source: required<FundingSource>(access, 'source', access.read('source', (v) => readChoice(FUNDING_SOURCE_LABELS, v)), 'la source de financement est obligatoire.'),
      actionCodes: access.read('actionCodes', (v) => readCodes(v, knownActions)),
      siret: access.read('siret', readSiret),
      rna: access.read('rna', readRna),
      requestedCents: access.read('requested', readEuros),
      grantedCents: access.read('granted', readEuros),
      cofinancingCents: access.read('cofinancing', readEuros),
      status: required(access, 'status', access.read('status', (v) => readChoice(SUBSIDY_STATUS_LABELS, v)), 'le statut est obligatoire.'),
      decisionKind: access.read('decisionKind', (v) => readChoice(DECISION_KIND_LABELS, v)),
      decisionNumber: access.read('decisionNumber', text(60)),
      decisionDate: access.read('decisionDate', readDate),
      chorusEj: access.read('chorusEj', text(20)),
      reportDueDate: access.read('reportDueDate', readDate),
      reportReceivedDate: access.read('reportReceivedDate', readDate),
      documents: access.read('documents', (v) => readChoices(SUBSIDY_DOCUMENT_LABELS, v)),
      comment: access.read('comment', text(TEXT_MAX)),
    };
    if (Object.values(fields).some((v) => v === undefined)) continue;
    const f = fields as { [K in keyof typeof fields]: Exclude<(typeof fields)[K], undefined> };
    subsidies.push({
      uid: r.u,
      qrrKey: qrr.key,
      budgetYear: r.y,
      ...f,
      overEnvelopeReason: r.r,
      createdAt: r.ca,
      updatedAt: r.at,
      updatedBy: r.by,
      payments: [],
    });
    rowsOf.subsidies!.push(access.n);
    refusedSubsidies.delete(r.u);
  }

  // Versements
  const byUid = new Map(subsidies.map((s) => [s.uid, s]));
  for (const { access, ref: r } of sheetRows(workbook, SHEETS.payments, PAYMENT_COLUMNS, PaymentRef, (r) => r.u, problems).rows) {
    const subsidy = byUid.get(r.s);
    const paidOn = required(access, 'paidOn', access.read('paidOn', readDate), 'la date du versement est obligatoire.');
    const amountCents = access.read('amount', readEuros);
    const kind = required(access, 'kind', access.read('kind', (v) => readChoice(PAYMENT_KIND_LABELS, v)), 'la nature du versement est obligatoire.');
    const comment = access.read('comment', text(TEXT_MAX));
    if (paidOn === undefined || amountCents === undefined || kind === undefined || comment === undefined) continue;
    if (amountCents === 0) {
      access.fail('amount', "le montant d'un versement ne peut pas être nul.");
      continue;
    }
    if (!subsidy) {
      if (!refusedSubsidies.has(r.s)) {
        access.fail(null, `la subvention de ce versement ne figure plus dans la feuille « ${SHEETS.subsidies} » : ne supprimez pas de lignes.`);
      }
      continue;
    }
    const payment: ExchangePayment = { uid: r.u, paidOn, amountCents, kind, comment, createdAt: r.ca };
    subsidy.payments.push(payment);
    paymentRows.set(r.u, access.n);
  }

  if (problems.list.length > 0) throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.refused(problems.list, problems.more), problems.issues);

  const unsigned: UnsignedExchangeDocument = {
    format: EXCHANGE_FORMAT,
    version: EXCHANGE_VERSION,
    referentialVersion: identity.referentialVersion,
    departement: identity.departement,
    sender: identity.sender,
    exportedAt: identity.exportedAt,
    scope: identity.scope,
    qrrs: identity.qrrs,
    periods: identity.periods,
    indicatorValues,
    actionStatuses,
    assessments,
    fipdEnvelopes,
    subsidies,
  };
  // Safety net: every cell was checked above; whatever the schema still refuses is named by its row.
  const document = sealExchangeDocument(unsigned);
  const parsed = ExchangeDocumentSchema.safeParse(document);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, MAX_PROBLEMS)) {
      const [list, index, third, paymentIndex] = issue.path;
      const sheet =
        list === 'subsidies' && third === 'payments'
          ? SHEETS.payments
          : ({ indicatorValues: SHEETS.indicators, actionStatuses: SHEETS.actions, assessments: SHEETS.assessments, fipdEnvelopes: SHEETS.envelopes, subsidies: SHEETS.subsidies } as Record<string, string>)[String(list)];
      const row =
        sheet === SHEETS.payments
          ? paymentRows.get(subsidies[Number(index)]?.payments[Number(paymentIndex)]?.uid ?? '')
          : rowsOf[String(list)]?.[Number(index)];
      const field = String(issue.path[issue.path.length - 1] ?? '');
      const detail = `la valeur « ${fieldName(field)} » n'est pas admise.`;
      problems.add(sheet && row ? cellProblem(sheet, row, null, null, detail) : `Le classeur est invalide : ${detail}`, sheet ? `${sheet}!${row ?? ''}` : '', sheet ?? '', row ?? 0);
    }
    throw new DomainError('VALIDATION', WORKBOOK_MESSAGES.refused(problems.list, problems.more), problems.issues);
  }
  return document;
}
