/** Checks of what is entered: null when valid, otherwise the French reason. Part of shared/domain/fipd (see index.ts). */
import { formatEurosFromCents } from '../../format/number-fr';
import { parsePeriodCode } from '../period';
import { MAX_AMOUNT_CENTS } from './vocabulary';

const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/** La Poste's SIREN: its establishments' SIRET do not follow Luhn; their digits add up to a multiple of 5 instead. */
export const LA_POSTE_SIREN = '356000000';

/** Spaces (ordinary, no-break, narrow) are ignored: `732 829 320 00074` is read as `73282932000074`. */
export const normaliseSiret = (siret: string): string => siret.replace(/[\s\u00a0\u202f\u2009.]/g, '');

/** `732 829 320 00074`, the way it is printed on documents. */
export const formatSiret = (siret: string): string =>
  /^\d{14}$/.test(siret) ? `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}` : siret;

/**
 * SIRET = SIREN (9 digits) + NIC (5 digits). The 14 digits carry a Luhn
 * checksum, and so do the 9 of the SIREN. Exception: La Poste (SIREN
 * 356000000), whose SIRET are valid when their digits add up to a multiple of 5
 * (its head office, 356 000 000 00048, also passes Luhn).
 */
export function siretProblem(siret: string): string | null {
  const s = normaliseSiret(siret);
  if (s === '') return 'Le SIRET est vide.';
  if (!/^\d+$/.test(s)) return `« ${siret.trim()} » n'est pas un SIRET : il ne contient que des chiffres (14).`;
  if (s.length !== 14) return `Le SIRET compte 14 chiffres ; « ${siret.trim()} » en compte ${s.length}.`;
  const siren = s.slice(0, 9);
  if (siren === LA_POSTE_SIREN) {
    const digitSum = [...s].reduce((acc, c) => acc + Number(c), 0);
    if (luhnValid(s) || digitSum % 5 === 0) return null;
    return `Le SIRET ${formatSiret(s)} est invalide : pour La Poste, la somme des chiffres doit être un multiple de 5 (vérifiez une faute de frappe).`;
  }
  if (!luhnValid(siren)) {
    return `Le SIRET ${formatSiret(s)} est invalide : le SIREN (9 premiers chiffres) ne correspond à aucune entreprise ou association (clé de contrôle fausse).`;
  }
  if (!luhnValid(s)) return `Le SIRET ${formatSiret(s)} est invalide : sa clé de contrôle ne correspond pas (vérifiez une faute de frappe).`;
  return null;
}

export const normaliseRna = (rna: string): string => rna.replace(/[\s\u00a0\u202f\u2009]/g, '').toUpperCase();

/**
 * RNA (répertoire national des associations): `W` + 9 characters, digits
 * (`W751234567`); in Corsica the département part reads `2A`/`2B` (`W2A1234567`).
 */
export function rnaProblem(rna: string): string | null {
  const r = normaliseRna(rna);
  if (r === '') return 'Le numéro RNA est vide.';
  if (/^W(\d{9}|2[AB]\d{7})$/.test(r)) return null;
  return `« ${rna.trim()} » n'est pas un numéro RNA : attendu W suivi de 9 chiffres (par exemple W931234567).`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` (2026-02-30 is refused). */
export function isoDateProblem(date: string, label = 'La date'): string | null {
  const m = ISO_DATE.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (y >= 1900 && y <= 2100 && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d) return null;
    return `${label} « ${date} » n'existe pas dans le calendrier.`;
  }
  return `${label} « ${date} » est invalide (format attendu : AAAA-MM-JJ).`;
}

/**
 * What a coordinator types or pastes (`24/06/2021`, `24/06/21` is refused, `2021-06-24`) → `2021-06-24`.
 * For the grid; the services accept ISO dates only.
 */
export function parseFrenchDateToIso(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const t = text.trim();
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const iso = fr ? `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}` : t;
  const problem = isoDateProblem(iso);
  if (problem === null) return { ok: true, value: iso };
  return { ok: false, message: fr || ISO_DATE.test(t) ? problem : `« ${t} » n'est pas une date (format attendu : 24/06/2021).` };
}

/** A stored amount: integer cents, 0 or more (`positive`: more than 0), at most MAX_AMOUNT_CENTS. */
export function amountProblem(value: unknown, label: string, options: { positive?: boolean } = {}): string | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return `${label} doit être un nombre (en centimes).`;
  if (value < 0) return `${label} ne peut pas être négatif.`;
  if (!Number.isInteger(value)) return `${label} doit être un nombre entier de centimes.`;
  if (value > MAX_AMOUNT_CENTS) return `${label} dépasse ${formatEurosFromCents(MAX_AMOUNT_CENTS)} : vérifiez la saisie.`;
  if (options.positive && value === 0) return `${label} doit être supérieur à 0.`;
  return null;
}

/** The CERFA 15059 financial report is due within 6 months after the financial year (taken as the calendar year). */
export const defaultReportDueDate = (budgetYear: number): string => `${budgetYear + 1}-06-30`;

export const yearStart = (year: number): string => `${year}-01-01`;
export const yearEnd = (year: number): string => `${year}-12-31`;

/** First and last day of a quarter `2026-T3` → `2026-07-01`, `2026-09-30`; null for a malformed code. */
export function quarterBounds(periodCode: string): { from: string; to: string } | null {
  const p = parsePeriodCode(periodCode);
  if (!p) return null;
  const first = (p.quarter - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(p.year, first + 2, 0)).getUTCDate();
  const mm = (m: number) => String(m).padStart(2, '0');
  return { from: `${p.year}-${mm(first)}-01`, to: `${p.year}-${mm(first + 2)}-${lastDay}` };
}
