/**
 * PAdES B-T: a signature-time-stamp (RFC 3161, ETSI EN 319 122 « signature
 * time-stamp ») added to the report's CMS signature.
 *
 * The TSA signs the SHA-256 of the SignerInfo's signature value; its token
 * goes in the SignerInfo's UNSIGNED attributes (id-aa-signatureTimeStampToken),
 * so the signature value and everything it covers stay byte for byte the
 * same: the CMS is re-encoded only to add that attribute.
 *
 * Every answer is checked before it is used: status granted, a token whose own
 * CMS signature verifies, over exactly our imprint, with our nonce. Failures
 * are French {@link TimestampError}s; the caller decides whether the user
 * chose to sign without a time-stamp.
 *
 * Plain Node, never imports electron.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { httpTransport, TimestampError, type TsaTransport } from './tsa-client';
import { toArrayBuffer } from './signing-identity';

export const TIMESTAMP_OID = {
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  extKeyUsage: '2.5.29.37',
} as const;

/**
 * Room for the token in the signature placeholder, on top of the signature's
 * own (sign.ts DEFAULT_PLACEHOLDER_BYTES): a token carries the TSA's
 * certificate and often its chain.
 */
export const TIMESTAMP_RESERVE_BYTES = 12 * 1024;

export const timestampEngine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
/** A copy: `Buffer#slice` is a view, and a small Buffer's `.buffer` is Node's shared pool. */
export { toArrayBuffer };

/** The bytes of an OCTET STRING, primitive or constructed (BER). */
export function octets(value: asn1js.OctetString): Uint8Array {
  if (value.valueBlock.isConstructed) {
    return Buffer.concat((value.valueBlock.value as asn1js.OctetString[]).map((part) => Buffer.from(octets(part))));
  }
  return new Uint8Array(value.valueBlock.valueHexView);
}

/** A time-stamp token (ContentInfo) read down to its TSTInfo. Throws a plain Error when it is not one. */
export function parseToken(token: asn1js.AsnType | Uint8Array): { signedData: pkijs.SignedData; tstInfo: pkijs.TSTInfo } {
  const schema = token instanceof Uint8Array ? asn1js.fromBER(toArrayBuffer(token)).result : token;
  const contentInfo = new pkijs.ContentInfo({ schema });
  if (contentInfo.contentType !== TIMESTAMP_OID.signedData) throw new Error('not a SignedData');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== TIMESTAMP_OID.tstInfo || !encap.eContent) throw new Error('not a TSTInfo');
  const tstInfo = pkijs.TSTInfo.fromBER(toArrayBuffer(octets(encap.eContent)));
  return { signedData, tstInfo };
}

/** {@link parseToken}, or null when it is not a time-stamp token. */
export function tryParseToken(token: asn1js.AsnType | Uint8Array): ReturnType<typeof parseToken> | null {
  try {
    return parseToken(token);
  } catch {
    return null;
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** The imprint a TSA must sign for this signature value (SHA-256, as requested). */
export const signatureImprint = (signatureValue: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(signatureValue).digest());

/**
 * Asks the TSA for a token over `data` (the signature value), checks the
 * answer and returns the token (ContentInfo, DER).
 */
export async function requestTimestampToken(data: Uint8Array, transport: TsaTransport): Promise<Uint8Array> {
  const imprint = signatureImprint(data);
  const nonce = randomBytes(16);
  nonce[0] = (nonce[0]! & 0x7f) | 0x40; // positive, and minimal in DER
  const query = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: TIMESTAMP_OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(imprint) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  const reply = await transport(new Uint8Array(query.toSchema().toBER(false)));
  return checkReply(reply, imprint, new Uint8Array(nonce));
}

const badReply = (why: string): TimestampError =>
  new TimestampError('BAD_RESPONSE', `La réponse de l'autorité d'horodatage est inutilisable : ${why}.`);

const STATUS_TEXT: Readonly<Record<number, string>> = {
  2: 'demande rejetée',
  3: 'demande en attente',
  4: 'certificat bientôt révoqué',
  5: 'certificat révoqué',
};

async function checkReply(reply: Uint8Array, imprint: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
  let response: pkijs.TimeStampResp;
  try {
    response = pkijs.TimeStampResp.fromBER(toArrayBuffer(reply));
  } catch {
    throw badReply("ce n'est pas une réponse d'horodatage RFC 3161");
  }
  const status = response.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const detail = (response.status.statusStrings ?? []).map((s) => s.valueBlock.value).join(' ; ');
    throw new TimestampError(
      'REJECTED',
      `L'autorité d'horodatage a refusé de délivrer un jeton (${STATUS_TEXT[status] ?? `statut ${status}`}${detail ? ` : ${detail}` : ''}).`,
    );
  }
  if (!response.timeStampToken) throw badReply('elle ne contient aucun jeton');
  const token = new Uint8Array(response.timeStampToken.toSchema().toBER(false));
  const parsed = tryParseToken(token);
  if (!parsed) throw badReply("son jeton n'est pas un jeton d'horodatage lisible");
  const { signedData, tstInfo } = parsed;
  const mi = tstInfo.messageImprint;
  if (mi.hashAlgorithm.algorithmId !== TIMESTAMP_OID.sha256 || !sameBytes(octets(mi.hashedMessage), imprint)) {
    throw new TimestampError('MISMATCH', "L'autorité d'horodatage a horodaté d'autres données que la signature : le jeton est refusé.");
  }
  if (!tstInfo.nonce || !sameBytes(new Uint8Array(tstInfo.nonce.valueBlock.valueHexView), nonce)) {
    throw new TimestampError('MISMATCH', "La réponse de l'autorité d'horodatage ne correspond pas à la demande (nonce différent) : le jeton est refusé.");
  }
  if (!(await tokenSignatureVerifies(signedData))) throw badReply("la signature de son jeton ne se vérifie pas (certificat de l'autorité absent ou signature invalide)");
  return token;
}

/**
 * The token's own CMS signature (messageDigest of the TSTInfo, signature with
 * the signer certificate found in the token), apart from its imprint: pkijs
 * checks the imprint too when the content is a TSTInfo, so the content type
 * is set aside for the call — the signed bytes are the same.
 */
export async function tokenSignatureVerifies(signedData: pkijs.SignedData): Promise<boolean> {
  const contentType = signedData.encapContentInfo.eContentType;
  signedData.encapContentInfo.eContentType = '1.2.840.113549.1.7.1';
  try {
    const result = await signedData.verify({ signer: 0, checkChain: false, extendedMode: true }, timestampEngine);
    return result.signatureVerified === true;
  } catch {
    return false;
  } finally {
    signedData.encapContentInfo.eContentType = contentType;
  }
}

/** `cms` (ContentInfo of a SignedData, DER) with `token` as the first signer's signature-time-stamp. The signature value is untouched. */
export function embedTimestampToken(cms: Uint8Array, token: Uint8Array): Uint8Array {
  const { contentInfo, signedData, signerInfo } = readCms(cms);
  const attribute = new pkijs.Attribute({
    type: TIMESTAMP_OID.signatureTimeStampToken,
    values: [asn1js.fromBER(toArrayBuffer(token)).result],
  });
  const others = signerInfo.unsignedAttrs?.attributes.filter((a) => a.type !== TIMESTAMP_OID.signatureTimeStampToken) ?? [];
  const signedAttrs = signerInfo.signedAttrs ? new Uint8Array(signerInfo.signedAttrs.encodedValue) : new Uint8Array(0);
  const signature = signatureValueOf(signerInfo);
  signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [...others, attribute] });
  // encodeFlag false: certificates keep their original bytes.
  const out = new pkijs.ContentInfo({ contentType: contentInfo.contentType, content: signedData.toSchema(false) });
  const encoded = new Uint8Array(out.toSchema().toBER(false));
  // pkijs re-encodes the signed attributes from their parsed form: a signature over a non-DER
  // encoding would break. Never hand back a CMS whose signed part changed.
  const after = readCms(encoded).signerInfo;
  if (!sameBytes(after.signedAttrs ? new Uint8Array(after.signedAttrs.encodedValue) : new Uint8Array(0), signedAttrs) || !sameBytes(signatureValueOf(after), signature)) {
    throw new Error('re-encoding the CMS changed its signed part');
  }
  return encoded;
}

function readCms(cms: Uint8Array): { contentInfo: pkijs.ContentInfo; signedData: pkijs.SignedData; signerInfo: pkijs.SignerInfo } {
  const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(cms));
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw new Error('CMS without SignerInfo');
  return { contentInfo, signedData, signerInfo };
}

/** The first SignerInfo's signature value: what a signature-time-stamp covers. */
export const signatureValueOf = (signerInfo: pkijs.SignerInfo): Uint8Array => octets(signerInfo.signature);

/** Adds a signature-time-stamp obtained through `transport` to `cms`. */
export async function addSignatureTimestamp(cms: Uint8Array, transport: TsaTransport): Promise<Uint8Array> {
  const token = await requestTimestampToken(signatureValueOf(readCms(cms).signerInfo), transport);
  return embedTimestampToken(cms, token);
}

/** The hook sign.ts calls on the finished CMS: time-stamps it with the TSA at `url`. */
export const timestamperFor =
  (url: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal | undefined } = {}) =>
  (cms: Uint8Array): Promise<Uint8Array> =>
    addSignatureTimestamp(cms, httpTransport(url, options));
