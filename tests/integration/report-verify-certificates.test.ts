/**
 * Verification of what the signer's certificate allows: ECDSA (P-256, P-384)
 * signatures verify; a certificate expired or not yet valid at the signing
 * time, or without the digitalSignature / nonRepudiation key usage, is
 * reported — by verifyReportPdf (its own fields), by `verify --json` (its own
 * fields, exit 1) and by the import (a warning, not « modifié »).
 *
 * The report is signed by the application; its CMS is then replaced by one
 * that OpenSSL (`openssl cms -sign`, an independent signer) makes over the
 * same byte ranges with certificates built here with pkijs (any key, any
 * validity period, any key usage). The claimed signing time (/M) stays the
 * application's: 26/11/2026 10:00.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExchangeBytes, SOURCE_MESSAGES } from '../../electron/services/exchange/sources';
import { signReportPdf } from '../../electron/services/report/sign';
import { verifyReportPdf } from '../../electron/services/report/verify';
import { openCore, tempDir } from '../support/db';
import { CLI_ENTRY, REPO_ROOT } from '../support/paths';
import { makeCert, resign, type CmsSigner, type TestCert } from '../support/pdf-surgery';
import { makeTestPki } from '../support/pki';

const SIGNING_TIME = new Date('2026-11-26T10:00:00Z');

describe('verification of the signer’s certificate: ECDSA, validity at signing time, key usage', () => {
  let signed: Uint8Array;
  let rsaRoot: TestCert;
  let ecRoot: TestCert;
  let dir: string;
  let core: Awaited<ReturnType<typeof openCore>>;

  const signerOf = (cert: TestCert, issuer: TestCert, digest: CmsSigner['digest'] = 'sha256'): CmsSigner => ({
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    chainPem: issuer.certPem,
    digest,
  });
  const pdfsig = (bytes: Uint8Array, name: string): string => {
    const file = path.join(dir, `${name}.pdf`);
    fs.writeFileSync(file, bytes);
    const r = spawnSync('pdfsig', [file], { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`;
  };

  beforeAll(async () => {
    dir = tempDir('qrr-verify-cert-');
    core = await openCore(undefined, { now: () => SIGNING_TIME });
    expect((await core.dispatch('installDemo', undefined)).ok).toBe(true);
    const draft = await core.dispatch('generateReport', { periodCode: '2026-T4', transmit: false });
    if (!draft.ok) throw new Error(draft.error.message);
    const pki = makeTestPki({ password: 'secret' });
    signed = await signReportPdf(new Uint8Array(fs.readFileSync((draft.value as { path: string }).path)), { p12: pki.p12, password: 'secret', signingTime: SIGNING_TIME });
    rsaRoot = await makeCert({ cn: 'Racine RSA de test', key: 'RSA-2048', serial: 1, ca: true });
    ecRoot = await makeCert({ cn: 'Racine ECDSA de test', key: 'P-384', serial: 2, ca: true });
  }, 180_000);
  afterAll(() => core?.close());

  it.each([
    ['P-256', 'sha256'],
    ['P-384', 'sha384'],
  ] as const)('an ECDSA %s signature verifies, chains to its root, and pdfsig agrees', async (curve, digest) => {
    const cert = await makeCert({ cn: `Signataire ECDSA ${curve}`, key: curve, serial: 10, issuer: ecRoot });
    const bytes = resign(signed, signerOf(cert, ecRoot, digest));
    const v = await verifyReportPdf(bytes, { trustedRoots: [ecRoot.certPem] });
    expect(v, v.problems.join('\n')).toMatchObject({
      status: 'valid',
      intact: true,
      coversWholeFile: true,
      trusted: true,
      signatureAlgorithm: `ECDSA ${curve}`,
      certificate: { expired: false, notYetValid: false, keyUsageAllowsSigning: true, checkedAtSource: 'declared', checkedAt: SIGNING_TIME.toISOString() },
      problems: [],
    });
    expect(v.signer?.commonName).toBe(`Signataire ECDSA ${curve}`);
    expect(v.exchangeAttachment).not.toBeNull();
    const out = pdfsig(bytes, `ecdsa-${curve}`);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
  }, 60_000);

  it('a certificate expired, or not yet valid, at the claimed signing time is reported; intact but not trusted', async () => {
    const expired = await makeCert({ cn: 'Certificat expiré', key: 'RSA-2048', serial: 20, issuer: rsaRoot, notAfter: new Date('2025-12-31T12:00:00Z') });
    const early = await makeCert({ cn: 'Certificat futur', key: 'RSA-2048', serial: 21, issuer: rsaRoot, notBefore: new Date('2027-01-01T00:00:00Z') });
    const old = await verifyReportPdf(resign(signed, signerOf(expired, rsaRoot)), { trustedRoots: [rsaRoot.certPem] });
    expect(old).toMatchObject({ status: 'valid', intact: true, trusted: false, certificate: { expired: true, notYetValid: false, keyUsageAllowsSigning: true } });
    expect(old.problems).toContain('Le certificat du signataire avait expiré le 31/12/2025, à la date de signature déclarée (26/11/2026 11:00).');
    const future = await verifyReportPdf(resign(signed, signerOf(early, rsaRoot)), { trustedRoots: [rsaRoot.certPem] });
    expect(future).toMatchObject({ status: 'valid', trusted: false, certificate: { expired: false, notYetValid: true } });
    expect(future.problems.join(' ')).toMatch(/n’était pas encore valable à la date de signature déclarée .*qu’à partir du 01\/01\/2027/);
  }, 60_000);

  it('the time proven by a time-stamp, when given, replaces the claimed /M for the certificate check', async () => {
    const expired = await makeCert({ cn: 'Certificat expiré', key: 'P-256', serial: 22, issuer: ecRoot, notAfter: new Date('2025-12-31T12:00:00Z') });
    const bytes = resign(signed, signerOf(expired, ecRoot));
    const proven = new Date('2025-06-01T08:00:00Z');
    const v = await verifyReportPdf(bytes, { trustedRoots: [ecRoot.certPem], provenSigningTime: async () => proven });
    expect(v).toMatchObject({
      status: 'valid',
      trusted: true,
      certificate: { expired: false, checkedAtSource: 'timestamp', checkedAt: proven.toISOString() },
    });
    expect(v.signingTime).toBe(SIGNING_TIME.toISOString());
  }, 60_000);

  it('a certificate without the digitalSignature or nonRepudiation key usage is reported; one with nonRepudiation only, or without the extension, is accepted', async () => {
    const encipher = await makeCert({ cn: 'Certificat de chiffrement', key: 'RSA-2048', serial: 30, issuer: rsaRoot, keyUsage: ['keyEncipherment'] });
    const v = await verifyReportPdf(resign(signed, signerOf(encipher, rsaRoot)), { trustedRoots: [rsaRoot.certPem] });
    expect(v).toMatchObject({ status: 'valid', trusted: false, certificate: { keyUsageAllowsSigning: false, keyUsage: ['keyEncipherment'] } });
    expect(v.problems).toContain('Le certificat du signataire n’est pas prévu pour signer des documents (usages déclarés : keyEncipherment).');

    for (const [serial, keyUsage] of [
      [31, ['nonRepudiation']],
      [32, []],
    ] as const) {
      const cert = await makeCert({ cn: 'Certificat de signature', key: 'RSA-2048', serial, issuer: rsaRoot, keyUsage });
      const ok = await verifyReportPdf(resign(signed, signerOf(cert, rsaRoot)), { trustedRoots: [rsaRoot.certPem] });
      expect(ok, ok.problems.join('\n')).toMatchObject({ status: 'valid', trusted: true, certificate: { keyUsageAllowsSigning: true } });
    }
  }, 60_000);

  it('verify --json reports each as its own field and exits 1; the import warns instead of calling it modified', async () => {
    const expired = await makeCert({ cn: 'Certificat expiré', key: 'P-256', serial: 40, issuer: ecRoot, notAfter: new Date('2025-12-31T12:00:00Z') });
    const noSigning = await makeCert({ cn: 'Certificat de chiffrement', key: 'P-256', serial: 41, issuer: ecRoot, keyUsage: ['keyEncipherment'] });
    const cli = (bytes: Uint8Array, name: string) => {
      const file = path.join(dir, `${name}.pdf`);
      fs.writeFileSync(file, bytes);
      const r = spawnSync(process.execPath, [CLI_ENTRY, 'verify', file, '--json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
      return { code: r.status, json: JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr };
    };
    const expiredPdf = resign(signed, signerOf(expired, ecRoot));
    const a = cli(expiredPdf, 'expire');
    expect(a.code, a.stderr).toBe(1);
    expect(a.json).toMatchObject({
      valid: false,
      status: 'valid',
      intact: true,
      signatureAlgorithm: 'ECDSA P-256',
      certificateCheckedAt: SIGNING_TIME.toISOString(),
      certificateCheckedAtSource: 'declared',
      certificateExpired: true,
      certificateNotYetValid: false,
      keyUsageAllowsSigning: true,
    });
    const b = cli(resign(signed, signerOf(noSigning, ecRoot)), 'chiffrement');
    expect(b.code).toBe(1);
    expect(b.json).toMatchObject({ valid: false, status: 'valid', certificateExpired: false, keyUsageAllowsSigning: false });

    const source = await readExchangeBytes('rapport.pdf', expiredPdf, { trustedRoots: [ecRoot.certPem] });
    expect(source.info).toMatchObject({ kind: 'pdf', signed: true, trusted: false, warning: SOURCE_MESSAGES.pdfCertificate('Certificat expiré') });
  }, 120_000);
});
