import { followupTextProblem } from '../domain/followup-limits';
import { validateIndicatorValue } from '../domain/indicator-values';
import type { PeriodState } from '../domain/period';
import { normaliseQrrName } from '../domain/qrr';
import { fieldLabel } from '../format/journal';
import { diffFipd, fipdConsistencyProblem, type LocalFipdData } from './diff-fipd';
import type { Indicator } from '../referential/types';
import { canonicalEqual, type ExchangeDocument } from './format';
import { PreviewLines } from './preview-lines';
import { FOLLOWUP_TABLES, type CellSide, type ExchangeTable, type FollowupTable, type LineKind, type LockReason } from './line-types';
export { FIPD_TABLES, FOLLOWUP_TABLES, LINE_KINDS, type CellSide, type ExchangeLine, type ExchangeTable, type FollowupTable, type LineKind, type LockReason } from './line-types';
import { diffResults, NO_LOCAL_RESULTS, RESULTS_PERIOD, resultsConsistencyProblem, type LocalResultsData } from './diff-results';

/*
 * The preview of an import, pure: given what this database holds and an
 * incoming exchange document, classify every incoming cell
 * (QRR × code × period × field):
 *   - new:       nothing here for that cell (or no such QRR / period here yet);
 *   - identical: same value on both sides;
 *   - conflict:  both sides hold a different value (both values, authors, dates given);
 *   - locked:    would change something, but the period is transmitted here
 *                (or the QRR archived): an import never changes it;
 *   - refused:   the application would refuse this value if typed (wrong parts,
 *                text too long…) or writing it fails (see exchange/write-import.ts):
 *                with its French reason. Incoming values are compared once
 *                normalised as they would be stored (indicator parts completed
 *                from the référentiel, texts trimmed).
 * An empty incoming cell (null, '' or « non renseignée ») is not a line: an
 * import never erases what is here.
 */


export const EXCHANGE_FIELDS: Readonly<Record<FollowupTable, readonly string[]>> = {
  indicator_value: ['value', 'target', 'comment', 'source'],
  action_status: ['status', 'comment', 'referent'],
  assessment: ['meteo', 'trend', 'comment', 'obstacles', 'nextSteps', 'successes'],
};

/** « valeur », « montant attribué »…: the journal's label of a field, in lower case for running text. */
export const fieldName = (field: string): string => {
  const label = fieldLabel(field);
  // Keep acronyms (SIRET, RNA, EJ Chorus) as they are.
  return /^[A-Z]{2,}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
};


/** The indicator computed here from the FIPD credits while its quarter is open: never imported as a typed value. */
export const COMPUTED_INDICATOR_CODE = '05-02';

export interface LocalRow {
  readonly qrrId: number;
  readonly code: string;
  readonly periodCode: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** What the preview needs to know of this database. */
export interface LocalExchangeData {
  readonly departementCode: string | null;
  /** The official name of that département (to refuse a file naming another one), null when unknown. */
  readonly departementName: string | null;
  /** Version of the référentiel this database holds: a file made with a newer one is refused. */
  readonly referentialVersion: number;
  /** The référentiel's indicators: incoming values are checked and completed against them. */
  readonly indicators: readonly Indicator[];
  readonly indicatorCodes: readonly string[];
  readonly actionCodes: readonly string[];
  readonly engagementCodes: readonly string[];
  readonly qrrs: readonly { readonly id: number; readonly key: string; readonly name: string; readonly archived: boolean }[];
  readonly periods: readonly { readonly code: string; readonly state: PeriodState }[];
  readonly rows: Readonly<Record<FollowupTable, readonly LocalRow[]>>;
  readonly fipd: LocalFipdData;
  /** `qrrId|periodCode` where 05-02 is computed here from FIPD subsidies (open quarters only). */
  readonly computed0502: readonly string[];
  /** « Sans objet » states and stored targets (diff-results.ts); none when absent. */
  readonly results?: LocalResultsData;
}


export interface ExchangePreview {
  readonly departement: { readonly code: string; readonly nom: string };
  readonly sender: { readonly name: string; readonly osUser: string };
  readonly exportedAt: string;
  /** Incoming QRRs and their match here (null: to be created). */
  readonly qrrs: readonly { readonly key: string; readonly name: string; readonly localId: number | null }[];
  /** Incoming periods, their state in the file and here (null: to be opened). */
  readonly periods: readonly { readonly code: string; readonly theirState: PeriodState; readonly localState: PeriodState | null }[];
  /** Built on demand (preview-lines.ts): a national quarter holds ~435,000. */
  readonly lines: PreviewLines;
  readonly counts: Readonly<Record<LineKind, number>>;
}

export type DiffResult = { readonly ok: true; readonly preview: ExchangePreview } | { readonly ok: false; readonly message: string };

export const lineKey = (table: ExchangeTable, qrrKey: string, code: string, periodCode: string, field: string): string =>
  `${table}|${qrrKey}|${code}|${periodCode}|${field}`;

/** The value a cell holds when nothing was entered. */
export function isEmptyCell(table: FollowupTable, field: string, value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  // A value or target without any part entered ({} or every part empty) is stored as nothing: it is nothing.
  if (typeof value === 'object' && !Array.isArray(value)) return Object.values(value).every((v) => v === null || v === undefined || v === '');
  if (table === 'assessment' && field === 'meteo') return value === 'non_renseignee';
  return false;
}

const same = canonicalEqual;
const nameKey = (name: string): string => normaliseQrrName(name).toLocaleLowerCase('fr');
const listed = (codes: readonly string[]): string => codes.map((c) => `« ${c} »`).join(', ');

/** Where each follow-up table's rows are in an exchange document, and the name of their code. */
const INCOMING: readonly { readonly table: FollowupTable; readonly list: 'indicatorValues' | 'actionStatuses' | 'assessments'; readonly code: string }[] = [
  { table: 'indicator_value', list: 'indicatorValues', code: 'indicatorCode' },
  { table: 'action_status', list: 'actionStatuses', code: 'actionCode' },
  { table: 'assessment', list: 'assessments', code: 'engagementCode' },
];

/** An incoming follow-up row as the diff reads it: its fields are the record's own properties (EXCHANGE_FIELDS). */
type IncomingRecord = Readonly<Record<string, unknown>> & {
  readonly qrrKey: string;
  readonly periodCode: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly commentAuthor?: string;
  readonly commentDate?: string | null;
};

/** The document's follow-up rows numbered 0…n-1 across its three lists, without copying them. */
function incomingRowsOf(doc: ExchangeDocument): { count: number; at: (ref: number) => { table: FollowupTable; code: string; record: IncomingRecord } } {
  const lists = INCOMING.map((s) => ({ ...s, rows: doc[s.list] as unknown as readonly IncomingRecord[] }));
  const count = lists.reduce((n, l) => n + l.rows.length, 0);
  return {
    count,
    at: (ref) => {
      let i = ref;
      for (const l of lists) {
        if (i < l.rows.length) {
          const record = l.rows[i]!;
          return { table: l.table, code: record[l.code] as string, record };
        }
        i -= l.rows.length;
      }
      throw new RangeError(`No incoming row ${ref}.`);
    },
  };
}

const foldName = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s'’-]+/g, ' ')
    .trim();

const TEXT_LIMIT: Readonly<Partial<Record<string, Parameters<typeof followupTextProblem>[0]>>> = {
  'indicator_value.comment': 'comment',
  'indicator_value.source': 'source',
  'action_status.comment': 'comment',
  'action_status.referent': 'referent',
  'assessment.comment': 'assessmentComment',
  'assessment.obstacles': 'obstacles',
  'assessment.nextSteps': 'nextSteps',
  'assessment.successes': 'successes',
};

/**
 * An incoming cell as the services would store it — indicator parts completed
 * and checked against the référentiel (validateIndicatorValue, as
 * saveIndicatorValues), texts trimmed and within the IPC limits — or why they
 * would refuse it.
 */
export function storedForm(table: FollowupTable, field: string, raw: unknown, indicator: Indicator | undefined): { value: unknown; refused?: string } {
  if (raw === null || raw === undefined) return { value: null };
  if (table === 'indicator_value' && (field === 'value' || field === 'target')) {
    if (!indicator) return { value: raw };
    const checked = validateIndicatorValue(indicator, raw);
    if (!checked.ok) return { value: raw, refused: `Indicateur ${indicator.code}${field === 'target' ? ' (cible)' : ''} : ${checked.message}` };
    const empty = Object.values(checked.value).every((v) => v === null || v === '');
    return { value: empty ? null : checked.value };
  }
  if (typeof raw !== 'string') return { value: raw };
  const limit = TEXT_LIMIT[`${table}.${field}`];
  const problem = limit ? followupTextProblem(limit, raw) : null;
  return problem ? { value: raw.trim(), refused: problem } : { value: raw.trim() };
}

export function diffExchange(local: LocalExchangeData, doc: ExchangeDocument): DiffResult {
  if (local.departementCode === null) {
    return { ok: false, message: "Choisissez d'abord le département dans les paramètres avant d'importer un fichier d'échange." };
  }
  if (doc.departement.code !== local.departementCode) {
    return {
      ok: false,
      message:
        `Ce fichier concerne le département ${doc.departement.nom} (${doc.departement.code}), ` +
        `pas celui de cette base (${local.departementCode}) : il ne peut pas être importé.`,
    };
  }

  if (local.departementName !== null && foldName(doc.departement.nom) !== foldName(local.departementName)) {
    return {
      ok: false,
      message:
        `Ce fichier nomme le département ${doc.departement.code} « ${doc.departement.nom} », ` +
        `alors que le département ${doc.departement.code} est « ${local.departementName} » : le fichier est incohérent, il ne peut pas être importé.`,
    };
  }
  if (doc.referentialVersion > local.referentialVersion) {
    return {
      ok: false,
      message:
        `Ce fichier a été produit avec le référentiel version ${doc.referentialVersion}, plus récent que celui de cette base ` +
        `(version ${local.referentialVersion}) : installez la dernière version de l'application avant de l'importer.`,
    };
  }

  // Unknown codes: refused all together, each list named.
  const unknownIndicators = [...new Set(doc.indicatorValues.map((r) => r.indicatorCode))].filter((c) => !local.indicatorCodes.includes(c));
  const unknownActions = [...new Set(doc.actionStatuses.map((r) => r.actionCode))].filter((c) => !local.actionCodes.includes(c));
  const unknownEngagements = [...new Set(doc.assessments.map((r) => r.engagementCode))].filter((c) => !local.engagementCodes.includes(c));
  const unknown = [
    unknownIndicators.length ? `indicateur(s) ${listed(unknownIndicators)}` : '',
    unknownActions.length ? `action(s) ${listed(unknownActions)}` : '',
    unknownEngagements.length ? `engagement(s) ${listed(unknownEngagements)}` : '',
  ].filter(Boolean);
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `Ce fichier contient des codes inconnus du référentiel de cette application : ${unknown.join(' ; ')}. Mettez l'application à jour ou corrigez le fichier.`,
    };
  }

  // Internal consistency of the doc.
  const incomingQrrs = new Map<string, string>();
  for (const q of doc.qrrs) {
    if (incomingQrrs.has(q.key)) return { ok: false, message: `Le fichier décrit deux fois le quartier « ${q.name} ».` };
    incomingQrrs.set(q.key, q.name);
  }
  const incomingPeriods = new Map<string, PeriodState>();
  for (const p of doc.periods) {
    if (incomingPeriods.has(p.code)) return { ok: false, message: `Le fichier décrit deux fois la période ${p.code}.` };
    incomingPeriods.set(p.code, p.state);
  }
  const rows = incomingRowsOf(doc);
  const seen = new Set<string>();
  for (let ref = 0; ref < rows.count; ref++) {
    const { table, code, record: r } = rows.at(ref);
    if (!incomingQrrs.has(r.qrrKey)) return { ok: false, message: `Le fichier contient des données d'un quartier qu'il ne décrit pas (« ${r.qrrKey} »).` };
    if (!incomingPeriods.has(r.periodCode)) return { ok: false, message: `Le fichier contient des données de la période ${r.periodCode}, qu'il ne décrit pas.` };
    const id = `${table}|${r.qrrKey}|${code}|${r.periodCode}`;
    if (seen.has(id)) return { ok: false, message: `Le fichier contient deux fois la même ligne (${code}, ${r.periodCode}).` };
    seen.add(id);
  }
  seen.clear();
  const fipdProblem = fipdConsistencyProblem(doc, new Set(incomingQrrs.keys()), local.actionCodes);
  if (fipdProblem !== null) return { ok: false, message: fipdProblem };
  const resultsProblem = resultsConsistencyProblem(doc, new Set(incomingQrrs.keys()));
  if (resultsProblem !== null) return { ok: false, message: resultsProblem };

  // Matching: by key first, then by name.
  const byKey = new Map(local.qrrs.map((q) => [q.key, q]));
  const byName = new Map(local.qrrs.map((q) => [nameKey(q.name), q]));
  const match = new Map(doc.qrrs.map((q) => [q.key, byKey.get(q.key) ?? byName.get(nameKey(q.name)) ?? null]));
  const localPeriods = new Map(local.periods.map((p) => [p.code, p.state]));
  const computed = new Set(local.computed0502);
  const indicators = new Map(local.indicators.map((i) => [i.code, i]));
  // This database's rows numbered across the three tables: a line refers to the one it is compared with.
  const localList: LocalRow[] = FOLLOWUP_TABLES.flatMap((table) => local.rows[table]);
  const localRows = new Map<string, number>();
  let offset = 0;
  for (const table of FOLLOWUP_TABLES) {
    local.rows[table].forEach((r, i) => localRows.set(`${table}|${r.qrrId}|${r.code}|${r.periodCode}`, offset + i));
    offset += local.rows[table].length;
  }

  const theirsSide = (table: FollowupTable, field: string, r: IncomingRecord, value: unknown): CellSide => {
    const byComment = table === 'assessment' && field === 'comment';
    return {
      value,
      updatedAt: byComment ? (r.commentDate ?? r.updatedAt) : r.updatedAt,
      updatedBy: byComment ? r.commentAuthor || r.updatedBy : r.updatedBy,
    };
  };
  // A line is built again from these when it is read (preview-lines.ts): the same line every time.
  const lines = new PreviewLines({
    table: (ref) => rows.at(ref).table,
    qrrKey: (ref) => rows.at(ref).record.qrrKey,
    periodCode: (ref) => rows.at(ref).record.periodCode,
    code: (ref) => rows.at(ref).code,
    fieldName: (ref, field) => EXCHANGE_FIELDS[rows.at(ref).table][field]!,
    describe: (ref, fieldIndex, mineRef) => {
      const { table, code, record: r } = rows.at(ref);
      const field = EXCHANGE_FIELDS[table][fieldIndex]!;
      const here = match.get(r.qrrKey) ?? null;
      const mineRow = mineRef < 0 ? undefined : localList[mineRef]!;
      return {
        key: lineKey(table, r.qrrKey, code, r.periodCode, field),
        table,
        qrrKey: r.qrrKey,
        qrrName: here?.name ?? incomingQrrs.get(r.qrrKey)!,
        qrrId: here?.id ?? null,
        code,
        periodCode: r.periodCode,
        field,
        mine: mineRow ? { value: mineRow.fields[field], updatedAt: mineRow.updatedAt, updatedBy: mineRow.updatedBy } : null,
        theirs: theirsSide(table, field, r, storedForm(table, field, r[field], indicators.get(code)).value),
      };
    },
  });
  for (let ref = 0; ref < rows.count; ref++) {
    const { table, code, record: r } = rows.at(ref);
    const here = match.get(r.qrrKey) ?? null;
    const periodState = localPeriods.get(r.periodCode) ?? null;
    const mineRef = here ? (localRows.get(`${table}|${here.id}|${code}|${r.periodCode}`) ?? -1) : -1;
    const mineRow = mineRef < 0 ? undefined : localList[mineRef];
    const lockReason: LockReason | undefined =
      periodState === 'transmitted' ? 'period_transmitted' : here?.archived ? 'qrr_archived' : undefined;
    EXCHANGE_FIELDS[table].forEach((field, fieldIndex) => {
      const incoming = storedForm(table, field, r[field], indicators.get(code));
      const theirsValue = incoming.value;
      if (isEmptyCell(table, field, theirsValue)) return;
      const mineValue = mineRow?.fields[field];
      const mine = mineRow !== undefined && !isEmptyCell(table, field, mineValue);
      let kind: LineKind = !mine ? 'new' : same(mineValue, theirsValue) ? 'identical' : 'conflict';
      const computedHere =
        table === 'indicator_value' &&
        (field === 'value' || field === 'source') &&
        code === COMPUTED_INDICATOR_CODE &&
        here !== null &&
        computed.has(`${here.id}|${r.periodCode}`);
      const reason: LockReason | undefined = lockReason ?? (computedHere ? 'computed' : undefined);
      if (kind !== 'identical' && reason) kind = 'locked';
      else if (kind !== 'identical' && incoming.refused !== undefined) kind = 'refused';
      lines.push(ref, fieldIndex, mine ? mineRef : -1, kind, kind === 'locked' ? reason : undefined, kind === 'refused' ? incoming.refused : undefined);
    });
  }
  // FIPD records and results (per QRR, not per quarter): locked only by an archived QRR.
  const pushPerQrr = (x: {
    table: ExchangeTable;
    qrrKey: string;
    code: string;
    periodCode: string;
    field: string;
    mine: CellSide | null;
    theirs: CellSide;
    same: boolean;
    summary?: string | undefined;
    parent?: string | undefined;
  }): void => {
    const here = match.get(x.qrrKey) ?? null;
    let kind: LineKind = x.mine === null ? 'new' : x.same ? 'identical' : 'conflict';
    if (kind !== 'identical' && here?.archived) kind = 'locked';
    lines.pushWhole({
      key: lineKey(x.table, x.qrrKey, x.code, x.periodCode, x.field),
      table: x.table,
      qrrKey: x.qrrKey,
      qrrName: here?.name ?? incomingQrrs.get(x.qrrKey)!,
      qrrId: here?.id ?? null,
      code: x.code,
      periodCode: x.periodCode,
      field: x.field,
      kind,
      ...(kind === 'locked' ? { lockReason: 'qrr_archived' as const } : {}),
      mine: x.mine,
      theirs: x.theirs,
      ...(x.summary !== undefined ? { summary: x.summary } : {}),
      ...(x.parent !== undefined ? { parent: x.parent } : {}),
    });
  };
  for (const f of diffFipd(local.fipd, doc, (key) => match.get(key)?.id ?? null, local.actionCodes)) pushPerQrr({ ...f, periodCode: String(f.budgetYear) });
  for (const r of diffResults(local.results ?? NO_LOCAL_RESULTS, doc, (key) => match.get(key)?.id ?? null)) pushPerQrr({ ...r, periodCode: RESULTS_PERIOD });
  const counts = lines.counts();
  return {
    ok: true,
    preview: {
      departement: doc.departement,
      sender: doc.sender,
      exportedAt: doc.exportedAt,
      qrrs: doc.qrrs.map((q) => ({ key: q.key, name: q.name, localId: match.get(q.key)?.id ?? null })),
      periods: doc.periods.map((p) => ({ code: p.code, theirState: p.state, localState: localPeriods.get(p.code) ?? null })),
      lines,
      counts,
    },
  };
}
