/**
 * A test PKI for report signatures: root CA → intermediate CA → signer, with
 * accented UTF-8 names (« Coordinatrice QRR — Préfecture de l'Hérault »), and
 * the signer's .p12. node:crypto makes the keys (fast), node-forge the
 * certificates and the PKCS#12.
 *
 * Used by tests/integration/report.test.ts (services) and
 * tests/integration/cli-report.test.ts (command line).
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface Issued {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

export const TEST_SIGNER_CN = "Coordinatrice QRR — Préfecture de l'Hérault";

const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;

/** `C=FR, O=…, CN=…`, O and CN as UTF8String (accents kept). */
export const dn = (cn: string, o: string): forge.pki.CertificateField[] => [
  { shortName: 'C', value: 'FR' },
  { shortName: 'O', value: o, valueTagClass: UTF8 },
  { shortName: 'CN', value: cn, valueTagClass: UTF8 },
];

/** A certificate, self-signed without `issuer`; valid 2020–2040 unless told. */
export function issue(options: {
  subject: forge.pki.CertificateField[];
  issuer?: Issued;
  ca: boolean;
  serial: string;
  notBefore?: Date;
  notAfter?: Date;
}): Issued {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = options.serial;
  cert.validity.notBefore = options.notBefore ?? new Date('2020-01-01T00:00:00Z');
  cert.validity.notAfter = options.notAfter ?? new Date('2040-01-01T00:00:00Z');
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : options.subject);
  cert.setExtensions(
    options.ca
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ],
  );
  cert.sign(options.issuer?.key ?? key, forge.md.sha256.create());
  return { cert, key };
}

/** A .p12 (3DES) holding `key` (or none) and `certs`. */
export function p12Of(key: forge.pki.rsa.PrivateKey | null, certs: forge.pki.Certificate[], password: string): Uint8Array {
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des', friendlyName: 'Signature QRR' });
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
}

export const certificatePem = (issued: Issued): string => forge.pki.certificateToPem(issued.cert);

export interface TestPki {
  readonly root: Issued;
  readonly intermediate: Issued;
  readonly signer: Issued;
  /** The signer's key and the whole chain (signer, intermediate, root), protected by `password`. */
  readonly p12: Uint8Array;
  /** The root certificate, PEM: what a verifier trusts. */
  readonly rootPem: string;
}

/** Root « Autorité racine de test QRR » → « AC intermédiaire des préfectures (test) » → the signer. */
export function makeTestPki(options: { password: string; signerCommonName?: string }): TestPki {
  const root = issue({ subject: dn('Autorité racine de test QRR', 'Ministère de l’Intérieur (test)'), ca: true, serial: '01' });
  const intermediate = issue({ subject: dn('AC intermédiaire des préfectures (test)', 'Ministère de l’Intérieur (test)'), issuer: root, ca: true, serial: '02' });
  const signer = issue({ subject: dn(options.signerCommonName ?? TEST_SIGNER_CN, "Préfecture de l'Hérault"), issuer: intermediate, ca: false, serial: '03' });
  return {
    root,
    intermediate,
    signer,
    p12: p12Of(signer.key, [signer.cert, intermediate.cert, root.cert], options.password),
    rootPem: certificatePem(root),
  };
}

/** The private key as PKCS#8 PEM (for openssl, pkcs11-tool…). */
export const privateKeyPem = (issued: Issued): string =>
  forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(issued.key)));
