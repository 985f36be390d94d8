import { z } from 'zod';
import { ACTION_STATUSES, METEOS, QRR_WAVES, SECURITY_ZONES, TRENDS } from '../domain/types';
import { DECISION_KINDS, FUNDING_SOURCES, PAYMENT_KINDS, SUBSIDY_DOCUMENTS, SUBSIDY_STATUSES } from '../domain/fipd';
import { PERIOD_CODE_PATTERN, PERIOD_STATES } from '../domain/period';
import { normaliseQrrName } from '../domain/qrr';
import { EXCHANGE_MINOR_VERSION, ExchangeResultsSchema, ExchangeTypedCommentFields } from './format-results';

/*
 * The exchange file (« fichier d'échange ») between colleagues: one
 * self-describing, versioned JSON document. Pure: parsing, validation and the
 * SHA-256 check run anywhere (main, renderer, CLI, report generator).
 *
 * Integrity: `sha256` is the SHA-256 (hex, lower case) of the UTF-8 bytes of
 * `canonicalJson(document without its sha256 field)`. Canonical JSON = no
 * whitespace, object keys sorted by UTF-16 code units, JSON.stringify for
 * primitives. The file itself may be pretty-printed or have its keys in any
 * order: the hash does not depend on the layout. SHA-256 is implemented here
 * in plain TypeScript (no dependency, no Node `crypto`) so that shared/ stays
 * runnable in the renderer; tests check it against node:crypto. Where Node is
 * available the caller injects node:crypto's (Sha256Factory): ~35× faster.
 *
 * Files are written compact, in canonical order, with `sha256` as the last
 * member: the file's bytes without that member ARE the hashed text, so a
 * reader checks the hash over the bytes it already holds (no second
 * serialisation of the document). Indented files of earlier versions are read
 * too (the canonical text is then rebuilt, in pieces, to be hashed).
 */

export const EXCHANGE_FORMAT = 'qrr-echange';
/**
 * 2 added the FIPD credits (envelopes, subsidies and their payments). Version 1
 * files are still read: migrated on the fly (see migrateExchangeDocument).
 */
export const EXCHANGE_VERSION = 2;
/** Versions this application reads. */
export const EXCHANGE_READABLE_VERSIONS: readonly number[] = [1, 2];
/** The application's own extension (registered for double-click); the content is JSON. Files named .qrr.json by earlier versions are read too. */
export const EXCHANGE_EXTENSION = '.qrr';
/**
 * The largest exchange file read (and written: the export refuses to write a
 * larger one, so the application always reads back what it writes). Reason:
 * the file is parsed whole (JSON.parse) and a document in memory weighs about
 * four times its compact text; 200 Mo of text (about four national quarters,
 * 1,600 quartiers each: ~48 Mo per quarter) stays within the memory of a
 * prefecture laptop, and far below V8's limit on one string (2^29 characters).
 */
export const EXCHANGE_MAX_BYTES = 200 * 1024 * 1024;

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

// ---------------------------------------------------------------------------
// Schema (version 2)

const TEXT_MAX = 10_000;
const NAME_MAX = 200;
const LIST_MAX = 200_000;

const text = (max = TEXT_MAX) => z.string().max(max);
const isoDate = z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'date ISO 8601 (UTC) attendue');
const periodCodeSchema = z.string().regex(PERIOD_CODE_PATTERN, 'code de trimestre attendu (ex. 2026-T4)');
const code = z.string().min(1).max(20);
const payload = z.record(z.string().max(60), z.union([z.number(), z.boolean(), z.string().max(TEXT_MAX), z.null()])).nullable();

export const ExchangeQrrSchema = z.strictObject({
  key: text(2_000).min(1),
  name: text(NAME_MAX).min(1),
  communes: z.array(z.string().regex(/^[0-9][0-9AB][0-9]{3}$/, 'code INSEE de commune attendu')).max(50),
  qpvCodes: z.array(text(20)).max(30),
  securityZone: z.enum(SECURITY_ZONES).nullable(),
  wave: z.enum(QRR_WAVES).nullable(),
  population: z.number().int().min(0).nullable(),
});

export const ExchangeIndicatorValueSchema = z.strictObject({
  qrrKey: text(2_000),
  indicatorCode: code,
  periodCode: periodCodeSchema,
  value: payload,
  target: payload,
  comment: text(),
  source: text(),
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

export const ExchangeActionStatusSchema = z.strictObject({
  qrrKey: text(2_000),
  actionCode: code,
  periodCode: periodCodeSchema,
  status: z.enum(ACTION_STATUSES).nullable(),
  comment: text(),
  referent: text(),
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

export const ExchangeAssessmentSchema = z.strictObject({
  qrrKey: text(2_000),
  engagementCode: code,
  periodCode: periodCodeSchema,
  meteo: z.enum(METEOS),
  trend: z.enum(TRENDS).nullable(),
  comment: text(),
  commentAuthor: text(NAME_MAX),
  commentDate: isoDate.nullable(),
  ...ExchangeTypedCommentFields,
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date AAAA-MM-JJ attendue');
const uid = z.string().regex(/^[0-9a-f]{32}$/, 'identifiant de 32 caractères hexadécimaux attendu');
const cents = z.number().int().min(0).max(10_000_000_000);
const budgetYear = z.number().int().min(2018).max(2100);

export const ExchangeEnvelopeSchema = z.strictObject({
  qrrKey: text(2_000),
  budgetYear,
  source: z.enum(FUNDING_SOURCES),
  amountCents: cents,
  decidedOn: dateOnly.nullable(),
  comment: text(),
  overEnvelopeReason: text().nullable(),
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

export const ExchangePaymentSchema = z.strictObject({
  uid,
  paidOn: dateOnly,
  amountCents: cents.min(1),
  kind: z.enum(PAYMENT_KINDS),
  comment: text(),
  createdAt: isoDate,
});

export const ExchangeSubsidySchema = z.strictObject({
  uid,
  qrrKey: text(2_000),
  budgetYear,
  source: z.enum(FUNDING_SOURCES),
  actionCodes: z.array(code).max(20),
  beneficiaryName: text(200).min(1),
  siret: z.string().regex(/^\d{14}$/, 'SIRET de 14 chiffres attendu').nullable(),
  rna: z.string().regex(/^W[0-9AB][0-9]{8}$/, 'numéro RNA attendu (W suivi de 9 caractères)').nullable(),
  title: text(300).min(1),
  requestedCents: cents,
  grantedCents: cents,
  cofinancingCents: cents,
  decisionKind: z.enum(DECISION_KINDS).nullable(),
  decisionNumber: text(60),
  decisionDate: dateOnly.nullable(),
  chorusEj: text(20),
  reportDueDate: dateOnly.nullable(),
  reportReceivedDate: dateOnly.nullable(),
  documents: z.array(z.enum(SUBSIDY_DOCUMENTS)).max(SUBSIDY_DOCUMENTS.length),
  status: z.enum(SUBSIDY_STATUSES),
  overEnvelopeReason: text().nullable(),
  comment: text(),
  createdAt: isoDate,
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
  payments: z.array(ExchangePaymentSchema).max(200),
});

const documentFields = {
  format: z.literal(EXCHANGE_FORMAT),
  referentialVersion: z.number().int().min(1),
  departement: z.strictObject({ code: z.string().regex(/^(\d{2}|2A|2B|\d{3})$/, 'code de département attendu'), nom: text(NAME_MAX) }),
  sender: z.strictObject({ name: text(NAME_MAX), osUser: text(NAME_MAX) }),
  exportedAt: isoDate,
  scope: z.strictObject({ periods: z.array(periodCodeSchema).max(400) }),
  qrrs: z.array(ExchangeQrrSchema).max(5_000),
  periods: z.array(z.strictObject({ code: periodCodeSchema, state: z.enum(PERIOD_STATES) })).max(400),
  indicatorValues: z.array(ExchangeIndicatorValueSchema).max(LIST_MAX),
  actionStatuses: z.array(ExchangeActionStatusSchema).max(LIST_MAX),
  assessments: z.array(ExchangeAssessmentSchema).max(LIST_MAX),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'empreinte SHA-256 attendue (64 caractères hexadécimaux)'),
};

/** Version 1 (until schema 5): the follow-up only, no FIPD credits. Kept to read older files. */
export const ExchangeDocumentV1Schema = z.strictObject({ ...documentFields, version: z.literal(1) });

export const ExchangeDocumentSchema = z.strictObject({
  ...documentFields,
  version: z.literal(EXCHANGE_VERSION),
  /** FIPD and other State credits delegated per QRR, budget year and source. */
  fipdEnvelopes: z.array(ExchangeEnvelopeSchema).max(LIST_MAX),
  /** Subsidies with their payments; `uid` identifies a line across databases. */
  subsidies: z.array(ExchangeSubsidySchema).max(LIST_MAX),
  /** Minor version (format-results.ts); absent before 1. */
  minorVersion: z.number().int().min(0).optional(),
  /** « Sans objet » decisions, baselines and targets (minor version 1); absent in older files. */
  results: ExchangeResultsSchema.optional(),
});

export type ExchangeDocument = z.infer<typeof ExchangeDocumentSchema>;
export type ExchangeQrr = z.infer<typeof ExchangeQrrSchema>;
export type ExchangeIndicatorValue = z.infer<typeof ExchangeIndicatorValueSchema>;
export type ExchangeActionStatus = z.infer<typeof ExchangeActionStatusSchema>;
export type ExchangeAssessment = z.infer<typeof ExchangeAssessmentSchema>;
export type ExchangeEnvelope = z.infer<typeof ExchangeEnvelopeSchema>;
export type ExchangeSubsidy = z.infer<typeof ExchangeSubsidySchema>;
export type ExchangePayment = z.infer<typeof ExchangePaymentSchema>;
export type ExchangeDocumentV1 = z.infer<typeof ExchangeDocumentV1Schema>;
export type UnsignedExchangeDocument = Omit<ExchangeDocument, 'sha256'>;

/** The JSON Schema published as docs/exchange-format.schema.json (a test keeps the file up to date). */
export function exchangeJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ExchangeDocumentSchema, { target: 'draft-2020-12' }),
    $id: 'https://qrr.interieur.gouv.fr/schemas/exchange-format.v2.schema.json',
    title: "Fichier d'échange du Tableau de bord QRR (version 2)",
    description:
      "sha256 = SHA-256 (hexadécimal) des octets UTF-8 du JSON canonique du document sans son champ sha256 " +
      '(clés triées, sans espaces). Extension de fichier : .qrr (contenu JSON).',
  };
}

// ---------------------------------------------------------------------------
// Identity of a QRR across databases

/** Stable across databases: the normalised name (case-insensitive) and the sorted commune codes. */
export function qrrExchangeKey(name: string, communes: readonly string[]): string {
  return `${normaliseQrrName(name).toLocaleLowerCase('fr')}|${[...new Set(communes)].sort().join(',')}`;
}

// ---------------------------------------------------------------------------
// Writing and reading

/** Adds the hash (`sha256`: pass node:crypto's where Node is available). */
export function sealExchangeDocument(unsigned: UnsignedExchangeDocument, sha256: Sha256Factory = pureSha256): ExchangeDocument {
  return { ...unsigned, sha256: canonicalSha256(unsigned, sha256) };
}

/**
 * The file's text, in pieces: the canonical JSON of the document without its
 * hash, then the hash as the last member (`,"sha256":"…"}`), then a newline.
 * Compact (a national quarter: ~48 Mo instead of ~70 Mo indented) and checked
 * by readers over the file's own bytes (see parseExchangeBytes).
 */
export function writeExchangeText(doc: ExchangeDocument, emit: (chunk: string) => void): void {
  const { sha256, ...unsigned } = doc;
  let pending = '';
  // Everything but the closing brace of the canonical text, which the hash member takes.
  writeCanonicalJson(unsigned, (chunk) => {
    if (pending.length > 0) emit(pending);
    pending = chunk;
  });
  const body = pending.slice(0, -1);
  emit(`${body}${body === '{' ? '' : ','}"sha256":${JSON.stringify(sha256)}}\n`);
}

/** The whole file's text (small documents, tests; files are written in pieces by writeExchangeText). */
export function serializeExchangeDocument(doc: ExchangeDocument): string {
  const parts: string[] = [];
  writeExchangeText(doc, (chunk) => parts.push(chunk));
  return parts.join('');
}

export const EXCHANGE_MESSAGES = {
  notJson: "Le fichier est tronqué ou n'est pas un fichier d'échange JSON.",
  notExchange: "Ce fichier n'est pas un fichier d'échange du Tableau de bord QRR.",
  newerVersion: (v: number) =>
    `Ce fichier d'échange (version ${v}) a été produit par une version plus récente de l'application : installez la dernière version pour l'importer.`,
  unknownVersion: (v: unknown) => `La version du fichier d'échange (${String(v)}) n'est pas reconnue.`,
  duplicateKey: (key: string) => `Le fichier d'échange est invalide : le champ « ${key} » apparaît deux fois au même endroit.`,
  tooBig: (maxBytes: number) =>
    `Le fichier est trop volumineux (plus de ${Math.round(maxBytes / (1024 * 1024))} Mo) pour être un fichier d'échange.`,
  invalid: (detail: string) => `Le fichier d'échange est invalide : ${detail}`,
  hashMismatch: 'Le contenu a été modifié depuis son export (empreinte SHA-256 différente).',
} as const;

export type ParseExchangeResult =
  | { readonly ok: true; readonly document: ExchangeDocument; /** Version of the file when it was older (migrated on the fly). */ readonly migratedFrom?: number }
  | { readonly ok: false; readonly message: string };

/**
 * A version 1 document as version 2: no FIPD credits in it (version 1 did not
 * carry them — nothing here is erased by their absence, an import never erases).
 * Sealed again: its sha256 is that of the migrated content; the file's own
 * bytes keep their hash in the audit trail.
 */
export function migrateExchangeDocument(v1: ExchangeDocumentV1, sha256: Sha256Factory = pureSha256): ExchangeDocument {
  const { sha256: _previous, version: _version, ...rest } = v1;
  return sealExchangeDocument({ ...rest, version: EXCHANGE_VERSION, fipdEnvelopes: [], subsidies: [] }, sha256);
}

/**
 * The first key that appears twice in the same object, or null. Runs only on
 * text JSON.parse accepted (so the syntax is known valid); iterative, so deep
 * nesting cannot overflow the stack.
 */
export function findDuplicateKey(jsonText: string): string | null {
  const stack: ({ keys: Set<string>; expectKey: boolean } | null)[] = [];
  // Char codes and indexOf rather than one-character strings: a national file is ~50 M characters.
  for (let i = 0; i < jsonText.length; i++) {
    const ch = jsonText.charCodeAt(i);
    if (ch === 0x7b /* { */) stack.push({ keys: new Set(), expectKey: true });
    else if (ch === 0x5b /* [ */) stack.push(null);
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) stack.pop();
    else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = true;
    } else if (ch === 0x22 /* " */) {
      let end = jsonText.indexOf('"', i + 1);
      while (end !== -1 && escapedAt(jsonText, end)) end = jsonText.indexOf('"', end + 1);
      if (end === -1) return null;
      const top = stack[stack.length - 1];
      if (top && top.expectKey) {
        const raw = jsonText.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(jsonText.slice(i, end + 1)) as string) : raw;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    }
  }
  return null;
}

/** True when the character at `at` is escaped (an odd number of backslashes before it). */
function escapedAt(text: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && text.charCodeAt(k) === 0x5c; k--) n++;
  return n % 2 === 1;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'un texte',
  number: 'un nombre',
  boolean: 'vrai ou faux',
  object: 'un objet',
  array: 'une liste',
  null: 'null',
};

/** French wording of a zod issue. */
function frenchIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${TYPE_NAMES[issue.expected] ?? issue.expected} est attendu`;
    case 'unrecognized_keys':
      return `champ inconnu : ${issue.keys.join(', ')}`;
    case 'too_big':
      return `valeur trop grande ou trop longue (maximum ${String(issue.maximum)})`;
    case 'too_small':
      return `valeur trop petite ou trop courte (minimum ${String(issue.minimum)})`;
    case 'invalid_value':
      return `valeur non reconnue (attendu : ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
    case 'invalid_format':
      return 'format incorrect';
    case 'invalid_union':
      return 'valeur de type incorrect';
    case 'not_multiple_of':
      return 'valeur incorrecte';
    default:
      return 'valeur incorrecte';
  }
}

const pathText = (path: readonly PropertyKey[]): string => (path.length === 0 ? 'document' : path.map(String).join('.'));

export interface ParseExchangeOptions {
  readonly maxBytes?: number;
  /** node:crypto's SHA-256 where Node is available (the pure one otherwise). */
  readonly sha256?: Sha256Factory;
}

/** The hash member the application writes last (writeExchangeText), at the end of a file's text. */
const SEAL_MEMBER = /,"sha256":"([0-9a-f]{64})"\}\s*$/;
const SEAL_TAIL = 100;

/**
 * Where the canonical text ends when the file is laid out as the application
 * writes it: the offset of its `,"sha256":"…"}` member in `tail` (the file's
 * last characters, ASCII), or -1. The bytes before that offset, plus `}`, are
 * then the hashed text — checked by the hash itself, so a file that only looks
 * canonical is read the slow way, never trusted.
 */
function sealOffset(tail: string): number {
  return SEAL_MEMBER.exec(tail)?.index ?? -1;
}

/** Lists that can hold national counts of rows: validated row by row (no zod copy of the whole document). */
const ROW_LISTS = ['indicatorValues', 'actionStatuses', 'assessments', 'fipdEnvelopes', 'subsidies'] as const;

function rowSchemas(schema: typeof ExchangeDocumentSchema | typeof ExchangeDocumentV1Schema): {
  header: z.ZodType;
  rows: readonly (readonly [string, z.ZodType])[];
} {
  const lists = ROW_LISTS.filter((k) => k in schema.shape) as (keyof typeof schema.shape & string)[];
  const shape = schema.shape as unknown as Record<string, z.ZodArray<z.ZodType>>;
  return {
    header: schema.extend(Object.fromEntries(lists.map((k) => [k, z.array(z.unknown()).max(LIST_MAX)]))),
    rows: lists.map((k) => [k, shape[k]!.element] as const),
  };
}
const ROW_SCHEMAS = { 1: rowSchemas(ExchangeDocumentV1Schema), 2: rowSchemas(ExchangeDocumentSchema) } as const;

/**
 * True when the document is valid: its header (every field but the long lists)
 * then each row on its own, so zod never copies the whole document (it returns
 * a copy of what it parses; the schema has no defaults or transforms, so the
 * input itself is the valid document).
 */
function validByRows(raw: Record<string, unknown>, version: 1 | 2): boolean {
  const { header, rows } = ROW_SCHEMAS[version];
  if (!header.safeParse(raw).success) return false;
  for (const [list, schema] of rows) {
    for (const row of raw[list] as unknown[]) if (!schema.safeParse(row).success) return false;
  }
  return true;
}

/** The first problem of an invalid document, in French (zod over the whole document: only for refused files). */
function invalidMessage(raw: unknown, version: 1 | 2): string {
  const parsed = (version === 1 ? ExchangeDocumentV1Schema : ExchangeDocumentSchema).safeParse(raw, { error: frenchIssue });
  if (parsed.success) return EXCHANGE_MESSAGES.invalid('document : valeur incorrecte.');
  const first = parsed.error.issues[0]!;
  const more = parsed.error.issues.length > 1 ? ` (et ${parsed.error.issues.length - 1} autre(s) erreur(s))` : '';
  return EXCHANGE_MESSAGES.invalid(`${pathText(first.path)} : ${first.message}${more}.`);
}

/**
 * Reads an exchange file's text. Never throws: every refusal is a French message.
 * Order: size, JSON syntax, duplicate keys, format identifier, version, types, hash.
 */
export function parseExchangeText(textIn: string, options: ParseExchangeOptions = {}): ParseExchangeResult {
  const maxBytes = options.maxBytes ?? EXCHANGE_MAX_BYTES;
  const sha256 = options.sha256 ?? pureSha256;
  try {
    if (textIn.length > maxBytes || utf8Length(textIn) > maxBytes) return { ok: false, message: EXCHANGE_MESSAGES.tooBig(maxBytes) };
    const body = textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn;
    const tail = body.slice(Math.max(0, body.length - SEAL_TAIL));
    const offset = sealOffset(tail);
    let layoutHash: string | null = null;
    if (offset >= 0) {
      const hash = sha256();
      hash.update(body.slice(0, body.length - tail.length + offset));
      hash.update('}');
      layoutHash = hash.hex();
    }
    return parseExchangeBody(body, layoutHash, sha256);
  } catch {
    // Defensive: nothing above should throw, but a refusal is always better than an exception.
    return { ok: false, message: EXCHANGE_MESSAGES.notJson };
  }
}

/**
 * Reads an exchange file's bytes (UTF-8). Same checks and messages as
 * parseExchangeText; a file laid out as the application writes it is hashed
 * over its own bytes, without serialising the document again.
 */
export function parseExchangeBytes(
  bytes: Uint8Array,
  options: ParseExchangeOptions & { /** UTF-8 to text, lenient (TextDecoder's or Buffer's: shared/ uses neither DOM nor Node). */ readonly decodeUtf8: (bytes: Uint8Array) => string },
): ParseExchangeResult {
  const maxBytes = options.maxBytes ?? EXCHANGE_MAX_BYTES;
  const sha256 = options.sha256 ?? pureSha256;
  try {
    if (bytes.byteLength > maxBytes) return { ok: false, message: EXCHANGE_MESSAGES.tooBig(maxBytes) };
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const tailStart = Math.max(start, bytes.length - SEAL_TAIL);
    // Latin-1: one character per byte, so offsets in the tail are byte offsets (the seal itself is ASCII).
    const tail = String.fromCharCode(...bytes.subarray(tailStart));
    const offset = sealOffset(tail);
    let layoutHash: string | null = null;
    if (offset >= 0) {
      const hash = sha256();
      hash.update(bytes.subarray(start, tailStart + offset));
      hash.update('}');
      layoutHash = hash.hex();
    }
    const text = options.decodeUtf8(bytes.subarray(start));
    return parseExchangeBody(text, layoutHash, sha256);
  } catch {
    return { ok: false, message: EXCHANGE_MESSAGES.notJson };
  }
}

/** `layoutHash`: SHA-256 of the text before its final hash member, when the file has the application's layout. */
function parseExchangeBody(body: string, layoutHash: string | null, sha256: Sha256Factory): ParseExchangeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, message: EXCHANGE_MESSAGES.notJson };
  }
  const duplicate = findDuplicateKey(body);
  if (duplicate !== null) return { ok: false, message: EXCHANGE_MESSAGES.duplicateKey(duplicate) };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, message: EXCHANGE_MESSAGES.notJson };
  const record = raw as Record<string, unknown>;
  if (record.format !== EXCHANGE_FORMAT) return { ok: false, message: EXCHANGE_MESSAGES.notExchange };
  if (typeof record.version === 'number' && Number.isInteger(record.version) && record.version > EXCHANGE_VERSION) {
    return { ok: false, message: EXCHANGE_MESSAGES.newerVersion(record.version) };
  }
  if (typeof record.version !== 'number' || !EXCHANGE_READABLE_VERSIONS.includes(record.version)) {
    return { ok: false, message: EXCHANGE_MESSAGES.unknownVersion(record.version) };
  }
  if (record.version === EXCHANGE_VERSION && typeof record.minorVersion === 'number' && record.minorVersion > EXCHANGE_MINOR_VERSION) {
    return { ok: false, message: EXCHANGE_MESSAGES.newerVersion(Number(`${EXCHANGE_VERSION}.${record.minorVersion}`)) };
  }
  const version = record.version as 1 | 2;
  if (!validByRows(record, version)) return { ok: false, message: invalidMessage(raw, version) };
  // The hash covers the document as it was written, in its own version: over the file's bytes when
  // they are the canonical text (the application's layout), else over the canonical text rebuilt.
  if (layoutHash !== record.sha256) {
    const { sha256: declared, ...unsigned } = record;
    if (canonicalSha256(unsigned, sha256) !== declared) return { ok: false, message: EXCHANGE_MESSAGES.hashMismatch };
  }
  if (version === 1) return { ok: true, document: migrateExchangeDocument(record as ExchangeDocumentV1, sha256), migratedFrom: 1 };
  return { ok: true, document: record as ExchangeDocument };
}
