/**
 * Opens a PKCS#12 file (.p12 / .pfx): its private keys (PKCS#8 DER) and its
 * certificates (DER exactly as stored). RFC 7292 and PKCS#5 v2.1 (RFC 8018).
 *
 * Why not node-forge's decoder: forge hands PBKDF2 the password as one byte per
 * UTF-16 code unit, so a PBES2 file (OpenSSL 3's default, Windows'
 * « AES256-SHA256 ») with « é » in its password could not be opened. Why not
 * pkijs' `PFX.parseInternalValues`: it uses one password encoding for the MAC
 * and the encryption (PKCS#12 needs two) and does not know the legacy
 * PKCS#12 PBE ciphers (3DES, RC2) that `-legacy` and older Windows exports use.
 * So the structures are read by pkijs (PFX, AuthenticatedSafe, SafeContents,
 * bags), and the cryptography is node:crypto (PBKDF2, HMAC, AES, 3DES), plus
 * node-forge's RC2 only, a cipher OpenSSL 3 keeps in its « legacy » provider
 * that Node does not load.
 *
 * Passwords, as OpenSSL 3 does (crypto/pkcs12/p12_key.c, p12_mutl.c):
 * - PKCS#12 key derivation (MAC, legacy PBE): the password as a BMPString,
 *   UTF-16 big-endian with a final 00 00 (characters beyond U+FFFF, emoji,
 *   as surrogate pairs); if the MAC does not verify, OpenSSL retries with each
 *   UTF-8 byte widened to 16 bits (files made by OpenSSL before 1.1.0): so do we.
 * - PBES2 / PBKDF2: the password's UTF-8 bytes.
 */
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { SignatureError } from './signature-error';

export interface Pkcs12Contents {
  /** Private keys, PKCS#8 PrivateKeyInfo DER. */
  readonly keys: readonly Uint8Array[];
  /** Certificates, DER as found in the file. */
  readonly certificates: readonly Uint8Array[];
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

/** Digest OIDs (MAC) and HMAC OIDs (PBKDF2's PRF) → node:crypto's name and block size (PKCS#12 KDF's v). */
const HASHES: Readonly<Record<string, { name: string; block: number }>> = {
  '1.3.14.3.2.26': { name: 'sha1', block: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', block: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', block: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', block: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', block: 128 },
};
const PRFS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
/** PBES2 encryption schemes: node:crypto cipher and key length. */
const PBES2_CIPHERS: Readonly<Record<string, { cipher: string; keyLength: number }>> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};
/** PKCS#12 legacy PBE (RFC 7292 appendix C), SHA-1 key derivation. RC4 variants are refused. */
const LEGACY_CIPHERS: Readonly<Record<string, { cipher: 'des-ede3-cbc' | 'des-ede-cbc' | 'rc2'; keyLength: number }>> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLength: 16 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLength: 5 },
};

const corrupt = (): SignatureError =>
  new SignatureError(
    'UNREADABLE',
    "Ce fichier n'est pas un certificat PKCS#12 lisible (fichier .p12 ou .pfx contenant le certificat et sa clé privée) : il est endommagé, tronqué ou d'un autre format.",
  );
export const badPassword = (): SignatureError =>
  new SignatureError('BAD_PASSWORD', 'Mot de passe du certificat incorrect : le fichier .p12 / .pfx ne peut pas être ouvert.');
const unsupported = (what: string): SignatureError =>
  new SignatureError(
    'UNSUPPORTED_ENCRYPTION',
    `Ce fichier .p12 / .pfx est chiffré avec un procédé non pris en charge (${what}). Exportez de nouveau le certificat, par exemple en « AES256-SHA256 » ou « TripleDES-SHA1 ».`,
  );

/** A copy of exactly these bytes (a Buffer's `.buffer` may be Node's shared pool). */
const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const bytesOf = (view: ArrayBuffer | Uint8Array): Uint8Array => (view instanceof Uint8Array ? view : new Uint8Array(view));
/** An OCTET STRING's content, joined when it is constructed (BER, as some Windows exports write it). */
const octets = (value: asn1js.OctetString): Uint8Array => bytesOf(value.getValue());

// ---------------------------------------------------------------------------
// Password encodings and key derivation

/** UTF-16BE + 00 00: the BMPString PKCS#12's key derivation expects. */
function bmpString(password: string): Buffer {
  const le = Buffer.from(`${password}\0`, 'utf16le');
  return le.swap16();
}
/** What OpenSSL before 1.1.0 derived keys from: each UTF-8 byte as a 16-bit unit. */
function widenedUtf8(password: string): Buffer {
  const utf8 = Buffer.from(password, 'utf8');
  const out = Buffer.alloc(utf8.length * 2 + 2);
  utf8.forEach((b, i) => (out[i * 2 + 1] = b));
  return out;
}
/** The encodings to try, most likely first; an empty password may also be « no password ». */
function passwordCandidates(password: string): Buffer[] {
  const candidates = [bmpString(password)];
  const widened = widenedUtf8(password);
  if (!widened.equals(candidates[0]!)) candidates.push(widened);
  if (password === '') candidates.push(Buffer.alloc(0));
  return candidates;
}

/**
 * PBKDF2's password bytes: UTF-8 (PKCS#12 v1.1, OpenSSL 3); then, for a
 * non-ASCII password that fits in Latin-1, one byte per character, as
 * producers that pass the Windows code page (or node-forge) wrote them.
 */
function pbkdf2Candidates(password: string): Buffer[] {
  const utf8 = Buffer.from(password, 'utf8');
  // eslint-disable-next-line no-control-regex
  const latin1Only = /^[\u0000-\u00ff]*$/.test(password) && /[^\u0000-\u007f]/.test(password);
  return latin1Only ? [utf8, Buffer.from(password, 'latin1')] : [utf8];
}

const repeatTo = (bytes: Buffer, multiple: number): Buffer => {
  if (bytes.length === 0) return Buffer.alloc(0);
  const length = multiple * Math.ceil(bytes.length / multiple);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
};

/** RFC 7292 appendix B.2: id 1 = key, 2 = IV, 3 = MAC key. */
function pkcs12Kdf(hash: { name: string; block: number }, password: Buffer, salt: Uint8Array, iterations: number, id: 1 | 2 | 3, length: number): Buffer {
  const v = hash.block;
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([repeatTo(Buffer.from(salt), v), repeatTo(password, v)]);
  const out: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let a = createHash(hash.name).update(d).update(i).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash.name).update(a).digest();
    out.push(a);
    produced += a.length;
    if (produced >= length) break;
    const b = repeatTo(a, v).subarray(0, v);
    // I_j = (I_j + B + 1) mod 2^(8v), for every v-byte block of I
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

// ---------------------------------------------------------------------------
// Integrity (MAC) and decryption

/** Returns the password encoding the MAC verifies with; throws BAD_PASSWORD when none does. */
function verifyMac(macData: pkijs.MacData, content: Uint8Array, password: string): Buffer {
  const hash = HASHES[macData.mac.digestAlgorithm.algorithmId];
  if (!hash) throw unsupported(`intégrité ${macData.mac.digestAlgorithm.algorithmId}`);
  const expected = octets(macData.mac.digest);
  const salt = octets(macData.macSalt);
  const iterations = macData.iterations ?? 1;
  for (const candidate of passwordCandidates(password)) {
    const key = pkcs12Kdf(hash, candidate, salt, iterations, 3, expected.length);
    const mac = createHmac(hash.name, key).update(content).digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return candidate;
  }
  throw badPassword();
}

/** Decrypts with the algorithm of an EncryptedContentInfo or EncryptedPrivateKeyInfo. */
function decrypt(algorithm: pkijs.AlgorithmIdentifier, data: Uint8Array, password: string, pkcs12Password: Buffer): Buffer {
  const oid = algorithm.algorithmId;
  if (oid === OID.pbes2) {
    const params = new pkijs.PBES2Params({ schema: algorithm.algorithmParams });
    if (params.keyDerivationFunc.algorithmId !== OID.pbkdf2) throw unsupported(`dérivation ${params.keyDerivationFunc.algorithmId}`);
    const kdf = new pkijs.PBKDF2Params({ schema: params.keyDerivationFunc.algorithmParams });
    const scheme = PBES2_CIPHERS[params.encryptionScheme.algorithmId];
    if (!scheme) throw unsupported(`chiffrement ${params.encryptionScheme.algorithmId}`);
    const prf = kdf.prf ? PRFS[kdf.prf.algorithmId] : 'sha1';
    if (!prf) throw unsupported(`PBKDF2 ${kdf.prf?.algorithmId ?? ''}`);
    if (!(kdf.salt instanceof asn1js.OctetString)) throw unsupported('sel PBKDF2 non standard');
    const iv = octets(params.encryptionScheme.algorithmParams as asn1js.OctetString);
    const salt = octets(kdf.salt);
    let failure: unknown;
    for (const secret of pbkdf2Candidates(password)) {
      try {
        return wholeSequence(decipher(scheme.cipher, pbkdf2Sync(secret, salt, kdf.iterationCount, kdf.keyLength ?? scheme.keyLength, prf), iv, data));
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }
  const legacy = LEGACY_CIPHERS[oid];
  if (!legacy) throw unsupported(oid);
  // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
  const params = algorithm.algorithmParams as asn1js.Sequence;
  const [saltNode, iterationsNode] = params.valueBlock.value as [asn1js.OctetString, asn1js.Integer];
  if (!(saltNode instanceof asn1js.OctetString) || !(iterationsNode instanceof asn1js.Integer)) throw corrupt();
  const sha1 = HASHES['1.3.14.3.2.26']!;
  const salt = octets(saltNode);
  const iterations = iterationsNode.valueBlock.valueDec;
  const key = pkcs12Kdf(sha1, pkcs12Password, salt, iterations, 1, legacy.keyLength);
  const iv = pkcs12Kdf(sha1, pkcs12Password, salt, iterations, 2, 8);
  if (legacy.cipher === 'rc2') {
    const cipher = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString('binary')), legacy.keyLength * 8);
    cipher.start(forge.util.createBuffer(iv.toString('binary')));
    cipher.update(forge.util.createBuffer(Buffer.from(data).toString('binary')));
    if (!cipher.finish()) throw badPassword();
    return wholeSequence(Buffer.from(cipher.output.getBytes(), 'binary'));
  }
  return wholeSequence(decipher(legacy.cipher, key, iv, data));
}

/**
 * Every encrypted part of a PKCS#12 file is one DER SEQUENCE (SafeContents, PrivateKeyInfo).
 * A wrong key yields valid CBC padding about once in 256 tries; without a MAC
 * (openssl -nomac) nothing else would tell that garbage from a key, and the user
 * would be told their key is « d'un type non pris en charge » instead of « mot de
 * passe incorrect ». Garbage that also forms an exact SEQUENCE header is ~2^-24 rarer.
 */
function wholeSequence(plain: Buffer): Buffer {
  if (plain.length < 2 || plain[0] !== 0x30) throw badPassword();
  const first = plain[1]!;
  let header = 2;
  let length = first;
  if (first === 0x80) {
    // BER indefinite length (some older exporters): ends with end-of-contents.
    if (plain.length < 4 || plain[plain.length - 1] !== 0 || plain[plain.length - 2] !== 0) throw badPassword();
    return plain;
  }
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || plain.length < 2 + count) throw badPassword();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + plain[2 + i]!;
    header += count;
  }
  if (header + length !== plain.length) throw badPassword();
  return plain;
}

function decipher(name: string, key: Buffer, iv: Uint8Array, data: Uint8Array): Buffer {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    // Bad padding: the key is wrong (the MAC, when there is one, already said the password is right).
    throw badPassword();
  }
}

// ---------------------------------------------------------------------------
// Structure

function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SignatureError) throw error;
    throw corrupt();
  }
}

/**
 * The keys and certificates of a PKCS#12 file. Throws {@link SignatureError}:
 * UNREADABLE (not PKCS#12, damaged), BAD_PASSWORD, UNSUPPORTED_ENCRYPTION.
 */
export function readPkcs12(file: Uint8Array, password: string): Pkcs12Contents {
  const pfx = parse(() => pkijs.PFX.fromBER(arrayBufferOf(file)));
  // Public-key integrity mode (authSafe signed, not MACed) is not something users are given: refused.
  if (pfx.authSafe.contentType !== OID.data) throw unsupported(`intégrité par signature (${pfx.authSafe.contentType})`);
  const authSafeBytes = parse(() => octets(pfx.authSafe.content as asn1js.OctetString));
  // No MAC (openssl -nomac): a wrong password shows at decryption.
  const pkcs12Password = pfx.macData ? verifyMac(pfx.macData, authSafeBytes, password) : bmpString(password);

  const authSafe = parse(() => pkijs.AuthenticatedSafe.fromBER(arrayBufferOf(authSafeBytes)));
  const keys: Uint8Array[] = [];
  const certificates: Uint8Array[] = [];

  const readBags = (bags: readonly pkijs.SafeBag[]): void => {
    for (const bag of bags) {
      switch (bag.bagId) {
        case OID.keyBag:
          keys.push(new Uint8Array((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER(false)));
          break;
        case OID.shroudedKeyBag: {
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          keys.push(decrypt(shrouded.encryptionAlgorithm, octets(shrouded.encryptedData), password, pkcs12Password));
          break;
        }
        case OID.certBag: {
          const cert = bag.bagValue as pkijs.CertBag;
          if (cert.certId === OID.x509Certificate) certificates.push(octets(cert.certValue as asn1js.OctetString));
          break;
        }
        case OID.safeContentsBag:
          readBags((bag.bagValue as pkijs.SafeContents).safeBags);
          break;
        default:
          // CRLs and secrets: nothing to sign with.
          break;
      }
    }
  };

  for (const info of authSafe.safeContents) {
    let contents: Uint8Array;
    if (info.contentType === OID.data) {
      contents = parse(() => octets(info.content as asn1js.OctetString));
    } else if (info.contentType === OID.encryptedData) {
      const encrypted = parse(() => new pkijs.EncryptedData({ schema: info.content }));
      const eci = encrypted.encryptedContentInfo;
      contents = decrypt(eci.contentEncryptionAlgorithm, parse(() => bytesOf(eci.getEncryptedContent())), password, pkcs12Password);
    } else {
      // EnvelopedData (public-key privacy mode): not produced by the usual tools.
      throw unsupported(`contenu ${info.contentType}`);
    }
    readBags(parse(() => pkijs.SafeContents.fromBER(arrayBufferOf(contents))).safeBags);
  }
  return { keys, certificates };
}
