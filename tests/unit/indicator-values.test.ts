import fc from 'fast-check';
import { runs } from '../support/property';
import { describe, expect, it } from 'vitest';
import referentialJson from '../../seeds/referential.json';
import {
  computedUnit,
  computeIndicator,
  formatIndicatorValue,
  formatPartValue,
  isIndicatorValueComplete,
  parsePartInput,
  TEXT_PART_MAX,
  validateIndicatorValue,
  type IndicatorValue,
  type PartValue,
} from '../../shared/domain/indicator-values';
import type { Indicator, IndicatorKind, IndicatorPart, Referential } from '../../shared/referential/types';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

const referential = referentialJson as unknown as Referential;
const INDICATORS: Indicator[] = referential.engagements.flatMap((e) => e.indicators);
const byCode = (code: string): Indicator => {
  const found = INDICATORS.find((i) => i.code === code);
  if (!found) throw new Error(`indicator ${code} missing from the référentiel`);
  return found;
};

/** No « text » indicator in the référentiel today: a synthetic one covers the kind and the part type. */
const TEXT_INDICATOR: Indicator = {
  code: '99-99',
  label: 'Commentaire libre',
  kind: 'text',
  parts: [{ key: 'text', label: 'Commentaire', type: 'text' }],
};
const ALL_INDICATORS = [...INDICATORS, TEXT_INDICATOR];

/** One indicator of each kind used below: 01-01 count_rate, 03-01 count, … */
const SAMPLE: Record<IndicatorKind, Indicator> = {
  count: byCode('03-01'),
  count_rate: byCode('01-01'),
  operations_beneficiaries: byCode('04-05'),
  amount: byCode('05-02'),
  progress: byCode('02-01'),
  presence: byCode('06-05'),
  ratio_per_1000: byCode('03-03'),
  gender_split: byCode('05-03'),
  text: TEXT_INDICATOR,
};

const valid = (indicator: Indicator, raw: unknown): IndicatorValue => {
  const r = validateIndicatorValue(indicator, raw);
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.value;
};
const refusal = (indicator: Indicator, raw: unknown) => {
  const r = validateIndicatorValue(indicator, raw);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(raw)}`);
  return r;
};
const shown = (indicator: Indicator, raw: unknown): string => formatIndicatorValue(indicator, valid(indicator, raw));

describe('the référentiel has only what these rules know', () => {
  it('every kind of the référentiel has examples here, and every part has the expected shape', () => {
    const kinds = new Set(INDICATORS.map((i) => i.kind));
    for (const kind of kinds) expect(SAMPLE[kind].kind).toBe(kind);
    expect(INDICATORS).toHaveLength(56);
    for (const i of INDICATORS) {
      const keys = i.parts.map((p) => p.key).sort();
      const expected: Partial<Record<IndicatorKind, string[]>> = {
        count_rate: ['denominator', 'numerator'],
        ratio_per_1000: ['count', 'population'],
        gender_split: ['men', 'total', 'women'],
        operations_beneficiaries: ['beneficiaries', 'operations'],
        amount: ['amountCents', 'count'],
      };
      if (expected[i.kind]) expect(keys, i.code).toEqual(expected[i.kind]);
    }
  });
});

describe('validateIndicatorValue — examples by kind', () => {
  it('count', () => {
    const i = SAMPLE.count;
    expect(valid(i, { count: 12 })).toEqual({ count: 12 });
    expect(valid(i, { count: 0 })).toEqual({ count: 0 });
    expect(valid(i, { count: null })).toEqual({ count: null });
    expect(valid(i, {})).toEqual({ count: null });
    expect(valid(i, { count: Number.MAX_SAFE_INTEGER })).toEqual({ count: Number.MAX_SAFE_INTEGER });
    expect(Object.is(valid(i, { count: -0 }).count, 0)).toBe(true);
    const twoParts = byCode('03-02');
    expect(valid(twoParts, { count: 12, activities: 40 })).toEqual({ count: 12, activities: 40 });
  });

  it('count: negative, decimal, non-number and too large values are refused, never coerced', () => {
    const i = SAMPLE.count;
    const negative = refusal(i, { count: -1 });
    expect(negative.message).toBe('Nombre : un nombre ne peut pas être négatif.');
    expect(negative.issues).toEqual([{ path: 'count', message: 'Nombre : un nombre ne peut pas être négatif.' }]);
    expect(refusal(i, { count: 1.5 }).message).toBe('Nombre : un nombre entier est attendu (sans virgule).');
    expect(refusal(i, { count: '12' }).message).toBe('Nombre : un nombre entier est attendu, pas un texte.');
    expect(refusal(i, { count: true }).message).toBe('Nombre : un nombre entier est attendu, pas un booléen.');
    expect(refusal(i, { count: [12] }).message).toBe('Nombre : un nombre entier est attendu, pas une liste.');
    expect(refusal(i, { count: { value: 12 } }).message).toBe('Nombre : un nombre entier est attendu, pas un objet.');
    expect(refusal(i, { count: Number.NaN }).message).toBe('Nombre : un nombre entier est attendu, pas une valeur invalide (NaN).');
    expect(refusal(i, { count: Number.POSITIVE_INFINITY }).message).toBe('Nombre : le nombre est trop grand.');
    expect(refusal(i, { count: Number.NEGATIVE_INFINITY }).message).toBe('Nombre : un nombre ne peut pas être négatif.');
    expect(refusal(i, { count: 2 ** 53 }).message).toBe('Nombre : le nombre est trop grand.');
  });

  it('unknown keys and non-objects are refused', () => {
    const i = SAMPLE.count;
    const unknown = refusal(i, { count: 1, comment: 'x' });
    expect(unknown.issues).toEqual([{ path: 'comment', message: "Champ inconnu « comment » pour l'indicateur 03-01." }]);
    expect(refusal(i, JSON.parse('{"count":1,"__proto__":{"x":1}}')).issues[0]!.path).toBe('__proto__');
    expect(refusal(i, null).message).toBe("La valeur de l'indicateur 03-01 doit être un objet, pas null.");
    expect(refusal(i, undefined).message).toBe("La valeur de l'indicateur 03-01 doit être un objet, pas rien.");
    expect(refusal(i, 12).message).toBe("La valeur de l'indicateur 03-01 doit être un objet, pas un nombre.");
    expect(refusal(i, '{"count":12}').message).toBe("La valeur de l'indicateur 03-01 doit être un objet, pas un texte.");
    expect(refusal(i, [12]).message).toBe("La valeur de l'indicateur 03-01 doit être un objet, pas une liste.");
    expect(refusal(i, new Date()).issues).toHaveLength(1);
    expect(valid(i, Object.assign(Object.create(null) as object, { count: 3 }))).toEqual({ count: 3 });
  });

  it('several issues are all reported, each on its path', () => {
    const r = refusal(SAMPLE.count_rate, { numerator: -1, denominator: '3', foo: 1 });
    expect(r.issues.map((x) => x.path)).toEqual(['foo', 'numerator', 'denominator']);
    expect(r.message).toMatch(/^La valeur de l'indicateur 01-01 comporte 3 erreurs : /);
  });

  it('count_rate: numerator ≤ denominator, denominator never 0', () => {
    const i = SAMPLE.count_rate;
    expect(valid(i, { numerator: 12, denominator: 40 })).toEqual({ numerator: 12, denominator: 40 });
    expect(valid(i, { numerator: 40, denominator: 40 })).toEqual({ numerator: 40, denominator: 40 });
    expect(valid(i, { numerator: 0, denominator: 40 })).toEqual({ numerator: 0, denominator: 40 });
    expect(valid(i, { numerator: 12 })).toEqual({ numerator: 12, denominator: null });
    expect(valid(i, { denominator: 12 })).toEqual({ numerator: null, denominator: 12 });
    const over = refusal(i, { numerator: 12, denominator: 10 });
    expect(over.issues).toHaveLength(1);
    expect(over.issues[0]!.path).toBe('numerator');
    expect(over.message).toMatch(/^Le numérateur \(12\) ne peut pas dépasser le dénominateur \(10\)/);
    expect(over.message).toContain('« Nombre de classes dédoublées (GS, CP, CE1 en REP et REP +) »');
    expect(over.message).toContain('« Nombre total de classes de GS, CP, CE1 en REP et REP + »');
    expect(refusal(i, { numerator: 1234, denominator: 1000 }).message).toMatch(
      new RegExp(`^Le numérateur \\(1${NNBSP}234\\) ne peut pas dépasser le dénominateur \\(1${NNBSP}000\\)`),
    );
    const zero = refusal(i, { numerator: 12, denominator: 0 });
    expect(zero.issues).toEqual([
      { path: 'denominator', message: 'Nombre total de classes de GS, CP, CE1 en REP et REP + : le dénominateur ne peut pas être nul.' },
    ]);
    expect(refusal(i, { numerator: 0, denominator: 0 }).issues[0]!.path).toBe('denominator');
    expect(refusal(i, { denominator: 0 }).message).toMatch(/le dénominateur ne peut pas être nul\.$/);
    expect(refusal(i, { numerator: -3, denominator: 10 }).message).toBe(
      'Nombre de classes dédoublées (GS, CP, CE1 en REP et REP +) : un nombre ne peut pas être négatif.',
    );
  });

  it('operations_beneficiaries: two non-negative counts', () => {
    const i = SAMPLE.operations_beneficiaries;
    expect(valid(i, { operations: 3, beneficiaries: 125 })).toEqual({ operations: 3, beneficiaries: 125 });
    expect(valid(i, { operations: 30, beneficiaries: 2 })).toEqual({ operations: 30, beneficiaries: 2 });
    expect(refusal(i, { operations: -3, beneficiaries: 125 }).issues[0]!.path).toBe('operations');
    expect(refusal(i, { operations: 3, beneficiaries: -1 }).message).toBe(
      'Nombre de jeunes bénéficiaires : un nombre ne peut pas être négatif.',
    );
  });

  it('amount: a count and non-negative integer cents', () => {
    const i = SAMPLE.amount;
    expect(valid(i, { count: 4, amountCents: 1250000 })).toEqual({ count: 4, amountCents: 1250000 });
    expect(refusal(i, { count: 4, amountCents: -1 }).message).toBe('Montant (€) : un montant ne peut pas être négatif.');
    expect(refusal(i, { count: 4, amountCents: 12.5 }).message).toBe('Montant (€) : un montant est attendu en centimes entiers.');
    expect(refusal(i, { count: 4, amountCents: '12 500 €' }).message).toBe(
      'Montant (€) : un montant en centimes (nombre entier) est attendu, pas un texte.',
    );
    expect(refusal(i, { count: 4, amount: 12 }).issues[0]!.path).toBe('amount');
  });

  it('progress: one of the states', () => {
    const i = SAMPLE.progress;
    for (const state of ['non_engage', 'en_cours', 'realise']) expect(valid(i, { state })).toEqual({ state });
    expect(refusal(i, { state: 'En cours' }).message).toBe(
      "État d'avancement : « En cours » n'est pas une valeur admise (valeurs possibles : Non engagé, En cours, Réalisé).",
    );
    expect(refusal(i, { state: 1 }).message).toBe(
      "État d'avancement : une valeur parmi Non engagé, En cours, Réalisé est attendue, pas un nombre.",
    );
  });

  it('presence: booleans only', () => {
    const i = SAMPLE.presence;
    expect(valid(i, { evenings: true, weekends: false })).toEqual({ evenings: true, weekends: false });
    expect(refusal(i, { evenings: 1, weekends: false }).message).toBe('Présence les soirs : oui ou non est attendu, pas un nombre.');
    expect(refusal(i, { evenings: 'oui' }).issues[0]!.path).toBe('evenings');
  });

  it('ratio_per_1000: population never 0', () => {
    const i = SAMPLE.ratio_per_1000;
    expect(valid(i, { count: 12, population: 5400 })).toEqual({ count: 12, population: 5400 });
    expect(valid(i, { count: 12 })).toEqual({ count: 12, population: null });
    expect(valid(i, { count: 0, population: 1 })).toEqual({ count: 0, population: 1 });
    expect(refusal(i, { count: 12, population: 0 }).issues).toEqual([
      { path: 'population', message: 'Population (habitants) : la population ne peut pas être nulle.' },
    ]);
    expect(refusal(i, { population: -10 }).message).toBe('Population (habitants) : un nombre ne peut pas être négatif.');
  });

  it('gender_split: men + women ≤ total when given, the total is never derived', () => {
    const i = SAMPLE.gender_split;
    expect(valid(i, { total: 120, men: 50, women: 70 })).toEqual({ total: 120, men: 50, women: 70 });
    expect(valid(i, { total: 130, men: 50, women: 70 })).toEqual({ total: 130, men: 50, women: 70 });
    expect(valid(i, { men: 50, women: 70 })).toEqual({ total: null, men: 50, women: 70 });
    expect(valid(i, { total: 60, men: 50 })).toEqual({ total: 60, men: 50, women: null });
    const sum = refusal(i, { total: 100, men: 50, women: 70 });
    expect(sum.issues).toEqual([
      {
        path: 'total',
        message: `Hommes et femmes (50 + 70 = 120) ne peuvent pas dépasser « Nombre de bénéficiaires » (100).`,
      },
    ]);
    expect(refusal(i, { total: 40, men: 50 }).issues).toEqual([
      { path: 'men', message: '« dont hommes » (50) ne peut pas dépasser « Nombre de bénéficiaires » (40).' },
    ]);
    expect(refusal(i, { total: 10, men: 50, women: 70 }).issues.map((x) => x.path)).toEqual(['men', 'women']);
    expect(refusal(i, { total: 10, men: -1, women: 2 }).message).toBe('dont hommes : un nombre ne peut pas être négatif.');
  });

  it('text: a string of at most 2 000 characters', () => {
    const i = TEXT_INDICATOR;
    expect(valid(i, { text: 'Comité de suivi tenu le 3 mars.' })).toEqual({ text: 'Comité de suivi tenu le 3 mars.' });
    expect(valid(i, { text: 'x'.repeat(TEXT_PART_MAX) }).text).toHaveLength(2000);
    expect(refusal(i, { text: 'x'.repeat(TEXT_PART_MAX + 1) }).message).toBe(
      `Commentaire : le texte dépasse 2${NNBSP}000 caractères (2${NNBSP}001).`,
    );
    expect(refusal(i, { text: 12 }).message).toBe('Commentaire : un texte est attendu, pas un nombre.');
  });
});

describe('computeIndicator', () => {
  it('computes the derived figure, null when not computable', () => {
    expect(computeIndicator(SAMPLE.count_rate, { numerator: 12, denominator: 40 })).toBe(30);
    expect(computeIndicator(SAMPLE.count_rate, { numerator: 12, denominator: null })).toBeNull();
    expect(computeIndicator(SAMPLE.count_rate, { numerator: null, denominator: 40 })).toBeNull();
    expect(computeIndicator(SAMPLE.count_rate, { numerator: 0, denominator: 0 })).toBeNull();
    expect(computeIndicator(SAMPLE.ratio_per_1000, { count: 12, population: 5400 })).toBeCloseTo(2.2222, 4);
    expect(computeIndicator(SAMPLE.ratio_per_1000, { count: 12, population: null })).toBeNull();
    expect(computeIndicator(SAMPLE.gender_split, { total: 120, men: 50, women: 70 })).toBeCloseTo(58.333, 3);
    expect(computeIndicator(SAMPLE.gender_split, { total: 200, men: 50, women: 70 })).toBe(35);
    expect(computeIndicator(SAMPLE.gender_split, { total: null, men: 30, women: 70 })).toBe(70);
    expect(computeIndicator(SAMPLE.gender_split, { total: null, men: 0, women: 0 })).toBeNull();
    expect(computeIndicator(SAMPLE.gender_split, { total: 100, men: 30, women: null })).toBeNull();
    expect(computeIndicator(SAMPLE.count, { count: 12 })).toBeNull();
    expect(computeIndicator(SAMPLE.amount, { count: 1, amountCents: 100 })).toBeNull();
    expect(computeIndicator(SAMPLE.progress, { state: 'realise' })).toBeNull();
    expect(computedUnit(SAMPLE.count_rate)).toBe('%');
    expect(computedUnit(SAMPLE.gender_split)).toBe('%');
    expect(computedUnit(SAMPLE.ratio_per_1000)).toBe('‰');
    expect(computedUnit(SAMPLE.count)).toBeNull();
  });
});

describe('isIndicatorValueComplete', () => {
  it('needs every part, text not blank', () => {
    expect(isIndicatorValueComplete(SAMPLE.count_rate, { numerator: 12, denominator: 40 })).toBe(true);
    expect(isIndicatorValueComplete(SAMPLE.count_rate, { numerator: 12, denominator: null })).toBe(false);
    expect(isIndicatorValueComplete(SAMPLE.count_rate, { numerator: 12 })).toBe(false);
    expect(isIndicatorValueComplete(SAMPLE.count, { count: 0 })).toBe(true);
    expect(isIndicatorValueComplete(SAMPLE.presence, { evenings: false, weekends: false })).toBe(true);
    expect(isIndicatorValueComplete(SAMPLE.gender_split, { total: 1, men: 0, women: null })).toBe(false);
    expect(isIndicatorValueComplete(TEXT_INDICATOR, { text: 'ok' })).toBe(true);
    expect(isIndicatorValueComplete(TEXT_INDICATOR, { text: '  ' })).toBe(false);
    expect(isIndicatorValueComplete(TEXT_INDICATOR, { text: '' })).toBe(false);
  });
});

describe('formatIndicatorValue', () => {
  it('writes one French string per kind', () => {
    expect(shown(SAMPLE.count, { count: 1234 })).toBe(`1${NNBSP}234`);
    expect(shown(SAMPLE.count, { count: 0 })).toBe('0');
    expect(shown(byCode('03-02'), { count: 12, activities: 40 })).toBe('Centres sociaux : 12 ; activités proposées / soutenues : 40');
    expect(shown(byCode('03-02'), { count: 12 })).toBe('Centres sociaux : 12 ; activités proposées / soutenues : —');
    expect(shown(SAMPLE.count_rate, { numerator: 12, denominator: 40 })).toBe(`12 / 40 (30,0${NBSP}%)`);
    expect(shown(SAMPLE.count_rate, { numerator: 1, denominator: 3 })).toBe(`1 / 3 (33,3${NBSP}%)`);
    expect(shown(SAMPLE.count_rate, { numerator: 12 })).toBe('12 / —');
    expect(shown(SAMPLE.count_rate, { denominator: 40 })).toBe('— / 40');
    expect(shown(SAMPLE.operations_beneficiaries, { operations: 3, beneficiaries: 125 })).toBe('3 opérations, 125 bénéficiaires');
    expect(shown(SAMPLE.operations_beneficiaries, { operations: 1, beneficiaries: 0 })).toBe('1 opération, 0 bénéficiaire');
    expect(shown(SAMPLE.operations_beneficiaries, { operations: 2 })).toBe('2 opérations, bénéficiaires non renseignés');
    expect(shown(SAMPLE.operations_beneficiaries, { beneficiaries: 2 })).toBe('opérations non renseignées, 2 bénéficiaires');
    expect(shown(SAMPLE.amount, { count: 4, amountCents: 1250000 })).toBe(`4 associations, 12${NNBSP}500,00${NBSP}€`);
    expect(shown(SAMPLE.amount, { count: 1, amountCents: 99 })).toBe(`1 association, 0,99${NBSP}€`);
    expect(shown(SAMPLE.amount, { count: 4 })).toBe('4 associations, montant non renseigné');
    expect(shown(SAMPLE.amount, { amountCents: 100 })).toBe(`nombre d'associations soutenues non renseigné, 1,00${NBSP}€`);
    expect(shown(SAMPLE.progress, { state: 'en_cours' })).toBe('En cours');
    expect(shown(SAMPLE.progress, { state: 'non_engage' })).toBe('Non engagé');
    expect(shown(SAMPLE.progress, { state: 'realise' })).toBe('Réalisé');
    expect(shown(SAMPLE.presence, { evenings: true, weekends: false })).toBe('Soirs : oui ; week-ends : non');
    expect(shown(SAMPLE.presence, { weekends: true })).toBe('Soirs : — ; week-ends : oui');
    expect(shown(SAMPLE.ratio_per_1000, { count: 12, population: 5400 })).toBe(`12 pour 5${NNBSP}400 habitants (2,2${NBSP}‰)`);
    expect(shown(SAMPLE.ratio_per_1000, { population: 5400 })).toBe(`— pour 5${NNBSP}400 habitants`);
    expect(shown(SAMPLE.gender_split, { total: 120, men: 50, women: 70 })).toBe('Total 120 (hommes 50, femmes 70)');
    expect(shown(SAMPLE.gender_split, { men: 50, women: 70 })).toBe('Total — (hommes 50, femmes 70)');
    expect(shown(TEXT_INDICATOR, { text: 'Comité tenu.' })).toBe('Comité tenu.');
    expect(shown(TEXT_INDICATOR, { text: '   ' })).toBe('—');
  });

  it('writes — when nothing is entered, for every indicator', () => {
    for (const i of ALL_INDICATORS) {
      expect(formatIndicatorValue(i, valid(i, {})), i.code).toBe('—');
    }
  });
});

describe('parsePartInput / formatPartValue', () => {
  const integerPart = SAMPLE.count.parts[0]!;
  const amountPart = SAMPLE.amount.parts.find((p) => p.type === 'amount')!;
  const enumPart = SAMPLE.progress.parts[0]!;
  const booleanPart = SAMPLE.presence.parts[0]!;
  const textPart = TEXT_INDICATOR.parts[0]!;
  const parsed = (part: IndicatorPart, text: string) => {
    const r = parsePartInput(part, text);
    return r.ok ? r.value : `KO: ${r.message}`;
  };

  it('integer parts', () => {
    expect(parsed(integerPart, '1 234')).toBe(1234);
    expect(parsed(integerPart, `1${NNBSP}234`)).toBe(1234);
    expect(parsed(integerPart, '  12 ')).toBe(12);
    expect(parsed(integerPart, '')).toBeNull();
    expect(parsed(integerPart, '  ')).toBeNull();
    expect(parsed(integerPart, '—')).toBeNull();
    expect(parsed(integerPart, '-1')).toBe('KO: Un nombre ne peut pas être négatif.');
    expect(parsed(integerPart, '12,5')).toBe('KO: Un nombre entier est attendu (sans virgule).');
    expect(parsed(integerPart, '12abc')).toBe("KO: « 12abc » n'est pas un nombre.");
    expect(parsed(integerPart, '1.234')).toMatch(/ambigu/);
  });

  it('amount parts', () => {
    expect(parsed(amountPart, '1 234,56 €')).toBe(123456);
    expect(parsed(amountPart, '1234,5')).toBe(123450);
    expect(parsed(amountPart, '1 234 €')).toBe(123400);
    expect(parsed(amountPart, '')).toBeNull();
    expect(parsed(amountPart, '12,345')).toMatch(/deux décimales/);
    expect(parsed(amountPart, '-12')).toBe('KO: Un montant ne peut pas être négatif.');
  });

  it('enum parts: key or French label, case and accents ignored', () => {
    for (const text of ['en cours', 'En cours', 'EN COURS', 'en_cours', ' en-cours ']) expect(parsed(enumPart, text)).toBe('en_cours');
    for (const text of ['Réalisé', 'realise', 'REALISE', 'réalisé']) expect(parsed(enumPart, text)).toBe('realise');
    for (const text of ['Non engagé', 'non engage', 'non_engage', 'NON ENGAGÉ']) expect(parsed(enumPart, text)).toBe('non_engage');
    expect(parsed(enumPart, '')).toBeNull();
    expect(parsed(enumPart, 'fini')).toBe("KO: « fini » n'est pas une valeur admise. Valeurs possibles : Non engagé, En cours, Réalisé.");
  });

  it('boolean parts', () => {
    for (const text of ['oui', 'OUI', 'Oui', 'o', 'O', 'x', 'X', 'vrai', 'Vrai', '1']) expect(parsed(booleanPart, text)).toBe(true);
    for (const text of ['non', 'NON', 'n', 'N', 'faux', 'Faux', '0']) expect(parsed(booleanPart, text)).toBe(false);
    expect(parsed(booleanPart, '')).toBeNull();
    expect(parsed(booleanPart, 'peut-être')).toBe("KO: « peut-être » n'est pas une réponse : tapez oui ou non.");
    expect(parsed(booleanPart, '2')).toMatch(/^KO/);
  });

  it('text parts', () => {
    expect(parsed(textPart, '  Comité tenu.  ')).toBe('Comité tenu.');
    expect(parsed(textPart, '—')).toBe('—');
    expect(parsed(textPart, '')).toBeNull();
    expect(parsed(textPart, 'x'.repeat(2001))).toBe(`KO: Le texte dépasse 2${NNBSP}000 caractères (2${NNBSP}001).`);
  });

  it('formats for display and copy', () => {
    expect(formatPartValue(integerPart, 1234)).toBe(`1${NNBSP}234`);
    expect(formatPartValue(amountPart, 123456)).toBe(`1${NNBSP}234,56${NBSP}€`);
    expect(formatPartValue(enumPart, 'en_cours')).toBe('En cours');
    expect(formatPartValue(booleanPart, true)).toBe('oui');
    expect(formatPartValue(booleanPart, false)).toBe('non');
    expect(formatPartValue(textPart, 'abc')).toBe('abc');
    for (const part of [integerPart, amountPart, enumPart, booleanPart, textPart]) expect(formatPartValue(part, null)).toBe('');
  });
});

// ---------------------------------------------------------------------------
// Properties

/** Small numbers make the cross-part rules meet; large ones check the limits. */
const integerValue = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 1, arbitrary: fc.maxSafeNat() },
);
const textValue = fc.string({ maxLength: 60 });

function partValue(part: IndicatorPart): fc.Arbitrary<PartValue> {
  switch (part.type) {
    case 'integer':
    case 'amount':
      return integerValue;
    case 'enum':
      return fc.constantFrom(...(part.values ?? []));
    case 'boolean':
      return fc.boolean();
    case 'text':
      return textValue;
  }
}

/** A value of the indicator's parts: each part null, missing, or a value of the right type. */
const valueOf = (indicator: Indicator): fc.Arbitrary<Record<string, PartValue | undefined>> =>
  fc.record(
    Object.fromEntries(indicator.parts.map((p) => [p.key, fc.option(partValue(p), { nil: null, freq: 3 })])),
    { requiredKeys: [] },
  );

const indicatorAndValue = fc
  .constantFrom(...ALL_INDICATORS)
  .chain((indicator) => valueOf(indicator).map((value) => ({ indicator, value })));

/** The cross-part rules, written again independently of the implementation. */
function rulesHold(indicator: Indicator, value: Record<string, PartValue | undefined>): boolean {
  const n = (key: string): number | null => (typeof value[key] === 'number' ? (value[key] as number) : null);
  switch (indicator.kind) {
    case 'count_rate': {
      const num = n('numerator');
      const den = n('denominator');
      return den !== 0 && !(num !== null && den !== null && num > den);
    }
    case 'ratio_per_1000':
      return n('population') !== 0;
    case 'gender_split': {
      const total = n('total');
      const men = n('men');
      const women = n('women');
      if (total === null) return true;
      return (men ?? 0) <= total && (women ?? 0) <= total && (men ?? 0) + (women ?? 0) <= total;
    }
    default:
      return true;
  }
}

describe('properties over the whole référentiel', () => {
  it('validate accepts a well-typed value iff the cross-part rules hold, and gives it back unchanged', () => {
    fc.assert(
      fc.property(indicatorAndValue, ({ indicator, value }) => {
        const r = validateIndicatorValue(indicator, value);
        expect(r.ok).toBe(rulesHold(indicator, value));
        if (r.ok) {
          const expected = Object.fromEntries(indicator.parts.map((p) => [p.key, value[p.key] ?? null]));
          expect(r.value).toEqual(expected);
          expect(Object.keys(r.value).sort()).toEqual(indicator.parts.map((p) => p.key).sort());
        } else {
          expect(r.issues.length).toBeGreaterThan(0);
          for (const issue of r.issues) expect(indicator.parts.map((p) => p.key)).toContain(issue.path);
        }
      }),
      { numRuns: runs(2000) },
    );
  });

  it('a negative, fractional or wrongly typed part is always refused on its path', () => {
    const bad = fc.oneof(
      fc.integer({ min: -1e6, max: -1 }),
      fc.double({ min: 0.01, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)),
      fc.string({ minLength: 1, maxLength: 5 }),
      fc.constant(Number.NaN),
      fc.constant([]),
    );
    fc.assert(
      fc.property(indicatorAndValue, fc.nat(), bad, ({ indicator, value }, index, badValue) => {
        const part = indicator.parts[index % indicator.parts.length]!;
        if (part.type === 'text' && typeof badValue === 'string') return; // a string is fine there
        const r = validateIndicatorValue(indicator, { ...value, [part.key]: badValue });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.issues.map((x) => x.path)).toContain(part.key);
      }),
      { numRuns: runs(500) },
    );
  });

  it('completeness, derived figure and display agree with the value', () => {
    fc.assert(
      fc.property(indicatorAndValue, ({ indicator, value }) => {
        const r = validateIndicatorValue(indicator, value);
        if (!r.ok) return;
        const complete = indicator.parts.every((p) => {
          const v = r.value[p.key];
          return v !== null && v !== undefined && (typeof v !== 'string' || v.trim() !== '');
        });
        expect(isIndicatorValueComplete(indicator, r.value)).toBe(complete);
        const figure = computeIndicator(indicator, r.value);
        if (figure !== null) {
          expect(Number.isFinite(figure)).toBe(true);
          if (indicator.kind !== 'ratio_per_1000') expect(figure >= 0 && figure <= 100).toBe(true);
        }
        if (complete && ['count_rate', 'ratio_per_1000', 'gender_split'].includes(indicator.kind)) {
          expect(figure).not.toBeNull();
        }
        const text = formatIndicatorValue(indicator, r.value);
        expect(text.length).toBeGreaterThan(0);
        const anything = indicator.parts.some((p) => {
          const v = r.value[p.key];
          return v !== null && v !== undefined && (typeof v !== 'string' || v.trim() !== '');
        });
        expect(text === '—').toBe(!anything);
      }),
      { numRuns: runs(1000) },
    );
  });

  it('format → parse round-trips every valid part value', () => {
    const parts = ALL_INDICATORS.flatMap((i) => i.parts);
    const partAndValue = fc
      .constantFrom(...parts)
      .chain((part) =>
        (part.type === 'text'
          ? fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() === s && s !== '')
          : part.type === 'integer' || part.type === 'amount'
            ? fc.oneof(fc.nat(1000), fc.maxSafeNat())
            : partValue(part)
        ).map((v) => ({ part, v })),
      );
    fc.assert(
      fc.property(partAndValue, ({ part, v }) => {
        const r = parsePartInput(part, formatPartValue(part, v));
        expect(r).toEqual({ ok: true, value: v });
      }),
      { numRuns: runs(2000) },
    );
    for (const part of parts) expect(parsePartInput(part, formatPartValue(part, null))).toEqual({ ok: true, value: null });
  });

  it('what parsePartInput accepts, validate accepts (for a single part)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_INDICATORS), fc.nat(), fc.string({ maxLength: 30 }), (indicator, index, text) => {
        const part = indicator.parts[index % indicator.parts.length]!;
        const r = parsePartInput(part, text);
        if (!r.ok) return;
        // A zero denominator or population parses (it is a number) but the indicator refuses it.
        const refusedZero = r.value === 0 && ['denominator', 'population'].includes(part.key);
        expect(validateIndicatorValue(indicator, { [part.key]: r.value }).ok).toBe(!refusedZero);
      }),
      { numRuns: runs(1000) },
    );
  });

  it('parsing never throws on arbitrary strings, validating never throws on arbitrary data', () => {
    const parts = ALL_INDICATORS.flatMap((i) => i.parts);
    fc.assert(
      fc.property(fc.constantFrom(...parts), fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 2100 })), (part, text) => {
        const r = parsePartInput(part, text);
        if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
      }),
      { numRuns: runs(1000) },
    );
    fc.assert(
      fc.property(fc.constantFrom(...ALL_INDICATORS), fc.anything(), (indicator, raw) => {
        const r = validateIndicatorValue(indicator, raw);
        if (!r.ok) expect(r.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: runs(1000) },
    );
    fc.assert(
      fc.property(fc.constantFrom(...ALL_INDICATORS), fc.dictionary(fc.string(), fc.anything()), (indicator, raw) => {
        expect(() => validateIndicatorValue(indicator, raw)).not.toThrow();
      }),
      { numRuns: runs(500) },
    );
  });
});
