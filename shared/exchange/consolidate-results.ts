/**
 * National consolidation adds up results (issue 13): per indicator, the
 * national figure by its aggregation rule over every counted QRR (a sum of
 * sums is the sum of the départements' figures; a ratio of sums likewise),
 * the figure of each département, and one line per engagement — the same
 * computations as a département's report (shared/report/results-model.ts).
 *
 * « Sans objet »: proposed from each QRR's zone as in the départements, then
 * the users' decisions the files carry (their results section); targets: those
 * the files carry (a file without the section has none).
 *
 * Pure: imports only shared/.
 */
import { sansObjetLookup, type SansObjetDecision } from '../domain/sans-objet';
import type { IndicatorTarget } from '../domain/targets';
import type { IndicatorValuePayload, Meteo } from '../domain/types';
import type { Engagement } from '../referential/types';
import { engagementLine, indicatorResultsByGroup, seriesPeriods, type EngagementLine, type IndicatorResult, type QuarterValues } from '../report/results-model';
import { commentsCountText, departementComments, type EngagementComments } from './consolidate-comments';
import type { ExchangeDocument } from './format';

export interface NationalResults {
  /** National figure of each indicator. */
  readonly results: readonly IndicatorResult[];
  /** One line per engagement (most severe météo among the QRRs, key results). */
  readonly lines: readonly EngagementLine[];
  /** Each counted département's figure of each indicator, in the order given. */
  readonly byDepartement: readonly { readonly departementCode: string; readonly results: readonly IndicatorResult[] }[];
  /** The départements' typed comments of the quarter, per engagement (consolidate-comments.ts). */
  readonly comments: readonly EngagementComments[];
}

interface Unit {
  readonly id: number;
  readonly name: string;
  readonly departementCode: string;
  readonly doc: ExchangeDocument;
  readonly key: string;
}

function groupBy<T>(items: readonly T[], by: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(by(item));
    if (group) group.push(item);
    else groups.set(by(item), [item]);
  }
  return groups;
}

export function nationalResults(
  engagements: readonly Engagement[],
  documents: readonly ExchangeDocument[],
  periodCode: string,
): NationalResults {
  const units: Unit[] = documents.flatMap((doc) => doc.qrrs.map((q) => ({ name: q.name, departementCode: doc.departement.code, doc, key: q.key })))
    .map((u, i) => ({ ...u, id: i + 1 }));
  const idOf = new Map(units.map((u) => [`${u.departementCode}\u0000${u.key}`, u.id] as const));
  const series = new Set(seriesPeriods(periodCode));
  const quarters = new Map<string, Map<string, IndicatorValuePayload | null>>();
  for (const doc of documents) {
    for (const v of doc.indicatorValues) {
      if (!series.has(v.periodCode)) continue;
      const id = idOf.get(`${doc.departement.code}\u0000${v.qrrKey}`);
      if (id === undefined) continue;
      let quarter = quarters.get(v.periodCode);
      if (!quarter) quarters.set(v.periodCode, (quarter = new Map()));
      quarter.set(`${id}|${v.indicatorCode}`, v.value as IndicatorValuePayload | null);
    }
  }
  const zoneOf = new Map(documents.flatMap((doc) => doc.qrrs.map((q) => [`${doc.departement.code}\u0000${q.key}`, q.securityZone] as const)));
  const sansObjet = sansObjetLookup(
    engagements,
    units.map((u) => ({ id: u.id, securityZone: zoneOf.get(`${u.departementCode}\u0000${u.key}`) ?? null })),
    documents.flatMap((doc) =>
      (doc.results?.sansObjet ?? []).flatMap((d): SansObjetDecision[] => {
        const id = idOf.get(`${doc.departement.code}\u0000${d.qrrKey}`);
        return id === undefined ? [] : [{ qrrId: id, itemType: d.itemType, code: d.code, applies: d.sansObjet, reason: d.reason, updatedAt: d.updatedAt, updatedBy: d.updatedBy }];
      }),
    ),
  );
  const targetsOf = (doc: ExchangeDocument): IndicatorTarget[] =>
    (doc.results?.targets ?? []).flatMap((t): IndicatorTarget[] => {
      const id = idOf.get(`${doc.departement.code}\u0000${t.qrrKey}`);
      const { qrrKey: _key, updatedAt: _at, updatedBy: _by, ...rest } = t;
      return id === undefined ? [] : [{ ...rest, qrrId: id, stored: true }];
    });
  const targets = documents.flatMap(targetsOf);
  const departementOf = new Map(units.map((u) => [u.id, u.departementCode] as const));
  const targetsByDepartement = groupBy(targets, (t) => departementOf.get(t.qrrId)!);
  // Each département's figures read its own units and targets only (grouped once, not filtered 100 times),
  // computed with the nation's from the same reading of each quartier's values.
  const unitsByDepartement = groupBy(units, (u) => u.departementCode);
  const { all: results, groups: departementResults } = indicatorResultsByGroup(
    { engagements, units, periodCode, quarters: quarters as ReadonlyMap<string, QuarterValues>, sansObjet, targets },
    documents.map((doc) => ({
      units: unitsByDepartement.get(doc.departement.code) ?? [],
      targets: targetsByDepartement.get(doc.departement.code) ?? [],
    })),
  );
  const meteoOf = new Map<string, Meteo>();
  for (const doc of documents) {
    for (const a of doc.assessments) {
      if (a.periodCode !== periodCode) continue;
      const id = idOf.get(`${doc.departement.code}\u0000${a.qrrKey}`);
      if (id !== undefined) meteoOf.set(`${id}|${a.engagementCode}`, a.meteo);
    }
  }
  const comments = departementComments(engagements, documents, periodCode);
  const lines = engagements.map((e, i) => {
    const line = engagementLine(
      {
        code: e.code,
        title: e.title,
        assessments: units.map((u) => ({ unitName: u.name, meteo: meteoOf.get(`${u.id}|${e.code}`) ?? 'non_renseignee', trend: null, comment: '' })),
      },
      results,
    );
    // The texts would flood the national table: it counts them, the annex gives them (national-comments-pdf.ts).
    const count = commentsCountText(comments[i]!);
    return count === null ? line : { ...line, synthesis: [count] };
  });
  return {
    results,
    lines,
    byDepartement: documents.map((doc, i) => ({ departementCode: doc.departement.code, results: departementResults[i]! })),
    comments,
  };
}
