/**
 * Smart cards and USB tokens through PKCS#11, against SoftHSM2: a token
 * initialised here holds an RSA and an ECDSA key with the test PKI's
 * certificates, a certificate whose key is missing, and the CA certificates.
 * Everything goes through the IPC requests the Rapports screen sends, over a
 * real SQLite file: the reports signed on the token are valid for pdfsig and
 * mutool; a wrong PIN, a blocked card, a card taken out, a certificate without
 * its key and a library that is not a PKCS#11 module are each refused in
 * French with nothing written (no file, no report row, no journal line, the
 * quarter still open). The PIN never reaches the preferences file.
 */
import { generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecdsaRawToDer, listTokenCertificates } from '../../electron/services/report/pkcs11-signer';
import { PREFERENCES_FILE } from '../../electron/services/signing-preferences';
import type { SigningSetup, TokenCertificateDto } from '../../shared/domain/signing';
import { openCore, tempDir } from '../support/db';
import { certificatePem, makeTestPki } from '../support/pki';
import { openssl, writeIssuer } from '../support/openssl-pki';
import { independentVerdict } from '../support/pdf-tools';
import { addSigner, buildLockedCardModule, hasSoftHsm, importCertificate, initToken, removeToken, SOFTHSM_MODULE, type TestToken } from '../support/softhsm';

const PERIOD = '2026-T4';
const RSA_CN = 'Camille Martin — carte agent RSA';
const EC_CN = 'Camille Martin — carte agent ECDSA';
const ORPHAN_CN = 'Certificat sans sa clé';

type Core = Awaited<ReturnType<typeof openCore>>;

describe.skipIf(!hasSoftHsm())('PKCS#11 signing with a SoftHSM2 token, over IPC', () => {
  let dir: string;
  let core: Core;
  let token: TestToken;

  const call = async <T,>(channel: string, payload?: unknown): Promise<T> => {
    const result = await core.dispatch(channel, payload);
    if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
    return (result as { ok: true; value: T }).value;
  };
  const reportsDir = (): string => path.join(dir, 'rapports');
  const state = () => ({
    files: fs.existsSync(reportsDir()) ? fs.readdirSync(reportsDir()) : [],
    reports: (core.db.prepare('SELECT count(*) AS n FROM report').get() as { n: number }).n,
    audit: (core.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n,
    period: (core.db.prepare('SELECT state FROM period WHERE code = ?').get(PERIOD) as { state: string }).state,
  });
  const sign = (certificateId: string, pin: string, transmit = false) =>
    core.dispatch('generateReport', {
      periodCode: PERIOD,
      transmit,
      signature: { token: { tokenLabel: token.label, certificateId }, pin, visible: true },
    });
  /** A refusal: French message, and nothing at all written. */
  async function expectRefused(attempt: () => Promise<unknown>, message: RegExp): Promise<void> {
    const before = state();
    const result = (await attempt()) as { ok: boolean; error?: { message: string } };
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(message);
    expect(state()).toEqual(before);
  }

  beforeAll(async () => {
    dir = tempDir('qrr-pkcs11-');
    token = initToken(dir, 'Carte agent QRR', '4321');
    const pki = makeTestPki({ password: 'inutilisé' });
    const issuer = writeIssuer(dir, pki);
    addSigner(token, dir, issuer, { kind: 'RSA 3072', commonName: RSA_CN, serial: 2001, id: '01', label: 'Signature RSA' });
    addSigner(token, dir, issuer, { kind: 'ECDSA P-256', commonName: EC_CN, serial: 2002, id: '02', label: 'Signature ECDSA' });
    addSigner(token, dir, issuer, { kind: 'RSA 2048', commonName: ORPHAN_CN, serial: 2003, id: '03', label: 'Sans clé', withKey: false });
    // The CA certificates, as cards carry them: not offered for signing, used for the chain.
    for (const [name, issued] of [['intermediaire', pki.intermediate], ['racine', pki.root]] as const) {
      const pem = path.join(dir, `${name}.pem`);
      fs.writeFileSync(pem, certificatePem(issued));
      openssl(['x509', '-in', pem, '-outform', 'DER', '-out', `${pem}.der`]);
      importCertificate(token, `${pem}.der`, name === 'racine' ? 'a1' : 'a0', name);
    }

    core = await openCore(dir, { now: () => new Date() });
    await call('installDemo');
  }, 180_000);

  afterAll(() => {
    core?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('proposes SoftHSM among the modules found here, and keeps the module chosen per user, journaled', async () => {
    const before = await call<SigningSetup>('getSigningSetup');
    expect(before).toMatchObject({ pkcs11ModulePath: null, lastChoice: null });
    expect(before.proposedModules).toContain(SOFTHSM_MODULE);
    // Listing needs a module first.
    expect(await core.dispatch('listTokenCertificates', undefined)).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } });
    expect(await core.dispatch('setPkcs11Module', { modulePath: 'relatif/module.so' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.dispatch('setPkcs11Module', { modulePath: path.join(dir, 'absent.so') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const after = await call<SigningSetup>('setPkcs11Module', { modulePath: SOFTHSM_MODULE });
    expect(after.pkcs11ModulePath).toBe(SOFTHSM_MODULE);
    const journal = core.db.prepare("SELECT field, old_value, new_value FROM audit_log WHERE entity = 'preferences'").all();
    expect(journal).toEqual([{ field: 'pkcs11ModulePath', old_value: 'null', new_value: JSON.stringify(SOFTHSM_MODULE) }]);
  });

  it('lists the signing certificates of the token (not the CA certificates), without a PIN', async () => {
    const listed = await call<TokenCertificateDto[]>('listTokenCertificates');
    expect(listed.map((c) => [c.subject, c.label, c.id, c.keyAlgorithm])).toEqual(
      expect.arrayContaining([
        [RSA_CN, 'Signature RSA', '01', 'RSA'],
        [EC_CN, 'Signature ECDSA', '02', 'ECDSA'],
        [ORPHAN_CN, 'Sans clé', '03', 'RSA'],
      ]),
    );
    expect(listed).toHaveLength(3);
    for (const c of listed) {
      expect(c).toMatchObject({ tokenLabel: 'Carte agent QRR', issuer: 'AC intermédiaire des préfectures (test)' });
      expect(Number.isInteger(c.slot)).toBe(true);
      expect(new Date(c.notAfter).getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('refuses a wrong PIN in French, with nothing written', async () => {
    await expectRefused(() => sign('01', '0000'), /^Code PIN incorrect : rien n’a été signé/);
  });

  it('refuses a certificate whose private key is not on the card', async () => {
    await expectRefused(() => sign('03', token.pin), /^La carte ne contient pas la clé privée du certificat de « Certificat sans sa clé »/);
  });

  it('signs on the token with RSA (CKM_SHA256_RSA_PKCS): pdfsig and mutool accept the report, the certificate is remembered, not the PIN', async () => {
    const produced = await call<{ path: string; signer: string; signed: boolean }>('generateReport', {
      periodCode: PERIOD,
      transmit: false,
      signature: { token: { tokenLabel: token.label, certificateId: '01' }, pin: token.pin, visible: true },
    });
    expect(produced).toMatchObject({ signed: true, signer: RSA_CN });
    const verdict = independentVerdict(produced.path);
    expect(verdict, verdict.output).toMatchObject({ pdfsigValid: true, wholeDocument: true, mutoolUnchanged: true });
    expect(verdict.output).toContain(`Signer Certificate Common Name: ${RSA_CN}`);

    const setup = await call<SigningSetup>('getSigningSetup');
    expect(setup.lastChoice).toMatchObject({ kind: 'pkcs11', modulePath: SOFTHSM_MODULE, tokenLabel: 'Carte agent QRR', certificateId: '01', subject: RSA_CN });
    const stored = fs.readFileSync(path.join(dir, PREFERENCES_FILE), 'utf8');
    expect(stored).not.toContain(token.pin);
    expect(stored).not.toMatch(/pin|password|mot ?de ?passe/i);
  });

  it('signs on the token with ECDSA P-256 (CKM_ECDSA, r||s turned into DER) and transmits the quarter', async () => {
    const produced = await call<{ path: string; signer: string; transmitted: boolean }>('generateReport', {
      periodCode: PERIOD,
      transmit: true,
      confirmIncomplete: true,
      signature: { token: { tokenLabel: token.label, certificateId: '02' }, pin: token.pin, visible: false },
    });
    expect(produced).toMatchObject({ signer: EC_CN, transmitted: true });
    const verdict = independentVerdict(produced.path);
    expect(verdict, verdict.output).toMatchObject({ pdfsigValid: true, wholeDocument: true, mutoolUnchanged: true });
    expect(state().period).toBe('transmitted');
    // The quarter is read-only now; back to open for the refusals below (reason journaled, as users do).
    await call('reopenPeriod', { code: PERIOD, reason: 'Essais de signature par carte' });
  });

  it('refuses a blocked card (CKR_PIN_LOCKED) in French, with nothing written', async () => {
    const locked = buildLockedCardModule(dir);
    await call('setPkcs11Module', { modulePath: locked });
    await expectRefused(() => sign('01', token.pin), /^La carte est bloquée \(trop de codes PIN faux\) : rien n’a été signé/);
    await call('setPkcs11Module', { modulePath: SOFTHSM_MODULE });
  });

  it('refuses a library that is not a PKCS#11 module, and a module that is gone', async () => {
    const copy = path.join(dir, 'copie-module.so');
    fs.copyFileSync('/lib/x86_64-linux-gnu/libz.so.1', copy);
    await call('setPkcs11Module', { modulePath: copy });
    await expectRefused(() => sign('01', token.pin), /n’est pas un module PKCS#11 utilisable \(pas de fonction C_GetFunctionList\)/);
    await expectRefused(() => core.dispatch('listTokenCertificates', undefined), /n’est pas un module PKCS#11 utilisable/);
    fs.copyFileSync(SOFTHSM_MODULE, copy);
    await call('setPkcs11Module', { modulePath: copy });
    fs.rmSync(copy);
    await expectRefused(() => sign('01', token.pin), /n’est pas un module PKCS#11 utilisable \(fichier introuvable\)/);
    await call('setPkcs11Module', { modulePath: SOFTHSM_MODULE });
  });

  it('refuses when the card has been taken out, with nothing written', async () => {
    removeToken(token);
    await expectRefused(() => sign('01', token.pin), /^La carte « Carte agent QRR » n’est pas insérée \(ou a été retirée\) : rien n’a été signé/);
    expect(await listTokenCertificates(SOFTHSM_MODULE)).toEqual([]);
  });
});

describe('ECDSA signatures from a card: raw r || s to DER', () => {
  it('keeps INTEGERs positive and minimal', () => {
    const raw = new Uint8Array(64);
    raw[0] = 0x80; // r with its high bit set: needs a leading 00
    raw[32] = 0x00; // s with leading zeros: trimmed
    raw[33] = 0x01;
    const der = Buffer.from(ecdsaRawToDer(raw)).toString('hex');
    expect(der).toBe(`3044022100${'80'}${'00'.repeat(31)}021f01${'00'.repeat(30)}`);
  });

  it('gives signatures node:crypto verifies, from a Buffer as pkcs11js returns it (Buffer#slice shares memory)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    for (let i = 0; i < 300; i++) {
      const data = Buffer.from(`rapport ${i}`);
      const raw = cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(cryptoVerify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, ecdsaRawToDer(raw))).toBe(true);
    }
  });
});
