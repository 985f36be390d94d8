import { normaliseQrrName } from '../domain/qrr';
import { z } from 'zod';
import { EXCHANGE_MINOR_VERSION } from './format-results';
import { canonicalSha256, pureSha256, utf8Length, writeCanonicalJson, type Sha256Factory } from './format-hash';
import {
  EXCHANGE_FORMAT,
  EXCHANGE_MAX_BYTES,
  EXCHANGE_READABLE_VERSIONS,
  EXCHANGE_VERSION,
  ExchangeDocumentSchema,
  ExchangeDocumentV1Schema,
  LIST_MAX,
  type ExchangeDocument,
  type ExchangeDocumentV1,
  type UnsignedExchangeDocument,
} from './format-schema';

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
 *
 * In three files, all re-exported here: format-hash.ts (SHA-256, canonical
 * JSON), format-schema.ts (constants, zod schema, types), and this one
 * (identity of a QRR, writing and reading).
 */

export * from './format-hash';
export * from './format-schema';

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

/** An object being scanned by findDuplicateKey; reused for every object at the same depth. */
interface ObjectFrame {
  expectKey: boolean;
  /** The keys so far, while they come in increasing order (as the application writes them). */
  readonly ordered: string[];
  /** Every key so far once they stopped coming in order (then `ordered` is left as it was). */
  seen: Set<string> | null;
}

/**
 * The first key that appears twice in the same object, or null. Runs only on
 * text JSON.parse accepted (so the syntax is known valid); iterative, so deep
 * nesting cannot overflow the stack.
 *
 * Files written by the application have their keys sorted: while an object's
 * keys keep increasing none can repeat, so no set is built for it (a national
 * file has ~100,000 objects); the first key out of order switches that object
 * to a set of its keys.
 */
export function findDuplicateKey(jsonText: string): string | null {
  const frames: ObjectFrame[] = [];
  /** Per depth: the object's frame, or null inside an array. */
  const open: (ObjectFrame | null)[] = [];
  let depth = 0;
  // Char codes and indexOf rather than one-character strings: a national file is ~50 M characters.
  for (let i = 0; i < jsonText.length; i++) {
    const ch = jsonText.charCodeAt(i);
    if (ch === 0x7b /* { */) {
      let frame = frames[depth];
      if (frame) {
        frame.expectKey = true;
        frame.ordered.length = 0;
        frame.seen = null;
      } else frames[depth] = frame = { expectKey: true, ordered: [], seen: null };
      open[depth++] = frame;
    } else if (ch === 0x5b /* [ */) open[depth++] = null;
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) depth--;
    else if (ch === 0x2c /* , */) {
      const top = depth > 0 ? open[depth - 1] : null;
      if (top) top.expectKey = true;
    } else if (ch === 0x22 /* " */) {
      let end = jsonText.indexOf('"', i + 1);
      while (end !== -1 && escapedAt(jsonText, end)) end = jsonText.indexOf('"', end + 1);
      if (end === -1) return null;
      const top = depth > 0 ? open[depth - 1] : null;
      if (top && top.expectKey) {
        const raw = jsonText.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(jsonText.slice(i, end + 1)) as string) : raw;
        const { ordered } = top;
        if (top.seen === null && (ordered.length === 0 || key > ordered[ordered.length - 1]!)) ordered.push(key);
        else {
          top.seen ??= new Set(ordered);
          if (top.seen.has(key)) return key;
          top.seen.add(key);
        }
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
    // A UTF-16 code unit is at most 3 bytes of UTF-8: a text short enough cannot be too big, and is not measured.
    if (textIn.length > maxBytes || (textIn.length * 3 > maxBytes && utf8Length(textIn) > maxBytes)) return { ok: false, message: EXCHANGE_MESSAGES.tooBig(maxBytes) };
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
