import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffExchange, type LocalExchangeData } from '../../shared/exchange/diff';
import {
  canonicalJson,
  exchangeJsonSchema,
  findDuplicateKey,
  parseExchangeText,
  qrrExchangeKey,
  sealExchangeDocument,
  serializeExchangeDocument,
  sha256Hex,
  type ExchangeDocument,
  type UnsignedExchangeDocument,
} from '../../shared/exchange/format';

const KEY = qrrExchangeKey('Saint-Denis Centre', ['93066']);

function sample(): ExchangeDocument {
  const unsigned: UnsignedExchangeDocument = {
    format: 'qrr-echange',
    version: 1,
    referentialVersion: 1,
    departement: { code: '93', nom: 'Seine-Saint-Denis' },
    sender: { name: 'Camille Martin', osUser: 'cmartin' },
    exportedAt: '2026-11-26T09:00:00.000Z',
    scope: { periods: ['2026-T3'] },
    qrrs: [{ key: KEY, name: 'Saint-Denis Centre', communes: ['93066'], qpvCodes: ['QN09301M'], securityZone: 'police', wave: '2018', population: 12000 }],
    periods: [{ code: '2026-T3', state: 'transmitted' }],
    indicatorValues: [
      {
        qrrKey: KEY,
        indicatorCode: '01-01',
        periodCode: '2026-T3',
        value: { numerator: 3, denominator: 40 },
        target: null,
        comment: 'Chiffre DASEN — « élèves »',
        source: 'DASEN',
        updatedAt: '2026-10-02T08:00:00.000Z',
        updatedBy: 'cmartin',
      },
    ],
    actionStatuses: [
      { qrrKey: KEY, actionCode: '01-01', periodCode: '2026-T3', status: 'en_cours', comment: '', referent: 'DDSP', updatedAt: '2026-10-02T08:00:01.000Z', updatedBy: 'cmartin' },
    ],
    assessments: [
      {
        qrrKey: KEY,
        engagementCode: '01',
        periodCode: '2026-T3',
        meteo: 'soleil',
        trend: 'hausse',
        comment: 'Bonne dynamique.',
        commentAuthor: 'C. Martin',
        commentDate: '2026-10-02T08:00:02.000Z',
        updatedAt: '2026-10-02T08:00:02.000Z',
        updatedBy: 'cmartin',
      },
    ],
  };
  return sealExchangeDocument(unsigned);
}

const refused = (text: string): string => {
  const r = parseExchangeText(text);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.message;
};

/** Re-seals after an edit, so only the edit is refused (not the hash). */
const resealed = (edit: (d: Record<string, unknown>) => void): string => {
  const { sha256: _, ...doc } = structuredClone(sample()) as Record<string, unknown>;
  edit(doc);
  return JSON.stringify({ ...doc, sha256: sha256Hex(canonicalJson(doc)) });
};

describe('SHA-256 and canonical JSON', () => {
  it('agrees with node:crypto', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
      }),
    );
    for (const n of [0, 55, 56, 63, 64, 65, 1000]) {
      const s = 'a'.repeat(n);
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
    }
  });

  it('sorts keys and ignores layout', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}');
    const doc = sample();
    const { sha256, ...rest } = doc;
    expect(sha256).toBe(sha256Hex(canonicalJson(rest)));
    // Another layout and key order: same document, same hash.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(doc).reverse()));
    const r = parseExchangeText(reordered);
    expect(r.ok && r.document).toEqual(doc);
  });
});

describe('parseExchangeText', () => {
  it('round-trips a document', () => {
    const doc = sample();
    expect(parseExchangeText(serializeExchangeDocument(doc))).toEqual({ ok: true, document: doc });
    expect(parseExchangeText(`\ufeff${serializeExchangeDocument(doc)}`)).toEqual({ ok: true, document: doc });
  });

  it('refuses each bad input with its French message', () => {
    const text = serializeExchangeDocument(sample());
    expect(refused(text.slice(0, text.length / 2))).toBe("Le fichier est tronqué ou n'est pas un fichier d'échange JSON.");
    expect(refused('')).toBe("Le fichier est tronqué ou n'est pas un fichier d'échange JSON.");
    expect(refused('[1,2]')).toBe("Le fichier est tronqué ou n'est pas un fichier d'échange JSON.");
    expect(refused('{"format":"autre","version":1}')).toBe("Ce fichier n'est pas un fichier d'échange du Tableau de bord QRR.");
    expect(refused(resealed((d) => (d.version = 2)))).toMatch(/version plus récente de l'application/);
    expect(refused(resealed((d) => (d.version = 0)))).toMatch(/n'est pas reconnue/);
    expect(refused(text.replace('"format": "qrr-echange",', '"format": "qrr-echange", "format": "qrr-echange",'))).toBe(
      "Le fichier d'échange est invalide : le champ « format » apparaît deux fois au même endroit.",
    );
    expect(refused(resealed((d) => ((d.qrrs as { population: unknown }[])[0]!.population = '12000')))).toBe(
      "Le fichier d'échange est invalide : qrrs.0.population : un nombre est attendu.",
    );
    expect(refused(resealed((d) => (d.extra = 1)))).toBe("Le fichier d'échange est invalide : document : champ inconnu : extra.");
    expect(refused(resealed((d) => ((d.actionStatuses as { status: unknown }[])[0]!.status = 'fini')))).toMatch(
      /^Le fichier d'échange est invalide : actionStatuses\.0\.status : valeur non reconnue/,
    );
    expect(parseExchangeText(text, { maxBytes: 100 })).toEqual({ ok: false, message: expect.stringMatching(/trop volumineux/) });
    expect(refused(text.replace('Bonne dynamique.', 'Mauvaise dynamique.'))).toBe(
      'Le contenu a été modifié depuis son export (empreinte SHA-256 différente).',
    );
  });

  it('finds duplicate keys, even escaped, and only inside one object', () => {
    expect(findDuplicateKey('{"a":1,"b":{"a":2}}')).toBeNull();
    expect(findDuplicateKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(findDuplicateKey('[{"a":"}"},{"a":"\\""}]')).toBeNull();
    expect(findDuplicateKey('{"x":[{"k":1,"k":2}]}')).toBe('k');
  });

  it('any mutation of a valid file is parsed to the same document or refused, never thrown', () => {
    const doc = sample();
    const bytes = Buffer.from(serializeExchangeDocument(doc), 'utf8');
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(bytes.length - 1), bits: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(bytes.length - 1) }),
      fc.record({ kind: fc.constant('duplicate' as const), key: fc.constantFrom('format', 'version', 'exportedAt', 'qrrKey', 'value', 'comment', 'meteo', 'name') }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(bytes.length - 1), byte: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(mutation, (m) => {
        let text: string;
        if (m.kind === 'flip') {
          const b = Uint8Array.from(bytes);
          b[m.at] = b[m.at]! ^ m.bits;
          text = decode(b);
        } else if (m.kind === 'truncate') text = decode(bytes.subarray(0, m.at));
        else if (m.kind === 'insert') text = decode(Buffer.concat([bytes.subarray(0, m.at), Buffer.from([m.byte]), bytes.subarray(m.at)]));
        else {
          const original = decode(bytes);
          const re = new RegExp(`"${m.key}": ([^,\\n]+),`);
          text = original.replace(re, (all) => `${all} ${all}`);
        }
        let result: ReturnType<typeof parseExchangeText> | undefined;
        expect(() => (result = parseExchangeText(text))).not.toThrow();
        if (result!.ok) expect(result!.document).toEqual(doc);
        else expect(result!.message).toMatch(/[a-zé]/);
        if (m.kind === 'duplicate' && text !== decode(bytes)) expect(result!.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('JSON Schema', () => {
  it('docs/exchange-format.schema.json is up to date with the zod schema', () => {
    const file = path.join(__dirname, '../../docs/exchange-format.schema.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(exchangeJsonSchema());
    expect(exchangeJsonSchema().$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});

describe('diffExchange', () => {
  const local = (over: Partial<LocalExchangeData> = {}): LocalExchangeData => ({
    departementCode: '93',
    indicatorCodes: ['01-01'],
    actionCodes: ['01-01'],
    engagementCodes: ['01'],
    qrrs: [],
    periods: [],
    rows: { indicator_value: [], action_status: [], assessment: [] },
    ...over,
  });

  it('classifies new, identical, conflict and locked cells', () => {
    const doc = sample();
    const empty = diffExchange(local(), doc);
    expect(empty.ok && empty.preview.counts).toEqual({ new: 8, identical: 0, conflict: 0, locked: 0 });

    const here = local({
      qrrs: [{ id: 7, key: 'autre', name: 'saint-denis  centre ', archived: false }],
      periods: [{ code: '2026-T3', state: 'open' }],
      rows: {
        indicator_value: [
          { qrrId: 7, code: '01-01', periodCode: '2026-T3', fields: { value: { numerator: 3, denominator: 40 }, target: null, comment: 'Autre', source: '' }, updatedAt: '2026-10-03T00:00:00.000Z', updatedBy: 'moi' },
        ],
        action_status: [],
        assessment: [],
      },
    });
    const r = diffExchange(here, doc);
    if (!r.ok) throw new Error(r.message);
    expect(r.preview.qrrs[0]!.localId).toBe(7); // matched by name
    expect(r.preview.counts).toEqual({ new: 6, identical: 1, conflict: 1, locked: 0 });
    const conflict = r.preview.lines.find((l) => l.kind === 'conflict')!;
    expect(conflict).toMatchObject({
      field: 'comment',
      mine: { value: 'Autre', updatedBy: 'moi' },
      theirs: { value: 'Chiffre DASEN — « élèves »', updatedBy: 'cmartin', updatedAt: '2026-10-02T08:00:00.000Z' },
    });

    const locked = diffExchange({ ...here, periods: [{ code: '2026-T3', state: 'transmitted' }] }, doc);
    expect(locked.ok && locked.preview.counts).toEqual({ new: 0, identical: 1, conflict: 0, locked: 7 });
  });

  it('refuses another département and unknown codes, naming them', () => {
    expect(diffExchange(local({ departementCode: '13' }), sample())).toEqual({ ok: false, message: expect.stringMatching(/Seine-Saint-Denis \(93\).*\(13\)/) });
    const r = diffExchange(local({ indicatorCodes: [], actionCodes: [] }), sample());
    expect(r).toEqual({ ok: false, message: expect.stringContaining('indicateur(s) « 01-01 » ; action(s) « 01-01 »') });
  });
});
