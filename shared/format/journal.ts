/**
 * French display of the audit trail (Journal screen) and of the backups list
 * (Paramètres). Pure functions, no DOM: unit-tested in
 * tests/unit/journal-format.test.ts (shared with the CLI, which prints previews the same way).
 */
import {
  DECISION_KIND_LABELS,
  FUNDING_SOURCE_LABELS,
  PAYMENT_KIND_LABELS,
  SUBSIDY_DOCUMENT_LABELS,
  SUBSIDY_STATUS_LABELS,
  type FundingSource,
} from '../domain/fipd';
import { periodLabel, PERIOD_STATE_LABELS, type PeriodState } from '../domain/period';
import {
  ACTION_STATUS_LABELS,
  METEO_LABELS,
  QRR_WAVE_LABELS,
  SECURITY_ZONE_LABELS,
  TREND_LABELS,
  type AuditRecord,
} from '../domain/types';
import { formatDate, formatDateTime, formatInteger } from './fr';
import { formatEurosFromCents, formatNumberFr, NBSP } from './number-fr';
import { parisMidnight } from './paris-time';

/** What a missing value looks like everywhere in the journal. */
export const EMPTY = '—';

// ---------------------------------------------------------------------------
// Labels

/** The record types of the trail, in the order of the filter's select. */
export const AUDIT_ENTITIES = [
  { value: 'settings', label: 'Paramètres' },
  { value: 'qrr', label: 'Quartiers' },
  { value: 'period', label: 'Périodes' },
  { value: 'indicator_value', label: "Valeurs d'indicateurs" },
  { value: 'action_status', label: "Statuts d'actions" },
  { value: 'assessment', label: 'Appréciations' },
  { value: 'sans_objet', label: 'Sans objet' },
  { value: 'indicator_target', label: 'Valeurs initiales et cibles' },
  { value: 'fipd_envelope', label: 'Enveloppes de crédits' },
  { value: 'subsidy', label: 'Subventions' },
  { value: 'subsidy_payment', label: 'Versements' },
  { value: 'report', label: 'Rapports' },
  { value: 'exchange_import', label: "Imports de fichiers d'échange" },
  { value: 'transfer_restore', label: "Restaurations depuis un autre poste" },
  { value: 'trusted_root', label: 'Autorités de confiance' },
  { value: 'referential', label: 'Référentiel' },
  { value: 'schema', label: 'Schéma de la base' },
] as const;

const ACTION_LABELS: Readonly<Record<string, string>> = {
  create: 'Création',
  update: 'Modification',
  delete: 'Suppression',
  archive: 'Archivage',
  restore: 'Restauration',
  migrate: 'Migration',
};

const ORIGIN_LABELS: Readonly<Record<string, string>> = {
  ui: 'Saisie',
  // How a grid change came about (electron/services/ipc/handlers.ts: `ui:<via>`).
  'ui:saisie': 'Saisie',
  'ui:collage': 'Collage',
  'ui:effacement': 'Effacement',
  'ui:recopie': 'Recopie vers le bas',
  'ui:reprise': 'Reprise du trimestre précédent',
  'ui:annulation': 'Annulation',
  'ui:retablissement': 'Rétablissement',
  cli: 'Ligne de commande',
  migration: 'Migration',
  demo: 'Démonstration',
};

/** Fields of the audited records, and keys of the values they hold (indicator parts, QRR fields…). */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  // Settings
  departementCode: 'Département',
  prefetName: 'Nom du préfet',
  coordinatorName: 'Coordinateur',
  tsaUrl: "Autorité d'horodatage",
  // QRR
  name: 'Nom',
  communes: 'Communes',
  qpvCodes: 'QPV',
  securityZone: 'Zone de sécurité',
  wave: 'Vague',
  deleguePrefet: 'Délégué du préfet',
  referents: 'Référents',
  population: 'Population',
  notes: 'Notes',
  archivedAt: "Date d'archivage",
  // Period
  state: 'État',
  reopenReason: 'Motif de réouverture',
  // Indicator values
  value: 'Valeur',
  target: 'Cible',
  comment: 'Commentaire',
  source: 'Source',
  // Action statuses
  status: 'Statut',
  referent: 'Référent',
  // Assessments
  meteo: 'Météo',
  trend: 'Tendance',
  commentAuthor: 'Auteur du commentaire',
  commentDate: 'Date du commentaire',
  obstacles: 'Freins',
  nextSteps: 'Actions à venir',
  successes: 'Réussites',
  // Results: « sans objet » and targets (also the import preview's cells)
  sansObjet: 'Sans objet',
  reason: 'Motif',
  decision: 'Décision',
  initialValue: 'Valeur initiale',
  initialDate: 'Date de la valeur initiale',
  targetValue: 'Cible',
  targetDeadline: 'Échéance',
  // Référentiel
  version: 'Version',
  // Parts of indicator values (seeds/referential.json), short forms
  count: 'Nombre',
  numerator: 'Numérateur',
  denominator: 'Dénominateur',
  activities: 'Activités',
  operations: 'Opérations',
  beneficiaries: 'Bénéficiaires',
  amountCents: 'Montant',
  total: 'Total',
  men: 'Hommes',
  women: 'Femmes',
  evenings: 'Soirs',
  weekends: 'Week-ends',
  // FIPD credits
  budgetYear: 'Année budgétaire',
  decidedOn: 'Date de délégation',
  overEnvelopeReason: "Motif du dépassement d'enveloppe",
  actionCodes: 'Actions',
  beneficiaryName: 'Bénéficiaire',
  siret: 'SIRET',
  rna: 'RNA',
  title: 'Intitulé',
  requestedCents: 'Montant demandé',
  grantedCents: 'Montant attribué',
  cofinancingCents: 'Cofinancements',
  decisionKind: 'Type de décision',
  decisionNumber: 'N° de décision',
  decisionDate: 'Date de décision',
  chorusEj: 'EJ Chorus',
  reportDueDate: 'Compte rendu attendu le',
  reportReceivedDate: 'Compte rendu reçu le',
  documents: 'Pièces',
  paidOn: 'Date du versement',
  kind: 'Type de versement',
  uid: "Identifiant d'échange",
  // A whole record (an import's line for a subsidy with its payments, or a payment)
  '*': 'Ligne entière',
};

/** Progress states of « progress » indicators (the `state` part of an indicator value). */
const PROGRESS_LABELS: Readonly<Record<string, string>> = {
  non_engage: 'Non engagé',
  en_cours: 'En cours',
  realise: 'Réalisé',
};

const capitalise = (s: string): string => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1));

const PERIOD_STATES: Readonly<Record<PeriodState, string>> = Object.fromEntries(
  Object.entries(PERIOD_STATE_LABELS).map(([k, v]) => [k, capitalise(v)]),
) as Record<PeriodState, string>;

/** Fields holding an ISO date, shown as `24/06/2021 14:05`. */
const DATE_FIELDS = new Set(['archivedAt', 'commentDate', 'updatedAt', 'createdAt', 'transmittedAt', 'reopenedAt']);

/** « Valeurs d'indicateurs » for 'indicator_value'; an unknown entity is shown as stored. */
export function entityLabel(entity: string): string {
  return AUDIT_ENTITIES.find((e) => e.value === entity)?.label ?? entity;
}

/** « Modification » for 'update'. */
export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** « Saisie » for 'ui', « Import : fichier.xlsx » for 'import:fichier.xlsx'. */
export function originLabel(origin: string): string {
  if (origin.startsWith('import:')) {
    const file = origin.slice('import:'.length).trim();
    return file === '' ? 'Import' : `Import : ${file}`;
  }
  return ORIGIN_LABELS[origin] ?? origin;
}

/** « Valeur » for 'value'; `—` when the entry concerns the whole record (creation, deletion). */
export function fieldLabel(field: string | null): string {
  if (field === null || field === '') return EMPTY;
  return FIELD_LABELS[field] ?? field;
}

/** « QRR Mosson » when the name is known, « QRR n° 3 » otherwise. */
export function qrrLabel(id: string | number, qrrNames?: ReadonlyMap<number, string>): string {
  const n = Number(id);
  const name = Number.isInteger(n) ? qrrNames?.get(n) : undefined;
  return name ?? `QRR n° ${id}`;
}

/**
 * What a trail entry is about, readable:
 * « QRR Mosson · indicateur 01-03 · 3e trimestre 2026 », « 4e trimestre 2026 »,
 * « Schéma de la base · version 3 »…
 */
export function elementLabel(record: Pick<AuditRecord, 'entity' | 'entityId'>, qrrNames?: ReadonlyMap<number, string>): string {
  const { entity, entityId } = record;
  const keyed = (kind: string): string => {
    const [qrrId, code, period] = entityId.split('|');
    if (qrrId === undefined || code === undefined || period === undefined) return `${kind} ${entityId}`;
    return `${qrrLabel(qrrId, qrrNames)} · ${kind} ${code} · ${periodLabel(period)}`;
  };
  switch (entity) {
    case 'settings':
      return 'Paramètres';
    case 'qrr':
      return qrrLabel(entityId, qrrNames);
    case 'period':
      return periodLabel(entityId);
    case 'indicator_value':
      return keyed('indicateur');
    case 'action_status':
      return keyed('action');
    case 'assessment':
      return keyed('engagement');
    case 'referential':
      return 'Référentiel';
    case 'schema':
      return `Schéma de la base · version ${entityId}`;
    case 'fipd_envelope': {
      const [qrrId, year, source] = entityId.split('|');
      if (qrrId === undefined || year === undefined || source === undefined) return `Enveloppe ${entityId}`;
      return `${qrrLabel(qrrId, qrrNames)} · enveloppe ${FUNDING_SOURCE_LABELS[source as FundingSource] ?? source} ${year}`;
    }
    case 'subsidy':
      return `Subvention n° ${entityId}`;
    case 'subsidy_payment':
      return `Versement n° ${entityId}`;
    case 'report':
      return `Rapport n° ${entityId}`;
    case 'exchange_import':
      // The id is the file's SHA-256: its beginning is enough to tell two files apart.
      return `Import du fichier ${entityId.slice(0, 12)}…`;
    case 'transfer_restore':
      return `Restauration de l'archive ${entityId.slice(0, 12)}…`;
    default:
      return `${entity} ${entityId}`;
  }
}

// ---------------------------------------------------------------------------
// Values

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

// ---------------------------------------------------------------------------
// Filters

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

// ---------------------------------------------------------------------------
// Backups

const BACKUP_REASON_LABELS: Readonly<Record<string, string>> = {
  demarrage: 'Au démarrage',
  'avant-migration': 'Avant migration',
  'avant-import': 'Avant import',
  'avant-restauration': 'Avant restauration',
  manuelle: 'Manuelle',
};

/** « Au démarrage » for 'demarrage'. */
export function backupReasonLabel(reason: string): string {
  return BACKUP_REASON_LABELS[reason] ?? reason;
}

/** `512 o`, `12 ko`, `1,2 Mo`, `2,5 Go` (powers of 1 024, as the Windows explorer counts), no-break space before the unit. */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return EMPTY;
  if (bytes < 1024) return `${formatInteger(bytes)}${NBSP}o`;
  const units = ['ko', 'Mo', 'Go', 'To'] as const;
  let size = bytes / 1024;
  let unit = 0;
  // Rounding to one decimal first so 1 048 575 bytes read « 1 Mo », not « 1 024 ko ».
  while (unit < units.length - 1 && Math.round(size * 10) / 10 >= 1024) {
    size /= 1024;
    unit += 1;
  }
  return `${formatNumberFr(size, size < 10 ? 1 : 0)}${NBSP}${units[unit]}`;
}

/** « Sauvegarde du 24/06/2021 14:05 restaurée. L'état précédent a été sauvegardé (nom). » */
export function restoreSuccessMessage(backupAt: string, safetyBackup: string | null): string {
  const restored = `Sauvegarde du ${formatDateTime(backupAt)} restaurée.`;
  return safetyBackup ? `${restored} L'état précédent a été sauvegardé (${safetyBackup}).` : restored;
}
