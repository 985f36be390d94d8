import type { IndicatorTarget } from '../domain/targets';
import { canonicalEqual, type ExchangeDocument } from './format';

/*
 * The import preview's lines for the results section (format-results.ts):
 * one cell per QRR × « sans objet » item (its decision and reason) and per
 * QRR × indicator target (baseline, target and their dates). Same states as
 * the follow-up's cells (diff.ts): new, identical, conflict, locked (archived
 * QRR), refused (by the services, found by the trial write). Neither belongs
 * to a quarter: their lines carry RESULTS_PERIOD.
 *
 * Pure: imports only shared/.
 */

export const RESULTS_TABLES = ['sans_objet', 'indicator_target'] as const;
export type ResultsTable = (typeof RESULTS_TABLES)[number];
/** The « period » of results lines: they hold for the QRR, whatever the quarter. */
export const RESULTS_PERIOD = 'permanent';
/** How the preview names that « period » (French). */
export const RESULTS_PERIOD_LABEL = 'Sans objet et cibles (tous trimestres)';

/** What this database holds: every « sans objet » state (proposed or decided) and the stored targets. */
export interface LocalResultsData {
  readonly sansObjet: readonly {
    readonly qrrId: number;
    readonly itemType: 'indicator' | 'action';
    readonly code: string;
    readonly sansObjet: boolean;
    readonly reason: string;
    /** Null for a proposal (from the QRR's zone, never saved). */
    readonly updatedAt: string | null;
    readonly updatedBy: string;
  }[];
  readonly targets: readonly (Pick<IndicatorTarget, 'qrrId' | 'indicatorCode' | keyof TargetCell> & { readonly updatedAt: string; readonly updatedBy: string })[];
}

export const NO_LOCAL_RESULTS: LocalResultsData = { sansObjet: [], targets: [] };

export interface ResultsCellSide {
  readonly value: unknown;
  readonly updatedAt: string | null;
  readonly updatedBy: string;
}

export interface ResultsDiffLine {
  readonly table: ResultsTable;
  readonly qrrKey: string;
  /** `indicator:08-02`, `action:10-05` (sans objet); the indicator code (target). */
  readonly code: string;
  readonly field: 'decision' | 'target';
  readonly mine: ResultsCellSide | null;
  readonly theirs: ResultsCellSide;
  readonly same: boolean;
  /** In French: « indicateur 08-02 », « cible de l'indicateur 03-01 (« a minima un … ») ». */
  readonly summary: string;
}

/** A « sans objet » cell's value: the decision and its reason. */
export interface SansObjetCell {
  readonly sansObjet: boolean;
  readonly reason: string;
}
/** A target cell's value. */
export type TargetCell = Pick<IndicatorTarget, 'initialValue' | 'initialDate' | 'targetValue' | 'targetDeadline'>;

export const sansObjetCode = (itemType: 'indicator' | 'action', code: string): string => `${itemType}:${code}`;
export const parseSansObjetCode = (code: string): { itemType: 'indicator' | 'action'; code: string } | null => {
  const m = /^(indicator|action):(.+)$/.exec(code);
  return m ? { itemType: m[1] as 'indicator' | 'action', code: m[2]! } : null;
};

const targetCell = (t: TargetCell): TargetCell => ({
  initialValue: t.initialValue,
  initialDate: t.initialDate,
  targetValue: t.targetValue,
  targetDeadline: t.targetDeadline,
});

/** The file's results section against this database; `qrrIdOf` matches a file's QRR here (null: to be created). */
export function diffResults(local: LocalResultsData, doc: ExchangeDocument, qrrIdOf: (qrrKey: string) => number | null): ResultsDiffLine[] {
  const section = doc.results;
  if (!section) return [];
  const lines: ResultsDiffLine[] = [];
  const sansObjetHere = new Map(local.sansObjet.map((s) => [`${s.qrrId}|${sansObjetCode(s.itemType, s.code)}`, s] as const));
  for (const d of section.sansObjet) {
    const code = sansObjetCode(d.itemType, d.code);
    const id = qrrIdOf(d.qrrKey);
    const here = id === null ? undefined : sansObjetHere.get(`${id}|${code}`);
    const theirsValue: SansObjetCell = { sansObjet: d.sansObjet, reason: d.reason.trim() };
    const mineValue: SansObjetCell | null = here ? { sansObjet: here.sansObjet, reason: here.reason } : null;
    lines.push({
      table: 'sans_objet',
      qrrKey: d.qrrKey,
      code,
      field: 'decision',
      mine: here && mineValue ? { value: mineValue, updatedAt: here.updatedAt, updatedBy: here.updatedAt === null ? 'proposé' : here.updatedBy } : null,
      theirs: { value: theirsValue, updatedAt: d.updatedAt, updatedBy: d.updatedBy },
      same: mineValue !== null && canonicalEqual(mineValue, theirsValue),
      summary: `${d.itemType === 'indicator' ? 'indicateur' : 'action'} ${d.code}`,
    });
  }
  const targetsHere = new Map(local.targets.map((t) => [`${t.qrrId}|${t.indicatorCode}`, t] as const));
  for (const t of section.targets) {
    const id = qrrIdOf(t.qrrKey);
    const here = id === null ? undefined : targetsHere.get(`${id}|${t.indicatorCode}`);
    const theirsValue = targetCell(t);
    lines.push({
      table: 'indicator_target',
      qrrKey: t.qrrKey,
      code: t.indicatorCode,
      field: 'target',
      mine: here ? { value: targetCell(here), updatedAt: here.updatedAt, updatedBy: here.updatedBy } : null,
      theirs: { value: theirsValue, updatedAt: t.updatedAt, updatedBy: t.updatedBy },
      same: here !== undefined && canonicalEqual(targetCell(here), theirsValue),
      summary: `cible de l'indicateur ${t.indicatorCode}${t.quote ? ` (« ${t.quote} »)` : ''}`,
    });
  }
  return lines;
}

/** A results row naming a QRR the file does not describe, or the same row twice: the file is refused (French). */
export function resultsConsistencyProblem(doc: ExchangeDocument, qrrKeys: ReadonlySet<string>): string | null {
  const section = doc.results;
  if (!section) return null;
  const seen = new Set<string>();
  const rows = [
    ...section.sansObjet.map((d) => ({ qrrKey: d.qrrKey, id: `sans_objet|${d.qrrKey}|${d.itemType}|${d.code}`, what: d.code })),
    ...section.targets.map((t) => ({ qrrKey: t.qrrKey, id: `target|${t.qrrKey}|${t.indicatorCode}`, what: t.indicatorCode })),
  ];
  for (const r of rows) {
    if (!qrrKeys.has(r.qrrKey)) return `Le fichier contient des résultats (« sans objet », cibles) d'un quartier qu'il ne décrit pas (« ${r.qrrKey} »).`;
    if (seen.has(r.id)) return `Le fichier contient deux fois la même ligne de résultats (${r.what}).`;
    seen.add(r.id);
  }
  return null;
}
