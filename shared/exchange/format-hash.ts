/*
 * SHA-256 and canonical JSON of the exchange file (format.ts): pure, so that
 * the renderer can check a file too; Node injects node:crypto (Sha256Factory).
 */

// ---------------------------------------------------------------------------
// SHA-256 (FIPS 180-4), over the UTF-8 encoding of a string.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Bytes(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return out;
}

/** Byte length of the UTF-8 encoding, without building it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function sha256Hex(input: string | Uint8Array): string {
  const data = typeof input === 'string' ? utf8Bytes(input) : input;
  const bitLength = data.length * 8;
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15]!, 7) ^ rotr(w[t - 15]!, 18) ^ (w[t - 15]! >>> 3);
      const s1 = rotr(w[t - 2]!, 17) ^ rotr(w[t - 2]!, 19) ^ (w[t - 2]! >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[t]! + w[t]!) >>> 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
    h[5] = (h[5]! + f) >>> 0;
    h[6] = (h[6]! + g) >>> 0;
    h[7] = (h[7]! + hh) >>> 0;
  }
  return [...h].map((x) => x.toString(16).padStart(8, '0')).join('');
}

// ---------------------------------------------------------------------------
// Canonical JSON

/** An incremental SHA-256 (hex digest). */
export interface Sha256Stream {
  update(chunk: string | Uint8Array): void;
  hex(): string;
}
export type Sha256Factory = () => Sha256Stream;

/** This file's SHA-256, incremental in form (it hashes all pieces at the end): for the renderer; Node injects node:crypto's. */
export const pureSha256: Sha256Factory = () => {
  const parts: Uint8Array[] = [];
  let size = 0;
  return {
    update(chunk) {
      const bytes = typeof chunk === 'string' ? utf8Bytes(chunk) : chunk;
      parts.push(bytes);
      size += bytes.length;
    },
    hex() {
      const all = new Uint8Array(size);
      let offset = 0;
      for (const p of parts) {
        all.set(p, offset);
        offset += p.length;
      }
      return sha256Hex(all);
    },
  };
};

const CHUNK_CHARS = 1 << 16;

/**
 * Canonical JSON handed to `emit` in pieces of about 64 K characters, so that
 * hashing or writing a national document never builds one string of it all.
 * Object keys sorted by UTF-16 code units (Array#sort's default order),
 * undefined members left out, no whitespace.
 */
export function writeCanonicalJson(value: unknown, emit: (chunk: string) => void): void {
  let buffer = '';
  const push = (piece: string): void => {
    buffer += piece;
    if (buffer.length >= CHUNK_CHARS) {
      emit(buffer);
      buffer = '';
    }
  };
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError('canonicalJson: non-finite number');
      const text = JSON.stringify(v);
      if (text === undefined) throw new TypeError(`canonicalJson: ${typeof v} cannot be serialised`);
      push(text);
      return;
    }
    if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) push(',');
        walk(v[i]);
      }
      push(']');
      return;
    }
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    push('{');
    for (let i = 0; i < keys.length; i++) {
      push(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`);
      walk(record[keys[i]!]);
    }
    push('}');
  };
  walk(value);
  if (buffer.length > 0) emit(buffer);
}

/** JSON with object keys sorted and no whitespace: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonicalJson(value, (chunk) => parts.push(chunk));
  return parts.length === 1 ? parts[0]! : parts.join('');
}

/** SHA-256 of the canonical JSON of a value, hashed piece by piece. */
export function canonicalSha256(value: unknown, sha256: Sha256Factory = pureSha256): string {
  const hash = sha256();
  writeCanonicalJson(value, (chunk) => hash.update(chunk));
  return hash.hex();
}

/**
 * The one equality of stored and incoming values (import preview, FIPD diff,
 * keyed-record writes): canonical JSON, so key order never matters, and
 * undefined ≡ null. Indicator values are compared once their parts are
 * completed from the référentiel (validateIndicatorValue), by the callers.
 */
export function canonicalEqual(a: unknown, b: unknown): boolean {
  const x = a ?? null;
  const y = b ?? null;
  // Texts, finite numbers, booleans and null (most cells): their canonical JSON is equal exactly when they are.
  if (isPlainScalar(x) && isPlainScalar(y)) return x === y;
  return canonicalJson(x) === canonicalJson(y);
}

const isPlainScalar = (v: unknown): boolean =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

