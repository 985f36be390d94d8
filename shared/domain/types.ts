/** Data shapes shared by main, renderer and reports. Dates are ISO 8601 strings (UTC). */

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
}
