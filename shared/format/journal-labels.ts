/** French labels of the audit trail's records, actions, origins and fields (Journal screen). */
import { FUNDING_SOURCE_LABELS, type FundingSource } from '../domain/fipd';
import { periodLabel, PERIOD_STATE_LABELS, type PeriodState } from '../domain/period';
import type { AuditRecord } from '../domain/types';

/** What a missing value looks like everywhere in the journal. */
export const EMPTY = '—';

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
export const FIELD_LABELS: Readonly<Record<string, string>> = {
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
export const PROGRESS_LABELS: Readonly<Record<string, string>> = {
  non_engage: 'Non engagé',
  en_cours: 'En cours',
  realise: 'Réalisé',
};

const capitalise = (s: string): string => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1));

export const PERIOD_STATES: Readonly<Record<PeriodState, string>> = Object.fromEntries(
  Object.entries(PERIOD_STATE_LABELS).map(([k, v]) => [k, capitalise(v)]),
) as Record<PeriodState, string>;

/** Fields holding an ISO date, shown as `24/06/2021 14:05`. */
export const DATE_FIELDS = new Set(['archivedAt', 'commentDate', 'updatedAt', 'createdAt', 'transmittedAt', 'reopenedAt']);

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
