/**
 * Per-user signing preferences (electron/services/signing-preferences.ts):
 * one JSON file, an entry per operating-system user, written atomically;
 * module paths checked before they are kept; usual modules proposed only
 * when present on this machine. No password or PIN can be stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigningPreferences, proposedModules } from '../../electron/services/signing-preferences';
import { openCore, tempDir } from '../support/db';
import { hasSoftHsm, SOFTHSM_MODULE } from '../support/softhsm';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('signing preferences', () => {
  it('keeps one entry per user, survives an unreadable file, and stores only what the types allow', async () => {
    const dir = tempDir('qrr-prefs-');
    dirs.push(dir);
    const core = await openCore(dir);
    try {
      const file = path.join(dir, 'preferences.json');
      const ctx = (osUser: string) => ({ db: core.db, now: () => new Date(), osUser, origin: 'test' });
      const camille = createSigningPreferences(file, 'camille');
      const dominique = createSigningPreferences(file, 'dominique');
      expect(camille.get()).toEqual({ pkcs11ModulePath: null, lastChoice: null });

      const library = path.join(dir, 'module-carte.so');
      fs.writeFileSync(library, 'pas vraiment une bibliothèque, mais un fichier');
      camille.setModulePath(ctx('camille'), library);
      camille.remember({ kind: 'p12', path: 'C:\\Users\\camille\\signature.p12' });
      dominique.remember({
        kind: 'pkcs11',
        modulePath: library,
        slot: 3,
        tokenLabel: 'Carte agent',
        tokenSerial: 'ABC123',
        certificateId: '01',
        certificateLabel: 'Signature',
        subject: 'Dominique Bernard',
      });
      expect(camille.get()).toEqual({ pkcs11ModulePath: library, lastChoice: { kind: 'p12', path: 'C:\\Users\\camille\\signature.p12' } });
      expect(dominique.get()).toMatchObject({ pkcs11ModulePath: null, lastChoice: { kind: 'pkcs11', certificateId: '01' } });
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('preferences'))).toEqual(['preferences.json']);

      // Refused paths change nothing.
      for (const [bad, code] of [
        ['module.so', 'VALIDATION'],
        [path.join(dir, 'notes.txt'), 'VALIDATION'],
        [path.join(dir, 'absent.dll'), 'NOT_FOUND'],
      ] as const) {
        expect(() => camille.setModulePath(ctx('camille'), bad)).toThrow(expect.objectContaining({ code }));
      }
      expect(camille.get().pkcs11ModulePath).toBe(library);

      // A damaged file loses the convenience, never blocks.
      fs.writeFileSync(file, '{ pas du JSON');
      expect(camille.get()).toEqual({ pkcs11ModulePath: null, lastChoice: null });
      camille.remember({ kind: 'p12', path: '/home/camille/signature.p12' });
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
        version: 1,
        users: { camille: { pkcs11ModulePath: null, lastChoice: { kind: 'p12', path: '/home/camille/signature.p12' } } },
      });
    } finally {
      core.close();
    }
  });

  it('proposes only modules present on this machine, each library once', () => {
    const found = proposedModules('linux');
    expect(found.every((m) => fs.existsSync(m))).toBe(true);
    expect(new Set(found.map((m) => fs.realpathSync(m))).size).toBe(found.length);
    if (hasSoftHsm()) expect(found).toContain(SOFTHSM_MODULE);
    // No carte agent middleware on this Linux machine under Windows paths.
    const empty = tempDir('qrr-win-');
    dirs.push(empty);
    expect(proposedModules('win32', { SystemRoot: path.join(empty, 'Windows'), ProgramFiles: path.join(empty, 'Program Files') })).toEqual([]);
  });

  it('over IPC: a .p12 is sent either as bytes or by path, never both, and a path must name an existing .p12 / .pfx', async () => {
    const dir = tempDir('qrr-prefs-ipc-');
    dirs.push(dir);
    const core = await openCore(dir);
    try {
      const request = (signature: Record<string, unknown>) =>
        core.dispatch('generateReport', { periodCode: '2026-T4', transmit: false, signature: { password: 'x', visible: false, ...signature } });
      expect(await request({ p12Base64: 'AAAA', p12Path: path.join(dir, 'a.p12') })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'Choisissez le fichier du certificat (.p12 ou .pfx).' } });
      expect(await request({})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await request({ p12Path: 'signature.p12' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/chemin complet/) } });
      expect(await request({ p12Path: path.join(dir, 'rapport.pdf') })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/n'est pas un fichier \.p12 ou \.pfx/) } });
      expect(await request({ p12Path: path.join(dir, 'déplacé.p12') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/introuvable : a-t-il été déplacé/) } });
      // A token signature without the module set in Paramètres.
      const token = await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: false, signature: { token: { certificateId: '01' }, pin: '1234', visible: false } });
      expect(token).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } });
    } finally {
      core.close();
    }
  });
});
