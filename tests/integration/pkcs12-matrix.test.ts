/**
 * Every PKCS#12 a user can have: files made here by `openssl pkcs12 -export`
 * (OpenSSL 3 defaults = PBES2/AES-256-CBC/PBKDF2-HMAC-SHA256 + SHA-256 MAC;
 * `-legacy` = RC2-40 + 3DES + SHA-1 MAC; Windows' « AES256-SHA256 » and
 * « TripleDES-SHA1 » export choices), with and without friendly names, with
 * the whole chain or the signer's certificate only, for RSA 2048/3072/4096
 * and ECDSA P-256/P-384 keys, × passwords with accents, spaces, apostrophes,
 * quotes and emoji. Each signs a real quarterly report; poppler's pdfsig must
 * say « Signature is Valid. » and « Total document signed », and `mutool sign
 * -v` that the document is unchanged since signing.
 *
 * Passwords reach openssl through `-passout env:…` (UTF-8, no shell quoting).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeography } from '../../electron/services/geography';
import { openP12 } from '../../electron/services/report/p12-signer';
import { attachReportData } from '../../electron/services/report/attach';
import { renderReportPdf } from '../../electron/services/report/pdf';
import { reportModelFor } from '../../electron/services/report/report-model-for';
import { SignatureError, signReportPdf } from '../../electron/services/report/sign';
import { openCore, tempDir } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';
import { independentVerdict } from '../support/pdf-tools';
import { issueLeaf, openssl, writeIssuer, type Leaf, type LeafKey } from '../support/openssl-pki';
import forge from 'node-forge';
import { makeTestPki, TEST_SIGNER_CN, type TestPki } from '../support/pki';

const KEYS: readonly LeafKey[] = ['RSA 2048', 'RSA 3072', 'RSA 4096', 'ECDSA P-256', 'ECDSA P-384'];
type KeyKind = LeafKey;

const FORMATS = {
  'OpenSSL 3 par défaut': [],
  'OpenSSL -legacy': ['-legacy'],
  'AES256-SHA256 (Windows)': ['-keypbe', 'AES-256-CBC', '-certpbe', 'AES-256-CBC', '-macalg', 'sha256'],
  'TripleDES-SHA1 (Windows)': ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
} as const satisfies Record<string, readonly string[]>;
type Format = keyof typeof FORMATS;

const PASSWORDS = {
  ascii: 'Secret-QRR-2026!',
  'accents, espaces, apostrophe': "Mot de passe d'été à Sète, ç et œ",
  guillemets: 'Le "vrai" mot de passe « QRR »',
  emoji: 'clé 🔑 préfecture 🇫🇷',
} as const;
type PasswordKind = keyof typeof PASSWORDS;

const SIGNER_CN = 'Signataire PKCS#12 — Préfecture de l’Hérault';

describe('PKCS#12 files from openssl: every format × key × password signs a report pdfsig and mutool accept', () => {
  let dir: string;
  let pki: TestPki;
  let report: Uint8Array;
  const leaves = new Map<KeyKind, Leaf>();
  let chainFile: string;
  /** Set once the certificates exist (openssl makes them valid from now). */
  let signingTime: Date;

  beforeAll(async () => {
    dir = tempDir('qrr-p12-matrix-');
    pki = makeTestPki({ password: 'inutilisé' });
    const issuer = writeIssuer(dir, pki);
    chainFile = issuer.chain;
    KEYS.forEach((kind, index) => leaves.set(kind, issueLeaf(dir, issuer, { kind, commonName: SIGNER_CN, serial: 1000 + index })));

    signingTime = new Date();
    const core = await openCore(dir, { now: () => signingTime });
    try {
      await core.dispatch('installDemo', undefined);
      const ctx = { db: core.db, now: () => signingTime, osUser: 'test', origin: 'test' };
      const model = reportModelFor(ctx, createGeography(COMMUNES_FILE), '2026-T4');
      const generatedAt = signingTime.toISOString();
      report = await attachReportData(renderReportPdf(model, { generatedAt, signed: true }), model, { generatedAt });
    } finally {
      core.close();
    }
  }, 180_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `openssl pkcs12 -export` of a leaf; with the chain (3 certificates) and a friendly name when asked. */
  function exportP12(key: KeyKind, format: Format, password: string, options: { chain: boolean; friendlyName: boolean; extra?: string[] }): Uint8Array {
    const leaf = leaves.get(key)!;
    const out = path.join(dir, `export-${Math.random().toString(36).slice(2)}.p12`);
    openssl(
      [
        'pkcs12', '-export', '-inkey', leaf.key, '-in', leaf.cert,
        ...(options.chain ? ['-certfile', chainFile] : []),
        ...(options.friendlyName ? ['-name', 'Signature QRR — clé d’été', '-caname', 'AC intermédiaire', '-caname', 'Racine'] : []),
        ...FORMATS[format],
        ...(options.extra ?? []),
        '-passout', 'env:QRR_P12_PASSWORD', '-out', out,
      ],
      { QRR_P12_PASSWORD: password },
    );
    return new Uint8Array(fs.readFileSync(out));
  }

  const cases = KEYS.flatMap((key, k) =>
    (Object.keys(FORMATS) as Format[]).flatMap((format, f) =>
      (Object.keys(PASSWORDS) as PasswordKind[]).map((password, p) => ({
        key,
        format,
        password,
        // Friendly names and the chain alternate so that every format and password meets both.
        chain: (k + f + p) % 2 === 0,
        friendlyName: (k + p) % 2 === 1,
      })),
    ),
  );

  it.each(cases)('$format, $key, mot de passe $password (chaîne : $chain, nom convivial : $friendlyName)', async ({ key, format, password, chain, friendlyName }) => {
    const secret = PASSWORDS[password];
    const p12 = exportP12(key, format, secret, { chain, friendlyName });
    const identity = openP12(p12, secret, signingTime);
    expect(identity.subject.commonName).toBe(SIGNER_CN);
    expect(identity.keyAlgorithm).toBe(key.startsWith('RSA') ? 'RSA' : 'ECDSA');
    expect(identity.chain).toHaveLength(chain ? 3 : 1);

    const signed = await signReportPdf(report, { p12, password: secret, signingTime });
    const file = path.join(dir, `signe-${Math.random().toString(36).slice(2)}.pdf`);
    fs.writeFileSync(file, signed);
    const verdict = independentVerdict(file);
    expect(verdict, verdict.output).toMatchObject({ pdfsigValid: true, wholeDocument: true, mutoolUnchanged: true });
    expect(verdict.output).toContain(`Signer Certificate Common Name: ${SIGNER_CN}`);
    fs.rmSync(file);
  });

  it.each(Object.keys(FORMATS) as Format[])('%s: a wrong password and a damaged file each get their own French message', (format) => {
    const p12 = exportP12('ECDSA P-256', format, PASSWORDS['accents, espaces, apostrophe'], { chain: true, friendlyName: true });
    const refusal = (bytes: Uint8Array, password: string): SignatureError => {
      try {
        openP12(bytes, password, signingTime);
      } catch (error) {
        expect(error).toBeInstanceOf(SignatureError);
        return error as SignatureError;
      }
      throw new Error('opened');
    };
    // The same letters without their accents, and the right password in another normalisation form.
    for (const wrong of ["Mot de passe d'ete a Sete, c et oe", PASSWORDS['accents, espaces, apostrophe'].normalize('NFD'), '']) {
      const error = refusal(p12, wrong);
      expect(error.reason).toBe('BAD_PASSWORD');
      expect(error.message).toBe('Mot de passe du certificat incorrect : le fichier .p12 / .pfx ne peut pas être ouvert.');
    }
    for (const damaged of [p12.subarray(0, Math.floor(p12.length / 2)), p12.subarray(0, 20), new Uint8Array(Buffer.from('%PDF-1.7 pas un certificat'))]) {
      const error = refusal(damaged, PASSWORDS['accents, espaces, apostrophe']);
      expect(error.reason).toBe('UNREADABLE');
      expect(error.message).toMatch(/^Ce fichier n'est pas un certificat PKCS#12 lisible .* endommagé, tronqué ou d'un autre format\.$/);
    }
  });

  it('opens a file without integrity MAC (-nomac) with the right password and refuses a wrong one as such', () => {
    const p12 = exportP12('RSA 2048', 'OpenSSL 3 par défaut', PASSWORDS.emoji, { chain: false, friendlyName: false, extra: ['-nomac'] });
    expect(openP12(p12, PASSWORDS.emoji, signingTime).subject.commonName).toBe(SIGNER_CN);
    expect(() => openP12(p12, 'clé 🔑 préfecture', signingTime)).toThrow(expect.objectContaining({ reason: 'BAD_PASSWORD' }));
    // Without a MAC, about one wrong key in 256 gives valid CBC padding: such garbage was once
    // reported as « clé d'un type non pris en charge ». 600 tries meet that case with ~99 % odds.
    const reasons = new Set<string>();
    for (let i = 0; i < 600; i++) {
      try {
        openP12(p12, `faux ${i}`, signingTime);
        reasons.add('opened');
      } catch (error) {
        reasons.add((error as { reason?: string }).reason ?? String(error));
      }
    }
    expect([...reasons]).toEqual(['BAD_PASSWORD']);
  });

  it('opens PBES2 files whose producer gave PBKDF2 the password one byte per character (node-forge, a Windows code page)', () => {
    const password = 'Préfète à Sète';
    const asn1 = forge.pkcs12.toPkcs12Asn1(pki.signer.key, [pki.signer.cert, pki.intermediate.cert], password, { algorithm: 'aes256' });
    const p12 = new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
    expect(openP12(p12, password, signingTime).subject.commonName).toBe(TEST_SIGNER_CN);
    expect(() => openP12(p12, 'Prefete a Sete', signingTime)).toThrow(expect.objectContaining({ reason: 'BAD_PASSWORD' }));
  });

  it('keeps the French refusals: a .p12 with the certificate only has no private key', () => {
    const leaf = leaves.get('RSA 2048')!;
    const out = path.join(dir, 'sans-cle.p12');
    openssl(['pkcs12', '-export', '-nokeys', '-in', leaf.cert, '-passout', 'env:QRR_P12_PASSWORD', '-out', out], { QRR_P12_PASSWORD: PASSWORDS.guillemets });
    expect(() => openP12(new Uint8Array(fs.readFileSync(out)), PASSWORDS.guillemets, signingTime)).toThrow(
      expect.objectContaining({ reason: 'NO_PRIVATE_KEY', message: expect.stringMatching(/ne contient pas de clé privée/) }),
    );
  });
});
