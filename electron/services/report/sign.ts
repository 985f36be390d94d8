/**
 * Signs a report PDF: PAdES baseline B-B (`ETSI.CAdES.detached`, SHA-256,
 * signed attributes contentType + messageDigest + signingCertificateV2, no
 * signingTime: the time goes in the signature dictionary's /M), over the whole
 * file, with a {@link SigningIdentity}: a .p12 / .pfx file (p12-signer.ts) or a
 * smart card / USB token through PKCS#11 (pkcs11-signer.ts).
 *
 * - The CMS is built with pkijs over the certificates' original DER bytes
 *   (re-encoding names double-encodes non-ASCII ones, « Préfecture de
 *   l'Hérault », which gives signatures no verifier accepts). It never sees a
 *   private key: the identity signs the DER of the signed attributes.
 * - The placeholder (signature dictionary, widget, AcroForm) is added with
 *   pdf-lib, then the ByteRange is computed and the CMS injected in place:
 *   nothing is re-saved after that. Attach data BEFORE signing (attach.ts).
 * - Optional visible signature: the block itself is drawn by pdf.ts
 *   (`signatureBlock`, before signing); the widget is placed over it.
 * - Refusals are French {@link SignatureError}s (signature-error.ts).
 *
 * Plain Node, never imports electron.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { displayName } from './names';
import { hasKey, PlainPdf, withEntries } from './pdf-plain';
import { openP12 } from './p12-signer';
import { SIGNATURE_BLOCK_RECT } from './pdf';
import { SignatureError } from './signature-error';
import { toArrayBuffer, type SigningIdentity } from './signing-identity';

export { displayName, nameParts, type NameParts } from './names';
export { SignatureError, type SignatureErrorReason } from './signature-error';
export type { SigningIdentity } from './signing-identity';

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
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
} as const;

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

/** A detached CMS SignedData (DER) over `digest` (SHA-256 of the signed byte ranges). */
export async function buildCms(identity: SigningIdentity, digest: Uint8Array): Promise<Uint8Array> {
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(identity.certificate));
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(digest) })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(cert, identity.certificate)] }),
  ];
  // DER: the elements of a SET OF are sorted by their encoding.
  const encoded = (a: pkijs.Attribute): Buffer => Buffer.from(a.toSchema().toBER(false));
  attributes.sort((a, b) => Buffer.compare(encoded(a), encoded(b)));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });

  // What is signed is the DER of the attributes as a SET (tag 0x31), not as the [0] IMPLICIT field (RFC 5652 §5.4).
  const toBeSigned = new Uint8Array(signedAttrs.toSchema().toBER(false));
  toBeSigned[0] = 0x31;
  const signature = await identity.sign(toBeSigned);

  const digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });
  const signatureAlgorithm =
    identity.keyAlgorithm === 'ECDSA'
      ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSHA256 })
      : new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSAEncryption, algorithmParams: new asn1js.Null() });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [digestAlgorithm],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        digestAlgorithm,
        signedAttrs,
        signatureAlgorithm,
        signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
      }),
    ],
    certificates: identity.chain.map((der) => pkijs.Certificate.fromBER(toArrayBuffer(der))),
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

// ---------------------------------------------------------------------------
// PDF

/** Who signs: an identity already opened (PKCS#11 token, or a .p12 opened by the caller), or a .p12 and its password. */
export type SignerSource = { readonly identity: SigningIdentity } | { readonly p12: Uint8Array; readonly password: string };

export type SignReportOptions = SignerSource & {
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
  /** Adds a signature-time-stamp to the finished CMS (PAdES B-T, timestamp.ts `timestamperFor`); throws when none can be had. */
  readonly timestamp?: (cms: Uint8Array) => Promise<Uint8Array>;
};

const BYTE_RANGE_PLACEHOLDER = '**********';

function indexOfBytes(haystack: Uint8Array, needle: string, from = 0): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle, 'latin1'), from);
}

const BYTE_RANGE_MARKER = `[ 0 /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} ]`;

/** The signature dictionary's entries, as pdf-lib serializes them (the same text by both paths). */
function signatureEntries(options: SignReportOptions, name: string, size: number): string {
  return [
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    `/SubFilter /${SIGNATURE_SUBFILTER}`,
    `/ByteRange ${BYTE_RANGE_MARKER}`,
    `/Contents <${'0'.repeat(size * 2)}>`,
    `/M ${PDFString.fromDate(options.signingTime).toString()}`,
    `/Name ${PDFHexString.fromText(name).toString()}`,
    `/Reason ${PDFHexString.fromText(options.reason ?? SIGNATURE_REASON).toString()}`,
    ...(options.location ? [`/Location ${PDFHexString.fromText(options.location).toString()}`] : []),
    ...(options.contactInfo ? [`/ContactInfo ${PDFHexString.fromText(options.contactInfo).toString()}`] : []),
  ].join('\n');
}

/**
 * The placeholder added to a PDF as jsPDF writes it (the report), without
 * parsing it (pdf-plain.ts): signature dictionary, empty appearance, widget on
 * the last page, /AcroForm with /SigFlags 3 — the objects withPlaceholder adds
 * with pdf-lib. Null when the PDF is not of that shape.
 */
function placeholderPlain(pdf: Uint8Array, options: SignReportOptions, name: string, size: number): Uint8Array | null {
  const doc = PlainPdf.read(pdf);
  const catalog = doc?.dictionary(doc.root);
  const page = doc?.lastPage() ?? null;
  const pageDict = page === null ? null : doc!.dictionary(page);
  if (!doc || !catalog || page === null || !pageDict || hasKey(catalog, 'AcroForm')) return null;
  const annots = /\/Annots\s*\[([\d\sR]*)\]/.exec(pageDict);
  if (hasKey(pageDict, 'Annots') && !annots) return null;

  const signature = doc.add(`<<\n${signatureEntries(options, name, size)}\n>>`);
  const rect = options.visible ? [...SIGNATURE_BLOCK_RECT] : [0, 0, 0, 0];
  const appearance = doc.addStream(`/Type /XObject\n/Subtype /Form\n/BBox [0 0 ${rect[2]! - rect[0]!} ${rect[3]! - rect[1]!}]\n/Resources << >>`, new Uint8Array(0));
  const widget = doc.add(
    `<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/Rect [${rect.join(' ')}]\n/V ${signature} 0 R\n` +
      `/T ${PDFHexString.fromText('Signature du rapport').toString()}\n/F 132\n/P ${page} 0 R\n/AP << /N ${appearance} 0 R >>\n>>`,
  );
  const form = doc.add(`<<\n/Fields [${widget} 0 R]\n/SigFlags 3\n>>`);
  doc.replace(doc.root, withEntries(catalog, `/AcroForm ${form} 0 R`));
  doc.replace(page, annots ? pageDict.replace(annots[0], `/Annots [${`${annots[1]!.trim()} ${widget} 0 R`.trim()}]`) : withEntries(pageDict, `/Annots [${widget} 0 R]`));
  return doc.save();
}

/** Adds the signature field and its placeholder; returns the saved bytes. */
async function withPlaceholder(pdf: Uint8Array, options: SignReportOptions, name: string, size: number): Promise<Uint8Array> {
  const plain = placeholderPlain(pdf, options, name, size);
  if (plain) return plain;
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
  const identity = 'identity' in options ? options.identity : openP12(options.p12, options.password, options.signingTime);
  const size = options.placeholderBytes ?? DEFAULT_PLACEHOLDER_BYTES;
  const bytes = await withPlaceholder(pdf, options, options.name ?? displayName(identity.subject), size);

  // ByteRange: everything but the Contents hex string.
  const placeholderHex = `<${'0'.repeat(size * 2)}>`;
  const contentsStart = indexOfBytes(bytes, placeholderHex);
  const brMarker = BYTE_RANGE_MARKER;
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
