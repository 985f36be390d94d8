import { parsePartInput, type PartValue } from '../../../shared/domain/indicator-values';
import { MAX_AMOUNT_CENTS } from '../../../shared/domain/fipd';
import { parseFrenchAmountToCents, parseFrenchNumber } from '../../../shared/format/number-fr';
import { parisWallClockAsUtc } from '../../../shared/format/paris-time';
import type { IndicatorPart } from '../../../shared/referential/types';
import { type CellFormat, columnLetter, fold } from './xlsx-layout';

/*
 * The cells of the exchange workbook (exchange/xlsx/*), PURE: reading one
 * cell with French rules (numbers, euros, dates, lists, SIRET…) and writing
 * a value so that it reads back the same. The sheets and their columns are
 * in xlsx-layout.ts.
 */
/** A cell's content once formulas, rich text and links are resolved. */
export type CellInput = string | number | boolean | Date | null;
export type CellRead<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): CellRead<T> => ({ ok: true, value });
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });


const quote = (text: string): string => {
  const t = text.trim();
  return `« ${t.length > 40 ? `${t.slice(0, 40)}…` : t} »`;
};

const describe = (v: CellInput): string =>
  v instanceof Date ? 'une date' : typeof v === 'number' ? `le nombre ${String(v).replace('.', ',')}` : typeof v === 'boolean' ? 'vrai ou faux' : quote(String(v));

/**
 * The value exceljs gives for a cell, reduced to plain content: a formula
 * gives its last computed result (Excel and LibreOffice store it), rich text
 * its text, a link its text. An error value (#N/A…) or a formula without a
 * stored result is refused.
 */
export function plainCell(raw: unknown): CellRead<CellInput> {
  if (raw === null || raw === undefined) return ok(null);
  if (typeof raw === 'string' || typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(raw) : fail("la cellule ne contient pas un nombre valide.");
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? fail("la cellule contient une date invalide.") : ok(raw);
  if (typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    if ('error' in o) return fail(`la cellule contient une erreur (${String(o.error)}).`);
    if (Array.isArray(o.richText)) return ok((o.richText as { text?: unknown }[]).map((r) => String(r.text ?? '')).join(''));
    if ('formula' in o || 'sharedFormula' in o) {
      if (!('result' in o) || o.result === undefined) return fail('la cellule contient une formule sans résultat enregistré : tapez la valeur elle-même.');
      return plainCell(o.result);
    }
    if ('text' in o) return plainCell(o.text);
  }
  return fail('le contenu de la cellule est illisible.');
}

/** Empty: nothing, or only spaces. */
export const isBlank = (v: CellInput): boolean => v === null || (typeof v === 'string' && v.trim() === '');

/** A free text: numbers typed in it are kept as their text; '' when empty. */
export function readText(v: CellInput, max: number): CellRead<string> {
  if (v === null) return ok('');
  if (v instanceof Date) return fail('une date n’est pas attendue ici : tapez un texte.');
  const text = typeof v === 'number' ? String(v).replace('.', ',') : typeof v === 'boolean' ? (v ? 'oui' : 'non') : v;
  if (text.length > max) return fail(`le texte dépasse ${max} caractères (${text.length}).`);
  return ok(text);
}

/**
 * One part of an indicator's value. Numbers typed as numbers are taken as
 * they are (an amount in euros, converted to cents); text is read the French
 * way (« 1 234 », « 1 234,56 € », « oui », « En cours »). Empty → null.
 */
export function readPartCell(part: IndicatorPart, v: CellInput): CellRead<PartValue> {
  if (v === null || isBlank(v)) return ok(null);
  if (v instanceof Date) return fail(`une date n’est pas attendue ici (${part.label}).`);
  if (typeof v === 'number') {
    switch (part.type) {
      case 'integer':
        if (v < 0) return fail('un nombre ne peut pas être négatif.');
        if (!Number.isInteger(v)) return fail(`${describe(v)} : un nombre entier est attendu (sans virgule).`);
        if (!Number.isSafeInteger(v)) return fail('le nombre est trop grand.');
        return ok(v === 0 ? 0 : v);
      case 'amount':
        return eurosToCents(v);
      default:
        return fromText(part, String(v));
    }
  }
  if (typeof v === 'boolean') {
    if (part.type === 'boolean') return ok(v);
    return fail(`${describe(v)} n’est pas attendu ici.`);
  }
  return fromText(part, v);
}

function fromText(part: IndicatorPart, text: string): CellRead<PartValue> {
  const parsed = parsePartInput(part, text);
  if (parsed.ok) return parsed;
  const m = parsed.message;
  return fail(m.startsWith('«') ? m : `${quote(text)} : ${m.charAt(0).toLowerCase()}${m.slice(1)}`);
}

/** A part's value as written in its cell: numbers and euros typed, lists and yes/no as French words. */
export function partCell(part: IndicatorPart, value: PartValue | undefined): CellInput {
  if (value === null || value === undefined) return null;
  switch (part.type) {
    case 'integer':
      return typeof value === 'number' ? value : String(value);
    case 'amount':
      return typeof value === 'number' ? value / 100 : String(value);
    case 'enum':
      return typeof value === 'string' ? (part.valueLabels?.[value] ?? value) : String(value);
    case 'boolean':
      return value === true ? 'oui' : value === false ? 'non' : String(value);
    case 'text':
      return String(value);
  }
  return String(value);
}

/** The French words of a list cell (data validation), when the part has a fixed list. */
export function partChoices(part: IndicatorPart): readonly string[] | null {
  if (part.type === 'enum') return (part.values ?? []).map((v) => part.valueLabels?.[v] ?? v);
  if (part.type === 'boolean') return ['oui', 'non'];
  return null;
}

/** Number formats of a part's cell. */
export const partFormat = (part: IndicatorPart): CellFormat => (part.type === 'integer' ? 'integer' : part.type === 'amount' ? 'euros' : 'text');

/** Euros (a number) to integer cents: at most two decimals, never negative. */
export function eurosToCents(euros: number): CellRead<number> {
  if (euros < 0) return fail('un montant ne peut pas être négatif.');
  const cents = Math.round(euros * 100);
  // A number the cell stores in binary: 12.34 * 100 is 1233.9999999999998, so compare with a tolerance.
  if (Math.abs(euros * 100 - cents) > 1e-6 * Math.max(1, Math.abs(cents))) {
    return fail(`${describe(euros)} : un montant a au plus deux décimales (les centimes).`);
  }
  if (cents > MAX_AMOUNT_CENTS) return fail('le montant est trop grand.');
  return ok(cents);
}

/** Largest figure a baseline or a target may hold (the exchange file's bound). */
export const MAX_FIGURE = 1e12;

/**
 * A baseline or a target (« Cibles »): any number, decimals and sign allowed,
 * typed as a number or as French text (« 1 234,5 »). Empty → null.
 */
export function readFigure(v: CellInput): CellRead<number | null> {
  if (isBlank(v)) return ok(null);
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const parsed = parseFrenchNumber(v.trim());
    if (!parsed.ok) return fail(parsed.message.startsWith('«') ? parsed.message : `${quote(v)} : ${parsed.message.charAt(0).toLowerCase()}${parsed.message.slice(1)}`);
    n = parsed.value;
  } else return fail(`un nombre est attendu, pas ${describe(v)}.`);
  if (Math.abs(n) > MAX_FIGURE) return fail('le nombre est trop grand.');
  return ok(n === 0 ? 0 : n);
}

/** An amount in euros: typed as a number or as French text (« 1 234,50 € »). Empty → 0 (the default of every amount: « rien saisi »). */
export function readEuros(v: CellInput): CellRead<number> {
  if (isBlank(v)) return ok(0);
  if (typeof v === 'number') return eurosToCents(v);
  if (typeof v === 'string') {
    const parsed = parseFrenchAmountToCents(v);
    if (!parsed.ok) return fail(parsed.message.startsWith('«') ? parsed.message : `${quote(v)} : ${parsed.message.charAt(0).toLowerCase()}${parsed.message.slice(1)}`);
    if (parsed.value > MAX_AMOUNT_CENTS) return fail('le montant est trop grand.');
    return ok(parsed.value);
  }
  return fail(`un montant en euros est attendu, pas ${describe(v)}.`);
}

const isRealDate = (y: number, m: number, d: number): boolean => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};
const iso = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/**
 * A date (no time): a real date cell, or text « 24/06/2021 » (or
 * « 2021-06-24 »). Returns `AAAA-MM-JJ`, null when empty. A number is refused
 * rather than read as Excel's day count: it is most likely a typing mistake.
 */
export function readDate(v: CellInput): CellRead<string | null> {
  if (isBlank(v)) return ok(null);
  let y: number;
  let m: number;
  let d: number;
  if (v instanceof Date) {
    // exceljs reads a date cell as the UTC instant of its serial day number: the calendar day is the UTC day.
    [y, m, d] = [v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()];
  } else if (typeof v === 'string') {
    const t = v.trim();
    const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
    const en = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
    if (fr) [d, m, y] = [Number(fr[1]), Number(fr[2]), Number(fr[3])];
    else if (en) [y, m, d] = [Number(en[1]), Number(en[2]), Number(en[3])];
    else return fail(`${quote(t)} n’est pas une date : tapez-la au format jj/mm/aaaa (par exemple 24/06/2021).`);
    if (!isRealDate(y, m, d)) return fail(`${quote(t)} n’est pas une date du calendrier.`);
  } else {
    return fail(`${describe(v)} n’est pas une date : tapez-la au format jj/mm/aaaa (par exemple 24/06/2021).`);
  }
  if (y < 1990 || y > 2100) return fail(`l’année ${y} n’est pas plausible.`);
  return ok(iso(y, m, d));
}

/** A date `AAAA-MM-JJ` as a date cell (midnight UTC: the serial day exceljs writes). */
export const dateCell = (isoDate: string | null): Date | null => (isoDate ? new Date(`${isoDate}T00:00:00Z`) : null);

/**
 * An instant shown as metropolitan French wall-clock time in a date cell
 * (spreadsheets have no time zones): a colleague in Paris reads the same
 * hour as on the screens. Display only: the exact instant stays in « Réf. ».
 */
export const parisWallClock = (isoInstant: string): Date => parisWallClockAsUtc(new Date(isoInstant));

/**
 * One choice of a list, typed as its French label (or its key; case and
 * accents ignored). Empty → null (the caller decides whether it is allowed).
 */
export function readChoice<K extends string>(labels: Readonly<Record<K, string>>, v: CellInput): CellRead<K | null> {
  if (isBlank(v)) return ok(null);
  if (typeof v !== 'string') return fail(`${describe(v)} n’est pas une valeur de la liste (${Object.values<string>(labels).join(', ')}).`);
  const f = fold(v);
  const keys = Object.keys(labels) as K[];
  const match = keys.find((k) => fold(labels[k]) === f) ?? keys.find((k) => fold(k) === f);
  if (match === undefined) return fail(`${quote(v)} n’est pas une valeur de la liste (${Object.values<string>(labels).join(', ')}).`);
  return ok(match);
}

/** Several choices in one cell, separated by « ; » or line breaks; kept in the list's order (as the application stores them). */
export function readChoices<K extends string>(labels: Readonly<Record<K, string>>, v: CellInput): CellRead<K[]> {
  if (isBlank(v)) return ok([]);
  if (typeof v !== 'string') return fail(`${describe(v)} n’est pas une liste.`);
  const picked = new Set<K>();
  for (const item of v.split(/[;\n]/).map((s) => s.trim()).filter(Boolean)) {
    const one = readChoice(labels, item);
    if (!one.ok) return one;
    if (one.value !== null) picked.add(one.value);
  }
  return ok((Object.keys(labels) as K[]).filter((k) => picked.has(k)));
}

export const CHOICES_SEPARATOR = ' ; ';

/** Action codes « 01-01, 05-02 » (separated by commas or « ; »), each known. */
export function readCodes(v: CellInput, known: ReadonlySet<string>): CellRead<string[]> {
  if (isBlank(v)) return ok([]);
  if (typeof v !== 'string') return fail(`${describe(v)} n’est pas une liste de codes d’actions (par exemple 01-01, 05-02).`);
  const codes = [...new Set(v.split(/[,;\n]/).map((s) => s.trim().replace(/\s+/g, ' ')).filter(Boolean))];
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length > 0) return fail(`code(s) d’action inconnu(s) du référentiel : ${unknown.map((c) => `« ${c} »`).join(', ')}.`);
  return ok(codes);
}

/** SIRET: 14 digits, spaces allowed; typed as a number it keeps its leading zeros. Empty → null. */
export function readSiret(v: CellInput): CellRead<string | null> {
  if (isBlank(v)) return ok(null);
  const text = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v).padStart(14, '0') : typeof v === 'string' ? v.replace(/[\s\u00a0\u202f.]/g, '') : null;
  if (text === null || !/^\d{14}$/.test(text)) return fail(`${v === null ? '' : describe(v)} n’est pas un SIRET (14 chiffres).`);
  return ok(text);
}

/** RNA: W followed by 9 characters. Empty → null. */
export function readRna(v: CellInput): CellRead<string | null> {
  if (isBlank(v)) return ok(null);
  const text = typeof v === 'string' ? v.trim().toUpperCase() : '';
  if (!/^W[0-9AB][0-9]{8}$/.test(text)) return fail(`${describe(v as Exclude<CellInput, null>)} n’est pas un numéro RNA (W suivi de 9 caractères).`);
  return ok(text);
}

/** « Feuille « Indicateurs », ligne 12, colonne G (« Valeur 1 ») : … » */
export function cellProblem(sheet: string, row: number, column: number | null, header: string | null, message: string): string {
  const where = column === null ? '' : `, colonne ${columnLetter(column)}${header ? ` (« ${header} »)` : ''}`;
  return `Feuille « ${sheet} », ligne ${row}${where} : ${message}`;
}

/**
 * A text as stored in a cell: XML cannot hold control characters, and parsers
 * turn `\r\n` into `\n`; spreadsheets write those as `_xHHHH_` (and a literal
 * `_xHHHH_` as `_x005F_xHHHH_`), which Excel, LibreOffice and exceljs decode
 * when reading. So a comment comes back exactly as it was.
 */
export function escapeCellText(text: string): string {
  return text
    .replace(/_(?=x[0-9A-Fa-f]{4}_)/g, '_x005F_')
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\r\uFFFE\uFFFF]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

/** Long JSON in the identification sheet is cut into cells of this many characters (Excel holds at most 32 767 per cell). */
export const IDENTITY_CHUNK = 30_000;

export function chunkText(text: string, size = IDENTITY_CHUNK): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + size, text.length);
    // Never cut a surrogate pair in two: each half alone is not valid text in the file.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(text.slice(i, end));
    i = end;
  }
  return chunks.length > 0 ? chunks : [''];
}
