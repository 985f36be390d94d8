import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { runs } from '../support/property';
import { describe, expect, it } from 'vitest';
import { diffExchange, type LocalExchangeData } from '../../shared/exchange/diff';
import { EMPTY_LOCAL_FIPD, WHOLE_RECORD } from '../../shared/exchange/diff-fipd';
import {
  canonicalJson,
  exchangeJsonSchema,
  findDuplicateKey,
  parseExchangeBytes,
  parseExchangeText,
  qrrExchangeKey,
  sealExchangeDocument,
  serializeExchangeDocument,
  sha256Hex,
  type ExchangeDocument,
  type ExchangeDocumentV1,
  type UnsignedExchangeDocument,
} from '../../shared/exchange/format';
import { decodeUtf8, nodeSha256 } from '../../electron/services/exchange/node-hash';

const KEY = qrrExchangeKey('Saint-Denis Centre', ['93066']);

function sample(): ExchangeDocument {
  const unsigned: UnsignedExchangeDocument = {
    format: 'qrr-echange',
    version: 2,
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
    fipdEnvelopes: [],
    subsidies: [],
  };
  return sealExchangeDocument(unsigned);
}

const UID_A = 'a'.repeat(32);
const UID_P1 = '1'.repeat(32);
const UID_P2 = '2'.repeat(32);

/** The sample with FIPD credits: one envelope, one subsidy with two payments. */
function sampleWithFipd(): ExchangeDocument {
  const { sha256: _, ...doc } = sample();
  return sealExchangeDocument({
    ...doc,
    fipdEnvelopes: [
      { qrrKey: KEY, budgetYear: 2026, source: 'fipd', amountCents: 8_000_000, decidedOn: '2026-01-15', comment: '', overEnvelopeReason: null, updatedAt: '2026-01-15T10:00:00.000Z', updatedBy: 'cmartin' },
    ],
    subsidies: [
      {
        uid: UID_A,
        qrrKey: KEY,
        budgetYear: 2026,
        source: 'fipd',
        actionCodes: ['01-01'],
        beneficiaryName: 'Association Réussite',
        siret: '73282932000074',
        rna: null,
        title: 'Aide aux devoirs',
        requestedCents: 1_500_000,
        grantedCents: 1_200_000,
        cofinancingCents: 0,
        decisionKind: 'convention',
        decisionNumber: 'C-2026-12',
        decisionDate: '2026-03-01',
        chorusEj: '',
        reportDueDate: '2027-06-30',
        reportReceivedDate: null,
        documents: [],
        status: 'versee',
        overEnvelopeReason: null,
        comment: '',
        createdAt: '2026-02-01T10:00:00.000Z',
        updatedAt: '2026-03-10T10:00:00.000Z',
        updatedBy: 'cmartin',
        payments: [
          { uid: UID_P1, paidOn: '2026-03-10', amountCents: 600_000, kind: 'avance', comment: '', createdAt: '2026-03-10T10:00:00.000Z' },
          { uid: UID_P2, paidOn: '2026-06-10', amountCents: 300_000, kind: 'autre', comment: '', createdAt: '2026-06-10T10:00:00.000Z' },
        ],
      },
    ],
  });
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
    expect(refused(resealed((d) => (d.version = 3)))).toMatch(/version plus récente de l'application/);
    expect(refused(resealed((d) => (d.version = 0)))).toMatch(/n'est pas reconnue/);
    // Compact (as written now) and indented (as earlier versions wrote).
    expect(refused(text.replace('"format":"qrr-echange",', '"format":"qrr-echange","format":"qrr-echange",'))).toBe(
      "Le fichier d'échange est invalide : le champ « format » apparaît deux fois au même endroit.",
    );
    const indented = JSON.stringify(sample(), null, 2);
    expect(refused(indented.replace('"format": "qrr-echange",', '"format": "qrr-echange", "format": "qrr-echange",'))).toBe(
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

  it('finds duplicate keys whether an object\'s keys come sorted or not, sibling objects apart', () => {
    // Sorted keys (the application's layout) take a path without a set; the first key out of order switches to one.
    expect(findDuplicateKey('{"a":1,"b":2,"c":{"a":1,"b":2},"d":3}')).toBeNull();
    expect(findDuplicateKey('{"b":1,"a":2,"c":3}')).toBeNull();
    expect(findDuplicateKey('{"b":1,"a":2,"c":3,"a":4}')).toBe('a');
    expect(findDuplicateKey('{"a":1,"c":2,"b":3,"c":4}')).toBe('c');
    expect(findDuplicateKey('[{"b":1},{"a":1,"b":2},{"b":1,"a":2}]')).toBeNull();
    expect(findDuplicateKey('[{"b":1,"a":1},{"a":1,"a":2}]')).toBe('a');
    expect(findDuplicateKey('{"a":{"b":{"c":1}},"b":{"b":{"c":1,"c":2}}}')).toBe('c');
    expect(findDuplicateKey('{"z":[1,{"y":2}],"z":0}')).toBe('z');
  });

  it('any mutation of a valid file is parsed to the same document or refused, never thrown', () => {
    const doc = sample();
    // As the application writes files now (compact, hash last) and as earlier versions did (indented).
    const layouts = [Buffer.from(serializeExchangeDocument(doc), 'utf8'), Buffer.from(JSON.stringify(doc, null, 2), 'utf8')];
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at, bits: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at }),
      fc.record({ kind: fc.constant('duplicate' as const), key: fc.constantFrom('format', 'version', 'exportedAt', 'qrrKey', 'value', 'comment', 'meteo', 'name') }),
      fc.record({ kind: fc.constant('insert' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(0, 1), mutation, (layout, m) => {
        const bytes = layouts[layout]!;
        const index = 'at' in m ? Math.floor(m.at * bytes.length) : 0;
        let mutated: Uint8Array;
        if (m.kind === 'flip') {
          mutated = Uint8Array.from(bytes);
          mutated[index] = mutated[index]! ^ m.bits;
        } else if (m.kind === 'truncate') mutated = bytes.subarray(0, index);
        else if (m.kind === 'insert') mutated = Buffer.concat([bytes.subarray(0, index), Buffer.from([m.byte]), bytes.subarray(index)]);
        else {
          const re = new RegExp(`"${m.key}": ?([^,\\n]+),`);
          mutated = Buffer.from(decode(bytes).replace(re, (all) => `${all} ${all}`), 'utf8');
        }
        const text = decode(mutated);
        // The text reader (pure hash) and the bytes reader (node:crypto, the file's own bytes) agree.
        for (const read of [() => parseExchangeText(text), () => parseExchangeBytes(mutated, { sha256: nodeSha256, decodeUtf8 })]) {
          let result: ReturnType<typeof parseExchangeText> | undefined;
          expect(() => (result = read())).not.toThrow();
          if (result!.ok) expect(result!.document).toEqual(doc);
          else expect(result!.message).toMatch(/[a-zé]/);
          if (m.kind === 'duplicate' && text !== decode(bytes)) expect(result!.ok).toBe(false);
        }
      }),
      { numRuns: runs(500) },
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
    departementName: null,
    referentialVersion: 1,
    indicators: [],
    indicatorCodes: ['01-01'],
    actionCodes: ['01-01'],
    engagementCodes: ['01'],
    qrrs: [],
    periods: [],
    rows: { indicator_value: [], action_status: [], assessment: [] },
    fipd: EMPTY_LOCAL_FIPD,
    computed0502: [],
    ...over,
  });

  it('classifies new, identical, conflict and locked cells', () => {
    const doc = sample();
    const empty = diffExchange(local(), doc);
    expect(empty.ok && empty.preview.counts).toEqual({ new: 8, identical: 0, conflict: 0, locked: 0, refused: 0 });

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
    expect(r.preview.counts).toEqual({ new: 6, identical: 1, conflict: 1, locked: 0, refused: 0 });
    const conflict = r.preview.lines.find((l) => l.kind === 'conflict')!;
    expect(conflict).toMatchObject({
      field: 'comment',
      mine: { value: 'Autre', updatedBy: 'moi' },
      theirs: { value: 'Chiffre DASEN — « élèves »', updatedBy: 'cmartin', updatedAt: '2026-10-02T08:00:00.000Z' },
    });

    const locked = diffExchange({ ...here, periods: [{ code: '2026-T3', state: 'transmitted' }] }, doc);
    expect(locked.ok && locked.preview.counts).toEqual({ new: 0, identical: 1, conflict: 0, locked: 7, refused: 0 });
  });

  it('a value or target with no part entered is nothing: never a line (found by the import property test)', () => {
    const { sha256: _, ...doc } = sample();
    const empty = sealExchangeDocument({ ...doc, indicatorValues: [{ ...doc.indicatorValues[0]!, value: {}, target: { numerator: null, denominator: null } }] });
    const r = diffExchange(local(), empty);
    expect(r.ok && r.preview.lines.filter((l) => l.table === 'indicator_value').map((l) => l.field)).toEqual(['comment', 'source']);
  });

  it('refuses another département and unknown codes, naming them', () => {
    expect(diffExchange(local({ departementCode: '13' }), sample())).toEqual({ ok: false, message: expect.stringMatching(/Seine-Saint-Denis \(93\).*\(13\)/) });
    const r = diffExchange(local({ indicatorCodes: [], actionCodes: [] }), sample());
    expect(r).toEqual({ ok: false, message: expect.stringContaining('indicateur(s) « 01-01 » ; action(s) « 01-01 »') });
  });
});

describe('older versions', () => {
  it('reads a version 1 file (before FIPD credits) as the current version, without credits', () => {
    const { sha256: _, fipdEnvelopes: _e, subsidies: _s, ...rest } = sample();
    const v1Body = { ...rest, version: 1 as const };
    const v1: ExchangeDocumentV1 = { ...v1Body, sha256: sha256Hex(canonicalJson(v1Body)) };
    const r = parseExchangeText(JSON.stringify(v1));
    if (!r.ok) throw new Error(r.message);
    expect(r.migratedFrom).toBe(1);
    expect(r.document).toEqual(sample());
    // A version 1 file carrying the fields of version 2 is not a version 1 file.
    const hybrid = { ...v1Body, subsidies: [] };
    expect(refused(JSON.stringify({ ...hybrid, sha256: sha256Hex(canonicalJson(hybrid)) }))).toMatch(/champ inconnu : subsidies/);
    // The hash of a version 1 file is checked on the file as written.
    expect(refused(JSON.stringify({ ...v1, exportedAt: '2026-11-27T09:00:00.000Z' }))).toMatch(/empreinte SHA-256/);
  });
});

describe('diffExchange: FIPD credits', () => {
  const local = (over: Partial<LocalExchangeData> = {}): LocalExchangeData => ({
    departementCode: '93',
    departementName: null,
    referentialVersion: 1,
    indicators: [],
    indicatorCodes: ['01-01', '05-02'],
    actionCodes: ['01-01'],
    engagementCodes: ['01'],
    qrrs: [{ id: 7, key: KEY, name: 'Saint-Denis Centre', archived: false }],
    periods: [{ code: '2026-T3', state: 'open' }],
    rows: { indicator_value: [], action_status: [], assessment: [] },
    fipd: EMPTY_LOCAL_FIPD,
    computed0502: [],
    ...over,
  });
  const fipdLines = (r: ReturnType<typeof diffExchange>) => (r.ok ? r.preview.lines.filter((l) => ['fipd_envelope', 'subsidy', 'subsidy_payment'].includes(l.table)) : []);

  it('a subsidy unknown here is one line, taken whole with its payments; envelope fields are lines of their own', () => {
    const lines = fipdLines(diffExchange(local(), sampleWithFipd()));
    expect(lines.map((l) => [l.table, l.field, l.kind, l.periodCode])).toEqual([
      ['fipd_envelope', 'amountCents', 'new', '2026'],
      ['fipd_envelope', 'decidedOn', 'new', '2026'],
      ['subsidy', WHOLE_RECORD, 'new', '2026'],
    ]);
    expect(lines[2]!.summary).toBe('Association Réussite — Aide aux devoirs — FIPD (programme 216) 2026 — 12\u202f000,00\u00a0€ attribués (versée, 2 versements (9\u202f000,00\u00a0€))');
  });

  it('a subsidy known here (same uid): field conflicts, identical fields, new payments; an archived QRR locks them', () => {
    const { fipdEnvelopes: _e, subsidies, ...doc } = sampleWithFipd();
    const s = subsidies[0]!;
    const here = local({
      fipd: {
        fipd_envelope: [],
        subsidy: [
          {
            qrrId: 7,
            code: UID_A,
            budgetYear: 2026,
            updatedAt: '2026-04-01T10:00:00.000Z',
            updatedBy: 'moi',
            fields: { ...s, grantedCents: 1_000_000, comment: 'Vu avec la mairie', status: 'versee' },
          },
        ],
        subsidy_payment: [{ qrrId: 7, code: UID_P1, budgetYear: 2026, updatedAt: s.payments[0]!.createdAt, updatedBy: '', fields: {} }],
      },
    });
    const r = diffExchange(here, sealExchangeDocument({ ...doc, fipdEnvelopes: [], subsidies }));
    const lines = fipdLines(r);
    const conflict = lines.filter((l) => l.kind === 'conflict');
    expect(conflict.map((l) => [l.field, l.mine!.value, l.theirs.value])).toEqual([['grantedCents', 1_000_000, 1_200_000]]);
    expect(conflict[0]!.mine!.updatedBy).toBe('moi');
    // Their empty comment never erases mine: no line.
    expect(lines.some((l) => l.field === 'comment')).toBe(false);
    expect(lines.filter((l) => l.table === 'subsidy_payment').map((l) => [l.code, l.kind, l.parent])).toEqual([
      [UID_P1, 'identical', UID_A],
      [UID_P2, 'new', UID_A],
    ]);
    const archived = diffExchange({ ...here, qrrs: [{ id: 7, key: KEY, name: 'Saint-Denis Centre', archived: true }] }, sealExchangeDocument({ ...doc, fipdEnvelopes: [], subsidies }));
    expect(fipdLines(archived).filter((l) => l.kind === 'new' || l.kind === 'conflict')).toEqual([]);
    expect(fipdLines(archived).filter((l) => l.kind === 'locked').every((l) => l.lockReason === 'qrr_archived')).toBe(true);
  });

  it('05-02 computed here from subsidies is locked, not overwritten by a typed value', () => {
    const { sha256: _, ...doc } = sample();
    const typed = { ...doc.indicatorValues[0]!, indicatorCode: '05-02', value: { associations: 2, amountEuros: 5000 } };
    const withTyped = sealExchangeDocument({ ...doc, indicatorValues: [typed] });
    const open = diffExchange(local({ computed0502: ['7|2026-T3'] }), withTyped);
    const line = open.ok ? open.preview.lines.find((l) => l.code === '05-02' && l.field === 'value') : undefined;
    expect(line).toMatchObject({ kind: 'locked', lockReason: 'computed' });
    const elsewhere = diffExchange(local({ computed0502: ['7|2026-T2'] }), withTyped);
    expect(elsewhere.ok && elsewhere.preview.lines.find((l) => l.code === '05-02' && l.field === 'value')?.kind).toBe('new');
  });

  it('refuses an inconsistent FIPD part, naming the problem', () => {
    const { sha256: _, ...doc } = sampleWithFipd();
    const s = doc.subsidies[0]!;
    const twice = sealExchangeDocument({ ...doc, subsidies: [s, s] });
    expect(diffExchange(local(), twice)).toEqual({ ok: false, message: expect.stringMatching(/deux fois la même subvention/) });
    const overPaid = sealExchangeDocument({ ...doc, subsidies: [{ ...s, grantedCents: 500_000 }] });
    expect(diffExchange(local(), overPaid)).toEqual({ ok: false, message: expect.stringMatching(/supérieurs au montant attribué/) });
    const unknownAction = sealExchangeDocument({ ...doc, subsidies: [{ ...s, actionCodes: ['99-99'] }] });
    expect(diffExchange(local(), unknownAction)).toEqual({ ok: false, message: expect.stringMatching(/actions inconnues.*« 99-99 »/) });
    const orphan = sealExchangeDocument({ ...doc, fipdEnvelopes: [{ ...doc.fipdEnvelopes[0]!, qrrKey: 'ailleurs|1' }] });
    expect(diffExchange(local(), orphan)).toEqual({ ok: false, message: expect.stringMatching(/enveloppe d'un quartier qu'il ne décrit pas/) });
  });
});
