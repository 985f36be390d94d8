/**
 * The communes of a département are read without parsing all of France
 * (electron/services/geography.ts): the result must be exactly what parsing
 * the whole file gives, for every département, and a file laid out otherwise
 * must still be read (whole).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGeography } from '../../electron/services/geography';

const COMMUNES_FILE = require.resolve('@etalab/decoupage-administratif/data/communes.json');

interface Raw {
  code: string;
  nom: string;
  departement?: string;
  type: string;
  population?: number;
}
const collator = new Intl.Collator('fr', { numeric: true });
const all = JSON.parse(fs.readFileSync(COMMUNES_FILE, 'utf8')) as Raw[];
const expected = (code: string) =>
  all
    .filter((c) => c.type === 'commune-actuelle' && c.departement === code)
    .map((c) => ({ code: c.code, nom: c.nom, population: c.population ?? null }))
    .sort((a, b) => collator.compare(a.nom, b.nom));
const codes = [...new Set(all.map((c) => c.departement).filter((d): d is string => d !== undefined))];

describe('communes per département', () => {
  it('gives, for each of the 109 départements, the current communes the whole file gives, sorted by name', () => {
    expect(codes.length).toBeGreaterThanOrEqual(100);
    const geography = createGeography(COMMUNES_FILE);
    for (const code of codes) expect(geography.communesOf(code), code).toEqual(expected(code));
    expect(geography.communesOf('99')).toEqual([]);
  });

  it('reads a file that does not hold one commune per line (parsed whole)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-communes-'));
    try {
      const file = path.join(dir, 'communes.json');
      fs.writeFileSync(file, JSON.stringify(all.filter((c) => c.departement === '34' || c.departement === '93'), null, 2));
      const geography = createGeography(file);
      expect(geography.communesOf('34')).toEqual(expected('34'));
      expect(geography.communesOf('93')).toEqual(expected('93'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
