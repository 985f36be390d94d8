/** French display of the values an audit entry holds, and of a change (old → new). */
import { DECISION_KIND_LABELS, FUNDING_SOURCE_LABELS, PAYMENT_KIND_LABELS, SUBSIDY_DOCUMENT_LABELS, SUBSIDY_STATUS_LABELS } from '../domain/fipd';
import { ACTION_STATUS_LABELS, METEO_LABELS, QRR_WAVE_LABELS, SECURITY_ZONE_LABELS, TREND_LABELS, type AuditRecord } from '../domain/types';
import { formatDate, formatDateTime } from './fr';
import { formatEurosFromCents, formatNumberFr } from './number-fr';
import { EMPTY, FIELD_LABELS, PROGRESS_LABELS, PERIOD_STATES, DATE_FIELDS } from './journal-labels';

export interface ValueContext {
  readonly entity: string;
  /** The audited field, or the key inside an object value. */
  readonly field: string | null;
}

/** The French label of a coded value (statuses, météo, zone…), or null when the value is free text. */
function codeLabel(context: ValueContext, value: string): string | null {
  const { entity, field } = context;
  const pick = (labels: Readonly<Record<string, string>>): string | null => (Object.hasOwn(labels, value) ? labels[value]! : null);
  const fipd = entity === 'subsidy' || entity === 'subsidy_payment' || entity === 'fipd_envelope';
  switch (field) {
    case 'status':
      return fipd ? pick(SUBSIDY_STATUS_LABELS) : pick(ACTION_STATUS_LABELS);
    case 'source':
      return fipd ? pick(FUNDING_SOURCE_LABELS) : null;
    case 'decisionKind':
      return pick(DECISION_KIND_LABELS);
    case 'kind':
      return entity === 'subsidy_payment' ? pick(PAYMENT_KIND_LABELS) : null;
    case 'documents':
      return pick(SUBSIDY_DOCUMENT_LABELS);
    case 'meteo':
      return pick(METEO_LABELS);
    case 'trend':
      return pick(TREND_LABELS);
    case 'securityZone':
      return pick(SECURITY_ZONE_LABELS);
    case 'wave':
      return pick(QRR_WAVE_LABELS);
    case 'state':
      return entity === 'period' ? pick(PERIOD_STATES) : pick(PROGRESS_LABELS);
    default:
      return null;
  }
}

const isEmptyValue = (v: unknown): boolean =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

function formatInner(value: unknown, context: ValueContext, inList: boolean): string {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    // Every amount is stored in cents (amountCents, grantedCents, requestedCents…).
    if (context.field !== null && context.field.endsWith('Cents') && Number.isSafeInteger(value)) return formatEurosFromCents(value);
    if (context.field === 'version') return String(value);
    return formatNumberFr(value, 2);
  }
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  if (typeof value === 'string') {
    if (value === '') return EMPTY;
    const label = codeLabel(context, value);
    if (label !== null) return label;
    if (context.field !== null && DATE_FIELDS.has(context.field) && !Number.isNaN(Date.parse(value))) return formatDateTime(value);
    // A calendar date (decision, payment, report…), shown the French way.
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return formatDate(value);
    // Codes in a list (communes, QPV) are shown bare; free text is quoted.
    return inList ? value : `« ${value} »`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return EMPTY;
    return value.map((item) => formatInner(item, context, true)).join(', ');
  }
  if (typeof value === 'object') {
    const pairs = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => !isEmptyValue(v))
      .map(([key, v]) => `${FIELD_LABELS[key] ?? key} : ${formatInner(v, { entity: context.entity, field: key }, false)}`);
    return pairs.length === 0 ? EMPTY : pairs.join(' ; ');
  }
  return String(value);
}

/** Shortens to `maxLength` characters, ending with `…`. */
export function truncate(text: string, maxLength: number): string {
  if (maxLength <= 0 || text.length <= maxLength) return text;
  return `${text.slice(0, Math.max(1, maxLength - 1)).trimEnd()}…`;
}

/**
 * One old or new value of the trail, compact and readable:
 * - null, empty text or empty list: `—`;
 * - numbers the French way (`1 234,5`), amounts in euros, booleans Oui/Non;
 * - coded values by their label (« En cours », « Soleil », « Zone police »), dates `24/06/2021 14:05`;
 * - free text between « »;
 * - lists as `a, b`; objects as `Nombre : 12 ; Cible : 20` (empty entries left out).
 * `maxLength` (0: no limit) shortens long texts with `…`.
 */
export function formatAuditValue(value: unknown, context: ValueContext, maxLength = 0): string {
  return truncate(formatInner(value, context, false), maxLength);
}

export interface ChangeParts {
  /** Shown before the arrow; null when there was nothing before (creation). */
  readonly before: string | null;
  /** Shown after the arrow; null when nothing is left (deletion). */
  readonly after: string | null;
}

/** The two sides of an entry: a creation shows only the new value, a deletion only the old one. */
export function changeParts(
  record: Pick<AuditRecord, 'entity' | 'action' | 'field' | 'oldValue' | 'newValue'>,
  maxLength = 0,
): ChangeParts {
  const context = { entity: record.entity, field: record.field };
  const show = (v: unknown) => formatAuditValue(v, context, maxLength);
  if (record.action === 'create' && isEmptyValue(record.oldValue)) return { before: null, after: show(record.newValue) };
  if (record.action === 'delete' && isEmptyValue(record.newValue)) return { before: show(record.oldValue), after: null };
  if (record.action === 'migrate' && isEmptyValue(record.oldValue)) return { before: null, after: show(record.newValue) };
  return { before: show(record.oldValue), after: show(record.newValue) };
}

/** `— → Nombre : 12`, `« Ancien » → « Nouveau »`, or one side alone. */
export function formatChange(
  record: Pick<AuditRecord, 'entity' | 'action' | 'field' | 'oldValue' | 'newValue'>,
  maxLength = 0,
): string {
  const { before, after } = changeParts(record, maxLength);
  if (before === null) return after ?? EMPTY;
  if (after === null) return before;
  return `${before} → ${after}`;
}
