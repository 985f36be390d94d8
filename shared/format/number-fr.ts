/**
 * Numbers the French way, both directions: parsing what coordinators type or
 * paste from a French spreadsheet, and formatting exactly as Intl `fr-FR` does
 * (U+202F narrow no-break space between groups of thousands, U+00A0 before
 * `€`, `%` and `‰`).
 *
 * Accepted input (surrounding spaces ignored):
 * - digits, optionally signed (`-12`, `+12`, `−12` with U+2212);
 * - groups of three digits separated by a space, U+00A0, U+202F or U+2009
 *   (`1 234 567`), the way French Excel/LibreOffice copy them; a space anywhere
 *   else (`12 34`) is refused rather than guessed;
 * - a comma as decimal separator (`1 234,56`, `,5`), at most one;
 * - a dot as decimal separator (`1234.5`, `0.125`, `1 234.5`), pasted from
 *   English software or CSV files, when it cannot be a thousands separator.
 *
 * Refused (with a French sentence saying why):
 * - `1.234`: one to three digits, a dot, exactly three digits. In French
 *   `1.234` often means « mille deux cent trente-quatre », in English « un
 *   virgule deux trois quatre »: the value is ambiguous, nothing is guessed;
 * - a dot used as thousands separator (`1.234.567`, `1.234,5`);
 * - anything else: letters, units (except `€` for amounts and `%` for
 *   percentages), exponents, several commas, a trailing comma, empty text.
 *
 * Pure ECMAScript: no Node, no DOM.
 */
import { formatInteger } from './fr';

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Characters accepted between groups of three digits. */
const GROUP_SPACE = '[ \\u00a0\\u202f\\u2009]';
const GROUPED_INTEGER = new RegExp(`^\\d{1,3}(?:${GROUP_SPACE}\\d{3})+$`);
const HAS_SPACE = new RegExp(GROUP_SPACE);
const ONLY_NUMBER_CHARS = new RegExp(`^[0-9.,${GROUP_SPACE.slice(1, -1)}]+$`);

/** Non-breaking space used by Intl fr-FR before `€` and `%`. */
export const NBSP = '\u00a0';
/** Narrow non-breaking space used by Intl fr-FR between groups of thousands. */
export const NNBSP = '\u202f';

/** The text as the user typed it, shortened for a message. */
function quote(text: string): string {
  const t = text.trim();
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
}

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

const EMPTY_MESSAGE = 'Aucune valeur saisie : un nombre est attendu.';
const notANumber = (text: string) => `« ${quote(text)} » n'est pas un nombre.`;

/** A decimal number read from text, kept as digits so amounts convert to cents exactly. */
interface ScannedDecimal {
  readonly negative: boolean;
  /** Integer digits, without group separators, never empty (`,5` gives `0`). */
  readonly intDigits: string;
  /** Decimal digits as typed (may be empty). */
  readonly fracDigits: string;
}

function scanDecimal(text: string): ParseResult<ScannedDecimal> {
  const s = text.trim();
  if (s === '') return fail(EMPTY_MESSAGE);
  let body = s;
  let negative = false;
  const sign = body[0];
  if (sign === '-' || sign === '+' || sign === '\u2212') {
    negative = sign !== '+';
    body = body.slice(1);
  }
  if (!ONLY_NUMBER_CHARS.test(body) || !/\d/.test(body)) return fail(notANumber(text));

  const commas = body.split(',').length - 1;
  const dots = body.split('.').length - 1;
  if (commas > 1) {
    return fail(`« ${quote(text)} » n'est pas un nombre : une seule virgule est admise, elle sépare les décimales.`);
  }
  if (dots > 1 || (dots === 1 && commas === 1)) {
    return fail(
      `« ${quote(text)} » n'est pas un nombre : le point ne sépare pas les milliers en français. ` +
        'Écrivez par exemple 1 234 567,89 (espaces entre les milliers, virgule avant les décimales).',
    );
  }
  const separator = commas === 1 ? ',' : dots === 1 ? '.' : null;
  const [intRaw = '', fracRaw = ''] = separator === null ? [body, ''] : body.split(separator);
  if (separator !== null && !/^\d+$/.test(fracRaw)) {
    return fail(
      HAS_SPACE.test(fracRaw)
        ? `« ${quote(text)} » n'est pas un nombre : pas d'espace dans les décimales.`
        : notANumber(text),
    );
  }
  let intDigits: string;
  if (intRaw === '') {
    if (separator === null) return fail(notANumber(text));
    intDigits = '0';
  } else if (HAS_SPACE.test(intRaw)) {
    if (!GROUPED_INTEGER.test(intRaw)) {
      return fail(
        `« ${quote(text)} » n'est pas un nombre : les espaces séparent les milliers par groupes de trois chiffres (par exemple 1 234 567).`,
      );
    }
    intDigits = intRaw.replace(new RegExp(GROUP_SPACE, 'g'), '');
  } else if (/^\d+$/.test(intRaw)) {
    intDigits = intRaw;
  } else {
    return fail(notANumber(text));
  }
  if (separator === '.' && /^[1-9]\d{0,2}$/.test(intRaw) && fracRaw.length === 3) {
    const n = `${intRaw}${fracRaw}`;
    return fail(
      `« ${quote(text)} » est ambigu : en français la virgule sépare les décimales. ` +
        `Écrivez ${formatInteger(Number(n))} (ou ${n}) pour un nombre entier, ${intRaw},${fracRaw} pour un nombre décimal.`,
    );
  }
  return { ok: true, value: { negative, intDigits, fracDigits: fracRaw } };
}

function toNumber(d: ScannedDecimal): ParseResult<number> {
  const value = Number(`${d.intDigits}.${d.fracDigits || '0'}`);
  if (!Number.isFinite(value)) return fail('Le nombre est trop grand.');
  // `-0` is read as 0: the sign of zero means nothing to a coordinator.
  return { ok: true, value: d.negative && value !== 0 ? -value : value };
}

/**
 * A French decimal number: `1234`, `1 234`, `1 234,56`, `-12`, `1234.5`.
 * See the module comment for what is accepted and refused. Never throws.
 */
export function parseFrenchNumber(text: string): ParseResult<number> {
  const scanned = scanDecimal(String(text));
  return scanned.ok ? toNumber(scanned.value) : scanned;
}

/**
 * A whole number, possibly negative. `12,0` is read as 12 (spreadsheets
 * sometimes show one decimal); `12,5` is refused. Limited to safe integers.
 */
export function parseFrenchInteger(text: string): ParseResult<number> {
  const scanned = scanDecimal(String(text));
  if (!scanned.ok) return scanned;
  if (/[1-9]/.test(scanned.value.fracDigits)) return fail('Un nombre entier est attendu (sans virgule).');
  const n = toNumber({ ...scanned.value, fracDigits: '' });
  if (!n.ok) return n;
  if (!Number.isSafeInteger(n.value)) return fail('Le nombre est trop grand.');
  return n;
}

/**
 * An amount in euros, returned as integer cents: `1 234,56 €` → 123456,
 * `1234,5` → 123450, `1 234 €` → 123400. The `€` sign (or `EUR`, `euros`) is
 * optional. At most two decimals; negative amounts are refused. The conversion
 * works on the digits, so no floating-point rounding is involved.
 */
export function parseFrenchAmountToCents(text: string): ParseResult<number> {
  const stripped = String(text)
    .trim()
    .replace(/\s*(?:€|eur|euros?)$/i, '');
  if (stripped === '') return fail('Aucune valeur saisie : un montant est attendu.');
  const scanned = scanDecimal(stripped);
  if (!scanned.ok) return scanned;
  const { negative, intDigits, fracDigits } = scanned.value;
  if (fracDigits.length > 2) {
    return fail(
      `« ${quote(text)} » : un montant a au plus deux décimales (les centimes). ` +
        'Pour des milliers, séparez-les par une espace : 1 234 €.',
    );
  }
  const digits = `${intDigits}${fracDigits.padEnd(2, '0')}`.replace(/^0+(?=\d)/, '');
  const cents = Number(digits);
  if (negative && cents !== 0) return fail('Un montant ne peut pas être négatif.');
  if (!Number.isSafeInteger(cents)) return fail('Le montant est trop grand.');
  return { ok: true, value: cents };
}

/** A percentage: `12,5 %` → 12.5 (the `%` sign is optional). */
export function parseFrenchPercent(text: string): ParseResult<number> {
  const stripped = String(text)
    .trim()
    .replace(/\s*%$/, '');
  if (stripped === '') return fail('Aucune valeur saisie : un pourcentage est attendu.');
  return parseFrenchNumber(stripped);
}

// ---------------------------------------------------------------------------
// Formatting

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(minFractionDigits: number, maxFractionDigits: number): Intl.NumberFormat {
  const key = `${minFractionDigits}/${maxFractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('fr-FR', {
      minimumFractionDigits: minFractionDigits,
      maximumFractionDigits: maxFractionDigits,
    });
    numberFormats.set(key, format);
  }
  return format;
}

const clampDigits = (digits: number): number => Math.min(20, Math.max(0, Math.trunc(digits) || 0));

/** `1 234,56` with at most `maxFractionDigits` decimals (trailing zeros dropped). */
export function formatNumberFr(n: number, maxFractionDigits = 2): string {
  return numberFormat(0, clampDigits(maxFractionDigits)).format(n);
}

/** `1 234,5` with exactly `digits` decimals. */
export function formatFixedFr(n: number, digits: number): string {
  const d = clampDigits(digits);
  return numberFormat(d, d).format(n);
}

const euroFormat = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

/**
 * `1 234,56 €` from 123456 cents, exactly as Intl fr-FR formats euros. Exact
 * for every safe integer (the amount is handed to Intl as a decimal string, not
 * divided as a float).
 */
export function formatEurosFromCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) return euroFormat.format(cents / 100);
  const abs = Math.abs(cents);
  const euros = (abs - (abs % 100)) / 100;
  const rest = String(abs % 100).padStart(2, '0');
  const decimal = `${cents < 0 ? '-' : ''}${euros}.${rest}` as Intl.StringNumericLiteral;
  return euroFormat.format(decimal);
}

/** `12,5 %` from 12.5 (the value is already in percent), `digits` decimals. */
export function formatPercentFr(value: number, digits = 1): string {
  return `${formatFixedFr(value, digits)}${NBSP}%`;
}

/** `3,2 ‰` from 3.2 (the value is already per thousand), `digits` decimals. */
export function formatPerThousandFr(value: number, digits = 1): string {
  return `${formatFixedFr(value, digits)}${NBSP}‰`;
}
