/**
 * National consolidation (SG-CIPDR / ANCT): several départements' exchange
 * files read side by side, summarised per engagement and per QRR for one
 * quarter. Read-only by construction: this module only reads documents and
 * returns a model; nothing is ever imported into a database.
 *
 * Pure ECMAScript (shared/ and zod only): the référentiel is an argument, the
 * documents come already parsed (parseExchangeText), no clock is read, so the
 * same input always gives the same model.
 *
 * Definitions are the département dashboard's (shared/report/report-model.ts),
 * applied QRR by QRR and summed, so a département's figures here equal its own
 * dashboard's for the same data:
 * - complétude: indicators whose value has every part entered, over the
 *   engagement's indicators (shared/domain/completeness.ts);
 * - taux de mise en œuvre: actions « réalisée » over the actions that apply
 *   (all the engagement's actions minus those « sans objet »; an action without
 *   status counts as applicable and not carried out);
 * - météo: the engagement's assessment, « non renseignée » when absent;
 * - QRR concerné par un engagement: not every action of the engagement is
 *   « sans objet » (an engagement without actions concerns every QRR);
 * - « sans objet »: proposed from each QRR's zone by the référentiel's rules,
 *   as in the départements (the users' decisions are not in the exchange file);
 * - results: each indicator added up by its rule (consolidate-results.ts);
 * - FIPD: the FIPD ledger of the quarter's budget year (delegated envelopes,
 *   committed = subsidies attribuées/versées/soldées, payments), as in the
 *   département report; a version 1 file (migrated, no FIPD arrays) has no
 *   FIPD figures rather than zeros.
 *
 * Decisions:
 * - two files of the same département: the most recent export is kept (on a
 *   tie, the first given) and the other is listed in the warnings, whether it
 *   is the same export again or an older one — never an error, the task force
 *   receives files by mail and duplicates are common;
 * - the quarter: the one asked for, else the most recent quarter present in
 *   every file, else the most recent quarter present in any file (the model
 *   says which rule applied, in French);
 * - a département whose file lacks the quarter is listed but not counted (its
 *   QRRs would otherwise count as empty); a warning says so;
 * - the exchange format carries no « archived » flag: every QRR of a file is
 *   counted.
 */
import { indicatorCompleteness } from '../domain/completeness';
import { sansObjetLookup } from '../domain/sans-objet';
import { CAPPED_SOURCE, isCommitted, ledgerTotals } from '../domain/fipd';
import { PERIOD_STATE_LABELS, comparePeriods, periodLabel, type PeriodState } from '../domain/period';
import { METEOS, type ActionStatus, type IndicatorValuePayload, type Meteo } from '../domain/types';
import { formatDateTime, plural } from '../format/fr';
import { DomainError } from '../ipc/result';
import type { Engagement } from '../referential/types';
import { implementationOf, ratio, type Implementation, type Ratio } from '../report/report-model';
import type { ExchangeDocument } from './format';
import { nationalResults } from './consolidate-results';
import { NATIONAL_MODEL_FORMAT, NATIONAL_MODEL_VERSION, type ConsolidationFile, type ConsolidationInput, type MeteoCounts, type ConsolidationWarning, type NationalDepartement, type EngagementFigures, type NationalEngagement, type NationalQrrEngagement, type NationalQrr, type FipdTotals, type NationalModel } from './consolidate-model';


export * from './consolidate-model';

// ---------------------------------------------------------------------------
// Helpers

export const EMPTY_METEO_COUNTS: MeteoCounts = { soleil: 0, couvert: 0, nuage: 0, orage: 0, non_renseignee: 0 };

const sumRatios = (items: readonly Ratio[]): Ratio =>
  ratio(
    items.reduce((s, r) => s + r.count, 0),
    items.reduce((s, r) => s + r.total, 0),
  );

function sumImplementations(items: readonly Implementation[]): Implementation {
  const byStatus: Record<ActionStatus | 'non_renseigne', number> = { non_engagee: 0, en_cours: 0, realisee: 0, sans_objet: 0, non_renseigne: 0 };
  // Named fields, not Object.keys per item: called for every QRR, département and engagement (1,600 × 20 and more).
  for (const { byStatus: b } of items) {
    byStatus.non_engagee += b.non_engagee;
    byStatus.en_cours += b.en_cours;
    byStatus.realisee += b.realisee;
    byStatus.sans_objet += b.sans_objet;
    byStatus.non_renseigne += b.non_renseigne;
  }
  return { ...sumRatios(items), byStatus };
}

function sumMeteo(items: readonly MeteoCounts[]): MeteoCounts {
  const out: Record<Meteo, number> = { ...EMPTY_METEO_COUNTS };
  for (const m of items) for (const k of METEOS) out[k] += m[k];
  return out;
}

/** Département codes in the usual order: 01…19, 2A, 2B, 21…95, 971…976. */
export function departementRank(code: string): number {
  if (code === '2A') return 20.1;
  if (code === '2B') return 20.2;
  const n = Number(code);
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** « Seine-Saint-Denis (93) » */
export const departementText = (d: { readonly code: string; readonly nom: string }): string => `${d.nom} (${d.code})`;

const quote = (fileName: string): string => `« ${fileName} »`;
const capitalised = (s: string): string => s.replace(/^./, (c) => c.toUpperCase());

const notCountedText = (qrrs: number): string =>
  qrrs === 0 ? "il n'est pas compté" : qrrs === 1 ? "son quartier n'est pas compté" : `ses ${plural(qrrs, 'quartier')} ne sont pas comptés`;

const listText = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]!}`;

// ---------------------------------------------------------------------------
// FIPD (exchange format version 2 and later)

/**
 * The FIPD ledger of a document for a budget year, with the ledger's own
 * arithmetic (shared/domain/fipd.ts: delegated = envelopes, committed =
 * subsidies attribuées, versées or soldées, paid = payments), FIPD source only
 * — as the département report's FIPD table.
 */
export function fipdTotalsOf(doc: ExchangeDocument, budgetYear: number): FipdTotals {
  // ledgerTotals works on numeric ids: QRR keys and subsidy uids are numbered here.
  const qrrIds = new Map<string, number>();
  const qrrId = (key: string): number => {
    let id = qrrIds.get(key);
    if (id === undefined) qrrIds.set(key, (id = qrrIds.size + 1));
    return id;
  };
  const envelopes = doc.fipdEnvelopes
    .filter((e) => e.budgetYear === budgetYear && e.source === CAPPED_SOURCE)
    .map((e) => ({ qrrId: qrrId(e.qrrKey), source: e.source, amountCents: e.amountCents }));
  const subsidies = doc.subsidies.filter((s) => s.budgetYear === budgetYear && s.source === CAPPED_SOURCE);
  const ledger = ledgerTotals(
    envelopes,
    subsidies.map((s, i) => ({ id: i + 1, qrrId: qrrId(s.qrrKey), source: s.source, status: s.status, grantedCents: s.grantedCents })),
    subsidies.flatMap((s, i) => s.payments.map((p) => ({ subsidyId: i + 1, amountCents: p.amountCents }))),
  ).departement;
  return {
    budgetYear,
    delegatedCents: ledger.delegatedCents,
    committedCents: ledger.committedCents,
    paidCents: ledger.paidCents,
    remainingCents: ledger.remainingCents,
    toPayCents: ledger.toPayCents,
    subsidies: subsidies.filter((s) => isCommitted(s.status)).length,
  };
}

function sumFipd(budgetYear: number, items: readonly FipdTotals[]): FipdTotals {
  const s = (f: (t: FipdTotals) => number) => items.reduce((n, t) => n + f(t), 0);
  return {
    budgetYear,
    delegatedCents: s((t) => t.delegatedCents),
    committedCents: s((t) => t.committedCents),
    paidCents: s((t) => t.paidCents),
    remainingCents: s((t) => t.remainingCents),
    toPayCents: s((t) => t.toPayCents),
    subsidies: s((t) => t.subsidies),
  };
}

// ---------------------------------------------------------------------------
// Steps

/** A file kept for the consolidation (`doc`: the boundary check forbids writing the DOM global's name before a dot). */
interface Kept {
  readonly fileName: string;
  readonly doc: ExchangeDocument;
  readonly migratedFrom: number | undefined;
}

/** One file per département: the most recent export; the others become warnings. */
function dedupe(files: readonly ConsolidationFile[], warnings: ConsolidationWarning[]): Kept[] {
  const groups = new Map<string, (Kept & { index: number })[]>();
  files.forEach(({ fileName, document: doc, migratedFrom }, index) => {
    const code = doc.departement.code;
    groups.set(code, [...(groups.get(code) ?? []), { fileName, doc, migratedFrom, index }]);
  });
  const kept: Kept[] = [];
  for (const [code, group] of groups) {
    // Most recent export first; on a tie, the order the files were given.
    const sorted = [...group].sort((a, b) => (a.doc.exportedAt < b.doc.exportedAt ? 1 : a.doc.exportedAt > b.doc.exportedAt ? -1 : a.index - b.index));
    const winner = sorted[0]!;
    kept.push({ fileName: winner.fileName, doc: winner.doc, migratedFrom: winner.migratedFrom });
    const d = winner.doc;
    for (const file of sorted.slice(1)) {
      const same = file.doc.sha256 === d.sha256;
      const message = same
        ? `${quote(file.fileName)} est le même export que ${quote(winner.fileName)} (${departementText(d.departement)}) : il n'est compté qu'une fois.`
        : file.doc.exportedAt === d.exportedAt
          ? `${quote(file.fileName)} et ${quote(winner.fileName)} concernent tous deux ${departementText(d.departement)} et portent la même date d'export (${formatDateTime(d.exportedAt)}) avec des contenus différents : seul ${quote(winner.fileName)} est retenu ; vérifiez auprès du département.`
          : `${quote(file.fileName)} (export du ${formatDateTime(file.doc.exportedAt)}) et ${quote(winner.fileName)} (export du ${formatDateTime(d.exportedAt)}) concernent tous deux ${departementText(d.departement)} : seul l'export le plus récent, ${quote(winner.fileName)}, est retenu.`;
      warnings.push({ kind: 'duplicate', departementCode: code, fileName: file.fileName, message });
    }
  }
  return kept.sort((a, b) => departementRank(a.doc.departement.code) - departementRank(b.doc.departement.code));
}

function choosePeriod(kept: readonly Kept[], requested: string | undefined): NationalModel['period'] {
  const sets = kept.map((k) => new Set(k.doc.periods.map((p) => p.code)));
  const all = [...new Set(sets.flatMap((s) => [...s]))].sort(comparePeriods);
  if (requested !== undefined) {
    if (!all.includes(requested)) {
      throw new DomainError(
        'VALIDATION',
        all.length === 0
          ? `Aucun des fichiers ne contient de trimestre : la synthèse du ${periodLabel(requested)} est impossible.`
          : `Aucun des fichiers ne contient le ${periodLabel(requested)} (trimestres présents : ${all.map(periodLabel).join(', ')}).`,
      );
    }
    const missing = sets.filter((s) => !s.has(requested)).length;
    return {
      code: requested,
      label: periodLabel(requested),
      choice: 'requested',
      explanation: `Trimestre demandé : ${periodLabel(requested)}${missing > 0 ? ` (absent de ${plural(missing, 'fichier')})` : ''}.`,
    };
  }
  if (all.length === 0) throw new DomainError('VALIDATION', "Aucun des fichiers ne contient de trimestre : il n'y a rien à consolider.");
  const common = all.filter((code) => sets.every((s) => s.has(code)));
  if (common.length > 0) {
    const code = common[common.length - 1]!;
    return {
      code,
      label: periodLabel(code),
      choice: 'common',
      explanation: `${capitalised(periodLabel(code))} : le trimestre le plus récent présent dans tous les fichiers.`,
    };
  }
  const code = all[all.length - 1]!;
  return {
    code,
    label: periodLabel(code),
    choice: 'latest',
    explanation: `Aucun trimestre n'est présent dans tous les fichiers : le plus récent, ${periodLabel(code)}, est retenu.`,
  };
}

interface DepartementFigures {
  readonly qrrs: NationalQrr[];
  readonly unknown: number;
}

/** Every QRR of one file for the quarter, with the dashboard's definitions. */
function departementQrrs(doc: ExchangeDocument, engagements: readonly Engagement[], periodCode: string): DepartementFigures {
  const keys = new Set(doc.qrrs.map((q) => q.key));
  const indicatorCodes = new Set(engagements.flatMap((e) => e.indicators.map((i) => i.code)));
  const actionCodes = new Set(engagements.flatMap((e) => e.actions.map((a) => a.code)));
  const engagementCodes = new Set(engagements.map((e) => e.code));
  // Per QRR, then per code: no key string built per lookup (1,600 quartiers × 130 codes).
  const put = <V>(map: Map<string, Map<string, V>>, qrrKey: string, code: string, value: V): void => {
    const inner = map.get(qrrKey);
    if (inner) inner.set(code, value);
    else map.set(qrrKey, new Map([[code, value]]));
  };
  let unknown = 0;
  const values = new Map<string, Map<string, IndicatorValuePayload | null>>();
  for (const v of doc.indicatorValues) {
    if (v.periodCode !== periodCode) continue;
    if (!keys.has(v.qrrKey) || !indicatorCodes.has(v.indicatorCode)) unknown++;
    else put(values, v.qrrKey, v.indicatorCode, v.value);
  }
  const statuses = new Map<string, Map<string, ActionStatus | null>>();
  for (const s of doc.actionStatuses) {
    if (s.periodCode !== periodCode) continue;
    if (!keys.has(s.qrrKey) || !actionCodes.has(s.actionCode)) unknown++;
    else put(statuses, s.qrrKey, s.actionCode, s.status);
  }
  const meteos = new Map<string, Map<string, Meteo>>();
  for (const a of doc.assessments) {
    if (a.periodCode !== periodCode) continue;
    if (!keys.has(a.qrrKey) || !engagementCodes.has(a.engagementCode)) unknown++;
    else put(meteos, a.qrrKey, a.engagementCode, a.meteo);
  }

  // « Sans objet » as the départements propose it from each QRR's zone (decisions are not exchanged).
  const sansObjet = sansObjetLookup(engagements, doc.qrrs.map((q, i) => ({ id: i + 1, securityZone: q.securityZone })), []);
  const qrrs = doc.qrrs.map((q, qrrIndex): NationalQrr => {
    const id = qrrIndex + 1;
    const qrrValues = values.get(q.key);
    const qrrStatuses = statuses.get(q.key);
    const qrrMeteos = meteos.get(q.key);
    const completeness = indicatorCompleteness(
      engagements,
      (code) => qrrValues?.get(code) ?? null,
      (code) => sansObjet.isSansObjet(id, 'indicator', code),
    );
    const perEngagement = engagements.map((e, index): NationalQrrEngagement => {
      const c = completeness[index]!;
      const implementation = implementationOf(
        e.actions.map((a) => (sansObjet.isSansObjet(id, 'action', a.code) ? 'sans_objet' : (qrrStatuses?.get(a.code) ?? null))),
      );
      return {
        code: e.code,
        completeness: ratio(c.filled, c.total),
        implementation,
        meteo: qrrMeteos?.get(e.code) ?? 'non_renseignee',
        concerned: e.actions.length === 0 || implementation.total > 0,
      };
    });
    const meteoCounts: Record<Meteo, number> = { ...EMPTY_METEO_COUNTS };
    for (const e of perEngagement) meteoCounts[e.meteo]++;
    return {
      departementCode: doc.departement.code,
      departementNom: doc.departement.nom,
      key: q.key,
      name: q.name,
      completeness: sumRatios(perEngagement.map((e) => e.completeness)),
      implementation: sumImplementations(perEngagement.map((e) => e.implementation)),
      meteoCounts,
      engagements: perEngagement,
    };
  });
  return { qrrs, unknown };
}

function engagementFigures(qrrs: readonly NationalQrr[], index: number): EngagementFigures {
  const items = qrrs.map((q) => q.engagements[index]!);
  const meteoCounts: Record<Meteo, number> = { ...EMPTY_METEO_COUNTS };
  for (const e of items) meteoCounts[e.meteo]++;
  return {
    qrrs: items.length,
    concernedQrrs: items.filter((e) => e.concerned).length,
    completeness: sumRatios(items.map((e) => e.completeness)),
    implementation: sumImplementations(items.map((e) => e.implementation)),
    meteoCounts,
  };
}

// ---------------------------------------------------------------------------
// The model

/**
 * Consolidates the files. Refuses (DomainError, French) only when nothing can
 * be consolidated: no file, no quarter, or a requested quarter no file has.
 */
export function consolidateExchanges(input: ConsolidationInput): NationalModel {
  if (input.files.length === 0) throw new DomainError('VALIDATION', "Aucun fichier d'échange à consolider : choisissez au moins un fichier.");
  const { engagements } = input.referential;
  const warnings: ConsolidationWarning[] = [];
  const kept = dedupe(input.files, warnings);
  const period = choosePeriod(kept, input.periodCode);
  if (period.choice === 'latest') warnings.push({ kind: 'period_choice', departementCode: null, fileName: null, message: period.explanation });
  const budgetYear = Number(period.code.slice(0, 4));

  const notTransmitted: { readonly text: string; readonly state: PeriodState }[] = [];
  const withoutFipd: string[] = [];
  const qrrs: NationalQrr[] = [];
  const departements = kept.map(({ fileName, doc, migratedFrom }): NationalDepartement => {
    const d = doc.departement;
    const state = doc.periods.find((p) => p.code === period.code)?.state ?? null;
    if (doc.referentialVersion !== input.referential.version) {
      warnings.push({
        kind: 'referential',
        departementCode: d.code,
        fileName,
        message:
          `${quote(fileName)} (${departementText(d)}) a été produit avec le référentiel version ${doc.referentialVersion}, ` +
          `la synthèse utilise la version ${input.referential.version} : les codes inconnus de cette version sont ignorés.`,
      });
    }
    const fipd = state === null || (migratedFrom !== undefined && migratedFrom < 2) ? null : fipdTotalsOf(doc, budgetYear);
    const base = {
      code: d.code,
      nom: d.nom,
      fileName,
      sender: { name: doc.sender.name, osUser: doc.sender.osUser },
      exportedAt: doc.exportedAt,
      sha256: doc.sha256,
      referentialVersion: doc.referentialVersion,
      qrrCount: doc.qrrs.length,
      periodState: state,
      periodStateLabel: state === null ? 'absent du fichier' : PERIOD_STATE_LABELS[state],
      fipd,
    };
    if (state === null) {
      warnings.push({
        kind: 'missing_period',
        departementCode: d.code,
        fileName,
        message: `${quote(fileName)} (${departementText(d)}) ne contient pas le ${period.label} : ${notCountedText(doc.qrrs.length)}.`,
      });
      return { ...base, counted: false, completeness: ratio(0, 0), implementation: implementationOf([]), meteoCounts: EMPTY_METEO_COUNTS };
    }
    if (state !== 'transmitted') notTransmitted.push({ text: departementText(d), state });
    const figures = departementQrrs(doc, engagements, period.code);
    if (figures.unknown > 0) {
      warnings.push({
        kind: 'unknown_data',
        departementCode: d.code,
        fileName,
        message: `${quote(fileName)} (${departementText(d)}) : ${plural(figures.unknown, 'donnée')} du ${period.label} ${figures.unknown > 1 ? 'portent' : 'porte'} sur un quartier ou un code inconnu et ${figures.unknown > 1 ? 'sont ignorées' : 'est ignorée'}.`,
      });
    }
    qrrs.push(...figures.qrrs);
    return {
      ...base,
      counted: true,
      completeness: sumRatios(figures.qrrs.map((q) => q.completeness)),
      implementation: sumImplementations(figures.qrrs.map((q) => q.implementation)),
      meteoCounts: sumMeteo(figures.qrrs.map((q) => q.meteoCounts)),
    };
  });

  if (notTransmitted.length > 0) {
    warnings.push({
      kind: 'not_transmitted',
      departementCode: null,
      fileName: null,
      message:
        `Le ${period.label} n'est pas encore transmis dans ${plural(notTransmitted.length, 'département')} : leurs chiffres peuvent encore changer. ` +
        (['open', 'reopened'] as const)
          .map((state) => ({ state, names: notTransmitted.filter((n) => n.state === state).map((n) => n.text) }))
          .filter((g) => g.names.length > 0)
          .map((g) => `${capitalised(PERIOD_STATE_LABELS[g.state])} : ${listText(g.names)}.`)
          .join(' '),
    });
  }
  const counted = departements.filter((d) => d.counted);
  const fipdParts = counted.filter((d) => d.fipd !== null);
  if (fipdParts.length > 0) {
    for (const d of counted) if (d.fipd === null) withoutFipd.push(departementText(d));
    if (withoutFipd.length > 0) {
      warnings.push({
        kind: 'fipd_missing',
        departementCode: null,
        fileName: null,
        message: `Les fichiers de ${listText(withoutFipd)} ne contiennent pas les crédits FIPD (ancienne version du format) : les totaux FIPD ne les comptent pas.`,
      });
    }
  }

  const countedCodes = counted.map((d) => d.code);
  // Grouped once, not filtered per engagement and département (20 × 100 passes over 1,600 quartiers).
  const qrrsByDepartement = new Map<string, NationalQrr[]>(countedCodes.map((code) => [code, []]));
  for (const q of qrrs) qrrsByDepartement.get(q.departementCode)?.push(q);
  const nationalEngagements = engagements.map((e, index): NationalEngagement => ({
    code: e.code,
    title: e.title,
    actionCount: e.actions.length,
    indicatorCount: e.indicators.length,
    ...engagementFigures(qrrs, index),
    byDepartement: countedCodes.map((code) => ({ departementCode: code, ...engagementFigures(qrrsByDepartement.get(code)!, index) })),
  }));

  const periodCounts = new Map<string, number>();
  for (const k of kept) for (const p of new Set(k.doc.periods.map((x) => x.code))) periodCounts.set(p, (periodCounts.get(p) ?? 0) + 1);

  return {
    format: NATIONAL_MODEL_FORMAT,
    version: NATIONAL_MODEL_VERSION,
    referentialVersion: input.referential.version,
    period,
    availablePeriods: [...periodCounts.entries()]
      .sort(([a], [b]) => comparePeriods(b, a))
      .map(([code, n]) => ({ code, label: periodLabel(code), departements: n })),
    departements,
    totals: {
      departements: departements.length,
      departementsCounted: counted.length,
      qrrs: qrrs.length,
      completeness: sumRatios(counted.map((d) => d.completeness)),
      implementation: sumImplementations(counted.map((d) => d.implementation)),
      meteoCounts: sumMeteo(counted.map((d) => d.meteoCounts)),
    },
    engagements: nationalEngagements,
    qrrs,
    fipd:
      fipdParts.length === 0
        ? null
        : { budgetYear, departements: fipdParts.length, totals: sumFipd(budgetYear, fipdParts.map((d) => d.fipd!)) },
    results: nationalResults(
      engagements,
      kept.filter((k) => countedCodes.includes(k.doc.departement.code)).map((k) => k.doc),
      period.code,
    ),
    warnings,
  };
}
