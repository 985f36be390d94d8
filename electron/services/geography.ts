import fs from 'node:fs';
import departementsData from '@etalab/decoupage-administratif/data/departements.json';
import type { Commune, Departement } from '../../shared/domain/types';

/**
 * Départements and communes from @etalab/decoupage-administratif (Licence
 * Ouverte). Départements are small and bundled; the communes file (8 MB, all of
 * France) is read once, on first use, from the path the composition root gives.
 */

interface RawDepartement {
  readonly code: string;
  readonly nom: string;
  readonly region: string;
  readonly zone: 'metro' | 'drom' | 'com';
  readonly typeLiaison: number;
}
interface RawCommune {
  readonly code: string;
  readonly nom: string;
  readonly departement?: string;
  readonly type: string;
  readonly population?: number;
}

const collator = new Intl.Collator('fr', { numeric: true });

export const DEPARTEMENTS: readonly Departement[] = (departementsData as readonly RawDepartement[]).map((d) => ({
  code: d.code,
  nom: d.nom,
  region: d.region,
  zone: d.zone,
  typeLiaison: d.typeLiaison,
}));

const departementByCode = new Map(DEPARTEMENTS.map((d) => [d.code, d]));

export const findDepartement = (code: string): Departement | undefined => departementByCode.get(code);

export interface Geography {
  /** Current communes of a département, sorted by name. */
  communesOf(departementCode: string): readonly Commune[];
}

export function createGeography(communesFile: string): Geography {
  let byDepartement: Map<string, Commune[]> | undefined;
  const load = (): Map<string, Commune[]> => {
    if (byDepartement) return byDepartement;
    const raw = JSON.parse(fs.readFileSync(communesFile, 'utf8')) as readonly RawCommune[];
    const map = new Map<string, Commune[]>();
    for (const c of raw) {
      if (c.type !== 'commune-actuelle' || !c.departement) continue;
      const list = map.get(c.departement) ?? [];
      list.push({ code: c.code, nom: c.nom, population: c.population ?? null });
      map.set(c.departement, list);
    }
    for (const list of map.values()) list.sort((a, b) => collator.compare(a.nom, b.nom));
    byDepartement = map;
    return map;
  };
  return { communesOf: (code) => load().get(code) ?? [] };
}
