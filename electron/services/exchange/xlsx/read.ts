/** Reading 3b: the sheets back into an exchange document. Part of exchange/xlsx (see index.ts). */
import ExcelJS from 'exceljs';
import { type PartValue, validateIndicatorValue } from '../../../../shared/domain/indicator-values';
import {
  DECISION_KIND_LABELS,
  FUNDING_SOURCE_LABELS,
  type FundingSource,
  PAYMENT_KIND_LABELS,
  SUBSIDY_DOCUMENT_LABELS,
  SUBSIDY_STATUS_LABELS,
} from '../../../../shared/domain/fipd';
import { ACTION_STATUS_LABELS, METEO_LABELS, TREND_LABELS } from '../../../../shared/domain/types';
import { fieldName } from '../../../../shared/exchange/diff';
import {
  EXCHANGE_FORMAT,
  EXCHANGE_VERSION,
  type ExchangeActionStatus,
  type ExchangeAssessment,
  type ExchangeDocument,
  ExchangeDocumentSchema,
  type ExchangeEnvelope,
  type ExchangeIndicatorValue,
  type ExchangePayment,
  type ExchangeSubsidy,
  type UnsignedExchangeDocument,
  sealExchangeDocument,
} from '../../../../shared/exchange/format';
import { EXCHANGE_MINOR_VERSION } from '../../../../shared/exchange/format-results';
import { DomainError } from '../../../../shared/ipc/result';
import {
  ACTION_COLUMNS,
  ASSESSMENT_COLUMNS,
  ENVELOPE_COLUMNS,
  PAYMENT_COLUMNS,
  SHEETS,
  SUBSIDY_COLUMNS,
  WORKBOOK_VERSION,
  indicatorColumns,
  partColumnKeys,
} from '../xlsx-layout';
import {
  type CellInput,
  cellProblem,
  isBlank,
  readChoice,
  readChoices,
  readCodes,
  readDate,
  readEuros,
  readPartCell,
  readRna,
  readSiret,
  readText,
} from '../xlsx-cells';
import {
  AssessmentRef,
  DEFAULT_WORKBOOK_LIMITS,
  EnvelopeRef,
  FollowupRef,
  MAX_PROBLEMS,
  PaymentRef,
  SubsidyRef,
  WORKBOOK_MESSAGES,
  indexReferential,
  type ReferentialLike,
  type WorkbookLimits,
} from './common';
import { readResultsSheets } from './read-results';
import { repack, unpackWorkbook } from './unpack';
import { readIdentity, type Identity } from './identity';
import { Problems, RowAccess, sheetRows } from './rows';

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
    // Typed comments (layout 2; absent columns read as empty): kept only when written, as the export does.
    const typed = { obstacles: access.read('obstacles', text(TEXT_MAX)), nextSteps: access.read('nextSteps', text(TEXT_MAX)), successes: access.read('successes', text(TEXT_MAX)) };
    if (meteo === undefined || trend === undefined || comment === undefined || Object.values(typed).some((v) => v === undefined)) continue;
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
      ...Object.fromEntries(Object.entries(typed).filter(([, v]) => v !== '')),
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

  // Cibles, Sans objet (layout 2)
  const results = readResultsSheets(workbook, ref, qrrOf, problems, unknownCodes);
  const withResults =
    identity.version >= WORKBOOK_VERSION ||
    results.results.targets.length > 0 ||
    results.results.sansObjet.length > 0 ||
    assessments.some((a) => a.obstacles || a.nextSteps || a.successes);

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
    ...(withResults ? { minorVersion: EXCHANGE_MINOR_VERSION, results: results.results } : {}),
  };
  // Safety net: every cell was checked above; whatever the schema still refuses is named by its row.
  const document = sealExchangeDocument(unsigned);
  const parsed = ExchangeDocumentSchema.safeParse(document);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, MAX_PROBLEMS)) {
      const [list, index, third, paymentIndex] = issue.path;
      const resultsSheet = list === 'results' ? ({ targets: SHEETS.targets, sansObjet: SHEETS.sansObjet } as Record<string, string>)[String(index)] : undefined;
      const sheet =
        resultsSheet ??
        (list === 'subsidies' && third === 'payments'
          ? SHEETS.payments
          : ({ indicatorValues: SHEETS.indicators, actionStatuses: SHEETS.actions, assessments: SHEETS.assessments, fipdEnvelopes: SHEETS.envelopes, subsidies: SHEETS.subsidies } as Record<string, string>)[String(list)]);
      const row =
        resultsSheet !== undefined
          ? results.rows[index === 'targets' ? 'targets' : 'sansObjet'][Number(third)]
          : sheet === SHEETS.payments
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
