/**
 * The cryptographic half of a report's verification, with pkijs: the CMS
 * SignedData found in the signature's /Contents (it must be followed by zero
 * padding only), whether the signed bytes hash to its messageDigest and its
 * signature verifies with the signer's key (RSA or ECDSA), and what the
 * signer's certificate allows at a given time (validity period, key usage).
 *
 * Plain Node, never imports electron.
 */
import { createHash, createPublicKey, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from './signing-identity';

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });


const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const KEY_USAGE = '2.5.29.15';
const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** The /Contents hex (between `<` and `>`) → the CMS, or a French reason why it is not one. */
export function parseSignatureContents(hex: string): { ok: true; signedData: pkijs.SignedData } | { ok: false; problem: string } {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) {
    return { ok: false, problem: 'La zone de signature (/Contents) ne contient pas que des chiffres hexadécimaux : elle a été modifiée.' };
  }
  const der = Buffer.from(hex, 'hex');
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1) return { ok: false, problem: 'La signature du document est illisible.' };
  // After the CMS, only the zero padding the signer reserved: anything else was added later.
  if (der.subarray(asn1.offset).some((byte) => byte !== 0)) {
    return { ok: false, problem: 'Des données ont été ajoutées après la signature dans la zone qui lui est réservée : le document a été modifié.' };
  }
  try {
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not SignedData');
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    if (signedData.signerInfos.length === 0) throw new Error('no signer');
    return { ok: true, signedData };
  } catch {
    return { ok: false, problem: 'La signature du document est illisible.' };
  }
}

export interface CmsCheck {
  readonly signerCert: pkijs.Certificate | null;
  readonly certs: readonly pkijs.Certificate[];
  /** The signed bytes hash to the signed messageDigest and the signature verifies with the signer's key. */
  readonly intact: boolean;
  /** « RSA 3072 bits », « ECDSA P-256 ». */
  readonly algorithm: string | null;
  readonly problems: readonly string[];
}

/** `RSA 2048 bits`, `ECDSA P-384`: from the certificate's public key. */
export function keyDescription(cert: pkijs.Certificate): string | null {
  try {
    const key = createPublicKey({ key: Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return `RSA ${details?.modulusLength ?? '?'} bits`;
    if (key.asymmetricKeyType === 'ec') return `ECDSA ${CURVES[details?.namedCurve ?? ''] ?? details?.namedCurve ?? '?'}`;
    return key.asymmetricKeyType ?? null;
  } catch {
    return null;
  }
}

/** Checks the first signer of `signedData` over `signedBytes` (the concatenated byte ranges). */
export async function checkCms(signedData: pkijs.SignedData, signedBytes: Uint8Array): Promise<CmsCheck> {
  const problems: string[] = [];
  const certs = (signedData.certificates ?? []).filter((x): x is pkijs.Certificate => x instanceof pkijs.Certificate);
  const signerInfo = signedData.signerInfos[0]!;
  const sid = signerInfo.sid;
  const signerCert =
    (sid instanceof pkijs.IssuerAndSerialNumber
      ? certs.find((x) => x.issuer.isEqual(sid.issuer) && x.serialNumber.isEqual(sid.serialNumber))
      : certs.find((x) => {
          const ski = x.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
          return ski !== undefined && Buffer.from(ski.valueBlock.valueHexView).equals(Buffer.from((sid as asn1js.OctetString).valueBlock.valueHexView));
        })) ?? null;
  if (!signerCert) problems.push('Le certificat du signataire est absent de la signature.');

  let intact = false;
  const hash = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
  const digestAttr = signerInfo.signedAttrs?.attributes.find((attr) => attr.type === MESSAGE_DIGEST);
  const signedDigest = digestAttr ? Buffer.from((digestAttr.values[0] as asn1js.OctetString).valueBlock.valueHexView) : null;
  if (!hash) {
    problems.push(`L’algorithme d’empreinte de la signature n’est pas pris en charge (${signerInfo.digestAlgorithm.algorithmId}).`);
  } else if (signedDigest && !signedDigest.equals(createHash(hash).update(signedBytes).digest())) {
    problems.push('Le document a été modifié après sa signature : son empreinte ne correspond plus à celle qui a été signée.');
  } else {
    try {
      const result = await signedData.verify({ signer: 0, data: toArrayBuffer(signedBytes), checkChain: false, extendedMode: true }, engine);
      intact = result.signatureVerified === true;
    } catch {
      intact = false;
    }
    if (!intact) problems.push('La signature est invalide : elle ne correspond pas à la clé du certificat du signataire.');
  }
  return { signerCert, certs, intact, algorithm: signerCert ? keyDescription(signerCert) : null, problems };
}

export interface CertificateUse {
  /** ISO 8601: the time the certificate was checked at. */
  readonly checkedAt: string;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  /** No key usage extension (no restriction), or digitalSignature / nonRepudiation set. */
  readonly keyUsageAllowsSigning: boolean;
  /** The key usages the certificate declares (`digitalSignature`, `nonRepudiation`…); null without the extension. */
  readonly keyUsage: readonly string[] | null;
}

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

/** What the signer's certificate allows at `at`. */
export function certificateUse(cert: pkijs.Certificate, at: Date): CertificateUse {
  const ext = cert.extensions?.find((e) => e.extnID === KEY_USAGE)?.parsedValue as asn1js.BitString | undefined;
  let keyUsage: string[] | null = null;
  if (ext) {
    const bits = new Uint8Array(ext.valueBlock.valueHexView);
    keyUsage = KEY_USAGE_BITS.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
  }
  return {
    checkedAt: at.toISOString(),
    expired: cert.notAfter.value.getTime() < at.getTime(),
    notYetValid: cert.notBefore.value.getTime() > at.getTime(),
    keyUsageAllowsSigning: keyUsage === null || keyUsage.includes('digitalSignature') || keyUsage.includes('nonRepudiation'),
    keyUsage,
  };
}

/** Certificates from PEM texts (several per text allowed); unreadable blocks are counted, not thrown. */
export function certificatesFromPem(pems: readonly string[]): { roots: pkijs.Certificate[]; unreadable: number } {
  const roots: pkijs.Certificate[] = [];
  let unreadable = 0;
  for (const pem of pems) {
    for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
      try {
        const b64 = block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
        roots.push(pkijs.Certificate.fromBER(toArrayBuffer(new Uint8Array(Buffer.from(b64, 'base64')))));
      } catch {
        unreadable++;
      }
    }
  }
  return { roots, unreadable };
}

/** The signer's chain (signer first) from the CMS certificates and the roots; and whether it validates at `at`. */
export async function chainOf(
  signerCert: pkijs.Certificate,
  certs: readonly pkijs.Certificate[],
  roots: readonly pkijs.Certificate[],
  at: Date,
): Promise<{ chain: pkijs.Certificate[]; trusted: boolean; reason: string | null }> {
  const chain = [signerCert];
  const pool = [...certs, ...roots];
  for (let current = signerCert; chain.length < 10 && !current.issuer.isEqual(current.subject); ) {
    const next = pool.find((x) => x.subject.isEqual(current.issuer) && !chain.includes(x));
    if (!next) break;
    chain.push(next);
    current = next;
  }
  if (roots.length === 0) return { chain, trusted: false, reason: null };
  try {
    const result = await new pkijs.CertificateChainValidationEngine({
      trustedCerts: [...roots],
      // The end-entity certificate must come last.
      certs: [...certs.filter((x) => x !== signerCert), signerCert],
      checkDate: at,
    }).verify({}, engine);
    return { chain, trusted: result.result === true, reason: result.result === true ? null : result.resultMessage || 'chaîne invalide' };
  } catch (error) {
    return { chain, trusted: false, reason: error instanceof Error ? error.message : 'chaîne invalide' };
  }
}
