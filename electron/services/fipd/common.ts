import { FIRST_BUDGET_YEAR, isoDateProblem } from '../../../shared/domain/fipd';
import { parisIsoDate } from '../../../shared/format/paris-time';
import { DomainError, type ErrorCode, type FieldIssue } from '../../../shared/ipc/result';
import type { ServiceContext } from '../context';
import { readDb } from '../db/query';
import { selectQrrName, selectQrrState } from '../db/tables/qrr';

/*
 * What the FIPD services share: collecting refusals (each with its code, so a
 * batch refused only for ledger reasons answers CONFLICT, not VALIDATION), the
 * QRR and year checks, today's date.
 */

export interface Issue extends FieldIssue {
  readonly code: ErrorCode;
}

export class Issues {
  constructor(
    private readonly prefix = '',
    readonly list: Issue[] = [],
  ) {}
  add(code: ErrorCode, field: string, message: string): void {
    this.list.push({ code, path: `${this.prefix}${field}`, message });
  }
  /** Issues of a sub-request (one line of a batch): same list, paths prefixed with `lines.3.`. */
  scoped(prefix: string): Issues {
    return new Issues(`${this.prefix}${prefix}`, this.list);
  }
  get size(): number {
    return this.list.length;
  }
}

/**
 * Throws the refusal: the code of the issues when they all share one
 * (CONFLICT for ledger rules, NOT_FOUND for missing records), VALIDATION otherwise.
 * `lineLabel` names a batch line in the message (« Ligne 4 : … »).
 */
export function refuseIfIssues(issues: Issues, lineLabel?: (issue: Issue) => string | null): void {
  const list = issues.list;
  if (list.length === 0) return;
  const first = list[0]!;
  const code = list.every((i) => i.code === first.code) ? first.code : 'VALIDATION';
  const where = lineLabel?.(first);
  const firstMessage = where ? `${where} : ${lowerFirst(first.message)}` : first.message;
  const message =
    list.length === 1 ? firstMessage : `${list.length} saisies sont refusées ; rien n'a été enregistré. Première erreur : ${firstMessage}`;
  throw new DomainError(code, message, list.map(({ path, message: m }) => ({ path, message: m })));
}

const lowerFirst = (s: string): string => (/^[A-ZÀ-Ý][a-zà-ÿ]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** Today in metropolitan French time, `YYYY-MM-DD`. */
export const todayOf = (ctx: ServiceContext): string => parisIsoDate(ctx.now());

/** The QRR a write goes to: existing and not archived (the database holds only the département's QRRs). */
export function checkActiveQrr(ctx: ServiceContext, qrrId: unknown, issues: Issues, field = 'qrrId'): string | null {
  if (typeof qrrId !== 'number' || !Number.isInteger(qrrId) || qrrId <= 0) {
    issues.add('VALIDATION', field, 'Le quartier est obligatoire.');
    return null;
  }
  const row = readDb(ctx).get(selectQrrState, qrrId);
  if (!row) {
    issues.add('VALIDATION', field, `Le quartier n° ${qrrId} n'existe pas dans ce département.`);
    return null;
  }
  if (row.archivedAt) {
    issues.add('CONFLICT', field, `Le quartier « ${row.name} » est archivé : ses crédits ne peuvent plus être modifiés.`);
    return null;
  }
  return row.name;
}

export const qrrName = (ctx: ServiceContext, qrrId: number): string =>
  readDb(ctx).get(selectQrrName, qrrId) ?? `n° ${qrrId}`;

/** A budget year: from 2018 (first QRRs) to next year. */
export function checkBudgetYear(ctx: ServiceContext, year: unknown, issues: Issues, field = 'budgetYear'): year is number {
  const max = Number(todayOf(ctx).slice(0, 4)) + 1;
  if (typeof year !== 'number' || !Number.isInteger(year)) {
    issues.add('VALIDATION', field, "L'année budgétaire doit être une année (par exemple 2026).");
    return false;
  }
  if (year < FIRST_BUDGET_YEAR) {
    issues.add('VALIDATION', field, `L'année budgétaire ne peut pas précéder ${FIRST_BUDGET_YEAR} (création des QRR).`);
    return false;
  }
  if (year > max) {
    issues.add('VALIDATION', field, `L'année budgétaire ${year} est trop loin dans le futur (au plus ${max}).`);
    return false;
  }
  return true;
}

/** A date or nothing: null, undefined and empty text give null; anything else must be `YYYY-MM-DD`. */
export function optionalDate(value: unknown, label: string, issues: Issues, field: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || (typeof value === 'string' && value.trim() === '')) return null;
  if (typeof value !== 'string') {
    issues.add('VALIDATION', field, `${label} doit être une date (AAAA-MM-JJ).`);
    return undefined;
  }
  const problem = isoDateProblem(value.trim(), label);
  if (problem) {
    issues.add('VALIDATION', field, problem);
    return undefined;
  }
  return value.trim();
}

/** Free text: trimmed, at most `max` characters (`required`: not empty). */
export function checkText(value: unknown, label: string, max: number, issues: Issues, field: string, required = false): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    issues.add('VALIDATION', field, `${label} doit être un texte.`);
    return undefined;
  }
  const t = value.trim();
  if (required && t === '') {
    issues.add('VALIDATION', field, `${label} est obligatoire.`);
    return undefined;
  }
  if (t.length > max) {
    issues.add('VALIDATION', field, `${label} ne peut pas dépasser ${max} caractères.`);
    return undefined;
  }
  return t;
}

/** Identifier of a member of `values`, or a French refusal. */
export function checkEnum<T extends string>(value: unknown, values: readonly T[], message: string, issues: Issues, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  issues.add('VALIDATION', field, message);
  return undefined;
}
