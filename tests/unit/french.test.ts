import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefectureName, prefetTitle, withLink } from '../../shared/domain/departement';
import { formatDate, formatDateTime, formatInteger, plural } from '../../shared/format/fr';
import { foldForSearch, matchesSearch } from '../../shared/format/search';
import { DEPARTEMENTS, findDepartement } from '../../electron/services/geography';

describe('French forms', () => {
  it('names the prefect with the right article for every kind of département name', () => {
    const title = (code: string) => prefetTitle(findDepartement(code)!);
    expect(title('34')).toBe("Préfet de l'Hérault");
    expect(title('13')).toBe('Préfet des Bouches-du-Rhône');
    expect(title('59')).toBe('Préfet du Nord');
    expect(title('93')).toBe('Préfet de la Seine-Saint-Denis');
    expect(title('75')).toBe('Préfet de Paris');
    expect(title('28')).toBe("Préfet d'Eure-et-Loir");
    expect(prefectureName(findDepartement('976')!)).toBe('Préfecture de Mayotte');
    expect(DEPARTEMENTS.length).toBeGreaterThanOrEqual(101);
    for (const d of DEPARTEMENTS) expect(withLink(d)).toMatch(/^(de |d'|du |de la |des |de l')\S/);
  });

  it('formats dates in Paris time, the French way', () => {
    expect(formatDate('2021-06-24T10:00:00Z')).toBe('24/06/2021');
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(formatDate('2025-12-31T23:30:00Z')).toBe('01/01/2026');
    expect(formatDateTime('2021-06-24T12:05:00Z')).toBe('24/06/2021 14:05');
    expect(formatInteger(1234567)).toBe('1\u202f234\u202f567');
    expect(plural(1, 'quartier')).toBe('1 quartier');
    expect(plural(0, 'quartier')).toBe('0 quartier');
    expect(plural(3, 'quartier')).toBe('3 quartiers');
  });

  it('finds communes the way people type them', () => {
    expect(matchesSearch('st denis', 'Saint-Denis')).toBe(true);
    expect(matchesSearch('epinay', 'Épinay-sur-Seine')).toBe(true);
    expect(matchesSearch('sur seine', 'Épinay-sur-Seine')).toBe(true);
    expect(matchesSearch('930', 'Aubervilliers', '93001')).toBe(true);
    expect(matchesSearch('denis', 'Aubervilliers', '93001')).toBe(false);
    fc.assert(
      fc.property(fc.string(), (name) => {
        // Folding is idempotent and every name matches itself.
        expect(foldForSearch(foldForSearch(name))).toBe(foldForSearch(name));
        expect(matchesSearch(name, name)).toBe(true);
      }),
    );
  });
});
