/** Indicator 05-02: the State credits counted per QRR and quarter. Part of shared/domain/fipd (see index.ts). */
import { INDICATOR_0502_SOURCES, isCommitted, type FundingSource } from './vocabulary';
import type { SubsidyFields } from './records';
import { normaliseRna, normaliseSiret, quarterBounds } from './checks';

type IndicatorSubsidy = Pick<SubsidyFields, 'qrrId' | 'source' | 'status' | 'grantedCents' | 'decisionDate' | 'siret' | 'rna' | 'beneficiaryName'>;

/** A name as a coordinator reads it: case, accents, punctuation and repeated spaces do not matter. */
export const normaliseAssociationName = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * Indicator 05-02 « nombre d'associations soutenues par les crédits de l'État
 * et montants alloués » for a quarter, computed from the subsidy lines:
 * - lines counted: status attribuée, versée or soldée, source among `sources`
 *   (State credits: INDICATOR_0502_SOURCES by default), decision date inside the quarter
 *   (a committed line without decision date is not counted: it is flagged instead);
 * - amount: the sum of their granted amounts (AE), integer cents;
 * - count: distinct associations. Two lines are the same association when
 *   they share a SIREN (the 9 first digits of the SIRET: one association, several
 *   establishments) or an RNA number, directly or through other lines; a line
 *   with neither is matched by its normalised name (to lines with or without identifiers).
 */
export function indicator0502(
  subsidies: readonly IndicatorSubsidy[],
  periodCode: string,
  sources: readonly FundingSource[] = INDICATOR_0502_SOURCES,
): { count: number; amountCents: number } {
  const bounds = quarterBounds(periodCode);
  if (!bounds) return { count: 0, amountCents: 0 };
  const lines = subsidies.filter(
    (s) =>
      isCommitted(s.status) &&
      sources.includes(s.source) &&
      s.decisionDate !== null &&
      s.decisionDate >= bounds.from &&
      s.decisionDate <= bounds.to,
  );
  // Union-find over identifier keys.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = k;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const keysOf = (s: IndicatorSubsidy): { ids: string[]; name: string } => ({
    ids: [...(s.siret ? [`siren:${normaliseSiret(s.siret).slice(0, 9)}`] : []), ...(s.rna ? [`rna:${normaliseRna(s.rna)}`] : [])],
    name: `name:${normaliseAssociationName(s.beneficiaryName)}`,
  });
  const anchors: string[] = [];
  const named = new Map<string, string[]>(); // name key → identifier keys of lines with that name
  for (const s of lines) {
    const { ids, name } = keysOf(s);
    if (ids.length > 0) {
      for (const id of ids) union(ids[0]!, id);
      named.set(name, [...(named.get(name) ?? []), ids[0]!]);
      anchors.push(ids[0]!);
    } else {
      union(name, name);
      anchors.push(name);
    }
  }
  // A line known only by its name joins the lines bearing that name.
  for (const s of lines) {
    const { ids, name } = keysOf(s);
    if (ids.length === 0) for (const id of named.get(name) ?? []) union(name, id);
  }
  return {
    count: new Set(anchors.map(find)).size,
    amountCents: lines.reduce((sum, s) => sum + s.grantedCents, 0),
  };
}

/** Indicator 05-02 per QRR (only QRRs with at least one counted line). */
export function indicator0502ByQrr(
  subsidies: readonly IndicatorSubsidy[],
  periodCode: string,
  sources: readonly FundingSource[] = INDICATOR_0502_SOURCES,
): Map<number, { count: number; amountCents: number }> {
  const byQrr = new Map<number, IndicatorSubsidy[]>();
  for (const s of subsidies) byQrr.set(s.qrrId, [...(byQrr.get(s.qrrId) ?? []), s]);
  const out = new Map<number, { count: number; amountCents: number }>();
  for (const [qrrId, lines] of [...byQrr.entries()].sort(([a], [b]) => a - b)) {
    const value = indicator0502(lines, periodCode, sources);
    if (value.count > 0) out.set(qrrId, value);
  }
  return out;
}
