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

export interface Qrr {
  readonly id: number;
  readonly name: string;
  readonly communes: readonly QrrCommune[];
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
