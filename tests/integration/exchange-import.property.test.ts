import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { runs, propertyTimeout } from '../support/property';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { exportExchange } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { createGeography } from '../../electron/services/geography';
import type { ExchangePreview } from '../../shared/exchange/diff';
import { canonicalJson, parseExchangeText, sha256Hex, type ExchangeDocument } from '../../shared/exchange/format';
import { openCore, snapshot, steppingClock, templateCopies } from '../support/db';
import { addCredits } from '../support/fipd';
import { COMMUNES_FILE } from '../support/paths';

/*
 * Property (issue 15 « one set of rules, run by the preview »): for any
 * mutated file, on a fresh database each run (a copy of one prepared target,
 * so neither runs nor shrinking share state):
 *   - what the preview says is exactly what the apply writes: a file the
 *     preview finds « refusé » cells in is refused whole — nothing written,
 *     no « avant-import » backup, no audit entry — and, applied with the
 *     explicit choice to leave refused cells out, every « nouveau » and
 *     « conflit » cell is written and nothing else;
 *   - importing the same file twice: the second preview has nothing left to
 *     take (every cell identical, locked or still refused);
 *   - a file refused as a whole (hash, parser, another département…) writes nothing.
 * Mutations are made on the JSON and the file sealed again (so they get past
 * the hash and the parser and reach the rules), or on the raw bytes.
 */

type Core = Awaited<ReturnType<typeof openCore>>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMutation = { list: (typeof LISTS)[number]; row: number; field: number; value: Json | 'remove' };

const LISTS = ['indicatorValues', 'actionStatuses', 'assessments', 'fipdEnvelopes', 'subsidies'] as const;
const geography = createGeography(COMMUNES_FILE);

/** Counterexamples found before (kept whatever the seed). */
const KNOWN: JsonMutation[] = [
  // Issue 15, seed 869426528: a count-only value renamed to 05-02 was stored with a missing part, then in conflict forever.
  { list: 'indicatorValues', row: 2, field: 0, value: '05-02' },
];

describe('importing mutated exchange files', () => {
  let source: Core;
  let targets: Awaited<ReturnType<typeof templateCopies>>;
  let original: Record<string, Json>;

  beforeAll(async () => {
    source = await openCore();
    expect((await source.dispatch('installDemo', undefined)).ok).toBe(true);
    const ctxA: ServiceContext = { db: source.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
    addCredits(ctxA, source.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number);
    const { sha256: _, ...doc } = exportExchange(ctxA, { periods: ['2026-T4'] });
    // A small file: a few rows of each list keep every run quick and the mutations meaningful.
    original = JSON.parse(JSON.stringify({ ...doc, ...Object.fromEntries(LISTS.map((k) => [k, doc[k].slice(0, 6)])) })) as Record<string, Json>;
    targets = await templateCopies(async (target) => {
      expect((await target.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' })).ok).toBe(true);
    }, 'qrr-prop-');
  });
  afterAll(() => {
    source?.close();
    targets?.closeAll();
  });

  const sealed = (doc: Record<string, Json>): string => JSON.stringify({ ...doc, sha256: sha256Hex(canonicalJson(doc)) });
  const mutated = (m: JsonMutation): string => {
    const doc = structuredClone(original);
    const rows = doc[m.list] as Record<string, Json>[];
    const row = rows[m.row % Math.max(rows.length, 1)];
    if (row) {
      const keys = Object.keys(row);
      const key = keys[m.field % keys.length]!;
      if (m.value === 'remove') delete row[key];
      else row[key] = m.value;
    }
    return sealed(doc);
  };

  const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
    list: fc.constantFrom(...LISTS),
    row: fc.nat(5),
    field: fc.nat(30),
    value: fc.oneof(
      fc.constant<'remove'>('remove'),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      fc.constantFrom<Json>('', 0, -1, 1e12, 'realisee', 'orage', '2026-T1', '2031-T4', '99-99', '05-02', null, [], {}, 'x'.repeat(2001), '  espaces  '),
    ),
  });
  const byteMutation = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bits: fc.integer({ min: 1, max: 255 }) });

  const outcomes = { imported: 0, refusedCells: 0, refusedFile: 0 };
  const backupsOf = (core: Core): string[] =>
    fs.existsSync(path.join(core.dir, 'sauvegardes')) ? fs.readdirSync(path.join(core.dir, 'sauvegardes')).filter((f) => f.includes('avant-import')) : [];
  const apply = (core: Core, text: string, skipRefused: boolean) =>
    core.dispatch('applyExchange', { fileName: 'mute.qrr', contentBase64: Buffer.from(text).toString('base64'), defaultChoice: 'theirs', acceptUnverified: true, skipRefused });
  const keysOf = (preview: ExchangePreview, ...kinds: string[]): string[] => preview.lines.filter((l) => kinds.includes(l.kind)).map((l) => l.key).sort();

  const check = async (text: string): Promise<void> => {
    const target = await targets.fresh();
    try {
      const ctx: ServiceContext = { db: target.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
      const before = snapshot(target.db);
      const parsed = parseExchangeText(text);
      let preview: ExchangePreview | null = null;
      if (parsed.ok) {
        try {
          preview = previewImport(ctx, parsed.document as ExchangeDocument, geography);
        } catch {
          preview = null;
        }
      }
      // The preview writes nothing, ever.
      expect(snapshot(target.db)).toEqual(before);

      const first = await apply(target, text, false);
      if (preview === null || keysOf(preview, 'refused').length > 0) {
        // Refused whole (the file, or cells in it): nothing written, no backup, no audit entry.
        expect(first.ok).toBe(false);
        if (!first.ok) expect(first.error.message).toMatch(/[a-zé]/);
        expect(snapshot(target.db)).toEqual(before);
        expect(backupsOf(target)).toEqual([]);
        if (preview === null) {
          outcomes.refusedFile++;
          return;
        }
        outcomes.refusedCells++;
        // Explicit choice: the rest is imported.
        const rest = await apply(target, text, true);
        expect(rest.ok).toBe(true);
      } else {
        expect(first.ok).toBe(true);
        outcomes.imported++;
      }
      const again = previewImport(ctx, parsed.ok ? (parsed.document as ExchangeDocument) : (null as never), geography);
      // Everything taken was written: nothing new or in conflict is left.
      expect(keysOf(again, 'new', 'conflict')).toEqual([]);
      // What was refused was not written: still refused.
      expect(keysOf(again, 'refused')).toEqual(keysOf(preview, 'refused'));
      // Follow-up cells taken are now identical (or locked: 05-02 computed from the subsidies just imported).
      // (A subsidy taken whole shows field by field the second time: FIPD lines are covered by « nothing left to take ».)
      const followup = (p: ExchangePreview, ...kinds: string[]): string[] => keysOf(p, ...kinds).filter((k) => !/^(fipd_envelope|subsidy)/.test(k));
      expect(followup(again, 'identical', 'locked')).toEqual(followup(preview, 'identical', 'locked', 'new', 'conflict'));
    } finally {
      targets.release(target);
    }
  };

  it('a value changed, removed or retyped anywhere (file sealed again): what the preview says is what the apply writes', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutation, async (m) => check(mutated(m))),
      { numRuns: runs(150), examples: KNOWN.map((m) => [m]) },
    );
    // Every branch was exercised: valid files, files with refused cells, files refused whole.
    expect(outcomes.imported).toBeGreaterThan(0);
    expect(outcomes.refusedCells).toBeGreaterThan(0);
    expect(outcomes.refusedFile).toBeGreaterThan(0);
  }, propertyTimeout(600_000));

  it('a byte flipped anywhere in the file: refused (or, if the JSON is unchanged, imported), never half-written', async () => {
    const text = sealed(original);
    const bytes = Buffer.from(text);
    await fc.assert(
      fc.asyncProperty(byteMutation, async (m) => {
        const b = Buffer.from(bytes);
        const at = Math.min(b.length - 1, Math.floor(m.at * b.length));
        b[at] = b[at]! ^ m.bits;
        await check(b.toString('utf8'));
      }),
      { numRuns: runs(40) },
    );
  }, propertyTimeout(300_000));
});
