import fc from 'fast-check';
import { runs } from '../support/property';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { exportExchange } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { canonicalJson, parseExchangeText, sha256Hex, type ExchangeDocument } from '../../shared/exchange/format';
import { openCore, snapshot, steppingClock } from '../support/db';
import { addCredits } from '../support/fipd';

/*
 * Property (issue « exchange files »): any mutated file is either imported
 * correctly or refused with nothing written. Mutations are made on the JSON
 * and the file sealed again (so they get past the hash, the parser and reach
 * the database), or on the raw bytes (mostly refused by the hash). « Imported
 * correctly » = once applied with « take theirs », previewing the same file
 * again finds nothing left to take: every line is identical or locked.
 */

type Core = Awaited<ReturnType<typeof openCore>>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const LISTS = ['indicatorValues', 'actionStatuses', 'assessments', 'fipdEnvelopes', 'subsidies'] as const;

describe('importing mutated exchange files', () => {
  let source: Core;
  let target: Core;
  let ctx: ServiceContext;
  let original: Record<string, Json>;

  beforeAll(async () => {
    source = await openCore();
    target = await openCore();
    expect((await source.dispatch('installDemo', undefined)).ok).toBe(true);
    const ctxA: ServiceContext = { db: source.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
    addCredits(ctxA, source.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number);
    const { sha256: _, ...doc } = exportExchange(ctxA, { periods: ['2026-T4'] });
    // A small file: a few rows of each list keep every run quick and the mutations meaningful.
    original = JSON.parse(JSON.stringify({ ...doc, ...Object.fromEntries(LISTS.map((k) => [k, doc[k].slice(0, 6)])) })) as Record<string, Json>;
    expect((await target.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' })).ok).toBe(true);
    ctx = { db: target.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
  });
  afterAll(() => {
    source?.close();
    target?.close();
  });

  const sealed = (doc: Record<string, Json>): string => JSON.stringify({ ...doc, sha256: sha256Hex(canonicalJson(doc)) });

  /** Replaces the value at a random place of a random row of a list by random JSON (or removes the field). */
  const jsonMutation = fc.record({
    list: fc.constantFrom(...LISTS),
    row: fc.nat(5),
    field: fc.nat(30),
    value: fc.oneof(
      fc.constant<'remove'>('remove'),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      fc.constantFrom<Json>('', 0, -1, 1e12, 'realisee', 'orage', '2026-T1', '2031-T4', '99-99', '05-02', null, [], {}),
    ),
  });
  const byteMutation = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bits: fc.integer({ min: 1, max: 255 }) });

  const applyText = async (text: string) => {
    const contentBase64 = Buffer.from(text).toString('base64');
    return target.dispatch('applyExchange', { fileName: 'mute.qrr', contentBase64, defaultChoice: 'theirs', acceptUnverified: true });
  };

  const outcomes = { imported: 0, refused: 0 };
  const check = async (text: string): Promise<void> => {
    const before = snapshot(target.db);
    const result = await applyText(text);
    outcomes[result.ok ? 'imported' : 'refused']++;
    if (!result.ok) {
      expect(result.error.message).toMatch(/[a-zé]/);
      expect(snapshot(target.db)).toEqual(before);
      return;
    }
    const parsed = parseExchangeText(text);
    if (!parsed.ok) throw new Error(`applied a file the parser refuses: ${parsed.message}`);
    const again = previewImport(ctx, parsed.document as ExchangeDocument);
    expect(again.lines.filter((l) => l.kind === 'new' || l.kind === 'conflict').map((l) => l.key)).toEqual([]);
  };

  it('a value changed, removed or retyped anywhere (file sealed again): imported correctly or refused, nothing half-written', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutation, async (m) => {
        const doc = structuredClone(original);
        const rows = doc[m.list] as Record<string, Json>[];
        const row = rows[m.row % Math.max(rows.length, 1)];
        if (row) {
          const keys = Object.keys(row);
          const key = keys[m.field % keys.length]!;
          if (m.value === 'remove') delete row[key];
          else row[key] = m.value;
        }
        await check(sealed(doc));
      }),
      { numRuns: runs(150) },
    );
    // Both branches were exercised: some mutations are valid data, others are refused.
    expect(outcomes.imported).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 300_000);

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
  }, 300_000);
});
