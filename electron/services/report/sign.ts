/**
 * Signs a report PDF: PAdES baseline B-B (`ETSI.CAdES.detached`, SHA-256,
 * signed attributes contentType + messageDigest + signingCertificateV2, no
 * signingTime: the time goes in the signature dictionary's /M), over the whole
 * file, with the certificate and key of a .p12 / .pfx file.
 *
 * - node-forge only opens the PKCS#12 (decrypts it). Certificates are kept as
 *   their original DER bytes and the CMS is built with pkijs: forge re-encodes
 *   distinguished names and double-encodes non-ASCII ones (« Préfecture de
 *   l'Hérault »), which gives signatures no verifier accepts.
 * - The placeholder (signature dictionary, widget, AcroForm) is added with
 *   pdf-lib, then the ByteRange is computed and the CMS injected in place:
 *   nothing is re-saved after that. Attach data BEFORE signing (attach.ts).
 * - Optional visible signature: the block itself is drawn by pdf.ts
 *   (`signatureBlock`, before signing); the widget is placed over it.
 * - Refusals are French {@link SignatureError}s: unreadable file, wrong
 *   password, no private key, key/certificate mismatch, unsupported key,
 *   expired or not yet valid certificate, certificate not meant for signing.
 *
 * Plain Node, never imports electron.
 */
import { createHash, createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { formatDate } from '../../../shared/format/fr';
import { DomainError } from '../../../shared/ipc/result';
import { SIGNATURE_BLOCK_RECT } from './pdf';

export const SIGNATURE_REASON = 'Transmission du tableau de bord QRR';
export const SIGNATURE_SUBFILTER = 'ETSI.CAdES.detached';
/** Bytes reserved for the CMS: a chain of a few certificates plus, later, a time-stamp token. */
export const DEFAULT_PLACEHOLDER_BYTES = 16384;

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  keyUsage: '2.5.29.15',
} as const;

export type SignatureErrorReason =
  | 'UNREADABLE'
  | 'BAD_PASSWORD'
  | 'NO_PRIVATE_KEY'
  | 'NO_CERTIFICATE'
  | 'UNSUPPORTED_KEY'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'NOT_FOR_SIGNING'
  | 'PLACEHOLDER_TOO_SMALL'
  | 'ALREADY_SIGNED'
  | 'NOT_A_PDF';

/** A refusal to sign, in French; `reason` for programs. */
export class SignatureError extends DomainError {
  readonly reason: SignatureErrorReason;
  constructor(reason: SignatureErrorReason, message: string) {
    super('VALIDATION', message);
    this.name = 'SignatureError';
    this.reason = reason;
  }
}

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });

// ---------------------------------------------------------------------------
// Names, readable

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

/** The string value of an attribute, decoded by asn1js (UTF8String, PrintableString, BMPString…). */
function attributeText(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } }).valueBlock;
  return typeof block?.value === 'string' ? block.value : '';
}

export interface NameParts {
  readonly commonName: string | null;
  readonly organization: string | null;
  /** `CN=…, O=…, C=FR`, readable UTF-8. */
  readonly text: string;
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
};

export function nameParts(name: pkijs.RelativeDistinguishedNames): NameParts {
  const pick = (oid: string): string | null => {
    const found = name.typesAndValues.find((t) => t.type === oid);
    return found ? attributeText(found.value) : null;
  };
  return {
    commonName: pick(OID.commonName),
    organization: pick(OID.organization),
    text: name.typesAndValues
      .slice()
      .reverse()
      .map((t) => `${SHORT_NAMES[t.type] ?? t.type}=${attributeText(t.value)}`)
      .join(', '),
  };
}

/** The signer as people read it: « Coordinatrice QRR — Préfecture de l'Hérault ». */
export const displayName = (parts: NameParts): string => parts.commonName ?? parts.organization ?? parts.text;

// ---------------------------------------------------------------------------
// PKCS#12

export interface SignerIdentity {
  /** The signer's certificate, DER as found in the file. */
  readonly certificate: Uint8Array;
  /** Every certificate of the file, DER: the signer first, then its issuers in order, then the others. */
  readonly chain: readonly Uint8Array[];
  readonly privateKey: KeyObject;
  readonly subject: NameParts;
  readonly issuer: NameParts;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const derToForgeBuffer = (bytes: Uint8Array): string => forge.util.binary.raw.encode(bytes);
const forgeBytes = (binary: string): Uint8Array => new Uint8Array(Buffer.from(binary, 'binary'));

/**
 * Opens a .p12 / .pfx with its password. `at` (default now) is when the
 * certificate must be valid. Throws {@link SignatureError}.
 */
export function openP12(p12: Uint8Array, password: string, at: Date = new Date()): SignerIdentity {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(derToForgeBuffer(p12));
    pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|MAC could not be verified/i.test(message)) {
      throw new SignatureError('BAD_PASSWORD', 'Mot de passe du certificat incorrect : le fichier .p12 / .pfx ne peut pas être ouvert.');
    }
    throw new SignatureError(
      'UNREADABLE',
      "Ce fichier n'est pas un certificat PKCS#12 lisible (fichier .p12 ou .pfx contenant le certificat et sa clé privée).",
    );
  }

  // Keys: forge decodes RSA keys; other types come back as ASN.1 (PrivateKeyInfo).
  const keys: KeyObject[] = [];
  for (const type of [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!]) {
    for (const bag of pfx.getBags({ bagType: type })[type] ?? []) {
      const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
      if (!info) continue;
      try {
        keys.push(createPrivateKey({ key: Buffer.from(forgeBytes(forge.asn1.toDer(info).getBytes())), format: 'der', type: 'pkcs8' }));
      } catch {
        throw new SignatureError('UNSUPPORTED_KEY', "La clé privée du certificat est d'un type non pris en charge.");
      }
    }
  }
  // Certificates: DER bytes as stored (forge keeps the signed part untouched).
  const certs: Uint8Array[] = [];
  for (const bag of pfx.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []) {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
    if (asn1) certs.push(forgeBytes(forge.asn1.toDer(asn1).getBytes()));
  }
  if (keys.length === 0) {
    throw new SignatureError(
      'NO_PRIVATE_KEY',
      "Ce fichier ne contient pas de clé privée : il faut le certificat de signature exporté avec sa clé privée (.p12 ou .pfx), pas seulement le certificat public.",
    );
  }
  if (certs.length === 0) throw new SignatureError('NO_CERTIFICATE', 'Ce fichier ne contient aucun certificat.');

  const parsed = certs.map((der) => ({ der, cert: pkijs.Certificate.fromBER(toArrayBuffer(der)) }));
  const spki = (c: pkijs.Certificate): Buffer => Buffer.from(c.subjectPublicKeyInfo.toSchema().toBER(false));
  let signer: { der: Uint8Array; cert: pkijs.Certificate } | undefined;
  let privateKey: KeyObject | undefined;
  for (const key of keys) {
    const pub = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const match = parsed.find((p) => spki(p.cert).equals(pub));
    if (match) {
      signer = match;
      privateKey = key;
      break;
    }
  }
  if (!signer || !privateKey) {
    throw new SignatureError('NO_PRIVATE_KEY', 'La clé privée du fichier ne correspond à aucun de ses certificats.');
  }
  if (privateKey.asymmetricKeyType !== 'rsa' && privateKey.asymmetricKeyType !== 'ec') {
    throw new SignatureError('UNSUPPORTED_KEY', `Les clés de type ${privateKey.asymmetricKeyType ?? 'inconnu'} ne sont pas prises en charge (RSA ou ECDSA attendu).`);
  }

  const subject = nameParts(signer.cert.subject);
  const notBefore = signer.cert.notBefore.value;
  const notAfter = signer.cert.notAfter.value;
  if (notAfter.getTime() < at.getTime()) {
    throw new SignatureError(
      'EXPIRED',
      `Le certificat de « ${displayName(subject)} » a expiré le ${formatDate(notAfter.toISOString())} : il ne peut plus signer. Demandez un nouveau certificat.`,
    );
  }
  if (notBefore.getTime() > at.getTime()) {
    throw new SignatureError(
      'NOT_YET_VALID',
      `Le certificat de « ${displayName(subject)} » n'est valable qu'à partir du ${formatDate(notBefore.toISOString())}.`,
    );
  }
  const keyUsage = signer.cert.extensions?.find((e) => e.extnID === OID.keyUsage)?.parsedValue as asn1js.BitString | undefined;
  if (keyUsage) {
    const first = new Uint8Array(keyUsage.valueBlock.valueHexView)[0] ?? 0;
    // digitalSignature (bit 0) or nonRepudiation / contentCommitment (bit 1)
    if ((first & 0xc0) === 0) {
      throw new SignatureError('NOT_FOR_SIGNING', `Le certificat de « ${displayName(subject)} » n'est pas prévu pour signer des documents.`);
    }
  }

  // Chain: signer, then issuer by issuer, then whatever else the file holds.
  const ordered = [signer];
  const rest = parsed.filter((p) => p !== signer);
  for (let current = signer; ; ) {
    if (current.cert.issuer.isEqual(current.cert.subject)) break;
    const issuerIndex = rest.findIndex((p) => p.cert.subject.isEqual(current.cert.issuer));
    if (issuerIndex < 0) break;
    current = rest.splice(issuerIndex, 1)[0]!;
    ordered.push(current);
  }
  ordered.push(...rest);

  return {
    certificate: signer.der,
    chain: ordered.map((p) => p.der),
    privateKey,
    subject,
    issuer: nameParts(signer.cert.issuer),
    notBefore,
    notAfter,
  };
}

// ---------------------------------------------------------------------------
// CMS (pkijs)

function signingCertificateV2(cert: pkijs.Certificate, der: Uint8Array): asn1js.Sequence {
  const certHash = createHash('sha256').update(der).digest();
  // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
  // ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING, issuerSerial IssuerSerial } (hashAlgorithm: SHA-256 is the DEFAULT, omitted)
  // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }; GeneralName directoryName is [4] EXPLICIT Name
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.OctetString({ valueHex: toArrayBuffer(new Uint8Array(certHash)) }),
              new asn1js.Sequence({
                value: [
                  new asn1js.Sequence({
                    value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })],
                  }),
                  new asn1js.Integer({ valueHex: toArrayBuffer(new Uint8Array(cert.serialNumber.valueBlock.valueHexView)) }),
                ],
              }),
            ],
          }),
        ],
      }),
    ],
  });
}

async function webcryptoKey(key: KeyObject): Promise<CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : null;
    if (!namedCurve) throw new SignatureError('UNSUPPORTED_KEY', `La courbe elliptique ${curve ?? 'inconnue'} n'est pas prise en charge.`);
    return (await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign'])) as CryptoKey;
  }
  return (await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])) as CryptoKey;
}

/** A detached CMS SignedData (DER) over `digest` (SHA-256 of the signed byte ranges). */
export async function buildCms(identity: SignerIdentity, digest: Uint8Array): Promise<Uint8Array> {
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(identity.certificate));
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(digest) })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(cert, identity.certificate)] }),
  ];
  // DER: the elements of a SET OF are sorted by their encoding.
  const encoded = (a: pkijs.Attribute): Buffer => Buffer.from(a.toSchema().toBER(false));
  attributes.sort((a, b) => Buffer.compare(encoded(a), encoded(b)));

  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: identity.chain.map((der) => pkijs.Certificate.fromBER(toArrayBuffer(der))),
  });
  await signedData.sign(await webcryptoKey(identity.privateKey), 0, 'SHA-256', undefined, engine);
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

// ---------------------------------------------------------------------------
// PDF

export interface SignReportOptions {
  readonly p12: Uint8Array;
  readonly password: string;
  /** Written in /M (PAdES B-B: the signing time is the signer's claim, not a time-stamp). */
  readonly signingTime: Date;
  /** Signer's name in /Name; defaults to the certificate's common name. */
  readonly name?: string;
  readonly reason?: string;
  /** « Montpellier », « Préfecture de l'Hérault »… */
  readonly location?: string;
  readonly contactInfo?: string;
  /** Put the signature widget over the block pdf.ts drew on the last page (`signatureBlock`). Default false: invisible. */
  readonly visible?: boolean;
  readonly placeholderBytes?: number;
  // --- time-stamp (PAdES B-T, see timestamp.ts) ---
  /** Adds a signature-time-stamp to the finished CMS (timestamp.ts `timestamperFor`); throws when none can be had. */
  readonly timestamp?: (cms: Uint8Array) => Promise<Uint8Array>;
  // --- end time-stamp ---
}

const BYTE_RANGE_PLACEHOLDER = '**********';

function indexOfBytes(haystack: Uint8Array, needle: string, from = 0): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle, 'latin1'), from);
}

/** Adds the signature field and its placeholder; returns the saved bytes. */
async function withPlaceholder(pdf: Uint8Array, options: SignReportOptions, name: string, size: number): Promise<Uint8Array> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch {
    throw new SignatureError('NOT_A_PDF', "Le document à signer n'est pas un PDF lisible.");
  }
  const { context } = doc;
  const pages = doc.getPages();
  const page = pages[pages.length - 1];
  if (!page) throw new SignatureError('NOT_A_PDF', "Le document à signer n'a aucune page.");

  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const signature = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: SIGNATURE_SUBFILTER,
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(size * 2)),
    M: PDFString.fromDate(options.signingTime),
    Name: PDFHexString.fromText(name),
    Reason: PDFHexString.fromText(options.reason ?? SIGNATURE_REASON),
    ...(options.location ? { Location: PDFHexString.fromText(options.location) } : {}),
    ...(options.contactInfo ? { ContactInfo: PDFHexString.fromText(options.contactInfo) } : {}),
  });
  const signatureRef = context.register(signature);

  const rect = options.visible ? [...SIGNATURE_BLOCK_RECT] : [0, 0, 0, 0];
  const appearance = context.register(
    context.formXObject([], { BBox: [0, 0, rect[2]! - rect[0]!, rect[3]! - rect[1]!], Resources: {} }),
  );
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: rect,
    V: signatureRef,
    T: PDFHexString.fromText('Signature du rapport'),
    F: 132, // Print + Locked
    P: page.ref,
    AP: { N: appearance },
  });
  const widgetRef = context.register(widget);
  page.node.addAnnot(widgetRef);

  let acroForm = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (!acroForm) {
    acroForm = context.obj({ Fields: [] });
    doc.catalog.set(PDFName.of('AcroForm'), context.register(acroForm));
  }
  let fields = acroForm.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (!fields) {
    fields = context.obj([]);
    acroForm.set(PDFName.of('Fields'), fields);
  }
  fields.push(widgetRef);
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3));

  // No object streams: the placeholder must stay in plain text to be filled in place.
  return doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}

/**
 * Signs `pdf` (already complete: data attached, signature block drawn).
 * Returns the signed bytes; nothing may be re-saved afterwards (an incremental
 * update would leave the signature valid but no longer covering the file).
 */
export async function signReportPdf(pdf: Uint8Array, options: SignReportOptions): Promise<Uint8Array> {
  if (indexOfBytes(pdf, '/ByteRange') >= 0) {
    throw new SignatureError(
      'ALREADY_SIGNED',
      'Ce document est déjà signé : le signer de nouveau invaliderait la première signature. Générez à nouveau le rapport.',
    );
  }
  const identity = openP12(options.p12, options.password, options.signingTime);
  const size = options.placeholderBytes ?? DEFAULT_PLACEHOLDER_BYTES;
  const bytes = await withPlaceholder(pdf, options, options.name ?? displayName(identity.subject), size);

  // ByteRange: everything but the Contents hex string.
  const placeholderHex = `<${'0'.repeat(size * 2)}>`;
  const contentsStart = indexOfBytes(bytes, placeholderHex);
  const brMarker = `[ 0 /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} ]`;
  const brStart = indexOfBytes(bytes, brMarker);
  if (contentsStart < 0 || brStart < 0) throw new Error('signature placeholder not found in the saved PDF');
  const contentsEnd = contentsStart + placeholderHex.length;
  const range = [0, contentsStart, contentsEnd, bytes.length - contentsEnd] as const;
  const brText = `[0 ${range[1]} ${range[2]} ${range[3]}]`.padEnd(brMarker.length, ' ');
  if (brText.length !== brMarker.length) throw new Error('ByteRange does not fit its placeholder');
  bytes.set(Buffer.from(brText, 'latin1'), brStart);

  const digest = createHash('sha256').update(bytes.subarray(0, contentsStart)).update(bytes.subarray(contentsEnd)).digest();
  const signedCms = await buildCms(identity, new Uint8Array(digest));
  const cms = options.timestamp ? await options.timestamp(signedCms) : signedCms; // PAdES B-T
  if (cms.length > size) {
    throw new SignatureError(
      'PLACEHOLDER_TOO_SMALL',
      `La signature (${cms.length} octets) dépasse la place réservée (${size} octets) : la chaîne de certificats est trop longue.`,
    );
  }
  bytes.set(Buffer.from(Buffer.from(cms).toString('hex').padEnd(size * 2, '0'), 'latin1'), contentsStart + 1);
  return bytes;
}
