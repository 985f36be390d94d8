/**
 * The rules of indicator values, one implementation for the main process
 * (validation before writing), the grids (typing, pasting, display) and the
 * PDF report.
 *
 * A value is a record with one entry per part of the indicator (see
 * shared/referential/types.ts):
 * - integer: non-negative safe integer;
 * - amount: non-negative integer cents;
 * - enum: one of the part's `values` (the key, e.g. `en_cours`);
 * - boolean: true / false;
 * - text: at most {@link TEXT_PART_MAX} characters;
 * and any part may be `null` (not entered yet): partial entry is allowed.
 *
 * Cross-part rules, checked when the parts involved are present:
 * - count_rate: the denominator is never 0 (a rate over nothing has no
 *   meaning, and a complete value could never have it); numerator ≤ denominator;
 * - ratio_per_1000: the population is never 0;
 * - gender_split: men ≤ total, women ≤ total, and men + women ≤ total when the
 *   total is given. « ≤ » and not « = »: beneficiaries whose sex is not
 *   recorded are counted in the total only. The total is never derived from
 *   men + women: values are stored as entered, nothing is invented.
 *
 * Pure ECMAScript: no Node, no DOM.
 */
import type { FieldIssue } from '../ipc/result';
import type { Indicator, IndicatorPart } from '../referential/types';
import { formatInteger, plural } from '../format/fr';
import {
  formatEurosFromCents,
  formatPercentFr,
  formatPerThousandFr,
  parseFrenchAmountToCents,
  parseFrenchInteger,
} from '../format/number-fr';

/** Longest text accepted in a text part. */
export const TEXT_PART_MAX = 2000;

export type PartValue = number | boolean | string | null;

/** Part key → value; every part of the indicator has an entry (null when not entered). */
export type IndicatorValue = Readonly<Record<string, PartValue>>;

export type ValidationResult =
  | { readonly ok: true; readonly value: IndicatorValue }
  | { readonly ok: false; readonly message: string; readonly issues: FieldIssue[] };

export type PartParseResult = { readonly ok: true; readonly value: PartValue } | { readonly ok: false; readonly message: string };

// ---------------------------------------------------------------------------
// Messages

export const MESSAGES = {
  negative: 'Un nombre ne peut pas être négatif.',
  negativeAmount: 'Un montant ne peut pas être négatif.',
  integerExpected: 'Un nombre entier est attendu (sans virgule).',
  tooLarge: 'Le nombre est trop grand.',
  zeroDenominator: 'Le dénominateur ne peut pas être nul.',
  zeroPopulation: 'La population ne peut pas être nulle.',
} as const;

const lowerFirst = (s: string): string => (s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s);
/** « Nombre d'associations soutenues : un nombre ne peut pas être négatif. » */
const forPart = (part: IndicatorPart, sentence: string): string => `${part.label} : ${lowerFirst(sentence)}`;

const enumLabels = (part: IndicatorPart): string =>
  (part.values ?? []).map((v) => part.valueLabels?.[v] ?? v).join(', ');

const describeType = (raw: unknown): string =>
  raw === undefined
    ? 'rien'
    : Array.isArray(raw)
      ? 'une liste'
      : typeof raw === 'string'
        ? 'un texte'
        : typeof raw === 'number'
          ? Number.isNaN(raw)
            ? 'une valeur invalide (NaN)'
            : 'un nombre'
          : typeof raw === 'boolean'
            ? 'un booléen'
            : 'un objet';

// ---------------------------------------------------------------------------
// Validation

function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const proto: unknown = Object.getPrototypeOf(raw);
  return proto === Object.prototype || proto === null;
}

/** Checks one part's value; returns the French sentence (without the label) when refused. */
function checkPart(part: IndicatorPart, v: unknown): { ok: true; value: PartValue } | { ok: false; message: string } {
  if (v === null) return { ok: true, value: null };
  switch (part.type) {
    case 'integer':
    case 'amount': {
      const what = part.type === 'integer' ? 'un nombre entier est attendu' : 'un montant en centimes (nombre entier) est attendu';
      if (typeof v !== 'number' || Number.isNaN(v)) return { ok: false, message: `${what}, pas ${describeType(v)}.` };
      if (v < 0) return { ok: false, message: part.type === 'integer' ? MESSAGES.negative : MESSAGES.negativeAmount };
      if (!Number.isFinite(v) || v > Number.MAX_SAFE_INTEGER) return { ok: false, message: MESSAGES.tooLarge };
      if (!Number.isInteger(v)) {
        return { ok: false, message: part.type === 'integer' ? MESSAGES.integerExpected : 'Un montant est attendu en centimes entiers.' };
      }
      return { ok: true, value: v === 0 ? 0 : v }; // -0 → 0
    }
    case 'enum':
      if (typeof v !== 'string' || !(part.values ?? []).includes(v)) {
        return {
          ok: false,
          message:
            typeof v === 'string'
              ? `« ${v.length > 40 ? `${v.slice(0, 40)}…` : v} » n'est pas une valeur admise (valeurs possibles : ${enumLabels(part)}).`
              : `une valeur parmi ${enumLabels(part)} est attendue, pas ${describeType(v)}.`,
        };
      }
      return { ok: true, value: v };
    case 'boolean':
      if (typeof v !== 'boolean') return { ok: false, message: `oui ou non est attendu, pas ${describeType(v)}.` };
      return { ok: true, value: v };
    case 'text':
      if (typeof v !== 'string') return { ok: false, message: `un texte est attendu, pas ${describeType(v)}.` };
      if (v.length > TEXT_PART_MAX) {
        return { ok: false, message: `Le texte dépasse ${formatInteger(TEXT_PART_MAX)} caractères (${formatInteger(v.length)}).` };
      }
      return { ok: true, value: v };
  }
  return { ok: false, message: `type de champ inconnu (${String(part.type)}).` };
}

const partOf = (indicator: Indicator, key: string): IndicatorPart | undefined => indicator.parts.find((p) => p.key === key);
const num = (value: IndicatorValue, key: string): number | null => {
  const v = value[key];
  return typeof v === 'number' ? v : null;
};

/** The cross-part rules of the indicator's kind (parts already individually valid). */
function crossPartIssues(indicator: Indicator, value: IndicatorValue): FieldIssue[] {
  const issues: FieldIssue[] = [];
  switch (indicator.kind) {
    case 'count_rate': {
      const numPart = partOf(indicator, 'numerator');
      const denPart = partOf(indicator, 'denominator');
      if (!numPart || !denPart) break;
      const n = num(value, 'numerator');
      const d = num(value, 'denominator');
      if (d === 0) issues.push({ path: 'denominator', message: forPart(denPart, MESSAGES.zeroDenominator) });
      else if (n !== null && d !== null && n > d) {
        issues.push({
          path: 'numerator',
          message: `Le numérateur (${formatInteger(n)}) ne peut pas dépasser le dénominateur (${formatInteger(d)}) : « ${numPart.label} » est supérieur à « ${denPart.label} ».`,
        });
      }
      break;
    }
    case 'ratio_per_1000': {
      const popPart = partOf(indicator, 'population');
      if (popPart && num(value, 'population') === 0) {
        issues.push({ path: 'population', message: forPart(popPart, MESSAGES.zeroPopulation) });
      }
      break;
    }
    case 'gender_split': {
      const totalPart = partOf(indicator, 'total');
      const total = num(value, 'total');
      if (!totalPart || total === null) break;
      const men = num(value, 'men');
      const women = num(value, 'women');
      for (const [key, n] of [
        ['men', men],
        ['women', women],
      ] as const) {
        const part = partOf(indicator, key);
        if (part && n !== null && n > total) {
          issues.push({
            path: key,
            message: `« ${part.label} » (${formatInteger(n)}) ne peut pas dépasser « ${totalPart.label} » (${formatInteger(total)}).`,
          });
        }
      }
      if (issues.length === 0 && men !== null && women !== null && men + women > total) {
        issues.push({
          path: 'total',
          message: `Hommes et femmes (${formatInteger(men)} + ${formatInteger(women)} = ${formatInteger(men + women)}) ne peuvent pas dépasser « ${totalPart.label} » (${formatInteger(total)}).`,
        });
      }
      break;
    }
    default:
      break;
  }
  return issues;
}

/**
 * Checks a value received from anywhere (IPC, import, database) against the
 * indicator's parts. Strict: unknown keys and wrong types are refused, nothing
 * is coerced (`"12"` is not 12). A missing key means « not entered » and comes
 * back as `null`, so the returned value always has every part. Issue paths are
 * part keys (callers prefix them with their own path). Never throws.
 */
export function validateIndicatorValue(indicator: Indicator, raw: unknown): ValidationResult {
  if (!isPlainObject(raw)) {
    const message = `La valeur de l'indicateur ${indicator.code} doit être un objet, pas ${raw === null ? 'null' : describeType(raw)}.`;
    return { ok: false, message, issues: [{ path: '', message }] };
  }
  const issues: FieldIssue[] = [];
  const known = new Set(indicator.parts.map((p) => p.key));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      issues.push({ path: key, message: `Champ inconnu « ${key} » pour l'indicateur ${indicator.code}.` });
    }
  }
  const value: Record<string, PartValue> = {};
  for (const part of indicator.parts) {
    const v = Object.prototype.hasOwnProperty.call(raw, part.key) ? raw[part.key] : null;
    const checked = checkPart(part, v);
    if (checked.ok) value[part.key] = checked.value;
    else issues.push({ path: part.key, message: forPart(part, checked.message) });
  }
  if (issues.length === 0) issues.push(...crossPartIssues(indicator, value));
  if (issues.length > 0) {
    const message =
      issues.length === 1
        ? issues[0]!.message
        : `La valeur de l'indicateur ${indicator.code} comporte ${issues.length} erreurs : ${issues.map((i) => i.message).join(' ')}`;
    return { ok: false, message, issues };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------
// Derived figure, completeness

/**
 * The figure derived from the parts, or null when it cannot be computed
 * (part missing, division by zero, or a kind without derived figure):
 * - count_rate: numerator / denominator × 100 (percent);
 * - ratio_per_1000: count / population × 1000 (per thousand);
 * - gender_split: share of women, in percent, over the total; when the total
 *   is not entered, over men + women.
 * Other kinds (count, amount, progress, presence, operations_beneficiaries,
 * text) have none: null.
 */
export function computeIndicator(indicator: Indicator, value: IndicatorValue): number | null {
  const ratio = (a: number | null, b: number | null, scale: number): number | null =>
    a === null || b === null || b <= 0 ? null : (a / b) * scale;
  switch (indicator.kind) {
    case 'count_rate':
      return ratio(num(value, 'numerator'), num(value, 'denominator'), 100);
    case 'ratio_per_1000':
      return ratio(num(value, 'count'), num(value, 'population'), 1000);
    case 'gender_split': {
      const women = num(value, 'women');
      const total = num(value, 'total');
      if (total !== null) return ratio(women, total, 100);
      const men = num(value, 'men');
      return men === null ? null : ratio(women, women === null ? null : men + women, 100);
    }
    default:
      return null;
  }
}

/** Unit of {@link computeIndicator}'s figure: '%', '‰' or null when the kind has none. */
export function computedUnit(indicator: Indicator): '%' | '‰' | null {
  switch (indicator.kind) {
    case 'count_rate':
    case 'gender_split':
      return '%';
    case 'ratio_per_1000':
      return '‰';
    default:
      return null;
  }
}

const isFilled = (v: PartValue | undefined): boolean => v !== null && v !== undefined && (typeof v !== 'string' || v.trim() !== '');

/** Every part entered (text parts: not blank). */
export function isIndicatorValueComplete(indicator: Indicator, value: IndicatorValue): boolean {
  return indicator.parts.every((p) => isFilled(value[p.key]));
}

// ---------------------------------------------------------------------------
// One French string per value (tables, report)

const EMPTY = '—';

/** « Nombre d'associations soutenues » → « associations », for « 4 associations ». */
function nounOf(label: string, n: number): string | null {
  const m = /^Nombre d(?:e |'|’)\s*(\p{L}+)/u.exec(label);
  if (!m) return null;
  const word = m[1]!;
  return n >= -1 && n <= 1 && /[^s]s$/.test(word) ? word.slice(0, -1) : word;
}

/** « Nombre de centres sociaux » → « centres sociaux » (fallback listing). */
const shortLabel = (label: string): string => {
  const m = /^Nombre d(?:e |'|’)\s*(.+)$/u.exec(label);
  return m ? m[1]! : label;
};

/** The generic form: « label : valeur ; label : valeur ». */
function listParts(indicator: Indicator, value: IndicatorValue): string {
  const text = indicator.parts
    .map((p) => {
      const v = value[p.key] ?? null;
      return `${shortLabel(p.label)} : ${v === null || v === '' ? EMPTY : formatPartValue(p, v)}`;
    })
    .join(' ; ');
  return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : EMPTY;
}

const hasParts = (indicator: Indicator, ...keys: string[]): boolean => keys.every((k) => partOf(indicator, k) !== undefined);

/**
 * One French string for tables and the report:
 * - count: `12` (several parts: `Centres sociaux : 12 ; activités proposées / soutenues : 40`);
 * - count_rate: `12 / 40 (30,0 %)`, partial `12 / —`;
 * - operations_beneficiaries: `3 opérations, 125 bénéficiaires`;
 * - amount: `4 associations, 12 500,00 €`;
 * - progress: `En cours`;
 * - presence: `Soirs : oui ; week-ends : non`;
 * - ratio_per_1000: `12 pour 5 400 habitants (2,2 ‰)`;
 * - gender_split: `Total 120 (hommes 50, femmes 70)`;
 * - text: the text;
 * - `—` when nothing is entered.
 */
export function formatIndicatorValue(indicator: Indicator, value: IndicatorValue): string {
  if (!indicator.parts.some((p) => isFilled(value[p.key]))) return EMPTY;
  const int = (key: string): string => {
    const n = num(value, key);
    return n === null ? EMPTY : formatInteger(n);
  };
  switch (indicator.kind) {
    case 'count':
      if (indicator.parts.length === 1) return formatPartValue(indicator.parts[0]!, value[indicator.parts[0]!.key] ?? null);
      return listParts(indicator, value);
    case 'count_rate': {
      if (!hasParts(indicator, 'numerator', 'denominator')) break;
      const rate = computeIndicator(indicator, value);
      return `${int('numerator')} / ${int('denominator')}${rate === null ? '' : ` (${formatPercentFr(rate, 1)})`}`;
    }
    case 'operations_beneficiaries': {
      if (!hasParts(indicator, 'operations', 'beneficiaries')) break;
      const ops = num(value, 'operations');
      const ben = num(value, 'beneficiaries');
      return [
        ops === null ? 'opérations non renseignées' : plural(ops, 'opération'),
        ben === null ? 'bénéficiaires non renseignés' : plural(ben, 'bénéficiaire'),
      ].join(', ');
    }
    case 'amount': {
      const countPart = partOf(indicator, 'count');
      const amountPart = indicator.parts.find((p) => p.type === 'amount');
      if (!countPart || !amountPart || indicator.parts.length !== 2) break;
      const count = num(value, 'count');
      const cents = num(value, amountPart.key);
      const countText =
        count === null
          ? `${lowerFirst(countPart.label)} non renseigné`
          : `${formatInteger(count)} ${nounOf(countPart.label, count) ?? `(${lowerFirst(countPart.label)})`}`;
      return `${countText}, ${cents === null ? 'montant non renseigné' : formatEurosFromCents(cents)}`;
    }
    case 'progress': {
      const part = indicator.parts[0]!;
      return formatPartValue(part, value[part.key] ?? null);
    }
    case 'presence': {
      const names: Record<string, string> = { evenings: 'soirs', weekends: 'week-ends' };
      const text = indicator.parts
        .map((p) => {
          const v = value[p.key] ?? null;
          return `${names[p.key] ?? p.label} : ${v === null ? EMPTY : formatPartValue(p, v)}`;
        })
        .join(' ; ');
      return text[0]!.toUpperCase() + text.slice(1);
    }
    case 'ratio_per_1000': {
      if (!hasParts(indicator, 'count', 'population')) break;
      const ratio = computeIndicator(indicator, value);
      return `${int('count')} pour ${int('population')} habitants${ratio === null ? '' : ` (${formatPerThousandFr(ratio, 1)})`}`;
    }
    case 'gender_split':
      if (!hasParts(indicator, 'total', 'men', 'women')) break;
      return `Total ${int('total')} (hommes ${int('men')}, femmes ${int('women')})`;
    case 'text':
      if (indicator.parts.length === 1) {
        const v = value[indicator.parts[0]!.key];
        return typeof v === 'string' && v.trim() !== '' ? v : EMPTY;
      }
      break;
  }
  return listParts(indicator, value);
}

// ---------------------------------------------------------------------------
// One grid cell: parse what is typed or pasted, format for display and copy

/** Lower case, no accents, `_`/`-` as spaces, single spaces: « Non engagé » ≡ « non_engage ». */
const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[_\-\s]+/g, ' ')
    .trim();

const TRUE_WORDS = new Set(['oui', 'o', 'x', 'vrai', '1', 'yes', 'y', 'true', '✓', '✔']);
const FALSE_WORDS = new Set(['non', 'n', 'faux', '0', 'no', 'false']);

/** Dashes shown for « nothing entered »: pasting them back empties the cell (not for text parts). */
const EMPTY_MARKS = new Set(['—', '–']);

/**
 * Reads one cell as typed or pasted for a part. Empty text (or `—`) gives
 * null. integer: French integer, non-negative; amount: euros to cents (`€`
 * optional, two decimals at most); enum: the value key or its French label,
 * case and accents ignored (« en cours », « Réalisé », « realise »); boolean:
 * oui/non, o/n, x, vrai/faux, 1/0 (and yes/no/true/false); text: trimmed, at
 * most {@link TEXT_PART_MAX} characters. Never throws.
 */
export function parsePartInput(part: IndicatorPart, text: string): PartParseResult {
  const raw = typeof text === 'string' ? text : String(text ?? '');
  const t = raw.trim();
  if (t === '' || (part.type !== 'text' && EMPTY_MARKS.has(t))) return { ok: true, value: null };
  switch (part.type) {
    case 'integer': {
      const r = parseFrenchInteger(t);
      if (!r.ok) return r;
      if (r.value < 0) return { ok: false, message: MESSAGES.negative };
      return { ok: true, value: r.value };
    }
    case 'amount':
      return parseFrenchAmountToCents(t);
    case 'enum': {
      const folded = fold(t);
      const values = part.values ?? [];
      const match =
        values.find((v) => fold(v) === folded) ?? values.find((v) => part.valueLabels?.[v] !== undefined && fold(part.valueLabels[v]!) === folded);
      if (match !== undefined) return { ok: true, value: match };
      return {
        ok: false,
        message: `« ${t.length > 40 ? `${t.slice(0, 40)}…` : t} » n'est pas une valeur admise. Valeurs possibles : ${enumLabels(part)}.`,
      };
    }
    case 'boolean': {
      const folded = fold(t);
      if (TRUE_WORDS.has(folded)) return { ok: true, value: true };
      if (FALSE_WORDS.has(folded)) return { ok: true, value: false };
      return { ok: false, message: `« ${t.length > 40 ? `${t.slice(0, 40)}…` : t} » n'est pas une réponse : tapez oui ou non.` };
    }
    case 'text':
      if (t.length > TEXT_PART_MAX) {
        return { ok: false, message: `Le texte dépasse ${formatInteger(TEXT_PART_MAX)} caractères (${formatInteger(t.length)}).` };
      }
      return { ok: true, value: t };
  }
  return { ok: false, message: `Type de champ inconnu (${String(part.type)}).` };
}

/**
 * One part's value as shown in a cell and copied to the clipboard; the
 * inverse of {@link parsePartInput} (format then parse gives the value back).
 * null gives the empty string.
 */
export function formatPartValue(part: IndicatorPart, v: PartValue): string {
  if (v === null) return '';
  switch (part.type) {
    case 'integer':
      return typeof v === 'number' ? formatInteger(v) : String(v);
    case 'amount':
      return typeof v === 'number' ? formatEurosFromCents(v) : String(v);
    case 'enum':
      return typeof v === 'string' ? (part.valueLabels?.[v] ?? v) : String(v);
    case 'boolean':
      return v === true ? 'oui' : v === false ? 'non' : String(v);
    case 'text':
      return String(v);
  }
  return String(v);
}
