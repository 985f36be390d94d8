import type { Departement } from './types';

/**
 * The linking word before a département's name, from INSEE's « type de nom en
 * clair » (TNCC) that @etalab/decoupage-administratif ships as `typeLiaison`:
 * 0 « de Paris », 1 « d'Eure-et-Loir », 2 « du Nord », 3 « de la Gironde »,
 * 4 « des Landes », 5 « de l'Ain ».
 */
const LINKS: Readonly<Record<number, string>> = { 0: 'de ', 1: "d'", 2: 'du ', 3: 'de la ', 4: 'des ', 5: "de l'" };

/** « de l'Hérault », « du Nord », « des Bouches-du-Rhône ». */
export const withLink = (d: Pick<Departement, 'nom' | 'typeLiaison'>): string => `${LINKS[d.typeLiaison] ?? 'de '}${d.nom}`;

/** « Préfet de l'Hérault »: the line of the bloc-marque and of the report cover. */
export const prefetTitle = (d: Pick<Departement, 'nom' | 'typeLiaison'>): string => `Préfet ${withLink(d)}`;

/** « Préfecture de l'Hérault ». */
export const prefectureName = (d: Pick<Departement, 'nom' | 'typeLiaison'>): string => `Préfecture ${withLink(d)}`;
