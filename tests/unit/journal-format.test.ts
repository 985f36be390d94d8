import { describe, expect, it } from 'vitest';
import {
  actionLabel,
  AUDIT_ENTITIES,
  backupReasonLabel,
  buildAuditQuery,
  changeParts,
  elementLabel,
  entityLabel,
  fieldLabel,
  formatAuditValue,
  formatChange,
  formatFileSize,
  NO_FILTERS,
  originLabel,
  pageRangeLabel,
  parisDayEndIso,
  parisDayStartIso,
  qrrLabel,
  restoreSuccessMessage,
  truncate,
} from '../../shared/format/journal';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('journal labels', () => {
  it('names every audited entity in French, in the filter order', () => {
    expect(AUDIT_ENTITIES.map((e) => e.label)).toEqual([
      'Paramètres',
      'Quartiers',
      'Périodes',
      "Valeurs d'indicateurs",
      "Statuts d'actions",
      'Appréciations',
      'Sans objet',
      'Valeurs initiales et cibles',
      'Enveloppes de crédits',
      'Subventions',
      'Versements',
      'Rapports',
      "Imports de fichiers d'échange",
      'Restaurations depuis un autre poste',
      'Autorités de confiance',
      'Référentiel',
      'Schéma de la base',
    ]);
    expect(elementLabel({ entity: 'fipd_envelope', entityId: '3|2026|fipd' }, new Map([[3, 'QRR Mosson']]))).toBe('QRR Mosson · enveloppe FIPD (programme 216) 2026');
    expect(elementLabel({ entity: 'exchange_import', entityId: 'a1b2c3d4e5f60718293a' })).toBe('Import du fichier a1b2c3d4e5f6…');
    expect(entityLabel('indicator_value')).toBe("Valeurs d'indicateurs");
    expect(entityLabel('inconnu')).toBe('inconnu');
  });

  it('translates actions, origins and fields', () => {
    expect(['create', 'update', 'delete', 'archive', 'restore', 'migrate'].map(actionLabel)).toEqual([
      'Création',
      'Modification',
      'Suppression',
      'Archivage',
      'Restauration',
      'Migration',
    ]);
    expect(actionLabel('other')).toBe('other');
    expect(['ui', 'cli', 'migration', 'demo'].map(originLabel)).toEqual(['Saisie', 'Ligne de commande', 'Migration', 'Démonstration']);
    expect(originLabel('import:suivi-T3.xlsx')).toBe('Import : suivi-T3.xlsx');
    expect(originLabel('import:')).toBe('Import');
    expect(originLabel('script')).toBe('script');
    expect(fieldLabel('value')).toBe('Valeur');
    expect(fieldLabel('target')).toBe('Cible');
    expect(fieldLabel('comment')).toBe('Commentaire');
    expect(fieldLabel('name')).toBe('Nom');
    expect(fieldLabel('communes')).toBe('Communes');
    expect(fieldLabel('qpvCodes')).toBe('QPV');
    expect(fieldLabel('state')).toBe('État');
    expect(fieldLabel('meteo')).toBe('Météo');
    expect(fieldLabel(null)).toBe('—');
    expect(fieldLabel('nouveauChamp')).toBe('nouveauChamp');
  });

  it('describes the element each entry is about', () => {
    const names = new Map([[3, 'QRR Mosson']]);
    expect(elementLabel({ entity: 'indicator_value', entityId: '3|01-01|2026-T3' })).toBe('QRR n° 3 · indicateur 01-01 · 3e trimestre 2026');
    expect(elementLabel({ entity: 'indicator_value', entityId: '3|01-01|2026-T3' }, names)).toBe(
      'QRR Mosson · indicateur 01-01 · 3e trimestre 2026',
    );
    expect(elementLabel({ entity: 'action_status', entityId: '4|02-01 bis|2027-T1' }, names)).toBe(
      'QRR n° 4 · action 02-01 bis · 1er trimestre 2027',
    );
    expect(elementLabel({ entity: 'assessment', entityId: '3|05|2026-T4' }, names)).toBe('QRR Mosson · engagement 05 · 4e trimestre 2026');
    expect(elementLabel({ entity: 'qrr', entityId: '3' }, names)).toBe('QRR Mosson');
    expect(elementLabel({ entity: 'qrr', entityId: '7' }, names)).toBe('QRR n° 7');
    expect(elementLabel({ entity: 'period', entityId: '2026-T4' })).toBe('4e trimestre 2026');
    expect(elementLabel({ entity: 'settings', entityId: '1' })).toBe('Paramètres');
    expect(elementLabel({ entity: 'referential', entityId: '1' })).toBe('Référentiel');
    expect(elementLabel({ entity: 'schema', entityId: '3' })).toBe('Schéma de la base · version 3');
    expect(elementLabel({ entity: 'indicator_value', entityId: 'abîmé' })).toBe('indicateur abîmé');
    expect(elementLabel({ entity: 'autre', entityId: 'x' })).toBe('autre x');
    expect(qrrLabel('12')).toBe('QRR n° 12');
  });
});

describe('journal values', () => {
  const value = { entity: 'indicator_value', field: 'value' };

  it('shows nothing as a dash, numbers the French way, text between guillemets', () => {
    expect(formatAuditValue(null, value)).toBe('—');
    expect(formatAuditValue(undefined, value)).toBe('—');
    expect(formatAuditValue('', { entity: 'indicator_value', field: 'comment' })).toBe('—');
    expect(formatAuditValue(1234567.5, { entity: 'qrr', field: 'population' })).toBe(`1${NNBSP}234${NNBSP}567,5`);
    expect(formatAuditValue('Chiffres du rectorat', { entity: 'indicator_value', field: 'source' })).toBe('« Chiffres du rectorat »');
    expect(formatAuditValue(true, value)).toBe('Oui');
    expect(formatAuditValue(3, { entity: 'referential', field: 'version' })).toBe('3');
  });

  it('shows objects as « clé : valeur » pairs, leaving out empty parts', () => {
    expect(formatAuditValue({ count: 12 }, value)).toBe('Nombre : 12');
    expect(formatAuditValue({ numerator: 1200, denominator: null }, value)).toBe(`Numérateur : 1${NNBSP}200`);
    expect(formatAuditValue({ count: 4, amountCents: 1250000 }, value)).toBe(`Nombre : 4 ; Montant : 12${NNBSP}500,00${NBSP}€`);
    expect(formatAuditValue({ evenings: true, weekends: false }, value)).toBe('Soirs : Oui ; Week-ends : Non');
    expect(formatAuditValue({ state: 'en_cours' }, value)).toBe('État : En cours');
    expect(formatAuditValue({ count: null }, value)).toBe('—');
    expect(formatAuditValue({ inconnu: 'x' }, value)).toBe('inconnu : « x »');
  });

  it('shows coded values by their French label and lists bare', () => {
    expect(formatAuditValue('en_cours', { entity: 'action_status', field: 'status' })).toBe('En cours');
    expect(formatAuditValue('soleil', { entity: 'assessment', field: 'meteo' })).toBe('Soleil');
    expect(formatAuditValue('baisse', { entity: 'assessment', field: 'trend' })).toBe('En baisse');
    expect(formatAuditValue('transmitted', { entity: 'period', field: 'state' })).toBe('Transmis');
    expect(formatAuditValue({ state: 'open' }, { entity: 'period', field: null })).toBe('État : Ouvert');
    expect(formatAuditValue('police', { entity: 'qrr', field: 'securityZone' })).toBe('Zone police');
    expect(formatAuditValue('2019', { entity: 'qrr', field: 'wave' })).toBe('2e vague (2019)');
    expect(formatAuditValue(['93066', '93001'], { entity: 'qrr', field: 'communes' })).toBe('93066, 93001');
    expect(formatAuditValue([], { entity: 'qrr', field: 'qpvCodes' })).toBe('—');
    expect(formatAuditValue('2021-06-24T12:05:00.000Z', { entity: 'qrr', field: 'archivedAt' })).toBe('24/06/2021 14:05');
    // A free text that happens to be a code stays a quoted text elsewhere.
    expect(formatAuditValue('en_cours', { entity: 'action_status', field: 'comment' })).toBe('« en_cours »');
  });

  it('summarises a created QRR compactly', () => {
    const created = {
      name: 'QRR Franc-Moisin',
      communes: ['93066'],
      qpvCodes: [],
      securityZone: 'police',
      wave: null,
      deleguePrefet: '',
      referents: '',
      population: 9500,
      notes: '',
    };
    expect(formatAuditValue(created, { entity: 'qrr', field: null })).toBe(
      `Nom : « QRR Franc-Moisin » ; Communes : 93066 ; Zone de sécurité : Zone police ; Population : 9${NNBSP}500`,
    );
  });

  it('shortens long values', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('abcdef', 0)).toBe('abcdef');
    const long = formatAuditValue('x'.repeat(500), { entity: 'indicator_value', field: 'comment' }, 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });

  it('puts old and new values on each side of an arrow', () => {
    const base = { entity: 'indicator_value', field: 'value' };
    expect(formatChange({ ...base, action: 'update', oldValue: null, newValue: { count: 12 } })).toBe('— → Nombre : 12');
    expect(formatChange({ ...base, action: 'update', oldValue: { count: 12 }, newValue: { count: 15 } })).toBe('Nombre : 12 → Nombre : 15');
    expect(changeParts({ entity: 'qrr', field: null, action: 'create', oldValue: null, newValue: { name: 'A' } })).toEqual({
      before: null,
      after: 'Nom : « A »',
    });
    expect(changeParts({ entity: 'qrr', field: null, action: 'delete', oldValue: { name: 'A' }, newValue: null })).toEqual({
      before: 'Nom : « A »',
      after: null,
    });
    expect(formatChange({ entity: 'schema', field: null, action: 'migrate', oldValue: null, newValue: 'initial' })).toBe('« initial »');
  });
});

describe('journal filters', () => {
  it('turns a Paris calendar day into ISO bounds, the whole day included', () => {
    // Summer: UTC+2.
    expect(parisDayStartIso('2021-06-24')).toBe('2021-06-23T22:00:00.000Z');
    expect(parisDayEndIso('2021-06-24')).toBe('2021-06-24T21:59:59.999Z');
    // Winter: UTC+1, and the year changes.
    expect(parisDayStartIso('2026-01-01')).toBe('2025-12-31T23:00:00.000Z');
    expect(parisDayEndIso('2025-12-31')).toBe('2025-12-31T22:59:59.999Z');
    // Days of the clock change: 23 and 25 hours.
    expect(parisDayStartIso('2026-03-29')).toBe('2026-03-28T23:00:00.000Z');
    expect(parisDayEndIso('2026-03-29')).toBe('2026-03-29T21:59:59.999Z');
    expect(parisDayStartIso('2026-10-25')).toBe('2026-10-24T22:00:00.000Z');
    expect(parisDayEndIso('2026-10-25')).toBe('2026-10-25T22:59:59.999Z');
    // End of month and leap day.
    expect(parisDayEndIso('2024-02-29')).toBe('2024-02-29T22:59:59.999Z');
    expect(parisDayStartIso('2023-02-29')).toBeNull();
    expect(parisDayStartIso('24/06/2021')).toBeNull();
    expect(parisDayEndIso('')).toBeNull();
  });

  it('builds the listAudit request from the form', () => {
    expect(buildAuditQuery(NO_FILTERS, 0, 50)).toEqual({ ok: true, query: { limit: 50, offset: 0 } });
    expect(
      buildAuditQuery({ entity: 'indicator_value', search: '  01-03 ', osUser: ' jdupont ', from: '2026-07-01', to: '2026-07-01' }, 100, 50),
    ).toEqual({
      ok: true,
      query: {
        entity: 'indicator_value',
        search: '01-03',
        osUser: 'jdupont',
        from: '2026-06-30T22:00:00.000Z',
        to: '2026-07-01T21:59:59.999Z',
        limit: 50,
        offset: 100,
      },
    });
    expect(buildAuditQuery({ ...NO_FILTERS, from: '2026-07-02', to: '2026-07-01' }, 0, 50)).toEqual({
      ok: false,
      field: 'to',
      message: 'La date de fin est antérieure à la date de début.',
    });
    expect(buildAuditQuery({ ...NO_FILTERS, from: '2026-13-01' }, 0, 50)).toMatchObject({ ok: false, field: 'from' });
    expect(buildAuditQuery({ ...NO_FILTERS, to: 'demain' }, 0, 50)).toMatchObject({ ok: false, field: 'to' });
  });

  it('labels the page range', () => {
    expect(pageRangeLabel(0, 50, 1234)).toBe(`1–50 sur 1${NNBSP}234`);
    expect(pageRangeLabel(1200, 34, 1234)).toBe(`1${NNBSP}201–1${NNBSP}234 sur 1${NNBSP}234`);
    expect(pageRangeLabel(0, 0, 0)).toBe('0 sur 0');
  });
});

describe('backups', () => {
  it('names the reasons in French', () => {
    expect(['demarrage', 'avant-migration', 'avant-import', 'avant-restauration', 'manuelle'].map(backupReasonLabel)).toEqual([
      'Au démarrage',
      'Avant migration',
      'Avant import',
      'Avant restauration',
      'Manuelle',
    ]);
    expect(backupReasonLabel('autre')).toBe('autre');
  });

  it('formats sizes the French way', () => {
    expect(formatFileSize(0)).toBe(`0${NBSP}o`);
    expect(formatFileSize(512)).toBe(`512${NBSP}o`);
    expect(formatFileSize(12 * 1024)).toBe(`12${NBSP}ko`);
    expect(formatFileSize(1536)).toBe(`1,5${NBSP}ko`);
    expect(formatFileSize(1.2 * 1024 * 1024)).toBe(`1,2${NBSP}Mo`);
    expect(formatFileSize(1024 * 1024 - 1)).toBe(`1${NBSP}Mo`);
    expect(formatFileSize(250 * 1024 * 1024)).toBe(`250${NBSP}Mo`);
    expect(formatFileSize(2.5 * 1024 ** 3)).toBe(`2,5${NBSP}Go`);
    expect(formatFileSize(-1)).toBe('—');
  });

  it('announces a restore with the safety backup', () => {
    expect(restoreSuccessMessage('2021-06-24T12:05:00.000Z', 'qrr-20261126-091500-000-avant-restauration.sqlite')).toBe(
      "Sauvegarde du 24/06/2021 14:05 restaurée. L'état précédent a été sauvegardé (qrr-20261126-091500-000-avant-restauration.sqlite).",
    );
    expect(restoreSuccessMessage('2021-06-24T12:05:00.000Z', null)).toBe('Sauvegarde du 24/06/2021 14:05 restaurée.');
  });
});
