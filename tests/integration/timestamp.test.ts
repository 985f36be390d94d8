/**
 * PAdES B-T: signatures time-stamped by a real RFC 3161 authority
 * (`openssl ts -reply` behind a node:http server on 127.0.0.1, started here,
 * tests/support/tsa.ts), checked by poppler's pdfsig, mupdf's `mutool sign -v`
 * and our verifier; every way the TSA can fail is refused in French.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signReportPdf } from '../../electron/services/report/sign';
import { addSignatureTimestamp, embedTimestampToken, requestTimestampToken, timestamperFor, TIMESTAMP_RESERVE_BYTES, toArrayBuffer } from '../../electron/services/report/timestamp';
import { DEFAULT_PLACEHOLDER_BYTES } from '../../electron/services/report/sign';
import { httpTransport, TimestampError } from '../../electron/services/report/tsa-client';
import { verifyReportPdf } from '../../electron/services/report/verify';
import { tempDir } from '../support/db';
import { dn, issue, makeTestPki, p12Of, type Issued, type TestPki } from '../support/pki';
import { startTestTsa, TEST_TSA_CN, unreachableTsaUrl, type TestTsa } from '../support/tsa';

const PASSWORD = 'Mot de passe à l’épreuve';

/** pdfsig always exits 0 (its verdict is in its output); `mutool sign -v` exits 0 on the files checked here. */
const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * A small PDF, over 4 KB once signed: verify.ts hands pkijs `Buffer.slice().buffer`,
 * which is Node's whole 8 KB pool for smaller buffers (reported to the verify work).
 */
async function smallPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 1; i <= 3; i++) doc.addPage().drawText(`Rapport QRR - horodatage - page ${i}`);
  doc.setSubject('x'.repeat(4096));
  return doc.save();
}

/** The CMS of a signed PDF (ContentInfo, DER, without the placeholder's zero padding). */
function cmsOf(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const [, b, c] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)/.exec(text)!.slice(1).map(Number) as [number, number, number];
  const der = new Uint8Array(Buffer.from(text.slice(b + 1, c - 1), 'hex'));
  return new Uint8Array(asn1js.fromBER(der.slice().buffer).result.valueBeforeDecodeView);
}

const signedDataFromCms = (cms: Uint8Array): pkijs.SignedData =>
  new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms.slice().buffer).content });
const signedDataOf = (pdf: Uint8Array): pkijs.SignedData => signedDataFromCms(cmsOf(pdf));

/** An RFC 3161 token built with pkijs (as its documentation shows), signed by `by`, over SHA-256 of `data`. */
async function tokenSignedBy(by: Issued, data: Uint8Array): Promise<Uint8Array> {
  const der = (cert: forge.pki.Certificate) => new Uint8Array(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'));
  const cert = pkijs.Certificate.fromBER(der(by.cert));
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: '1.2.250.1.999.1',
    messageImprint: await pkijs.MessageImprint.create('SHA-256', toArrayBuffer(data)),
    serialNumber: new asn1js.Integer({ value: 7 }),
    genTime: new Date(),
  });
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: '1.2.840.113549.1.9.16.1.4',
      eContent: new asn1js.OctetString({ valueHex: tstInfo.toSchema().toBER(false) }),
    }),
    signerInfos: [new pkijs.SignerInfo({ version: 1, sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }) })],
    certificates: [cert],
  });
  const pkcs8 = createPrivateKey(forge.pki.privateKeyToPem(by.key)).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  await signedData.sign(key as CryptoKey, 0, 'SHA-256', undefined, new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));
  return new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) }).toSchema().toBER(false));
}

const TOKEN_OID = '1.2.840.113549.1.9.16.2.14';

describe('time-stamped signatures (PAdES B-T) with a local RFC 3161 authority', () => {
  let pki: TestPki;
  let tsa: TestTsa;
  let dir: string;
  let nssDir: string;

  beforeAll(async () => {
    pki = makeTestPki({ password: PASSWORD });
    tsa = await startTestTsa({ issuer: pki.intermediate, chainPem: [forge.pki.certificateToPem(pki.intermediate.cert)] });
    dir = tempDir('qrr-tsa-test-');
    nssDir = path.join(dir, 'nss');
    fs.mkdirSync(nssDir);
    fs.writeFileSync(path.join(dir, 'racine.pem'), pki.rootPem);
    execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
    execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'Racine QRR test', '-t', 'CT,C,C', '-a', '-i', path.join(dir, 'racine.pem')]);
  }, 60_000);
  afterAll(async () => {
    await tsa?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const sign = async (options: { timestamp?: (cms: Uint8Array) => Promise<Uint8Array>; p12?: Uint8Array; signingTime?: Date } = {}) =>
    signReportPdf(await smallPdf(), {
      p12: options.p12 ?? pki.p12,
      password: PASSWORD,
      signingTime: options.signingTime ?? new Date(),
      placeholderBytes: DEFAULT_PLACEHOLDER_BYTES + TIMESTAMP_RESERVE_BYTES,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    });

  it('a good token: pdfsig and mutool say valid, our verifier shows the proven time and the trusted TSA', async () => {
    tsa.mode = 'good';
    const before = Date.now();
    const signed = await sign({ timestamp: timestamperFor(tsa.url) });
    const after = Date.now();

    // The token sits in the unsigned attributes, and the signature value was not touched.
    const signerInfo = signedDataOf(signed).signerInfos[0]!;
    expect(signerInfo.unsignedAttrs?.attributes.map((a) => a.type)).toEqual([TOKEN_OID]);

    const file = path.join(dir, 'horodate.pdf');
    fs.writeFileSync(file, signed);
    const sig = run('pdfsig', ['-nssdir', nssDir, file]);
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
    expect(sig).toContain('Certificate is Trusted.');
    const mutool = run('mutool', ['sign', '-v', file]);
    // mutool has no trust store: its integrity verdict is what counts.
    expect(mutool).toContain('The document is unchanged since signing.');
    expect(mutool).not.toMatch(/invalid/i);

    const v = await verifyReportPdf(signed, { trustedRoots: [pki.rootPem] });
    expect(v.problems).toEqual(['Aucune donnée de rapport n’est jointe au document.']);
    expect(v.intact && v.coversWholeFile && v.trusted).toBe(true);
    expect(v.timestamp).not.toBeNull();
    expect(v.timestamp!.imprintMatches).toBe(true);
    expect(v.timestamp!.trusted).toBe(true);
    expect(v.timestamp!.tsa).toBe(TEST_TSA_CN);
    expect(v.timestamp!.problems).toEqual([]);
    // openssl's genTime has a one-second accuracy.
    const proven = new Date(v.timestamp!.time).getTime();
    expect(proven).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(proven).toBeLessThanOrEqual(after);
    expect(v.problems).toEqual(['Aucune donnée de rapport n’est jointe au document.']);

    // Without any trusted root, the time is shown but not proven.
    const unverified = await verifyReportPdf(signed);
    expect(unverified.timestamp!.trusted).toBe(false);
    expect(unverified.timestamp!.problems.join(' ')).toContain('n’a pas été vérifié');
  });

  it('a token with its TSA chain and the signer\'s 3-certificate chain fit even in the default 16 KB placeholder', async () => {
    tsa.mode = 'good';
    const signed = await sign({ timestamp: timestamperFor(tsa.url) });
    // Measured: the CMS with its token, against the room reserved.
    const size = cmsOf(signed).length;
    expect(size).toBeGreaterThan(cmsOf(await sign()).length + 1000);
    expect(size).toBeLessThan(DEFAULT_PLACEHOLDER_BYTES);
  });

  it('a TSA answering with a token over other data is refused at signing time (imprint mismatch)', async () => {
    tsa.mode = 'other-data';
    const error = await sign({ timestamp: timestamperFor(tsa.url) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimestampError);
    expect((error as TimestampError).reason).toBe('MISMATCH');
    expect((error as TimestampError).message).toBe("L'autorité d'horodatage a horodaté d'autres données que la signature : le jeton est refusé.");
    tsa.mode = 'good';
  });

  it('a token over other data slipped into a signature is reported by the verifier: no proven time', async () => {
    tsa.mode = 'good';
    const foreign = await requestTimestampToken(new Uint8Array(Buffer.from('une autre signature')), httpTransport(tsa.url));
    const signed = await sign({ timestamp: async (cms) => embedTimestampToken(cms, foreign) });
    const file = path.join(dir, 'autre-jeton.pdf');
    fs.writeFileSync(file, signed);
    // The document's own signature is untouched.
    expect(run('pdfsig', ['-nssdir', nssDir, file])).toContain('Signature is Valid.');

    const v = await verifyReportPdf(signed, { trustedRoots: [pki.rootPem] });
    expect(v.timestamp!.imprintMatches).toBe(false);
    expect(v.problems).toContain('L’horodatage ne porte pas sur cette signature (empreinte différente) : il ne prouve rien sur sa date.');
  });

  it('an unreachable TSA: a French message, and nothing signed', async () => {
    const url = await unreachableTsaUrl();
    const error = await sign({ timestamp: timestamperFor(url) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimestampError);
    expect((error as TimestampError).reason).toBe('UNREACHABLE');
    expect((error as TimestampError).message).toBe(`L'autorité d'horodatage (${new URL(url).host}) est injoignable (connexion refusée).`);
    // The request names the way out: signing without a time-stamp, an explicit choice.
    expect((error as TimestampError).issues?.[0]?.path).toBe('withoutTimestamp');
  });

  it('a TSA that answers badly: HTTP error, not a reply, a rejection — each in French', async () => {
    const withCms = async (mode: TestTsa['mode']): Promise<TimestampError> => {
      tsa.mode = 'good';
      const cms = cmsOf(await sign());
      tsa.mode = mode;
      return (await addSignatureTimestamp(cms, httpTransport(tsa.url)).catch((e: unknown) => e)) as TimestampError;
    };
    const http = await withCms('http-error');
    expect(http.reason).toBe('HTTP');
    expect(http.message).toContain('erreur HTTP 500');
    const garbage = await withCms('garbage');
    expect(garbage.reason).toBe('BAD_RESPONSE');
    expect(garbage.message).toContain("ce n'est pas une réponse d'horodatage RFC 3161");
    const rejection = await withCms('rejection');
    expect(rejection.reason).toBe('REJECTED');
    expect(rejection.message).toContain('demande rejetée');
    tsa.mode = 'good';
  });

  it('a TSA that never answers times out, and a redirect is not followed (only the configured host is contacted)', async () => {
    const hits: string[] = [];
    const silent = http.createServer((request) => hits.push(`silencieux ${request.url}`)); // never answers
    const redirecting = http.createServer((request, response) => {
      hits.push(`redirection ${request.url}`);
      response.writeHead(302, { Location: tsa.url }).end();
    });
    const listen = async (server: http.Server): Promise<string> => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
    };
    try {
      const quiet = await listen(silent);
      const timeout = await sign({ timestamp: timestamperFor(quiet, { timeoutMs: 300 }) }).catch((e: unknown) => e);
      expect(timeout).toMatchObject({ reason: 'TIMEOUT', message: `L'autorité d'horodatage (${new URL(quiet).host}) n'a pas répondu dans le délai de 0,3 s.` });

      const moved = await listen(redirecting);
      const queriesBefore = tsa.queries.length;
      const redirect = await sign({ timestamp: timestamperFor(moved) }).catch((e: unknown) => e);
      expect(redirect).toMatchObject({ reason: 'HTTP' });
      expect((redirect as Error).message).toBe(
        `L'autorité d'horodatage (${new URL(moved).host}) renvoie vers une autre adresse (${tsa.url}) : elle n'est pas suivie. Indiquez l'adresse exacte dans les paramètres.`,
      );
      expect(tsa.queries.length).toBe(queriesBefore); // the target of the redirect was never contacted
      expect(hits).toEqual(['silencieux /tsa', 'redirection /tsa']);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  it('a TSA whose certificate does not chain to a trusted root is reported', async () => {
    const otherRoot = issue({ subject: dn('Autre autorité (test)', 'Ailleurs'), ca: true, serial: '77' });
    const untrusted = await startTestTsa({ issuer: otherRoot, commonName: 'Horodatage inconnu' });
    try {
      const v = await verifyReportPdf(await sign({ timestamp: timestamperFor(untrusted.url) }), { trustedRoots: [pki.rootPem] });
      expect(v.trusted).toBe(true); // the signer is
      expect(v.timestamp!.imprintMatches).toBe(true);
      expect(v.timestamp!.trusted).toBe(false);
      expect(v.timestamp!.tsa).toBe('Horodatage inconnu');
      expect(v.problems.some((p) => p.startsWith('Le certificat de l’autorité d’horodatage « Horodatage inconnu » ne remonte pas à une autorité de confiance'))).toBe(true);
    } finally {
      await untrusted.close();
    }
  }, 60_000);

  it('a token signed with a certificate not meant for time-stamping is reported (openssl refuses to make one: pkijs does)', async () => {
    // A certificate of the trusted PKI, without extendedKeyUsage timeStamping.
    const notTsa = issue({ subject: dn('Pas un horodateur', "Préfecture de l'Hérault"), issuer: pki.intermediate, ca: false, serial: '52' });
    const signed = await sign({
      timestamp: async (cms) => {
        const signature = signedDataFromCms(cms).signerInfos[0]!.signature.valueBlock.valueHexView;
        return embedTimestampToken(cms, await tokenSignedBy(notTsa, new Uint8Array(signature)));
      },
    });
    const v = await verifyReportPdf(signed, { trustedRoots: [pki.rootPem] });
    expect(v.timestamp!.imprintMatches).toBe(true);
    expect(v.timestamp!.trusted).toBe(false);
    expect(v.timestamp!.tsa).toBe('Pas un horodateur');
    expect(v.problems).toContain('Le certificat de « Pas un horodateur » n’est pas un certificat d’horodatage (usage « timeStamping » absent).');
  });

  it('a signer certificate expired at the proven time is reported, whatever time the signer claimed', async () => {
    tsa.mode = 'good';
    const signer = issue({
      subject: dn('Signataire au certificat échu', "Préfecture de l'Hérault"),
      issuer: pki.intermediate,
      ca: false,
      serial: '31',
      notAfter: new Date('2022-01-01T00:00:00Z'),
    });
    const p12 = p12Of(signer.key, [signer.cert, pki.intermediate.cert, pki.root.cert], PASSWORD);
    // The signer claims 2021 (/M), when the certificate was valid; the TSA proves today.
    const signed = await sign({ p12, signingTime: new Date('2021-06-24T10:00:00Z'), timestamp: timestamperFor(tsa.url) });
    const v = await verifyReportPdf(signed, { trustedRoots: [pki.rootPem] });
    expect(v.signingTime).toBe('2021-06-24T10:00:00.000Z');
    expect(v.timestamp!.trusted).toBe(true);
    expect(v.trusted).toBe(false);
    expect(v.certificate).toMatchObject({ expired: true, checkedAtSource: 'timestamp' });
    expect(v.problems.some((p) => p.startsWith('Le certificat du signataire avait expiré le 01/01/2022') && p.includes('à la date prouvée par l’horodatage'))).toBe(true);

    // Without the time-stamp, the claimed time is all there is: the same certificate passes.
    const claimed = await verifyReportPdf(await sign({ p12, signingTime: new Date('2021-06-24T10:00:00Z') }), { trustedRoots: [pki.rootPem] });
    expect(claimed.timestamp).toBeNull();
    expect(claimed.trusted).toBe(true);
  });
});
