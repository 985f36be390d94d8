/**
 * Byte-level surgery on signed report PDFs, for the tamper suite
 * (tests/integration/report-tamper.test.ts): rewrite the unsigned /Contents
 * gap or the /ByteRange in place (same length), append incremental updates,
 * and (re)sign the byte ranges with OpenSSL (`openssl cms -sign`, an
 * independent signer) using certificates made here with pkijs — any key
 * (RSA, ECDSA P-256/P-384), any validity period, any key usage.
 */
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { tempDir } from './db';

export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
export const fromLatin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

// ---------------------------------------------------------------------------
// Where the signature lies

export interface SignatureSpot {
  /** Offset of the `[` of /ByteRange, and the room the writer left for it (up to the end of its line). */
  readonly rangeAt: number;
  readonly rangeRoom: number;
  readonly byteRange: readonly [number, number, number, number];
  /** The gap: `<` at `b`, `>` at `c - 1`. */
  readonly b: number;
  readonly c: number;
  /** Hex digits of the CMS itself (without the zero padding). */
  readonly cmsHexLength: number;
}

/** The `which`-th signature dictionary (ByteRange + Contents) of the file, 0 = first. */
export function spotOf(bytes: Uint8Array, which = 0): SignatureSpot {
  const text = latin1(bytes);
  const ranges = [...text.matchAll(/\/ByteRange\s*(\[[^\]]*\])/g)];
  const m = ranges[which];
  if (!m) throw new Error(`no ByteRange #${which}`);
  const rangeAt = m.index + m[0].indexOf('[');
  const rangeRoom = text.indexOf('\n', rangeAt) - rangeAt;
  const numbers = m[1]!.slice(1, -1).trim().split(/\s+/).map(Number) as unknown as [number, number, number, number];
  const contents = /\/Contents\s*</g;
  contents.lastIndex = text.lastIndexOf(' obj', m.index);
  const found = contents.exec(text)!;
  const b = found.index + found[0].length - 1;
  const c = text.indexOf('>', b) + 1;
  const der = Buffer.from(text.slice(b + 1, c - 1), 'hex');
  const parsed = asn1js.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer);
  return { rangeAt, rangeRoom, byteRange: numbers, b, c, cmsHexLength: parsed.offset > 0 ? parsed.offset * 2 : 0 };
}

/** The file with the gap's inner text (between `<` and `>`) replaced; the length must not change. */
export function withGap(bytes: Uint8Array, mutate: (hex: string, spot: SignatureSpot) => string, which = 0): Uint8Array {
  const spot = spotOf(bytes, which);
  const text = latin1(bytes);
  const inner = mutate(text.slice(spot.b + 1, spot.c - 1), spot);
  if (inner.length !== spot.c - spot.b - 2) throw new Error(`gap length changed: ${inner.length} ≠ ${spot.c - spot.b - 2}`);
  return fromLatin1(text.slice(0, spot.b + 1) + inner + text.slice(spot.c - 1));
}

/** The file with the /ByteRange array text replaced (padded with spaces to the same room). */
export function withByteRangeText(bytes: Uint8Array, array: string, which = 0): Uint8Array {
  const spot = spotOf(bytes, which);
  if (array.length > spot.rangeRoom) throw new Error('ByteRange text too long');
  const text = latin1(bytes);
  return fromLatin1(text.slice(0, spot.rangeAt) + array.padEnd(spot.rangeRoom, ' ') + text.slice(spot.rangeAt + spot.rangeRoom));
}

/** Replaces `search` (first occurrence after `from`) by `replacement` of the same length. */
export function replaceSameLength(bytes: Uint8Array, search: string, replacement: string, from = 0): Uint8Array {
  if (search.length !== replacement.length) throw new Error('lengths differ');
  const text = latin1(bytes);
  const at = text.indexOf(search, from);
  if (at < 0) throw new Error(`not found: ${search}`);
  return fromLatin1(text.slice(0, at) + replacement + text.slice(at + search.length));
}

// ---------------------------------------------------------------------------
// Incremental updates

/** Appends an incremental update defining `objects` (number → body text, without `obj`/`endobj`), chained by /Prev. */
export function appendUpdate(bytes: Uint8Array, objects: ReadonlyArray<readonly [number, string | Uint8Array]>): Uint8Array {
  const text = latin1(bytes);
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const trailer = text.slice(text.lastIndexOf('trailer'));
  const size = Number(/\/Size (\d+)/.exec(trailer)![1]);
  const root = /\/Root (\d+ \d+ R)/.exec(trailer)![1]!;
  let out = text.endsWith('\n') ? text : `${text}\n`;
  const offsets: Array<[number, number]> = [];
  for (const [number, body] of objects) {
    offsets.push([number, out.length]);
    out += `${number} 0 obj\n${typeof body === 'string' ? body : latin1(body)}\nendobj\n`;
  }
  const xrefAt = out.length;
  out += 'xref\n0 1\n0000000000 65535 f \n';
  for (const [number, offset] of offsets) out += `${number} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
  const newSize = Math.max(size, ...objects.map(([n]) => n + 1));
  out += `trailer\n<< /Size ${newSize} /Root ${root} /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return fromLatin1(out);
}

/** A stream object's body (dictionary + data), uncompressed. */
export const streamBody = (dict: string, data: Uint8Array): Uint8Array =>
  fromLatin1(`<< ${dict} /Length ${data.length} >>\nstream\n${latin1(data)}\nendstream`);

// ---------------------------------------------------------------------------
// Certificates (pkijs) and CMS signatures (openssl cms)

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
export type KeyKind = 'RSA-2048' | 'P-256' | 'P-384';
export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyCertSign' | 'cRLSign';
const KU_BITS: Record<KeyUsageName, number> = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyCertSign: 5, cRLSign: 6 };

export interface TestCert {
  readonly cert: pkijs.Certificate;
  readonly privateKey: CryptoKey;
  readonly certPem: string;
  readonly keyPem: string;
}

const pem = (label: string, der: ArrayBuffer): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

function keyUsageExtension(usages: readonly KeyUsageName[]): pkijs.Extension {
  const bits = usages.map((u) => KU_BITS[u]);
  const bytes = new Uint8Array(Math.floor(Math.max(...bits) / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const last = bytes[bytes.length - 1]!;
  let unusedBits = 0;
  while (unusedBits < 7 && ((last >> unusedBits) & 1) === 0) unusedBits++;
  const value = new asn1js.BitString({ valueHex: bytes.buffer as ArrayBuffer, unusedBits });
  return new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: value.toBER(false) });
}

/** A certificate for `cn` with a new key of `key` kind, signed by `issuer` (self-signed without one). */
export async function makeCert(options: {
  readonly cn: string;
  readonly key: KeyKind;
  readonly serial: number;
  readonly issuer?: TestCert;
  readonly ca?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Default: a CA gets keyCertSign + cRLSign, a signer digitalSignature + nonRepudiation; [] = no extension. */
  readonly keyUsage?: readonly KeyUsageName[];
}): Promise<TestCert> {
  const algorithm =
    options.key === 'RSA-2048'
      ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: options.key };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: options.serial });
  const name = (cn: string) => [
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.6', value: new asn1js.PrintableString({ value: 'FR' }) }),
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.10', value: new asn1js.Utf8String({ value: 'Préfecture de test' }) }),
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }),
  ];
  cert.subject.typesAndValues.push(...name(options.cn));
  cert.issuer.typesAndValues.push(...(options.issuer ? options.issuer.cert.subject.typesAndValues : name(options.cn)));
  cert.notBefore.value = options.notBefore ?? new Date('2020-01-01T00:00:00Z');
  cert.notAfter.value = options.notAfter ?? new Date('2040-01-01T00:00:00Z');
  const usage = options.keyUsage ?? (options.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'nonRepudiation']);
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: options.ca ?? false }).toSchema().toBER(false) }),
    ...(usage.length > 0 ? [keyUsageExtension(usage)] : []),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  const signingKey = options.issuer?.privateKey ?? keys.privateKey;
  await cert.sign(signingKey, 'SHA-256', engine);
  return {
    cert,
    privateKey: keys.privateKey,
    certPem: pem('CERTIFICATE', cert.toSchema(true).toBER(false)),
    keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

export interface CmsSigner {
  readonly certPem: string;
  readonly keyPem: string;
  /** Certificates to embed besides the signer's (its issuers). */
  readonly chainPem?: string;
  readonly digest?: 'sha256' | 'sha384';
}

/** A detached CMS over `data`, made by `openssl cms -sign` (DER). */
export function opensslCms(data: Uint8Array, signer: CmsSigner): Uint8Array {
  const dir = tempDir('qrr-cms-');
  try {
    const file = (name: string, content: string | Uint8Array) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    };
    const args = ['cms', '-sign', '-binary', '-nosmimecap', '-outform', 'DER', '-md', signer.digest ?? 'sha256'];
    args.push('-in', file('data.bin', data), '-signer', file('cert.pem', signer.certPem), '-inkey', file('key.pem', signer.keyPem));
    if (signer.chainPem) args.push('-certfile', file('chain.pem', signer.chainPem));
    args.push('-out', path.join(dir, 'sig.der'));
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Uint8Array(fs.readFileSync(path.join(dir, 'sig.der')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Signs the `which`-th signature dictionary again over the file as it is now:
 * ByteRange set to cover everything but its /Contents, CMS by OpenSSL, zero padded.
 */
export function resign(bytes: Uint8Array, signer: CmsSigner, which = 0): Uint8Array {
  const before = spotOf(bytes, which);
  const ranged = withByteRangeText(bytes, `[0 ${before.b} ${before.c} ${bytes.length - before.c}]`, which);
  const { b, c } = spotOf(ranged, which);
  const cms = Buffer.from(opensslCms(Buffer.concat([ranged.subarray(0, b), ranged.subarray(c)]), signer)).toString('hex');
  if (cms.length > c - b - 2) throw new Error('CMS larger than its placeholder');
  return withGap(ranged, (hex) => cms.padEnd(hex.length, '0'), which);
}
