/**
 * The demonstration's fictional figures: a seeded PRNG and, per QRR ×
 * indicator, a value profile that evolves quarter over quarter (see demo.ts).
 * Deterministic for a seed; plain Node, never imports electron.
 */
import type { Indicator, IndicatorPart } from '../../shared/referential/types';

/** Comments some values carry (fictional). */
export const VALUE_COMMENTS = [
  'Donnée provisoire, à consolider avec le partenaire.',
  'Hausse liée au renforcement du dispositif ce trimestre.',
  'Baisse conjoncturelle pendant les vacances scolaires.',
  'Donnée estimée : le bilan définitif est attendu le trimestre prochain.',
  'Action cofinancée par le FIPD.',
  'Chiffre communiqué lors du dernier comité de pilotage.',
  'Décompte rapproché des listes d’émargement.',
  'Nouveau partenaire associatif depuis ce trimestre.',
];
// ---------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast, good enough for fictional figures; deterministic for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  (): number;
  int(min: number, max: number): number;
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function makeRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng = (() => next()) as Rng;
  rng.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  rng.between = (min, max) => min + next() * (max - min);
  rng.chance = (p) => next() < p;
  rng.pick = (items) => items[Math.floor(next() * items.length)]!;
  return rng;
}

// ---------------------------------------------------------------------------
// Value profiles: one per QRR × indicator, evolving quarter over quarter

/** Typical quarterly magnitude of a « Nombre de … » part, read from the label. */
export function countRange(indicator: Indicator, part: IndicatorPart): [number, number] {
  if (part.key === 'activities') return [12, 80];
  const label = indicator.label;
  if (/réunions/i.test(label)) return [1, 4];
  if (/Espaces|points d'accès|centres sociaux|délégués|mécanismes|appels à projets|internats/i.test(label)) return [1, 6];
  if (/éducateurs|médiateurs|adultes relais/i.test(label)) return [2, 12];
  if (/partenariats|associations|entreprises|dispositifs|actions/i.test(label)) return [3, 25];
  if (/bénéficiaires|jeunes|élèves|stages|emplois|garanties|prises en charge|PASS/i.test(label)) return [15, 240];
  return [2, 30];
}

export interface Profile {
  /** Per-part base figure. */
  readonly base: Readonly<Record<string, number>>;
  /** Growth per quarter (0 to 4 %). */
  readonly growth: number;
  /** Rate kinds: starting rate and its progression per quarter. */
  readonly rate0: number;
  readonly rateStep: number;
  /** Progress and presence: quarter (on the 8-quarter timeline) when each step is reached. */
  readonly steps: readonly number[];
  /** Gender split: women's share and the share whose sex is not recorded. */
  readonly womenShare: number;
  readonly unrecorded: number;
  readonly hasTarget: boolean;
}

export function makeProfile(rng: Rng, indicator: Indicator, population: number): Profile {
  const base: Record<string, number> = {};
  for (const part of indicator.parts) {
    if (part.type === 'integer') {
      const [min, max] = countRange(indicator, part);
      base[part.key] = rng.between(min, max) * Math.max(0.5, Math.min(1.6, population / 22_000));
    } else if (part.type === 'amount') {
      base[part.key] = rng.between(6_000, 45_000) * 100; // cents
    }
  }
  switch (indicator.kind) {
    case 'count_rate':
      base.denominator = rng.int(indicator.code === '01-02' ? 3 : 8, indicator.code === '01-02' ? 14 : 48);
      break;
    case 'operations_beneficiaries':
      base.operations = rng.between(1, 7);
      base.beneficiaries = base.operations * rng.between(8, 35);
      break;
    case 'amount':
      base.count = rng.between(3, 16);
      break;
    case 'ratio_per_1000':
      base.count = rng.between(6, 45);
      base.population = population;
      break;
    case 'gender_split':
      base.total = rng.between(40, 600);
      break;
  }
  const first = rng.int(-2, 4);
  return {
    base,
    growth: rng.between(0, 0.04),
    rate0: rng.between(0.2, 0.55),
    rateStep: rng.between(0.01, 0.05),
    steps: [first, first + rng.int(2, 6)],
    womenShare: rng.between(0.35, 0.6),
    unrecorded: rng.chance(0.3) ? rng.between(0.01, 0.06) : 0,
    hasTarget: rng.chance(0.25),
  };
}

export type Value = Record<string, number | boolean | string | null>;

export const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x));

/** A count at position `t` on the timeline: slow upward trend with ±8 % noise. */
export const trended = (rng: Rng, base: number, growth: number, t: number): number =>
  Math.max(0, Math.round(base * (1 + growth) ** t * (1 + rng.between(-0.08, 0.08))));

export function generateValue(rng: Rng, indicator: Indicator, p: Profile, t: number): Value {
  const value: Value = {};
  switch (indicator.kind) {
    case 'count_rate': {
      const denominator = Math.max(1, Math.round(p.base.denominator! * (1 + rng.between(-0.05, 0.05))));
      const rate = clamp(p.rate0 + p.rateStep * t + rng.between(-0.04, 0.04), 0.2, 0.9);
      return { numerator: Math.min(denominator, Math.round(rate * denominator)), denominator };
    }
    case 'amount': {
      const amountKey = indicator.parts.find((part) => part.type === 'amount')?.key ?? 'amountCents';
      const euros = clamp(trended(rng, p.base[amountKey]! / 100, p.growth, t), 5_000, 80_000);
      return { count: Math.max(1, trended(rng, p.base.count!, p.growth, t)), [amountKey]: Math.round(euros / 50) * 50 * 100 };
    }
    case 'progress': {
      const [enCours, realise] = p.steps as [number, number];
      const state = t >= realise ? 'realise' : t >= enCours ? 'en_cours' : 'non_engage';
      const part = indicator.parts[0]!;
      return { [part.key]: (part.values ?? []).includes(state) ? state : (part.values?.[0] ?? null) };
    }
    case 'presence':
      indicator.parts.forEach((part, i) => (value[part.key] = t >= p.steps[0]! + 2 * i));
      return value;
    case 'ratio_per_1000':
      return { count: trended(rng, p.base.count!, p.growth, t), population: p.base.population! };
    case 'gender_split': {
      const total = Math.max(1, trended(rng, p.base.total!, p.growth, t));
      const recorded = Math.round(total * (1 - p.unrecorded));
      const women = Math.round(recorded * clamp(p.womenShare + rng.between(-0.03, 0.03), 0, 1));
      return { total, men: recorded - women, women };
    }
    case 'operations_beneficiaries': {
      const operations = Math.max(1, trended(rng, p.base.operations!, p.growth, t));
      return { operations, beneficiaries: Math.max(operations, trended(rng, p.base.beneficiaries!, p.growth, t)) };
    }
    default:
      break;
  }
  // count, text and any future kind: part by part.
  for (const part of indicator.parts) value[part.key] = genericPart(rng, part, p, t);
  return value;
}

export function genericPart(rng: Rng, part: IndicatorPart, p: Profile, t: number): number | boolean | string | null {
  switch (part.type) {
    case 'integer':
      return trended(rng, p.base[part.key] ?? 10, p.growth, t);
    case 'amount':
      return clamp(trended(rng, (p.base[part.key] ?? 1_000_000) / 100, p.growth, t), 5_000, 80_000) * 100;
    case 'enum': {
      const values = part.values ?? [];
      return values.length === 0 ? null : values[clamp(Math.floor((t - p.steps[0]!) / 3), 0, values.length - 1)]!;
    }
    case 'boolean':
      return t >= p.steps[0]!;
    case 'text':
      return rng.pick(VALUE_COMMENTS);
  }
  return null;
}

/** A target: the figure aimed at by the end of the programme. */
export function generateTarget(indicator: Indicator, p: Profile): Value | null {
  const aim = (base: number | undefined): number => Math.max(1, Math.round((base ?? 10) * 1.3));
  switch (indicator.kind) {
    case 'count_rate': {
      const denominator = Math.max(1, Math.round(p.base.denominator!));
      return { numerator: Math.round(denominator * 0.8), denominator };
    }
    case 'progress':
      return { [indicator.parts[0]!.key]: (indicator.parts[0]!.values ?? []).includes('realise') ? 'realise' : null };
    case 'presence':
      return Object.fromEntries(indicator.parts.map((part) => [part.key, true]));
    case 'gender_split':
      return { total: aim(p.base.total), men: null, women: null };
    case 'ratio_per_1000':
      return { count: aim(p.base.count), population: p.base.population! };
    case 'amount': {
      const amountKey = indicator.parts.find((part) => part.type === 'amount')?.key ?? 'amountCents';
      return { count: aim(p.base.count), [amountKey]: Math.min(8_000_000, Math.round(aim(p.base[amountKey]! / 10_000) * 10_000)) };
    }
    default: {
      const integers = indicator.parts.filter((part) => part.type === 'integer');
      if (integers.length !== indicator.parts.length) return null;
      return Object.fromEntries(integers.map((part) => [part.key, aim(p.base[part.key])]));
    }
  }
}

