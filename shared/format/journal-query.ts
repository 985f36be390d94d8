/** The Journal's filters and paging: from the form to the `listAudit` request, in Paris days. */
import { formatInteger } from './fr';
import { parisMidnight } from './paris-time';

const DATE_INPUT = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDateInput(date: string): { y: number; m: number; d: number } | null {
  const match = DATE_INPUT.exec(date.trim());
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return { y, m, d };
}

/** `2021-06-24` (an `<input type="date">` value) → the ISO instant its day starts in Paris; null if not a date. */
export function parisDayStartIso(date: string): string | null {
  const p = parseDateInput(date);
  return p ? new Date(parisMidnight(p.y, p.m, p.d)).toISOString() : null;
}

/** `2021-06-24` → the last millisecond of that day in Paris (the whole day is included); null if not a date. */
export function parisDayEndIso(date: string): string | null {
  const p = parseDateInput(date);
  if (!p) return null;
  const next = new Date(Date.UTC(p.y, p.m - 1, p.d + 1));
  return new Date(parisMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()) - 1).toISOString();
}

/** The Journal's filters as typed in the form (empty text: no filter). */
export interface JournalFilters {
  readonly entity: string;
  readonly search: string;
  readonly osUser: string;
  /** `YYYY-MM-DD` from `<input type="date">`, or ''. */
  readonly from: string;
  readonly to: string;
}

export const NO_FILTERS: JournalFilters = { entity: '', search: '', osUser: '', from: '', to: '' };

export interface AuditQuery {
  entity?: string;
  search?: string;
  osUser?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export type AuditQueryResult = { readonly ok: true; readonly query: AuditQuery } | { readonly ok: false; readonly message: string; readonly field: 'from' | 'to' };

/** The `listAudit` request for the filters and page, or a French message saying which date is wrong. */
export function buildAuditQuery(filters: JournalFilters, offset: number, limit: number): AuditQueryResult {
  const query: AuditQuery = { limit, offset };
  if (filters.entity !== '') query.entity = filters.entity;
  if (filters.search.trim() !== '') query.search = filters.search.trim();
  if (filters.osUser.trim() !== '') query.osUser = filters.osUser.trim();
  if (filters.from !== '') {
    const from = parisDayStartIso(filters.from);
    if (from === null) return { ok: false, field: 'from', message: 'La date de début est invalide (format attendu : 24/06/2021).' };
    query.from = from;
  }
  if (filters.to !== '') {
    const to = parisDayEndIso(filters.to);
    if (to === null) return { ok: false, field: 'to', message: 'La date de fin est invalide (format attendu : 24/06/2021).' };
    query.to = to;
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    return { ok: false, field: 'to', message: 'La date de fin est antérieure à la date de début.' };
  }
  return { ok: true, query };
}

/** `1–50 sur 1 234`; `0 sur 0` when nothing matches. */
export function pageRangeLabel(offset: number, count: number, total: number): string {
  if (count <= 0 || total <= 0) return `0 sur ${formatInteger(Math.max(0, total))}`;
  return `${formatInteger(offset + 1)}–${formatInteger(offset + count)} sur ${formatInteger(total)}`;
}
