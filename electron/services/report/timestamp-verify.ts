/**
 * What a signature-time-stamp proves: the time the TSA certifies the
 * signature existed — if the token's own signature verifies, if it covers
 * this signature value (message imprint), and if the TSA's certificate is one
 * for time-stamping (extendedKeyUsage timeStamping) chaining to a trusted root
 * at that time. Anything short of that is listed in `problems`, in French.
 *
 * Plain Node, never imports electron.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { formatDateTime } from '../../../shared/format/fr';
import { displayName, nameParts } from './sign';
import { octets, signatureValueOf, TIMESTAMP_OID, timestampEngine, tokenSignatureVerifies, tryParseToken } from './timestamp';

export interface TimestampVerification {
  /** The time the TSA certifies (genTime), ISO 8601. */
  readonly time: string;
  /** The token is over this signature's value. */
  readonly imprintMatches: boolean;
  /** The token's signature verifies and its certificate is a time-stamping one chaining to a trusted root. */
  readonly trusted: boolean;
  /** The TSA's name (its certificate's common name), null when the certificate is missing. */
  readonly tsa: string | null;
  readonly problems: readonly string[];
}

const HASHES: Readonly<Record<string, string>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};

/** The first signer's signature-time-stamp, checked; null when the signature has none. */
export async function verifySignatureTimestamp(
  signedData: pkijs.SignedData,
  trustedRoots: readonly pkijs.Certificate[],
): Promise<TimestampVerification | null> {
  const signerInfo = signedData.signerInfos[0];
  const attribute = signerInfo?.unsignedAttrs?.attributes.find((a) => a.type === TIMESTAMP_OID.signatureTimeStampToken);
  if (!signerInfo || !attribute) return null;
  const token = attribute.values[0] as asn1js.AsnType | undefined;
  if (attribute.values.length !== 1 || !token) {
    return unreadable('L’horodatage de la signature est mal formé (un seul jeton attendu).');
  }
  return inspectTimestampToken(token, signatureValueOf(signerInfo), trustedRoots);
}

const unreadable = (problem: string): TimestampVerification => ({
  time: '',
  imprintMatches: false,
  trusted: false,
  tsa: null,
  problems: [problem],
});

/** Checks a token (ContentInfo) against the data it should time-stamp. */
export async function inspectTimestampToken(
  token: asn1js.AsnType | Uint8Array,
  data: Uint8Array,
  trustedRoots: readonly pkijs.Certificate[],
): Promise<TimestampVerification> {
  const parsed = tryParseToken(token);
  if (!parsed) return unreadable('L’horodatage de la signature est illisible : ce n’est pas un jeton d’horodatage RFC 3161.');
  const { signedData, tstInfo } = parsed;
  const problems: string[] = [];
  const time = tstInfo.genTime.toISOString();

  const hash = HASHES[tstInfo.messageImprint.hashAlgorithm.algorithmId];
  const imprintMatches =
    hash !== undefined && Buffer.from(octets(tstInfo.messageImprint.hashedMessage)).equals(createHash(hash).update(data).digest());
  if (!imprintMatches) {
    problems.push('L’horodatage ne porte pas sur cette signature (empreinte différente) : il ne prouve rien sur sa date.');
  }

  const certs = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid = signedData.signerInfos[0]?.sid;
  const tsaCert =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber))
      : undefined;
  const tsa = tsaCert ? displayName(nameParts(tsaCert.subject)) : null;

  const signatureOk = tsaCert !== undefined && (await tokenSignatureVerifies(signedData));
  if (!tsaCert) problems.push('Le certificat de l’autorité d’horodatage est absent du jeton : l’horodatage ne peut pas être vérifié.');
  else if (!signatureOk) problems.push('La signature du jeton d’horodatage est invalide.');

  const forTimestamping = tsaCert ? timeStampingProblem(tsaCert, tsa!) : null;
  if (forTimestamping) problems.push(forTimestamping);

  let chained = false;
  if (tsaCert && signatureOk) {
    if (trustedRoots.length === 0) {
      problems.push('Aucune autorité de confiance n’a été fournie : le certificat de l’autorité d’horodatage n’a pas été vérifié.');
    } else {
      try {
        const chain = new pkijs.CertificateChainValidationEngine({
          trustedCerts: [...trustedRoots],
          certs: [...certs.filter((c) => c !== tsaCert), tsaCert], // the end entity last
          checkDate: tstInfo.genTime,
        });
        const result = await chain.verify({}, timestampEngine);
        chained = result.result === true;
        if (!chained) problems.push(untrustedTsa(tsa!, result.resultMessage));
      } catch (error) {
        problems.push(untrustedTsa(tsa!, error instanceof Error ? error.message : ''));
      }
    }
  }
  return { time, imprintMatches, trusted: signatureOk && chained && forTimestamping === null, tsa, problems };
}

const untrustedTsa = (tsa: string, why: string): string =>
  `Le certificat de l’autorité d’horodatage « ${tsa} » ne remonte pas à une autorité de confiance${why ? ` (${why})` : ''}.`;

/** RFC 3161 §2.3: the TSA's certificate has one critical extendedKeyUsage, timeStamping. */
function timeStampingProblem(cert: pkijs.Certificate, tsa: string): string | null {
  const extension = cert.extensions?.find((e) => e.extnID === TIMESTAMP_OID.extKeyUsage);
  const usages = (extension?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  if (!extension || !usages.includes(TIMESTAMP_OID.timeStamping)) {
    return `Le certificat de « ${tsa} » n’est pas un certificat d’horodatage (usage « timeStamping » absent).`;
  }
  if (!extension.critical) return `Le certificat de « ${tsa} » ne réserve pas son usage à l’horodatage (extension non critique).`;
  return null;
}

/** « 03/12/2026 15:32, par « TSA interne » » for messages. */
export const describeTimestamp = (t: Pick<TimestampVerification, 'time' | 'tsa'>): string =>
  `${formatDateTime(t.time)}${t.tsa ? `, par « ${t.tsa} »` : ''}`;
