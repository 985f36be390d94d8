/**
 * Verifies a report PDF: is it signed, by whom, when, does the signature cover
 * the whole file, is the file unchanged since, does the certificate chain to a
 * trusted root — and what data does it carry.
 *
 * With pkijs: the CMS signature over the byte ranges (messageDigest and the
 * signer's signature), the chain from the certificates embedded in the CMS to
 * one of `trustedRoots` (checked at the signing time the signer claims in /M:
 * PAdES B-B has no time-stamp), and whether the ByteRange covers the file to
 * its last byte.
 *
 * The attached data is returned as `attachment` ONLY when the signature is
 * valid and covers the whole file. Otherwise (unsigned, modified, or content
 * appended after the signature — an incremental update may replace the
 * attachment) it comes back as `untrustedAttachment`, for display with a
 * warning, never as the report's data.
 *
 * Plain Node, never imports electron.
 */
import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, type PDFObject } from 'pdf-lib';
import * as pkijs from 'pkijs';
import {
  EXCHANGE_ATTACHMENT_MIME,
  EXCHANGE_ATTACHMENT_PATTERN,
  parseReportDataEnvelope,
  REPORT_DATA_FILE_PATTERN,
  REPORT_DATA_MIME,
  type ReportDataEnvelope,
} from './attach';
import { nameParts, type NameParts } from './sign';
import { signerValidityProblem, verifySignatureTimestamp, type TimestampVerification } from './timestamp-verify';

export interface VerifyReportOptions {
  /** PEM certificates of the roots the user trusts (their organisation's, the State's IGC/A…). */
  readonly trustedRoots?: readonly string[];
}

export interface ReportVerification {
  readonly signed: boolean;
  /** Subject of the signer's certificate, decoded (UTF-8). */
  readonly signer: (NameParts & { readonly issuer: NameParts; readonly notBefore: string; readonly notAfter: string }) | null;
  /** ISO 8601, from the signature's /M: the time the signer's software claims (no time-stamp in PAdES B-B). */
  readonly signingTime: string | null;
  readonly subFilter: string | null;
  readonly reason: string | null;
  readonly location: string | null;
  /** The signed byte ranges run from the first byte to the last: nothing was added after signing. */
  readonly coversWholeFile: boolean;
  /** The signed bytes hash to the signed messageDigest and the signature verifies with the signer's key. */
  readonly intact: boolean;
  /** The signer's certificate chains to one of `trustedRoots` (valid at the signing time). */
  readonly trusted: boolean;
  /** Subjects, signer first, up to the root when found. */
  readonly chain: readonly string[];
  /** The report data, only when signed, intact and covering the whole file. */
  readonly attachment: ReportDataEnvelope | null;
  /** Report data found but not protected by a valid signature: show it as such, never use it as the report's data. */
  readonly untrustedAttachment: ReportDataEnvelope | null;
  /**
   * The attached exchange file (`qrr-<dep>-<period>.qrr`) as text, whatever the
   * signature says: whoever imports it decides from `signed`, `intact`,
   * `coversWholeFile` and `trusted` (see exchange/sources.ts).
   */
  readonly exchangeAttachment: { readonly name: string; readonly text: string } | null;
  readonly attachmentName: string | null;
  /** French sentences: what is wrong or not checked. Empty for a valid, trusted, complete report. */
  readonly problems: readonly string[];
  /** The signature-time-stamp (PAdES B-T), checked; null when the signature has none. */
  readonly timestamp: TimestampVerification | null;
}

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

// ---------------------------------------------------------------------------
// Raw PDF reading (works even when the file no longer parses)

interface RawSignature {
  readonly byteRange: readonly [number, number, number, number];
  /** The text of the signature dictionary's object (latin1), for /M, /Name… */
  readonly dictText: string;
}

function findSignatures(text: string): RawSignature[] {
  const out: RawSignature[] = [];
  const pattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  for (const m of text.matchAll(pattern)) {
    const start = text.lastIndexOf(' obj', m.index);
    const end = text.indexOf('endobj', m.index);
    out.push({
      byteRange: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])],
      dictText: text.slice(start < 0 ? m.index : start, end < 0 ? m.index + 200 : end),
    });
  }
  return out;
}

/** A PDF text string from its source: literal `( … )` with escapes, or hex `< … >` (UTF-16BE with BOM, else PDFDocEncoding ≈ latin1). */
function decodePdfString(source: string): string {
  let bytes: number[];
  if (source.startsWith('<')) {
    const hex = source.slice(1, -1).replace(/\s+/g, '');
    bytes = (hex.length % 2 ? `${hex}0` : hex).match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  } else {
    bytes = [];
    const s = source.slice(1, -1);
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c !== '\\') {
        bytes.push(c.charCodeAt(0) & 0xff);
        continue;
      }
      const n = s[++i] ?? '';
      const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
      if (n in escapes) bytes.push(escapes[n]!);
      else if (/[0-7]/.test(n)) {
        let oct = n;
        while (oct.length < 3 && /[0-7]/.test(s[i + 1] ?? '')) oct += s[++i];
        bytes.push(parseInt(oct, 8) & 0xff);
      } else if (n === '\r' || n === '\n') {
        if (n === '\r' && s[i + 1] === '\n') i++;
      } else bytes.push(n.charCodeAt(0) & 0xff);
    }
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.slice(2)).swap16().toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return Buffer.from(bytes.slice(3)).toString('utf8');
  return Buffer.from(bytes).toString('latin1');
}

function dictString(dictText: string, key: string): string | null {
  const m = new RegExp(`/${key}\\s*(\\((?:\\\\.|[^\\\\)])*\\)|<[0-9A-Fa-f\\s]*>)`, 's').exec(dictText);
  return m ? decodePdfString(m[1]!) : null;
}

/** `D:20261126100000Z`, `D:20261126110000+01'00'` → ISO 8601. */
export function parsePdfDate(value: string): string | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(value);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', zone = 'Z'] = m;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.replace(/'/g, '').slice(3, 5) || '00'}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

// ---------------------------------------------------------------------------
// Attachment

interface EmbeddedFile {
  readonly name: string;
  readonly subtype: string | null;
  readonly bytes: Uint8Array;
}

/** Every embedded file of the document (name tree walked to a bounded depth). */
function embeddedFiles(doc: PDFDocument): EmbeddedFile[] {
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const tree = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  if (!tree) return [];
  const specs: PDFDict[] = [];
  const walk = (node: PDFDict, depth: number): void => {
    if (depth > 20) return;
    const pairs = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    if (pairs) for (let i = 1; i < pairs.size(); i += 2) {
      const spec = pairs.lookup(i);
      if (spec instanceof PDFDict) specs.push(spec);
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids) for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) walk(kid, depth + 1);
    }
  };
  walk(tree, 0);
  const text = (o: PDFObject | undefined): string | null => (o instanceof PDFHexString || o instanceof PDFString ? o.decodeText() : null);
  const out: EmbeddedFile[] = [];
  for (const spec of specs) {
    const name = text(spec.lookup(PDFName.of('UF'))) ?? text(spec.lookup(PDFName.of('F'))) ?? '';
    const stream = spec.lookupMaybe(PDFName.of('EF'), PDFDict)?.lookup(PDFName.of('F'));
    if (!(stream instanceof PDFRawStream)) continue;
    const subtype = stream.dict.lookupMaybe(PDFName.of('Subtype'), PDFName)?.decodeText() ?? null;
    out.push({ name, subtype, get bytes() { return decodePDFRawStream(stream).decode(); } });
  }
  return out;
}

const isExchangeFile = (f: EmbeddedFile): boolean => f.subtype === EXCHANGE_ATTACHMENT_MIME || EXCHANGE_ATTACHMENT_PATTERN.test(f.name);
const isReportData = (f: EmbeddedFile): boolean => !isExchangeFile(f) && (REPORT_DATA_FILE_PATTERN.test(f.name) || f.subtype === REPORT_DATA_MIME);

// ---------------------------------------------------------------------------

export async function verifyReportPdf(bytes: Uint8Array, options: VerifyReportOptions = {}): Promise<ReportVerification> {
  const problems: string[] = [];

  // Attachment (read whatever the signature says; trust decided below).
  let envelope: ReportDataEnvelope | null = null;
  let attachmentName: string | null = null;
  let exchange: { name: string; text: string } | null = null;
  try {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false });
    const files = embeddedFiles(doc);
    const found = files.find(isReportData);
    const exchangeFile = files.find(isExchangeFile);
    if (exchangeFile) exchange = { name: exchangeFile.name, text: new TextDecoder().decode(exchangeFile.bytes) };
    if (found) {
      attachmentName = found.name;
      try {
        envelope = parseReportDataEnvelope(JSON.parse(new TextDecoder().decode(found.bytes)));
        if (!envelope) problems.push(`La pièce jointe « ${found.name} » n'est pas au format des données de rapport QRR.`);
      } catch {
        problems.push(`La pièce jointe « ${found.name} » n'est pas un fichier JSON lisible.`);
      }
    } else {
      problems.push('Aucune donnée de rapport n’est jointe au document.');
    }
  } catch {
    problems.push('La structure du fichier PDF est illisible : les pièces jointes ne peuvent pas être lues.');
  }

  const unsigned = (extra: string[]): ReportVerification => ({
    signed: false,
    signer: null,
    signingTime: null,
    subFilter: null,
    reason: null,
    location: null,
    coversWholeFile: false,
    intact: false,
    trusted: false,
    chain: [],
    attachment: null,
    untrustedAttachment: envelope,
    attachmentName,
    exchangeAttachment: exchange,
    problems: [...extra, ...problems, ...(envelope ? ['Les données jointes ne sont protégées par aucune signature : elles ne sont pas fiables.'] : [])],
    timestamp: null,
  });

  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const signatures = findSignatures(text);
  if (signatures.length === 0) return unsigned(['Le document n’est pas signé.']);
  if (signatures.length > 1) problems.push(`Le document porte ${signatures.length} signatures : seule la première est vérifiée.`);
  const sig = signatures[0]!;
  const [a, b, c, d] = sig.byteRange;

  // The gap must be exactly the /Contents hex string.
  if (a !== 0 || b <= 0 || c <= b || c + d > bytes.length || text[b] !== '<' || text[c - 1] !== '>') {
    return unsigned(['La signature est mal formée (plage d’octets signée incohérente).']);
  }
  const coversWholeFile = c + d === bytes.length;
  if (!coversWholeFile) {
    problems.push(
      'Du contenu a été ajouté au fichier après la signature (mise à jour incrémentale) : cette partie n’est pas couverte par la signature, le document affiché peut différer du document signé.',
    );
  }

  const subFilter = /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(sig.dictText)?.[1] ?? null;
  if (subFilter !== 'ETSI.CAdES.detached' && subFilter !== 'adbe.pkcs7.detached') {
    problems.push(`Format de signature non pris en charge (${subFilter ?? 'inconnu'}).`);
  }
  const m = dictString(sig.dictText, 'M');
  const signingTime = m ? parsePdfDate(m) : null;
  const reason = dictString(sig.dictText, 'Reason');
  const location = dictString(sig.dictText, 'Location');

  // CMS
  const hex = text.slice(b + 1, c - 1).replace(/\s+/g, '');
  let signedData: pkijs.SignedData;
  try {
    const der = Buffer.from(hex, 'hex');
    const asn1 = asn1js.fromBER(toArrayBuffer(new Uint8Array(der)));
    if (asn1.offset === -1) throw new Error('BER');
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch {
    return { ...unsigned(['La signature du document est illisible.']), signed: true, subFilter, signingTime, reason, location, coversWholeFile };
  }

  const signedBytes = Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]);
  const certs = (signedData.certificates ?? []).filter((x): x is pkijs.Certificate => x instanceof pkijs.Certificate);
  const signerInfo = signedData.signerInfos[0];
  const sid = signerInfo?.sid;
  const signerCert =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? certs.find((x) => x.issuer.isEqual(sid.issuer) && x.serialNumber.isEqual(sid.serialNumber))
      : certs[0];

  // Intact: digest of the signed ranges = signed messageDigest, and the signature verifies.
  let intact = false;
  const digestAttr = signerInfo?.signedAttrs?.attributes.find((attr) => attr.type === MESSAGE_DIGEST);
  const signedDigest = digestAttr ? Buffer.from((digestAttr.values[0] as asn1js.OctetString).valueBlock.valueHexView) : null;
  const actualDigest = createHash('sha256').update(signedBytes).digest();
  if (signedDigest && !signedDigest.equals(actualDigest)) {
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

  // Chain and trust
  const chainCerts: pkijs.Certificate[] = [];
  const roots: pkijs.Certificate[] = [];
  for (const pem of options.trustedRoots ?? []) {
    for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
      try {
        const b64 = block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
        roots.push(pkijs.Certificate.fromBER(toArrayBuffer(new Uint8Array(Buffer.from(b64, 'base64')))));
      } catch {
        problems.push('Un certificat racine de confiance fourni est illisible : il est ignoré.');
      }
    }
  }
  if (signerCert) {
    chainCerts.push(signerCert);
    const pool = [...certs, ...roots];
    for (let current = signerCert; chainCerts.length < 10 && !current.issuer.isEqual(current.subject); ) {
      const next = pool.find((x) => x.subject.isEqual(current.issuer) && !chainCerts.includes(x));
      if (!next) break;
      chainCerts.push(next);
      current = next;
    }
  } else {
    problems.push('Le certificat du signataire est absent de la signature.');
  }

  // --- time-stamp (PAdES B-T, see timestamp-verify.ts) ---
  const timestamp = await verifySignatureTimestamp(signedData, roots);
  if (timestamp) problems.push(...timestamp.problems);
  /** When the signature is proven to have existed: a trusted token over this very signature. Else the signer's claim (/M). */
  const provenTime = timestamp?.imprintMatches && timestamp.trusted ? timestamp.time : null;
  const expiredAtProvenTime = provenTime && signerCert ? signerValidityProblem(signerCert, timestamp!) : null;
  if (expiredAtProvenTime) problems.push(expiredAtProvenTime);
  // --- end time-stamp ---

  let trusted = false;
  if (roots.length === 0) {
    problems.push('Aucune autorité de confiance n’a été fournie : la chaîne de certification n’a pas été vérifiée.');
  } else if (signerCert) {
    try {
      const checkDate = provenTime ? new Date(provenTime) : signingTime ? new Date(signingTime) : new Date();
      const chainEngine = new pkijs.CertificateChainValidationEngine({
        trustedCerts: roots,
        // The end-entity certificate must come last.
        certs: [...certs.filter((x) => x !== signerCert), signerCert],
        checkDate,
      });
      const result = await chainEngine.verify({}, engine);
      trusted = result.result === true;
      if (!trusted) problems.push(`Le certificat du signataire ne remonte pas à une autorité de confiance (${result.resultMessage || 'chaîne invalide'}).`);
    } catch (error) {
      problems.push(
        `Le certificat du signataire ne remonte pas à une autorité de confiance (${error instanceof Error ? error.message : 'chaîne invalide'}).`,
      );
    }
  }

  const valid = intact && coversWholeFile;
  if (envelope && !valid) problems.push('Les données jointes ne sont pas protégées par la signature : elles ne sont pas fiables.');

  return {
    signed: true,
    signer: signerCert
      ? {
          ...nameParts(signerCert.subject),
          issuer: nameParts(signerCert.issuer),
          notBefore: signerCert.notBefore.value.toISOString(),
          notAfter: signerCert.notAfter.value.toISOString(),
        }
      : null,
    signingTime,
    subFilter,
    reason,
    location,
    coversWholeFile,
    intact,
    trusted,
    chain: chainCerts.map((x) => nameParts(x.subject).text),
    attachment: valid ? envelope : null,
    untrustedAttachment: valid ? null : envelope,
    attachmentName,
    exchangeAttachment: exchange,
    problems,
    timestamp,
  };
}
