/**
 * What signs a report: a certificate and something that can sign with its key.
 * The CMS builder (sign.ts) only sees this interface, never a private key, so a
 * key that lives in a smart card (PKCS#11) and a key read from a .p12 file are
 * used the same way.
 *
 * The checks every signing certificate must pass (validity at the signing
 * time, key usage) and the chain order are here, shared by both providers.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { formatDate } from '../../../shared/format/fr';
import { displayName, nameParts, type NameParts } from './names';
import { SignatureError } from './signature-error';

export type KeyAlgorithm = 'RSA' | 'ECDSA';

export interface SigningIdentity {
  /** The signer's certificate, DER as found in the file or on the token. */
  readonly certificate: Uint8Array;
  /** The signer first, then its issuers in order, then the other certificates available. */
  readonly chain: readonly Uint8Array[];
  readonly subject: NameParts;
  readonly issuer: NameParts;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyAlgorithm: KeyAlgorithm;
  /**
   * The signature (SHA-256) of `dataToBeSigned`, the DER of the CMS signed
   * attributes: PKCS#1 v1.5 for RSA, ECDSA as a DER `Ecdsa-Sig-Value`.
   */
  sign(dataToBeSigned: Uint8Array): Promise<Uint8Array>;
}

const OID_KEY_USAGE = '2.5.29.15';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';

/** A copy of exactly these bytes (a Buffer's `.buffer` may be Node's shared pool, and Buffer#slice does not copy). */
export const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly cert: pkijs.Certificate;
}

export const parseCertificate = (der: Uint8Array): ParsedCertificate => ({ der, cert: pkijs.Certificate.fromBER(toArrayBuffer(der)) });

/** The DER of the certificate's SubjectPublicKeyInfo, to match it with a key. */
export const spkiOf = (cert: pkijs.Certificate): Buffer => Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false));

export function keyAlgorithmOf(cert: pkijs.Certificate): KeyAlgorithm | null {
  const oid = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  return oid === OID_RSA ? 'RSA' : oid === OID_EC ? 'ECDSA' : null;
}

/** True when the key usage allows signing documents (digitalSignature or nonRepudiation), or says nothing. */
export function allowsSigning(cert: pkijs.Certificate): boolean {
  const keyUsage = cert.extensions?.find((e) => e.extnID === OID_KEY_USAGE)?.parsedValue as asn1js.BitString | undefined;
  if (!keyUsage) return true;
  const first = new Uint8Array(keyUsage.valueBlock.valueHexView)[0] ?? 0;
  return (first & 0xc0) !== 0;
}

/** A certification authority's certificate (basicConstraints cA): never a document signer. */
export function isAuthority(cert: pkijs.Certificate): boolean {
  const bc = cert.extensions?.find((e) => e.extnID === OID_BASIC_CONSTRAINTS)?.parsedValue as pkijs.BasicConstraints | undefined;
  return bc?.cA === true;
}

/**
 * Refuses, in French, a certificate that cannot sign at `at`: expired, not yet
 * valid, key usage without signature, key type other than RSA or ECDSA.
 */
export function requireSigningCertificate(cert: pkijs.Certificate, at: Date): KeyAlgorithm {
  const subject = nameParts(cert.subject);
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  if (notAfter.getTime() < at.getTime()) {
    throw new SignatureError(
      'EXPIRED',
      `Le certificat de « ${displayName(subject)} » a expiré le ${formatDate(notAfter.toISOString())} : il ne peut plus signer. Demandez un nouveau certificat.`,
    );
  }
  if (notBefore.getTime() > at.getTime()) {
    throw new SignatureError('NOT_YET_VALID', `Le certificat de « ${displayName(subject)} » n'est valable qu'à partir du ${formatDate(notBefore.toISOString())}.`);
  }
  if (!allowsSigning(cert)) {
    throw new SignatureError('NOT_FOR_SIGNING', `Le certificat de « ${displayName(subject)} » n'est pas prévu pour signer des documents.`);
  }
  const algorithm = keyAlgorithmOf(cert);
  if (!algorithm) {
    throw new SignatureError('UNSUPPORTED_KEY', `Le certificat de « ${displayName(subject)} » a une clé d'un type non pris en charge (RSA ou ECDSA attendu).`);
  }
  return algorithm;
}

/** Signer, then issuer by issuer, then whatever else is available. */
export function orderChain(signer: ParsedCertificate, others: readonly ParsedCertificate[]): Uint8Array[] {
  const ordered = [signer];
  const rest = others.filter((p) => p !== signer && !Buffer.from(p.der).equals(Buffer.from(signer.der)));
  for (let current = signer; ; ) {
    if (current.cert.issuer.isEqual(current.cert.subject)) break;
    const issuerIndex = rest.findIndex((p) => p.cert.subject.isEqual(current.cert.issuer));
    if (issuerIndex < 0) break;
    current = rest.splice(issuerIndex, 1)[0]!;
    ordered.push(current);
  }
  return [...ordered, ...rest].map((p) => p.der);
}

/** The parts of an identity read from its certificate; the provider adds `sign`. */
export function describeSigner(
  signer: ParsedCertificate,
  others: readonly ParsedCertificate[],
  at: Date,
): Omit<SigningIdentity, 'sign'> {
  const keyAlgorithm = requireSigningCertificate(signer.cert, at);
  return {
    certificate: signer.der,
    chain: orderChain(signer, others),
    subject: nameParts(signer.cert.subject),
    issuer: nameParts(signer.cert.issuer),
    notBefore: signer.cert.notBefore.value,
    notAfter: signer.cert.notAfter.value,
    keyAlgorithm,
  };
}
