import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../electron/services/ipc/dispatch';
import { openCore, snapshot } from '../support/db';

type Core = Awaited<ReturnType<typeof openCore>>;

describe('IPC boundary: every request validated in main, refusals in French, database unchanged', () => {
  let core: Core;
  beforeEach(async () => {
    core = await openCore();
    const saved = await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet', coordinatorName: 'Coordinatrice' });
    expect(saved.ok).toBe(true);
  });
  afterEach(() => core.close());

  /** Dispatches a request that must be refused, and checks nothing was written. */
  async function refused(channel: string, payload: unknown) {
    const before = snapshot(core.db);
    const result = await core.dispatch(channel, payload);
    expect(result.ok, JSON.stringify(result)).toBe(false);
    expect(snapshot(core.db)).toEqual(before);
    if (result.ok) throw new Error('unreachable');
    // A user-facing message: French sentence, no stack trace, no English zod wording.
    expect(result.error.message).toMatch(/^[A-ZÀ-Ü«]/);
    expect(result.error.message).not.toMatch(/\bat \w+ \(|Error:|Expected|Invalid input|Required/);
    return result.error;
  }

  it('refuses an unknown channel', async () => {
    const error = await refused('dropDatabase', {});
    expect(error.code).toBe('UNKNOWN_CHANNEL');
    expect(error.message).toBe("Requête inconnue de l'application : « dropDatabase ».");
    expect((await refused('__proto__', {})).code).toBe('UNKNOWN_CHANNEL');
    expect((await refused('toString', {})).code).toBe('UNKNOWN_CHANNEL');
  });

  it('refuses wrong types with the field named', async () => {
    const error = await refused('createQrr', { name: 42, communes: 'Montpellier' });
    expect(error.code).toBe('VALIDATION');
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['communes', 'name']);
    expect(error.issues?.find((i) => i.path === 'name')?.message).toBe('Le nom du quartier doit être un texte.');
    expect((await refused('createQrr', undefined)).code).toBe('VALIDATION');
    expect((await refused('createQrr', null)).code).toBe('VALIDATION');
    expect((await refused('archiveQrr', { id: '1' })).message).toBe('Identifiant invalide.');
    expect((await refused('archiveQrr', { id: 1.5 })).message).toBe('Identifiant invalide.');
    expect((await refused('listQrrs', {})).code).toBe('VALIDATION');
  });

  it('refuses unexpected fields (no mass assignment)', async () => {
    const error = await refused('createQrr', { name: 'QRR Nord', communes: [], archivedAt: '2020-01-01', id: 99 });
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/archivedAt|id/);
  });

  it('refuses oversized strings and oversized requests', async () => {
    const long = await refused('createQrr', { name: 'Q'.repeat(121), communes: [] });
    expect(long.message).toBe('Le nom du quartier ne peut pas dépasser 120 caractères.');
    const huge = await refused('createQrr', { name: 'QRR', communes: [], padding: 'x'.repeat(MAX_REQUEST_BYTES) });
    expect(huge.code).toBe('PAYLOAD_TOO_LARGE');
    const cyclic: Record<string, unknown> = { name: 'QRR' };
    cyclic.self = cyclic;
    expect((await refused('createQrr', cyclic)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses blank names, malformed and foreign commune codes', async () => {
    expect((await refused('createQrr', { name: '   ', communes: [] })).message).toBe('Le nom du quartier est obligatoire.');
    expect((await refused('createQrr', { name: 'QRR', communes: ['3417'] })).message).toMatch(/Code commune INSEE invalide/);
    // Saint-Denis (93) is not in the Hérault.
    const foreign = await refused('createQrr', { name: 'QRR', communes: ['34172', '93066'] });
    expect(foreign.code).toBe('VALIDATION');
    expect(foreign.message).toBe('Commune inconnue dans le département : 93066. Choisissez les communes dans la liste.');
  });

  it('refuses a duplicate name whatever its case, and an unknown id', async () => {
    expect((await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] })).ok).toBe(true);
    const dup = await refused('createQrr', { name: '  qrr   MOSSON ', communes: [] });
    expect(dup.code).toBe('CONFLICT');
    expect(dup.message).toBe('Un quartier nommé « qrr MOSSON » existe déjà (éventuellement archivé).');
    expect((await refused('updateQrr', { id: 999, name: 'X', communes: [] })).code).toBe('NOT_FOUND');
  });

  it('refuses an unknown département and a change of département once QRRs exist', async () => {
    const unknown = await refused('saveSettings', { departementCode: '96', prefetName: '', coordinatorName: '' });
    expect(unknown.message).toBe('Le département « 96 » n\'existe pas.');
    expect((await core.dispatch('createQrr', { name: 'QRR Mosson', communes: [] })).ok).toBe(true);
    const locked = await refused('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
    expect(locked.code).toBe('CONFLICT');
    // Changing only the names stays possible.
    const renamed = await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Nouveau préfet', coordinatorName: '' });
    expect(renamed).toMatchObject({ ok: true, value: { prefetName: 'Nouveau préfet' } });
  });

  it('refuses to edit an archived QRR until it is restored', async () => {
    const created = await core.dispatch('createQrr', { name: 'QRR Mosson', communes: [] });
    const id = created.ok ? (created.value as { id: number }).id : 0;
    expect((await core.dispatch('archiveQrr', { id })).ok).toBe(true);
    expect((await refused('updateQrr', { id, name: 'Autre', communes: [] })).message).toMatch(/archivé : restaurez-le/);
    expect((await core.dispatch('restoreQrr', { id })).ok).toBe(true);
    expect((await core.dispatch('updateQrr', { id, name: 'Autre', communes: [] })).ok).toBe(true);
  });

  it('answers NOT_CONFIGURED before the département is chosen', async () => {
    const fresh = await openCore();
    try {
      const result = await fresh.dispatch('listCommunes', undefined);
      expect(result).toEqual({
        ok: false,
        error: { code: 'NOT_CONFIGURED', message: "Choisissez d'abord le département dans les paramètres." },
      });
      expect(await fresh.dispatch('listQrrs', { includeArchived: true })).toEqual({ ok: true, value: [] });
    } finally {
      fresh.close();
    }
  });

  it('turns an unexpected failure into a generic French message and logs the detail', async () => {
    core.db.exec('DROP TABLE qrr_commune');
    const result = await core.dispatch('createQrr', { name: 'QRR', communes: [] });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: "Une erreur inattendue s'est produite ; rien n'a été enregistré. Le détail figure dans le journal technique.",
      },
    });
    // The transaction was rolled back: no QRR without its communes.
    expect(core.db.prepare('SELECT count(*) FROM qrr').pluck().get()).toBe(0);
  });
});
