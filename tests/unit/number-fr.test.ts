import fc from 'fast-check';
import { runs } from '../support/property';
import { describe, expect, it } from 'vitest';
import { formatInteger } from '../../shared/format/fr';
import {
  formatEurosFromCents,
  formatFixedFr,
  formatNumberFr,
  formatPercentFr,
  formatPerThousandFr,
  parseFrenchAmountToCents,
  parseFrenchInteger,
  parseFrenchNumber,
  parseFrenchPercent,
} from '../../shared/format/number-fr';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

const value = (r: { ok: boolean; value?: number; message?: string }) => (r.ok ? r.value : `KO: ${r.message}`);
const message = (r: { ok: true; value: number } | { ok: false; message: string }) => (r.ok ? `OK: ${r.value}` : r.message);

describe('parseFrenchNumber', () => {
  it.each([
    ['1234', 1234],
    ['1 234', 1234],
    [`1${NBSP}234`, 1234],
    [`1${NNBSP}234`, 1234],
    [`1${NNBSP}234${NNBSP}567`, 1234567],
    ['1 234 567,89', 1234567.89],
    ['1234,5', 1234.5],
    ['1 234,56', 1234.56],
    ['-12', -12],
    ['\u221212', -12],
    ['+12', 12],
    ['-0', 0],
    ['0', 0],
    ['007', 7],
    [',5', 0.5],
    ['-,5', -0.5],
    ['  42\t', 42],
    [`${NBSP}42${NBSP}`, 42],
    ['42\r\n', 42],
    // Dot as decimal separator when it cannot be a thousands separator.
    ['1234.5', 1234.5],
    ['1234.567', 1234.567],
    ['12.5', 12.5],
    ['1.25', 1.25],
    ['0.125', 0.125],
    ['1 234.5', 1234.5],
    ['1.2345', 1.2345],
  ])('reads %j as %d', (text, expected) => {
    expect(value(parseFrenchNumber(text))).toBe(expected);
  });

  it('reads -0 as 0, not negative zero', () => {
    const r = parseFrenchNumber('-0');
    expect(r.ok && Object.is(r.value, 0)).toBe(true);
  });

  it.each([
    ['12abc', '« 12abc » n\'est pas un nombre.'],
    ['abc', '« abc » n\'est pas un nombre.'],
    ['12 %', '« 12 % » n\'est pas un nombre.'],
    ['12 €', '« 12 € » n\'est pas un nombre.'],
    ['1e5', '« 1e5 » n\'est pas un nombre.'],
    ['12,', '« 12, » n\'est pas un nombre.'],
    ['-', '« - » n\'est pas un nombre.'],
    [',', '« , » n\'est pas un nombre.'],
    ['--1', '« --1 » n\'est pas un nombre.'],
    ['Infinity', '« Infinity » n\'est pas un nombre.'],
    ['NaN', '« NaN » n\'est pas un nombre.'],
    ['0x10', '« 0x10 » n\'est pas un nombre.'],
    ['(12)', '« (12) » n\'est pas un nombre.'],
    ['', 'Aucune valeur saisie : un nombre est attendu.'],
    ['   ', 'Aucune valeur saisie : un nombre est attendu.'],
    ['1,2,3', '« 1,2,3 » n\'est pas un nombre : une seule virgule est admise, elle sépare les décimales.'],
  ])('refuses %j: %s', (text, expected) => {
    expect(message(parseFrenchNumber(text))).toBe(expected);
  });

  it('refuses spaces that are not thousands separators', () => {
    for (const text of ['12 34', '1 2345', '1234 567', '1 234,5 6', '- 12']) {
      const r = parseFrenchNumber(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/espace/);
    }
    expect(message(parseFrenchNumber('12 34'))).toBe(
      '« 12 34 » n\'est pas un nombre : les espaces séparent les milliers par groupes de trois chiffres (par exemple 1 234 567).',
    );
  });

  it('refuses 1.234 as ambiguous and explains both readings', () => {
    for (const text of ['1.234', '12.500', '999.999', '-1.234']) {
      const r = parseFrenchNumber(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/ambigu/);
    }
    expect(message(parseFrenchNumber('1.234'))).toBe(
      `« 1.234 » est ambigu : en français la virgule sépare les décimales. Écrivez 1${NNBSP}234 (ou 1234) pour un nombre entier, 1,234 pour un nombre décimal.`,
    );
  });

  it('refuses the dot as thousands separator', () => {
    for (const text of ['1.234.567', '1.234,5', '1,5.2']) {
      const r = parseFrenchNumber(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/le point ne sépare pas les milliers/);
    }
  });

  it('refuses numbers too large to be represented and shortens long input in messages', () => {
    expect(message(parseFrenchNumber('9'.repeat(400)))).toBe('Le nombre est trop grand.');
    const r = parseFrenchNumber('x'.repeat(1000));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeLessThan(80);
  });
});

describe('parseFrenchInteger', () => {
  it('reads whole numbers, signed, grouped', () => {
    expect(value(parseFrenchInteger('1 234'))).toBe(1234);
    expect(value(parseFrenchInteger(`-1${NNBSP}234`))).toBe(-1234);
    expect(value(parseFrenchInteger('12,0'))).toBe(12);
    expect(value(parseFrenchInteger('12,00'))).toBe(12);
    expect(value(parseFrenchInteger(String(Number.MAX_SAFE_INTEGER)))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses decimals, text and unsafe integers', () => {
    expect(message(parseFrenchInteger('12,5'))).toBe('Un nombre entier est attendu (sans virgule).');
    expect(message(parseFrenchInteger('1234.5'))).toBe('Un nombre entier est attendu (sans virgule).');
    expect(message(parseFrenchInteger('0,001'))).toBe('Un nombre entier est attendu (sans virgule).');
    expect(message(parseFrenchInteger('12abc'))).toBe('« 12abc » n\'est pas un nombre.');
    expect(message(parseFrenchInteger(''))).toBe('Aucune valeur saisie : un nombre est attendu.');
    expect(message(parseFrenchInteger('9007199254740993'))).toBe('Le nombre est trop grand.');
    expect(parseFrenchInteger('1.234').ok).toBe(false);
  });
});

describe('parseFrenchAmountToCents', () => {
  it.each([
    ['1 234,56 €', 123456],
    [`1${NNBSP}234,56${NBSP}€`, 123456],
    ['1234,5', 123450],
    ['1 234 €', 123400],
    ['1234€', 123400],
    ['12 euros', 1200],
    ['12 EUR', 1200],
    ['0,07', 7],
    ['1,15', 115], // 1.15 × 100 is 114.99999999999999 in floating point
    ['0,29', 29],
    ['1234.50', 123450],
    ['0', 0],
    ['-0', 0],
    [',5', 50],
    ['90 071 992 547 409,91', Number.MAX_SAFE_INTEGER],
  ])('reads %j as %d cents', (text, cents) => {
    expect(value(parseFrenchAmountToCents(text))).toBe(cents);
  });

  it('refuses three decimals, negative amounts, text', () => {
    expect(message(parseFrenchAmountToCents('12,345'))).toBe(
      '« 12,345 » : un montant a au plus deux décimales (les centimes). Pour des milliers, séparez-les par une espace : 1 234 €.',
    );
    expect(parseFrenchAmountToCents('1,500 €').ok).toBe(false);
    expect(parseFrenchAmountToCents('12,3456').ok).toBe(false);
    expect(message(parseFrenchAmountToCents('-5'))).toBe('Un montant ne peut pas être négatif.');
    expect(message(parseFrenchAmountToCents('-1 234,56 €'))).toBe('Un montant ne peut pas être négatif.');
    expect(message(parseFrenchAmountToCents('douze euros'))).toBe('« douze » n\'est pas un nombre.');
    expect(message(parseFrenchAmountToCents('€'))).toBe('Aucune valeur saisie : un montant est attendu.');
    expect(message(parseFrenchAmountToCents(''))).toBe('Aucune valeur saisie : un montant est attendu.');
    expect(parseFrenchAmountToCents('1.234 €').ok).toBe(false); // ambiguous
    expect(message(parseFrenchAmountToCents('90 071 992 547 409,92'))).toBe('Le montant est trop grand.');
  });
});

describe('parseFrenchPercent', () => {
  it('reads percentages with or without the sign', () => {
    expect(value(parseFrenchPercent('12,5 %'))).toBe(12.5);
    expect(value(parseFrenchPercent(`12,5${NBSP}%`))).toBe(12.5);
    expect(value(parseFrenchPercent('12,5%'))).toBe(12.5);
    expect(value(parseFrenchPercent('30'))).toBe(30);
    expect(value(parseFrenchPercent('-2,5 %'))).toBe(-2.5);
    expect(parseFrenchPercent('%').ok).toBe(false);
    expect(parseFrenchPercent('12 ‰').ok).toBe(false);
    expect(parseFrenchPercent('douze %').ok).toBe(false);
  });
});

describe('French number formats', () => {
  it('formats exactly as Intl fr-FR does', () => {
    expect(formatEurosFromCents(123456)).toBe(`1${NNBSP}234,56${NBSP}€`);
    expect(formatEurosFromCents(1250000)).toBe(`12${NNBSP}500,00${NBSP}€`);
    expect(formatEurosFromCents(0)).toBe(`0,00${NBSP}€`);
    expect(formatEurosFromCents(5)).toBe(`0,05${NBSP}€`);
    expect(formatEurosFromCents(-123456)).toBe(`-1${NNBSP}234,56${NBSP}€`);
    expect(formatEurosFromCents(Number.MAX_SAFE_INTEGER)).toBe(
      `90${NNBSP}071${NNBSP}992${NNBSP}547${NNBSP}409,91${NBSP}€`,
    );
    expect(formatPercentFr(12.5)).toBe(`12,5${NBSP}%`);
    expect(formatPercentFr(30)).toBe(`30,0${NBSP}%`);
    expect(formatPercentFr(100 / 3, 2)).toBe(`33,33${NBSP}%`);
    expect(formatPercentFr(12.5, 0)).toBe(new Intl.NumberFormat('fr-FR', { style: 'percent' }).format(0.125));
    expect(formatPercentFr(12.5)).toBe(
      new Intl.NumberFormat('fr-FR', { style: 'percent', minimumFractionDigits: 1 }).format(0.125),
    );
    expect(formatPerThousandFr(3.2)).toBe(`3,2${NBSP}‰`);
    expect(formatPerThousandFr(1000 / 450)).toBe(`2,2${NBSP}‰`);
    expect(formatNumberFr(1234.567)).toBe(`1${NNBSP}234,57`);
    expect(formatNumberFr(1234.5, 0)).toBe(`1${NNBSP}235`);
    expect(formatNumberFr(1234, 2)).toBe(`1${NNBSP}234`);
    expect(formatNumberFr(-0.5, 1)).toBe('-0,5');
    expect(formatFixedFr(2, 2)).toBe('2,00');
  });

  it('formats euros like Intl for every amount a float can carry exactly', () => {
    const euro = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (cents) => {
        expect(formatEurosFromCents(cents)).toBe(euro.format(cents / 100));
      }),
    );
  });
});

describe('format → parse round trips', () => {
  it('for any safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger().filter((n) => n >= Number.MIN_SAFE_INTEGER), (n) => {
        expect(value(parseFrenchInteger(formatInteger(n)))).toBe(n === 0 ? 0 : n);
        expect(value(parseFrenchInteger(formatNumberFr(n, 0)))).toBe(n === 0 ? 0 : n);
        expect(value(parseFrenchNumber(formatInteger(n)))).toBe(n === 0 ? 0 : n);
      }),
    );
  });

  it('for any amount in cents', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (cents) => {
        expect(value(parseFrenchAmountToCents(formatEurosFromCents(cents)))).toBe(cents);
      }),
    );
  });

  it('for any number with two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (hundredths) => {
        const n = hundredths / 100;
        expect(value(parseFrenchNumber(formatNumberFr(n, 2)))).toBe(n === 0 ? 0 : n);
        expect(value(parseFrenchPercent(formatPercentFr(n, 2)))).toBe(n === 0 ? 0 : n);
      }),
    );
  });

  it('reads any well-formed French number written with any of the group spaces', () => {
    const space = fc.constantFrom(' ', NBSP, NNBSP);
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.array(space, { minLength: 10, maxLength: 10 }), fc.integer({ min: 0, max: 99 }), (n, spaces, frac) => {
        const digits = String(n);
        const head = digits.length % 3 || 3;
        let grouped = digits.slice(0, head);
        for (let i = head, g = 0; i < digits.length; i += 3, g++) grouped += spaces[g]! + digits.slice(i, i + 3);
        expect(value(parseFrenchInteger(grouped))).toBe(n);
        const text = `${grouped},${String(frac).padStart(2, '0')}`;
        expect(value(parseFrenchAmountToCents(`${text}${NBSP}€`))).toBe(n * 100 + frac <= Number.MAX_SAFE_INTEGER ? n * 100 + frac : 'KO: Le montant est trop grand.');
      }),
    );
  });
});

describe('parsers never throw', () => {
  const numberish = fc.string({
    unit: fc.constantFrom('0', '1', '2', '9', ' ', NBSP, NNBSP, ',', '.', '-', '+', '\u2212', '€', '%', 'e', 'a'),
    maxLength: 20,
  });
  const parsers = [parseFrenchNumber, parseFrenchInteger, parseFrenchAmountToCents, parseFrenchPercent];

  it('returns ok:false instead, on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), numberish), (text) => {
        for (const parse of parsers) {
          const r = parse(text);
          if (r.ok) expect(Number.isFinite(r.value)).toBe(true);
          else expect(r.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs(500) },
    );
  });

  it('gives integers and cents that are safe integers', () => {
    fc.assert(
      fc.property(numberish, (text) => {
        const i = parseFrenchInteger(text);
        if (i.ok) expect(Number.isSafeInteger(i.value)).toBe(true);
        const c = parseFrenchAmountToCents(text);
        if (c.ok) expect(Number.isSafeInteger(c.value) && c.value >= 0).toBe(true);
      }),
      { numRuns: runs(500) },
    );
  });
});
