/** Writing: the exchange document as a workbook to edit in Excel or LibreOffice Calc. Part of exchange/xlsx (see index.ts). */
import path from 'node:path';
import ExcelJS from 'exceljs';
import {
  DECISION_KIND_LABELS,
  FUNDING_SOURCE_LABELS,
  PAYMENT_KIND_LABELS,
  SUBSIDY_DOCUMENT_LABELS,
  SUBSIDY_STATUS_LABELS,
  formatSiret,
} from '../../../../shared/domain/fipd';
import { ACTION_STATUS_LABELS, METEO_LABELS, TREND_LABELS } from '../../../../shared/domain/types';
import type { ExchangeDocument } from '../../../../shared/exchange/format';
import { formatDateTime } from '../../../../shared/format/fr';
import { DomainError } from '../../../../shared/ipc/result';
import { exchangeFileName } from '../export';
import {
  ACTION_COLUMNS,
  ASSESSMENT_COLUMNS,
  type CellFormat,
  type ColumnSpec,
  ENVELOPE_COLUMNS,
  NUM_FMT,
  PAYMENT_COLUMNS,
  SANS_OBJET_COLUMNS,
  SHEETS,
  SUBSIDY_COLUMNS,
  TARGET_COLUMNS,
  WORKBOOK_FORMAT,
  WORKBOOK_VERSION,
  WORKBOOK_VERSION_WITHOUT_RESULTS,
  YES_NO_LABELS,
  frozenColumns,
  indicatorColumns,
  partColumnKeys,
} from '../xlsx-layout';
import {
  CHOICES_SEPARATOR,
  type CellInput,
  dateCell,
  escapeCellText,
  chunkText,
  parisWallClock,
  partCell,
  partChoices,
  partFormat,
} from '../xlsx-cells';
import { writeFileAtomic } from '../../atomic-write';
import { indexReferential, type ReferentialLike } from './common';
import { carriesResults, resultsRows, type RowOut } from './write-results';

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
  const left = { indicators: 0, actions: 0, assessments: 0, results: 0 };

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
        obstacles: a.obstacles ?? null,
        nextSteps: a.nextSteps ?? null,
        successes: a.successes ?? null,
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

  // Cibles, Sans objet (layout 2)
  const results = resultsRows(doc, ref, numberOf, (key) => qrrNames.get(key)!);
  left.results = results.left;
  await addDataSheet(workbook, SHEETS.targets, TARGET_COLUMNS, results.targets);
  await addDataSheet(workbook, SHEETS.sansObjet, SANS_OBJET_COLUMNS, results.sansObjet, { columnChoices: { sansObjet: Object.values(YES_NO_LABELS) } });

  // _qrr: what the reader needs to know the workbook is ours, and the document's header.
  const identity = workbook.addWorksheet(SHEETS.identity, { state: 'veryHidden' });
  const header: Record<string, unknown> = {
    format: WORKBOOK_FORMAT,
    version: carriesResults(doc) ? WORKBOOK_VERSION : WORKBOOK_VERSION_WITHOUT_RESULTS,
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

function fillReadme(sheet: ExcelJS.Worksheet, doc: ExchangeDocument, left: { indicators: number; actions: number; assessments: number; results: number }): void {
  sheet.columns = [{ width: 120 }];
  const periods = doc.scope.periods.length === 0 ? 'aucun' : doc.scope.periods.join(', ');
  const leftOut = [
    left.indicators ? `${left.indicators} valeur(s) d'indicateurs` : '',
    left.actions ? `${left.actions} statut(s) d'actions` : '',
    left.assessments ? `${left.assessments} appréciation(s)` : '',
    left.results ? `${left.results} cible(s) ou décision(s) « sans objet »` : '',
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
        'enveloppes de crédits, subventions et versements, cibles et éléments « sans objet » des quartiers de reconquête républicaine du département.',
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
    ['• Cibles : valeur initiale et cible en nombres, avec leurs dates (jj/mm/aaaa) ; l’échéance suit la date de la valeur initiale.', 'text'],
    ['• Sans objet : « oui » (l’élément ne compte ni dans la complétude ni dans la mise en œuvre) ou « non » (il est suivi), avec le motif, obligatoire pour « oui ».', 'text'],
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
    [`« ${SHEETS.assessments} » : météo, tendance et commentaire de synthèse par engagement, avec à côté les commentaires « Freins », « Actions à venir » et « Réussites ».`, 'text'],
    [`« ${SHEETS.envelopes} », « ${SHEETS.subsidies} », « ${SHEETS.payments} » : les crédits FIPD et autres crédits, par année budgétaire.`, 'text'],
    [`« ${SHEETS.targets} » : valeur initiale et cible de chaque indicateur par quartier (tous trimestres), avec leurs dates.`, 'text'],
    [`« ${SHEETS.sansObjet} » : les indicateurs et actions déclarés sans objet (oui) ou rétablis (non) dans un quartier, avec leur motif.`, 'text'],
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
