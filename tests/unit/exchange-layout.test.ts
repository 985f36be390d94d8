import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, nodeSha256 } from '../../electron/services/exchange/node-hash';
import {
  canonicalJson,
  canonicalSha256,
  EXCHANGE_MESSAGES,
  parseExchangeBytes,
  parseExchangeText,
  pureSha256,
  serializeExchangeDocument,
  sha256Hex,
  type Sha256Factory,
} from '../../shared/exchange/format';
import { exchangeDocumentOf } from '../support/exchange-documents';
import { runs } from '../support/property';

/*
 * The file layout written since exchange files became compact: canonical JSON
 * with the hash as the last member, checked over the file's own bytes. Older
 * (indented) files must still read; a file that only looks like the layout
 * must never be trusted on its looks.
 */

const documentOf = exchangeDocumentOf;

/** A SHA-256 that records what it was given: tells whether a reader hashed the file's bytes or rebuilt text. */
function spySha256(): { factory: Sha256Factory; kinds: string[] } {
  const kinds: string[] = [];
  return {
    kinds,
    factory: () => {
      const inner = nodeSha256();
      return {
        update: (chunk) => {
          kinds.push(typeof chunk === 'string' ? 'text' : 'bytes');
          inner.update(chunk);
        },
        hex: () => inner.hex(),
      };
    },
  };
}

describe('incremental SHA-256 and canonical JSON in pieces', () => {
  it('the pure and node:crypto hashes agree with each other and with one-shot hashing, whatever the pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.uint8Array({ maxLength: 80 })), { maxLength: 8 }), (chunks) => {
        const pure = pureSha256();
        const node = nodeSha256();
        const whole = createHash('sha256');
        for (const c of chunks) {
          pure.update(c);
          node.update(c);
          whole.update(c);
        }
        const expected = whole.digest('hex');
        expect(pure.hex()).toBe(expected);
        expect(node.hex()).toBe(expected);
      }),
      { numRuns: runs(200) },
    );
  });

  it('canonical JSON built in pieces is the same text for a document spanning many pieces', () => {
    const doc = documentOf(900);
    const { sha256, ...unsigned } = doc;
    const text = canonicalJson(unsigned);
    expect(text.length).toBeGreaterThan(4 * 65_536);
    // Keys sorted at every level, no whitespace: what JSON.stringify gives for objects built with sorted keys.
    const sortedCopy = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sortedCopy) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedCopy((v as Record<string, unknown>)[k])])) : v;
    expect(text).toBe(JSON.stringify(sortedCopy(unsigned)));
    expect(sha256).toBe(sha256Hex(text));
    expect(canonicalSha256(unsigned, pureSha256)).toBe(sha256);
  });
});

describe('file layout: compact, canonical, hash last', () => {
  it('is the canonical text of the document without its hash, then the hash as last member', () => {
    const doc = documentOf(300);
    const text = serializeExchangeDocument(doc);
    const { sha256, ...unsigned } = doc;
    const member = `,"sha256":"${sha256}"}\n`;
    expect(text.endsWith(member)).toBe(true);
    expect(`${text.slice(0, -member.length)}}`).toBe(canonicalJson(unsigned));
    expect(text).not.toMatch(/\n./);
  });

  it('a file in that layout is checked over its own bytes (no text rebuilt); an indented file of an earlier version is read the slow way', () => {
    const doc = documentOf(300);
    const compact = Buffer.from(serializeExchangeDocument(doc), 'utf8');
    const fast = spySha256();
    expect(parseExchangeBytes(compact, { sha256: fast.factory, decodeUtf8 })).toEqual({ ok: true, document: doc });
    expect(fast.kinds[0]).toBe('bytes');
    expect(fast.kinds.filter((k) => k === 'bytes')).toHaveLength(1);

    const indented = Buffer.from(`\ufeff${JSON.stringify(doc, null, 2)}\n`, 'utf8');
    const slow = spySha256();
    expect(parseExchangeBytes(indented, { sha256: slow.factory, decodeUtf8 })).toEqual({ ok: true, document: doc });
    expect(slow.kinds.every((k) => k === 'text')).toBe(true);
    expect(parseExchangeText(indented.toString('utf8'))).toEqual({ ok: true, document: doc });
  });

  it('a BOM or CRLF at the end does not matter; any change to the content is refused', () => {
    const doc = documentOf(20);
    const text = serializeExchangeDocument(doc);
    expect(parseExchangeBytes(Buffer.from(`\ufeff${text.trimEnd()}\r\n`, 'utf8'), { sha256: nodeSha256, decodeUtf8 })).toEqual({ ok: true, document: doc });
    const changed = text.replace('"population":1005', '"population":1006');
    expect(changed).not.toBe(text);
    for (const result of [parseExchangeBytes(Buffer.from(changed, 'utf8'), { sha256: nodeSha256, decodeUtf8 }), parseExchangeText(changed)]) {
      expect(result).toEqual({ ok: false, message: EXCHANGE_MESSAGES.hashMismatch });
    }
  });

  it('a file that only looks like the layout is never trusted on its looks: the hash always covers exactly the bytes read', () => {
    const doc = documentOf(5);
    const { sha256, ...unsigned } = doc;
    // Indented body but the hash member last: the bytes are not the canonical text, so the hash is checked on the rebuilt text.
    const indentedBody = JSON.stringify(unsigned, null, 1);
    const looksLike = `${indentedBody.slice(0, -1)},"sha256":"${sha256}"}`;
    expect(parseExchangeBytes(Buffer.from(looksLike, 'utf8'), { sha256: nodeSha256, decodeUtf8 })).toEqual({ ok: true, document: doc });
    // Keys reordered and the hash of these very bytes declared: what is read is exactly what was hashed (the same data).
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(unsigned).reverse()));
    const ownHash = createHash('sha256').update(reordered).digest('hex');
    const ownSealed = `${reordered.slice(0, -1)},"sha256":"${ownHash}"}`;
    expect(parseExchangeBytes(Buffer.from(ownSealed, 'utf8'), { sha256: nodeSha256, decodeUtf8 })).toEqual({ ok: true, document: { ...doc, sha256: ownHash } });
    // The same bytes with anything changed after hashing: refused.
    const tampered = ownSealed.replace('"population":1003', '"population":1004');
    expect(parseExchangeBytes(Buffer.from(tampered, 'utf8'), { sha256: nodeSha256, decodeUtf8 })).toEqual({ ok: false, message: EXCHANGE_MESSAGES.hashMismatch });
    // A duplicate key hashed as bytes: refused before the hash counts.
    const duplicated = `${canonicalJson(unsigned).slice(0, -1)},"format":"qrr-echange"}`;
    const dupHash = createHash('sha256').update(duplicated).digest('hex');
    const withDuplicate = `${duplicated.slice(0, -1)},"sha256":"${dupHash}"}`;
    expect(parseExchangeBytes(Buffer.from(withDuplicate, 'utf8'), { sha256: nodeSha256, decodeUtf8 })).toEqual({ ok: false, message: EXCHANGE_MESSAGES.duplicateKey('format') });
  });

  it('an invalid row in a long list is refused with its place, as the whole-document check words it', () => {
    const doc = documentOf(50);
    const { sha256: _, ...unsigned } = doc;
    const broken = structuredClone(unsigned) as unknown as { indicatorValues: { periodCode: string }[] };
    broken.indicatorValues[37]!.periodCode = '2026-T9';
    const resealed = JSON.stringify({ ...broken, sha256: canonicalSha256(broken, nodeSha256) });
    const result = parseExchangeBytes(Buffer.from(resealed, 'utf8'), { sha256: nodeSha256, decodeUtf8 });
    expect(result).toEqual({ ok: false, message: "Le fichier d'échange est invalide : indicatorValues.37.periodCode : code de trimestre attendu (ex. 2026-T4)." });
  });
});
