/**
 * Verifies a report PDF: is it signed, by whom, when, does the signature cover
 * the whole file, is the file unchanged since, does the certificate chain to a
 * trusted root — and what data does it carry.
 *
 * One verdict, `status`, that every caller uses:
 *   - `unsigned`: no trace of a signature at all (no signature dictionary, no
 *     signature field, no /ByteRange…);
 *   - `valid`: the signature's structure holds (signature-layout.ts: exact
 *     hexadecimal gap, one signature field, no shadow objects), the signed
 *     bytes are unchanged (signature-cms.ts) and cover the file to its last byte;
 *   - `invalid`: everything else — a signature present but unusable (ByteRange
 *     edited or renamed, CMS unreadable, data hidden in the gap), modified, or
 *     with content appended after signing. Never taken for « non signé ».
 * The certificate is judged apart (`trusted`, `certificate`): chain to one of
 * `trustedRoots`, validity and key usage at the signing time.
 *
 * The attachments are read through the cross-reference sections of the signed
 * revision (pdf-revision.ts), never by a lenient top-to-bottom parse. The
 * report data is returned as `attachment` ONLY when the status is valid;
 * otherwise it comes back as `untrustedAttachment` (read from the file's last
 * revision, what a PDF reader shows), for display with a warning.
 *
 * Plain Node, never imports electron.
 */
import type { PDFDict, PDFObject } from 'pdf-lib';
import { PDFHexString, PDFName, PDFString } from 'pdf-lib';
import type * as pkijs from 'pkijs';
import { formatDate, formatDateTime } from '../../../shared/format/fr';
import { parseReportDataEnvelope, type ReportDataEnvelope } from './attach';
import { embeddedFiles, isExchangeFile, isReportData } from './embedded-files';
import { PdfStructureError, readRevision } from './pdf-revision';
import { certificatesFromPem, certificateUse, chainOf, checkCms, parseSignatureContents, type CertificateUse } from './signature-cms';
import { checkSignedRevision, hasSignatureMarkers, locateSignature } from './signature-layout';
import { nameParts, type NameParts } from './sign';
import { verifySignatureTimestamp, type TimestampVerification } from './timestamp-verify';

export type VerificationStatus = 'valid' | 'invalid' | 'unsigned';

export interface VerifyReportOptions {
  /** PEM certificates of the roots the user trusts (their organisation's, the State's IGC/A…). */
  readonly trustedRoots?: readonly string[];
  /**
   * The signing time proven by a time-stamp of the signature (PAdES B-T), when
   * there is one and it verifies; null otherwise. The certificate's validity
   * is then checked at that time instead of the signer's claimed /M.
   */
  readonly provenSigningTime?: (signedData: pkijs.SignedData) => Promise<Date | null>;
  /**
   * Read the attached report data and exchange file (default true). The CLI's
   * check of the report it has just produced only needs the signature's
   * verdict: a national report carries ~240 Mo of attached data.
   */
  readonly readAttachments?: boolean;
}

export interface SignerCertificateCheck extends CertificateUse {
  /** Where `checkedAt` comes from: the signer's claim (/M), a verified time-stamp, or — neither known — the time of verification. */
  readonly checkedAtSource: 'declared' | 'timestamp' | 'verification';
}

export interface ReportVerification {
  /** The one verdict to act on (see the module comment). */
  readonly status: VerificationStatus;
  /** A signature is present (valid or not): `status !== 'unsigned'`. */
  readonly signed: boolean;
  /** Subject of the signer's certificate, decoded (UTF-8). */
  readonly signer: (NameParts & { readonly issuer: NameParts; readonly notBefore: string; readonly notAfter: string }) | null;
  /** ISO 8601, from the signature's /M: the time the signer's software claims. */
  readonly signingTime: string | null;
  readonly subFilter: string | null;
  readonly reason: string | null;
  readonly location: string | null;
  /** « RSA 3072 bits », « ECDSA P-256 »: the signer's key. */
  readonly signatureAlgorithm: string | null;
  /** The signed byte ranges run from the first byte to the last: nothing was added after signing. */
  readonly coversWholeFile: boolean;
  /**
   * The signed bytes hash to the signed messageDigest, the signature verifies
   * with the signer's key, and the signature's structure holds (nothing hidden
   * in its gap, no object defined twice): so that `signed && intact &&
   * coversWholeFile`, what earlier callers test, means exactly `status === 'valid'`.
   */
  readonly intact: boolean;
  /** The signer's certificate chains to one of `trustedRoots`, and was valid and meant for signing at the signing time. */
  readonly trusted: boolean;
  /** The signer's certificate at the signing time: validity period and key usage. */
  readonly certificate: SignerCertificateCheck | null;
  /** Subjects, signer first, up to the root when found. */
  readonly chain: readonly string[];
  /** The report data, only when the status is valid. */
  readonly attachment: ReportDataEnvelope | null;
  /** Report data found but not protected by a valid signature: show it as such, never use it as the report's data. */
  readonly untrustedAttachment: ReportDataEnvelope | null;
  /**
   * The attached exchange file (`qrr-<dep>-<period>.qrr`) as text: from the
   * signed revision when valid, from the file when unsigned, never when invalid.
   * Whoever imports it decides from `status` and `trusted` (exchange/sources.ts).
   */
  readonly exchangeAttachment: { readonly name: string; readonly text: string } | null;
  readonly attachmentName: string | null;
  /** French sentences: what is wrong or not checked. Empty for a valid, trusted, complete report. */
  readonly problems: readonly string[];
  /** The signature-time-stamp (PAdES B-T), checked; null when the signature has none. */
  readonly timestamp: TimestampVerification | null;
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
// Attachments

interface Attachments {
  readonly envelope: ReportDataEnvelope | null;
  readonly name: string | null;
  readonly exchange: { name: string; text: string } | null;
  readonly problems: string[];
}

function readAttachments(catalog: PDFDict | null): Attachments {
  if (!catalog) return { envelope: null, name: null, exchange: null, problems: ['La structure du fichier PDF est illisible : les pièces jointes ne peuvent pas être lues.'] };
  const files = embeddedFiles(catalog);
  const found = files.find(isReportData);
  const exchangeFile = files.find(isExchangeFile);
  const exchange = exchangeFile ? { name: exchangeFile.name, text: new TextDecoder().decode(exchangeFile.bytes) } : null;
  if (!found) return { envelope: null, name: null, exchange, problems: ['Aucune donnée de rapport n’est jointe au document.'] };
  try {
    const envelope = parseReportDataEnvelope(JSON.parse(new TextDecoder().decode(found.bytes)));
    return { envelope, name: found.name, exchange, problems: envelope ? [] : [`La pièce jointe « ${found.name} » n'est pas au format des données de rapport QRR.`] };
  } catch {
    return { envelope: null, name: found.name, exchange, problems: [`La pièce jointe « ${found.name} » n'est pas un fichier JSON lisible.`] };
  }
}

/** What `readAttachments: false` reports: nothing read, nothing to say about it. */
const NOT_READ: Attachments = { envelope: null, name: null, exchange: null, problems: [] };

/** The attachments of the file's last revision, as a PDF reader would show them: for display only. */
async function latestAttachments(bytes: Uint8Array): Promise<Attachments> {
  try {
    return readAttachments((await readRevision(bytes)).catalog);
  } catch (error) {
    if (!(error instanceof PdfStructureError)) throw error;
    return readAttachments(null);
  }
}

// ---------------------------------------------------------------------------

const text = (o: PDFObject | undefined): string | null => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : null);

function certificateProblems(use: SignerCertificateCheck, cert: pkijs.Certificate): string[] {
  const when = use.checkedAtSource === 'timestamp' ? 'à la date prouvée par l’horodatage' : use.checkedAtSource === 'declared' ? 'à la date de signature déclarée' : 'à ce jour';
  const at = `${when} (${formatDateTime(use.checkedAt)})`;
  const problems: string[] = [];
  if (use.expired) problems.push(`Le certificat du signataire avait expiré le ${formatDate(cert.notAfter.value.toISOString())}, ${at}.`);
  if (use.notYetValid) problems.push(`Le certificat du signataire n’était pas encore valable ${at} : il ne l’est qu’à partir du ${formatDate(cert.notBefore.value.toISOString())}.`);
  if (!use.keyUsageAllowsSigning) {
    problems.push(`Le certificat du signataire n’est pas prévu pour signer des documents (usages déclarés : ${use.keyUsage?.join(', ') || 'aucun'}).`);
  }
  return problems;
}

export async function verifyReportPdf(bytes: Uint8Array, options: VerifyReportOptions = {}): Promise<ReportVerification> {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const empty = {
    signer: null,
    signingTime: null,
    subFilter: null,
    reason: null,
    location: null,
    signatureAlgorithm: null,
    coversWholeFile: false,
    intact: false,
    trusted: false,
    certificate: null,
    chain: [],
    attachment: null,
    exchangeAttachment: null,
    timestamp: null,
  } as const;

  if (!hasSignatureMarkers(raw)) {
    const found = await latestAttachments(bytes);
    return {
      ...empty,
      status: 'unsigned',
      signed: false,
      untrustedAttachment: found.envelope,
      attachmentName: found.name,
      exchangeAttachment: found.exchange,
      problems: [
        'Le document n’est pas signé.',
        ...found.problems,
        ...(found.envelope ? ['Les données jointes ne sont protégées par aucune signature : elles ne sont pas fiables.'] : []),
      ],
    };
  }

  // From here on a signature is present: whatever fails makes it invalid, never « unsigned ».
  const invalid = async (problems: string[], known: Partial<ReportVerification> = {}): Promise<ReportVerification> => {
    const found = await latestAttachments(bytes);
    return {
      ...empty,
      ...known,
      status: 'invalid',
      signed: true,
      untrustedAttachment: found.envelope,
      attachmentName: found.name,
      problems: [...problems, ...(found.envelope ? ['Les données jointes ne sont pas protégées par la signature : elles ne sont pas fiables.'] : [])],
    };
  };

  const located = locateSignature(raw);
  if (!located.ok) return invalid([located.problem]);
  const { layout } = located;
  const problems: string[] = [];
  if (!layout.coversWholeFile) {
    problems.push(
      'Du contenu a été ajouté au fichier après la signature (mise à jour incrémentale) : cette partie n’est pas couverte par la signature, le document affiché peut différer du document signé.',
    );
  }
  const structure = await checkSignedRevision(bytes, raw, layout);
  if (!structure.ok) problems.push(...structure.problems);
  const dict = structure.ok ? structure.signed.signature : null;
  const subFilter = dict?.lookupMaybe(PDFName.of('SubFilter'), PDFName)?.decodeText() ?? null;
  const claimed = text(dict?.lookup(PDFName.of('M')));
  const signingTime = claimed ? parsePdfDate(claimed) : null;
  const reason = text(dict?.lookup(PDFName.of('Reason')));
  const location = text(dict?.lookup(PDFName.of('Location')));
  if (dict && subFilter !== 'ETSI.CAdES.detached' && subFilter !== 'adbe.pkcs7.detached') {
    problems.push(`Format de signature non pris en charge (${subFilter ?? 'inconnu'}).`);
  }
  const known = { subFilter, signingTime, reason, location, coversWholeFile: layout.coversWholeFile };

  const cms = parseSignatureContents(layout.contentsHex);
  if (!cms.ok) return invalid([...problems, cms.problem], known);
  const [a, b, c, d] = layout.byteRange;
  const signedBytes = Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]);
  const check = await checkCms(cms.signedData, signedBytes);
  problems.push(...check.problems);
  const status: VerificationStatus = structure.ok && check.intact && layout.coversWholeFile ? 'valid' : 'invalid';

  // The certificate, at the proven time when a time-stamp gives one, else at the claimed /M.
  const { roots, unreadable } = certificatesFromPem(options.trustedRoots ?? []);
  for (let i = 0; i < unreadable; i++) problems.push('Un certificat racine de confiance fourni est illisible : il est ignoré.');
  // A signature-time-stamp proves the time only when it covers this signature and its TSA is trusted.
  const timestamp = await verifySignatureTimestamp(cms.signedData, roots);
  if (timestamp) problems.push(...timestamp.problems);
  const stamped = timestamp?.imprintMatches && timestamp.trusted ? new Date(timestamp.time) : null;
  const proven = stamped ?? (options.provenSigningTime ? await options.provenSigningTime(cms.signedData) : null);
  const checkedAtSource = proven ? 'timestamp' : signingTime ? 'declared' : 'verification';
  const at = proven ?? (signingTime ? new Date(signingTime) : new Date());
  let certificate: SignerCertificateCheck | null = null;
  let trusted = false;
  let chain: string[] = [];
  if (check.signerCert) {
    certificate = { ...certificateUse(check.signerCert, at), checkedAtSource };
    problems.push(...certificateProblems(certificate, check.signerCert));
    const chained = await chainOf(check.signerCert, check.certs, roots, at);
    chain = chained.chain.map((x) => nameParts(x.subject).text);
    if (roots.length === 0) problems.push('Aucune autorité de confiance n’a été fournie : la chaîne de certification n’a pas été vérifiée.');
    else if (!chained.trusted) problems.push(`Le certificat du signataire ne remonte pas à une autorité de confiance (${chained.reason}).`);
    trusted = chained.trusted && !certificate.expired && !certificate.notYetValid && certificate.keyUsageAllowsSigning;
  }

  const signer = check.signerCert
    ? {
        ...nameParts(check.signerCert.subject),
        issuer: nameParts(check.signerCert.issuer),
        notBefore: check.signerCert.notBefore.value.toISOString(),
        notAfter: check.signerCert.notAfter.value.toISOString(),
      }
    : null;
  const details = { ...known, signer, signatureAlgorithm: check.algorithm, intact: check.intact && structure.ok, trusted, certificate, chain, timestamp };
  if (status === 'invalid' || !structure.ok) return invalid(problems, details);

  // Valid: the signed revision is the whole file; its attachments are the report's.
  const found = options.readAttachments === false ? NOT_READ : readAttachments(structure.signed.revision.catalog);
  return {
    ...details,
    status,
    signed: true,
    attachment: found.envelope,
    untrustedAttachment: null,
    attachmentName: found.name,
    exchangeAttachment: found.exchange,
    problems: [...found.problems, ...problems],
  };
}
