/**
 * « Sans objet » per QRR × indicator and per QRR × action: proposed from the
 * QRR's characteristics by the référentiel's rules (zone police /
 * gendarmerie, actions carried out for the whole département), and overridden
 * by the user's decision when there is one (a decision to lift a proposal is
 * kept, so the proposal never comes back by itself).
 *
 * Pure: imports only shared/.
 */
import type { Engagement, SansObjetCondition, SansObjetRule } from '../referential/types';
import type { SecurityZone } from './types';

export const SANS_OBJET_ITEM_TYPES = ['indicator', 'action'] as const;
export type SansObjetItemType = (typeof SANS_OBJET_ITEM_TYPES)[number];

/** The user's decision for one item of one QRR (table sans_objet). */
export interface SansObjetDecision {
  readonly qrrId: number;
  readonly itemType: SansObjetItemType;
  readonly code: string;
  readonly applies: boolean;
  readonly reason: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** What the report, the screens and completeness use. */
export interface SansObjetState {
  readonly qrrId: number;
  readonly itemType: SansObjetItemType;
  readonly code: string;
  readonly sansObjet: boolean;
  readonly reason: string;
  /** proposé: from the QRR's characteristics, untouched; saisi: the user's decision. */
  readonly origin: 'propose' | 'saisi';
  /** The rule's proposal, when there is one (shown next to a lifted proposal). */
  readonly proposal: string | null;
}

export interface QrrCharacteristics {
  readonly id: number;
  readonly securityZone: SecurityZone | null;
}

const conditionHolds = (when: SansObjetCondition, qrr: QrrCharacteristics): boolean =>
  when === 'departement' || (when === 'zone_police' && qrr.securityZone === 'police') || (when === 'zone_gendarmerie' && qrr.securityZone === 'gendarmerie');

/** The first rule that holds for this QRR (an unknown zone proposes nothing). */
export const proposedRule = (rules: readonly SansObjetRule[] | undefined, qrr: QrrCharacteristics): SansObjetRule | null =>
  (rules ?? []).find((r) => conditionHolds(r.when, qrr)) ?? null;

const itemKey = (qrrId: number, itemType: SansObjetItemType, code: string): string => `${qrrId}|${itemType}|${code}`;

/**
 * Every item that is « sans objet » or was decided about, per QRR: proposals
 * from the rules, overridden by decisions. Items neither proposed nor
 * decided are absent (they apply).
 */
export function sansObjetStates(
  engagements: readonly Engagement[],
  qrrs: readonly QrrCharacteristics[],
  decisions: readonly SansObjetDecision[],
): SansObjetState[] {
  const decided = new Map(decisions.map((d) => [itemKey(d.qrrId, d.itemType, d.code), d] as const));
  const out: SansObjetState[] = [];
  for (const q of qrrs) {
    for (const e of engagements) {
      const items: [SansObjetItemType, string, readonly SansObjetRule[] | undefined][] = [
        ...e.indicators.map((i): [SansObjetItemType, string, readonly SansObjetRule[] | undefined] => ['indicator', i.code, i.measure?.sansObjet]),
        ...e.actions.map((a): [SansObjetItemType, string, readonly SansObjetRule[] | undefined] => ['action', a.code, a.measure?.sansObjet]),
      ];
      for (const [itemType, code, rules] of items) {
        const proposal = proposedRule(rules, q)?.reason ?? null;
        const decision = decided.get(itemKey(q.id, itemType, code));
        if (decision) {
          out.push({ qrrId: q.id, itemType, code, sansObjet: decision.applies, reason: decision.reason, origin: 'saisi', proposal });
        } else if (proposal) {
          out.push({ qrrId: q.id, itemType, code, sansObjet: true, reason: proposal, origin: 'propose', proposal });
        }
      }
    }
  }
  return out;
}

/** Lookup of the items that are « sans objet », with their reason. */
export interface SansObjetIndex {
  reasonOf(qrrId: number, itemType: SansObjetItemType, code: string): string | null;
  isSansObjet(qrrId: number, itemType: SansObjetItemType, code: string): boolean;
}

export function indexSansObjet(states: readonly SansObjetState[]): SansObjetIndex {
  const map = new Map(states.filter((s) => s.sansObjet).map((s) => [itemKey(s.qrrId, s.itemType, s.code), s.reason] as const));
  return {
    reasonOf: (qrrId, itemType, code) => map.get(itemKey(qrrId, itemType, code)) ?? null,
    isSansObjet: (qrrId, itemType, code) => map.has(itemKey(qrrId, itemType, code)),
  };
}

export const NO_SANS_OBJET: SansObjetIndex = { reasonOf: () => null, isSansObjet: () => false };

type ItemReasons = ReadonlyMap<SansObjetItemType, ReadonlyMap<string, string>>;

/**
 * The same lookup as `indexSansObjet(sansObjetStates(engagements, qrrs, decisions))`,
 * without listing every item of every QRR: a proposal depends only on the QRR's
 * zone, so proposals are computed once per zone, and decisions are looked up
 * per QRR. The national consolidation asks it about 1,600 quartiers × 186
 * items several times; listing them all then indexing them by strings cost
 * more than the figures themselves.
 */
export function sansObjetLookup(
  engagements: readonly Engagement[],
  qrrs: readonly QrrCharacteristics[],
  decisions: readonly SansObjetDecision[],
): SansObjetIndex {
  const items: [SansObjetItemType, string, readonly SansObjetRule[] | undefined][] = engagements.flatMap((e) => [
    ...e.indicators.map((i): [SansObjetItemType, string, readonly SansObjetRule[] | undefined] => ['indicator', i.code, i.measure?.sansObjet]),
    ...e.actions.map((a): [SansObjetItemType, string, readonly SansObjetRule[] | undefined] => ['action', a.code, a.measure?.sansObjet]),
  ]);
  const known = new Map<SansObjetItemType, Set<string>>(SANS_OBJET_ITEM_TYPES.map((t) => [t, new Set(items.filter(([type]) => type === t).map(([, code]) => code))]));
  // Per zone, the reason proposed for each item (the last item of that code wins, as in indexSansObjet).
  const proposals = new Map<SecurityZone | null, ItemReasons>();
  const proposalsOf = (securityZone: SecurityZone | null): ItemReasons => {
    let reasons = proposals.get(securityZone);
    if (!reasons) {
      const byType = new Map<SansObjetItemType, Map<string, string>>(SANS_OBJET_ITEM_TYPES.map((t) => [t, new Map()]));
      for (const [itemType, code, rules] of items) {
        const rule = proposedRule(rules, { id: 0, securityZone });
        if (rule) byType.get(itemType)!.set(code, rule.reason);
      }
      proposals.set(securityZone, (reasons = byType));
    }
    return reasons;
  };
  // A QRR id listed twice (never in practice) keeps every zone: the last one proposing an item wins, as in indexSansObjet.
  const zones = new Map<number, (SecurityZone | null)[]>();
  for (const q of qrrs) {
    const list = zones.get(q.id);
    if (list) list.push(q.securityZone);
    else zones.set(q.id, [q.securityZone]);
  }
  const decided = new Map<number, Map<string, SansObjetDecision>>();
  for (const d of decisions) {
    const inner = decided.get(d.qrrId);
    if (inner) inner.set(`${d.itemType}|${d.code}`, d);
    else decided.set(d.qrrId, new Map([[`${d.itemType}|${d.code}`, d]]));
  }
  const reasonOf = (qrrId: number, itemType: SansObjetItemType, code: string): string | null => {
    const qrrZones = zones.get(qrrId);
    if (!qrrZones || !known.get(itemType)?.has(code)) return null;
    const decision = decided.get(qrrId)?.get(`${itemType}|${code}`);
    if (decision) return decision.applies ? decision.reason : null;
    let reason: string | null = null;
    for (const zone of qrrZones) reason = proposalsOf(zone).get(itemType)!.get(code) ?? reason;
    return reason;
  };
  return { reasonOf, isSansObjet: (qrrId, itemType, code) => reasonOf(qrrId, itemType, code) !== null };
}
