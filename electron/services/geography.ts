import fs from 'node:fs';
import departementsData from '@etalab/decoupage-administratif/data/departements.json';
import type { Commune, Departement } from '../../shared/domain/types';

/**
 * Départements and communes from @etalab/decoupage-administratif (Licence
 * Ouverte). Départements are small and bundled; the communes file (8 MB, all of
 * France) is read per département, on first use, from the path the composition
 * root gives: only that département's lines are parsed.
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

const toCommune = (c: RawCommune): Commune => ({ code: c.code, nom: c.nom, population: c.population ?? null });
const isCurrentOf = (c: RawCommune, departementCode: string): boolean => c.type === 'commune-actuelle' && c.departement === departementCode;

/**
 * The current communes of one département, without parsing all of France:
 * the file holds one commune per line, so only the lines naming the
 * département are parsed (a few hundred of 37,000: ~20 ms instead of ~300).
 * Null when the file is not laid out that way (the caller parses it whole).
 */
function scanDepartement(file: Buffer, departementCode: string): Commune[] | null {
  if (!oneCommunePerLine(file)) return null;
  const needle = Buffer.from(`"departement":${JSON.stringify(departementCode)}`);
  const communes: Commune[] = [];
  for (let at = file.indexOf(needle); at >= 0; at = file.indexOf(needle, at + needle.length)) {
    const start = file.lastIndexOf(10, at) + 1;
    const newline = file.indexOf(10, at);
    const line = file.toString('utf8', start, newline < 0 ? file.length : newline).trim().replace(/,$/, '');
    let raw: RawCommune;
    try {
      raw = JSON.parse(line) as RawCommune;
    } catch {
      return null;
    }
    if (typeof raw !== 'object' || raw === null || raw.departement === undefined) return null;
    if (isCurrentOf(raw, departementCode)) communes.push(toCommune(raw));
  }
  return communes;
}

/** The layout the scan relies on: `[`, then one whole commune object per line, written without spaces. */
function oneCommunePerLine(file: Buffer): boolean {
  const first = file.indexOf(10);
  const second = file.indexOf(10, first + 1);
  if (first < 0 || second < 0 || file.toString('utf8', 0, first).trim() !== '[') return false;
  try {
    const raw = JSON.parse(file.toString('utf8', first + 1, second).trim().replace(/,$/, '')) as RawCommune;
    return typeof raw.departement === 'string' && file.includes(`"departement":${JSON.stringify(raw.departement)}`);
  } catch {
    return false;
  }
}

export function createGeography(communesFile: string): Geography {
  const byDepartement = new Map<string, readonly Commune[]>();
  const load = (code: string): readonly Commune[] => {
    const known = byDepartement.get(code);
    if (known) return known;
    const file = fs.readFileSync(communesFile);
    const list =
      scanDepartement(file, code) ??
      (JSON.parse(file.toString('utf8')) as readonly RawCommune[]).filter((c) => isCurrentOf(c, code)).map(toCommune);
    list.sort((a, b) => collator.compare(a.nom, b.nom));
    byDepartement.set(code, list);
    return list;
  };
  return { communesOf: load };
}
