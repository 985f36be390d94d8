/** Data shapes shared by main, renderer and reports. Dates are ISO 8601 strings (UTC). */
import type { PeriodState } from './period';
import type { TimestampVerdict } from './timestamp';

export interface Departement {
  readonly code: string; // INSEE code: '01'…'95', '2A', '2B', '971'…'976', '975', '977', '978', '986'…'988'
  readonly nom: string;
  readonly region: string;
  readonly zone: 'metro' | 'drom' | 'com';
  /** INSEE « type de nom en clair »: which article the name takes (see departement.ts). */
  readonly typeLiaison: number;
}

export interface Commune {
  readonly code: string; // INSEE code, 5 characters
  readonly nom: string;
  readonly population: number | null;
}

export interface Settings {
  readonly departementCode: string;
  readonly departementNom: string;
  /** « Préfet de l'Hérault ». */
  readonly prefetTitle: string;
  readonly prefetName: string;
  readonly coordinatorName: string;
  readonly updatedAt: string;
}

export interface QrrCommune {
  readonly code: string;
  readonly nom: string;
}

export const SECURITY_ZONES = ['police', 'gendarmerie'] as const;
export type SecurityZone = (typeof SECURITY_ZONES)[number];
export const SECURITY_ZONE_LABELS: Readonly<Record<SecurityZone, string>> = {
  police: 'Zone police',
  gendarmerie: 'Zone gendarmerie',
};

/** The three waves of QRR creation. */
export const QRR_WAVES = ['2018', '2019', '2020-2021'] as const;
export type QrrWave = (typeof QRR_WAVES)[number];
export const QRR_WAVE_LABELS: Readonly<Record<QrrWave, string>> = {
  '2018': '1re vague (2018)',
  '2019': '2e vague (2019)',
  '2020-2021': '3e vague (2020-2021)',
};

export interface Qrr {
  readonly id: number;
  readonly name: string;
  readonly communes: readonly QrrCommune[];
  readonly qpvCodes: readonly string[];
  readonly securityZone: SecurityZone | null;
  readonly wave: QrrWave | null;
  readonly deleguePrefet: string;
  readonly referents: string;
  readonly population: number | null;
  readonly notes: string;
  /** Values, statuses or assessments exist: the QRR can be archived, no longer deleted. */
  readonly hasData: boolean;
  readonly archivedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AppInfo {
  readonly appVersion: string;
  readonly schemaVersion: number;
  readonly databasePath: string;
  readonly backupDir: string;
  /** Folders beside the database: signed reports, exports (and transfer archives), trusted roots. */
  readonly reportsDir: string;
  readonly exportsDir: string;
  readonly trustedRootsDir: string;
}

export interface Period {
  /** `2026-T4` */
  readonly code: string;
  /** « 4e trimestre 2026 » */
  readonly label: string;
  readonly state: PeriodState;
  readonly createdAt: string;
  readonly transmittedAt: string | null;
  readonly reopenedAt: string | null;
  readonly reopenReason: string | null;
}

/** Status of an action of the référentiel in a QRR for a quarter. */
export const ACTION_STATUSES = ['non_engagee', 'en_cours', 'realisee', 'sans_objet'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_STATUS_LABELS: Readonly<Record<ActionStatus, string>> = {
  non_engagee: 'Non engagée',
  en_cours: 'En cours',
  realisee: 'Réalisée',
  sans_objet: 'Sans objet',
};

/** The « météo » of an engagement in a QRR, after the State's PILOTE tool. */
export const METEOS = ['soleil', 'couvert', 'nuage', 'orage', 'non_renseignee'] as const;
export type Meteo = (typeof METEOS)[number];
export const METEO_LABELS: Readonly<Record<Meteo, string>> = {
  soleil: 'Soleil',
  couvert: 'Couvert',
  nuage: 'Nuage',
  orage: 'Orage',
  non_renseignee: 'Non renseignée',
};

export const TRENDS = ['hausse', 'baisse', 'stagnation'] as const;
export type Trend = (typeof TRENDS)[number];
export const TREND_LABELS: Readonly<Record<Trend, string>> = { hausse: 'En hausse', baisse: 'En baisse', stagnation: 'Stable' };

/** An indicator's typed value: one entry per part of the indicator (see seeds/referential.json). */
export type IndicatorValuePayload = Readonly<Record<string, number | boolean | string | null>>;

export interface IndicatorValueRecord {
  readonly qrrId: number;
  readonly indicatorCode: string;
  readonly periodCode: string;
  readonly value: IndicatorValuePayload | null;
  readonly target: IndicatorValuePayload | null;
  readonly comment: string;
  readonly source: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  /** Computed from other data (05-02 from the FIPD credits), not typed: read-only in the grids. */
  readonly computed?: boolean;
}

export interface ActionStatusRecord {
  readonly qrrId: number;
  readonly actionCode: string;
  readonly periodCode: string;
  readonly status: ActionStatus | null;
  readonly comment: string;
  readonly referent: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface AssessmentRecord {
  readonly qrrId: number;
  readonly engagementCode: string;
  readonly periodCode: string;
  readonly meteo: Meteo;
  readonly trend: Trend | null;
  readonly comment: string;
  readonly commentAuthor: string;
  readonly commentDate: string | null;
  /** Typed comments next to the synthesis (schema 6 onwards): freins, actions à venir, réussites. */
  readonly obstacles?: string;
  readonly nextSteps?: string;
  readonly successes?: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** The « météo » with its meaning, as PILOTE words it. */
export const METEO_MEANINGS: Readonly<Record<Meteo, string>> = {
  soleil: 'Soleil — objectifs sécurisés',
  couvert: 'Couvert — objectifs atteignables avec vigilance',
  nuage: 'Nuage — objectifs difficiles à atteindre',
  orage: 'Orage — objectifs compromis',
  non_renseignee: 'Non renseignée',
};

export interface AuditRecord {
  readonly id: number;
  readonly at: string;
  readonly osUser: string;
  readonly origin: string;
  readonly entity: string;
  readonly entityId: string;
  readonly action: string;
  readonly field: string | null;
  readonly oldValue: unknown;
  readonly newValue: unknown;
}

export interface BackupInfo {
  /** File name in the backups folder, e.g. `qrr-20261126-091500-000-demarrage.sqlite`. */
  readonly name: string;
  readonly at: string;
  /** demarrage, avant-migration, avant-import, avant-restauration, manuelle */
  readonly reason: string;
  readonly sizeBytes: number;
}

export interface ReportRecord {
  readonly id: number;
  readonly periodCode: string;
  readonly generatedAt: string;
  readonly fileName: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly signed: boolean;
  readonly signer: string;
  readonly transmitted: boolean;
  readonly generatedBy: string;
}

/** What the application says of a report PDF it is given (electron/services/report/verify.ts, summarised). */
export interface ReportVerdict {
  /** The one verdict: `invalid` for any signature present but unusable, modified or appended to — never shown as « non signé ». */
  readonly status: 'valid' | 'invalid' | 'unsigned';
  readonly signed: boolean;
  readonly signer: string | null;
  readonly signingTime: string | null;
  readonly coversWholeFile: boolean;
  readonly intact: boolean;
  readonly trusted: boolean;
  /** « RSA 3072 bits », « ECDSA P-256 ». */
  readonly signatureAlgorithm: string | null;
  /** The signer's certificate at the signing time (declared /M, or proven by a time-stamp). */
  readonly certificate: {
    readonly checkedAt: string;
    readonly checkedAtSource: 'declared' | 'timestamp' | 'verification';
    readonly expired: boolean;
    readonly notYetValid: boolean;
    readonly keyUsageAllowsSigning: boolean;
  } | null;
  readonly chain: readonly string[];
  /** The attached data, when present and covered by a valid signature: its département and quarter. */
  readonly attachment: { readonly departement: string; readonly period: string; readonly trusted: boolean } | null;
  /** French, for the user. */
  readonly problems: readonly string[];
  /** The signature-time-stamp (PAdES B-T), null when the signature has none. */
  readonly timestamp: TimestampVerdict | null;
}

export interface DemoSummaryDto {
  readonly qrrs: number;
  readonly periods: number;
  readonly indicatorValues: number;
  readonly actionStatuses: number;
  readonly assessments: number;
  /** FIPD subsidies and payments of the demonstration (found by the response-schema test: sent, but not declared). */
  readonly subsidies: number;
  readonly payments: number;
}

/** A certification authority the user trusts for report signatures. */
export interface TrustedRoot {
  /** SHA-256 of the certificate, hex. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
}
