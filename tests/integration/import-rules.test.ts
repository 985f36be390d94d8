import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { exportExchange } from '../../electron/services/exchange/export';
import { previewImport } from '../../electron/services/exchange/preview';
import { createGeography } from '../../electron/services/geography';
import { writeKeyed, type KeyedTable } from '../../electron/services/keyed-record';
import { canonicalJson, sha256Hex, type ExchangeDocument } from '../../shared/exchange/format';
import { openCore, snapshot, steppingClock, templateCopies } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';

/*
 * Issue 15, « Why », one test per bullet about the import rules:
 * « It is a product bug » and « The preview promises what the apply refuses ».
 * Each test imports into a fresh copy of one prepared target database.
 */

type Core = Awaited<ReturnType<typeof openCore>>;
const geography = createGeography(COMMUNES_FILE);

describe('issue 15: one set of rules, run by the preview', () => {
  let source: Core;
  let targets: Awaited<ReturnType<typeof templateCopies>>;
  let base: Omit<ExchangeDocument, 'sha256'>;

  beforeAll(async () => {
    source = await openCore();
    expect((await source.dispatch('installDemo', undefined)).ok).toBe(true);
    const { sha256: _, ...doc } = exportExchange({ db: source.db, now: steppingClock(), osUser: 'alice', origin: 'ui' }, { periods: ['2026-T4'] });
    const nord = doc.qrrs[0]!;
    base = {
      ...doc,
      qrrs: [nord],
      indicatorValues: doc.indicatorValues.filter((v) => v.qrrKey === nord.key && v.indicatorCode !== '05-02').slice(0, 3),
      actionStatuses: doc.actionStatuses.filter((v) => v.qrrKey === nord.key).slice(0, 2),
      assessments: [],
      fipdEnvelopes: [],
      subsidies: [],
    };
    targets = await templateCopies(async (target) => {
      expect((await target.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'B.' })).ok).toBe(true);
    }, 'qrr-rules-');
  }, 120_000);
  afterAll(() => {
    source?.close();
    targets?.closeAll();
  });

  const fresh = (): Promise<Core> => targets.fresh();
  const ctxOf = (core: Core): ServiceContext => ({ db: core.db, now: steppingClock('2026-12-01T09:00:00.000Z'), osUser: 'bob', origin: 'ui' });
  const seal = (doc: Omit<ExchangeDocument, 'sha256'>): ExchangeDocument => ({ ...doc, sha256: sha256Hex(canonicalJson(doc)) }) as ExchangeDocument;
  const apply = (core: Core, doc: ExchangeDocument, skipRefused = false) =>
    core.dispatch('applyExchange', {
      fileName: 'collegue.qrr',
      contentBase64: Buffer.from(JSON.stringify(doc)).toString('base64'),
      defaultChoice: 'theirs',
      skipRefused,
    });
  const backups = (core: Core): string[] => (fs.existsSync(path.join(core.dir, 'sauvegardes')) ? fs.readdirSync(path.join(core.dir, 'sauvegardes')).filter((f) => f.includes('avant-import')) : []);
  const audits = (core: Core): number => core.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;

  it('It is a product bug: a value leaving out a part ({numerator: 33} for 01-01) is stored completed, and re-importing the file shows it identical', async () => {
    const core = await fresh();
    const row = { ...base.indicatorValues[0]!, indicatorCode: '01-01', value: { numerator: 33 }, target: null, comment: '', source: '' };
    const doc = seal({ ...base, indicatorValues: [row] });
    expect((await apply(core, doc)).ok).toBe(true);
    const stored = core.db.prepare(`SELECT value FROM indicator_value WHERE indicator_code = '01-01'`).pluck().get() as string;
    expect(JSON.parse(stored)).toEqual({ numerator: 33, denominator: null });
    const again = previewImport(ctxOf(core), doc, geography);
    expect(again.lines.filter((l) => l.table === 'indicator_value').map((l) => [l.field, l.kind])).toEqual([['value', 'identical']]);
  });

  it('It is a product bug: keyed-record compares values whatever their key order (a patch with the same parts reordered writes nothing)', async () => {
    const core = await fresh();
    type F = { payload: unknown };
    const spec: KeyedTable<F> = {
      table: 'settings_probe',
      entity: 'probe',
      columns: { payload: 'payload' },
      empty: { payload: null },
      encode: { payload: (v) => JSON.stringify(v) },
      decode: { payload: (v) => JSON.parse(v as string) },
    };
    core.db.exec('CREATE TEMP TABLE settings_probe (id INTEGER PRIMARY KEY, payload TEXT, updated_at TEXT, updated_by TEXT)');
    const ctx = ctxOf(core);
    const write = { key: { id: 1 }, entityId: '1' };
    core.db.transaction(() => writeKeyed(ctx, spec, write, { payload: { numerator: 1, denominator: 2 } }))();
    const before = audits(core);
    const changed = core.db.transaction(() => writeKeyed(ctx, spec, write, { payload: { denominator: 2, numerator: 1 } }))();
    expect(changed).toEqual([]);
    expect(audits(core)).toBe(before);
  });

  it('It is a product bug: a count-only value renamed to 05-02 is refused in the preview, and the file is refused before any backup', async () => {
    const core = await fresh();
    const count = base.indicatorValues.find((v) => v.value !== null)!;
    const doc = seal({ ...base, indicatorValues: [{ ...count, indicatorCode: '05-02', value: { count: 3, extra: 1 } }] });
    const preview = previewImport(ctxOf(core), doc, geography);
    expect(preview.lines.find((l) => l.field === 'value')).toMatchObject({ kind: 'refused', refusedReason: expect.stringMatching(/05-02/) });
    const before = snapshot(core.db);
    const result = await apply(core, doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/refusée.*rien n'a été importé/);
    expect(snapshot(core.db)).toEqual(before);
    expect(backups(core)).toEqual([]);
  });

  it('The preview promises what the apply refuses: a 2,001-character comment is « refusé » (IPC max 2,000); refused whole with no backup nor audit, or imported without it by choice', async () => {
    const core = await fresh();
    const long = 'x'.repeat(2001);
    const doc = seal({ ...base, indicatorValues: base.indicatorValues.map((v, i) => (i === 0 ? { ...v, comment: long } : v)) });
    const preview = previewImport(ctxOf(core), doc, geography);
    const refused = preview.lines.filter((l) => l.kind === 'refused');
    expect(refused.map((l) => l.field)).toEqual(['comment']);
    expect(refused[0]!.refusedReason).toBe('Le commentaire ne peut pas dépasser 2000 caractères (2001).');
    expect(preview.counts.refused).toBe(1);

    const before = snapshot(core.db);
    const auditBefore = audits(core);
    const result = await apply(core, doc);
    expect(result.ok).toBe(false);
    expect(snapshot(core.db)).toEqual(before);
    expect(audits(core)).toBe(auditBefore);
    expect(backups(core)).toEqual([]);

    const rest = await apply(core, doc, true);
    expect(rest.ok).toBe(true);
    const summary = (rest.ok ? rest.value : null) as { refused: number; message: string } | null;
    expect(summary?.refused).toBe(1);
    expect(summary?.message).toMatch(/1 donnée refusée laissée de côté/);
    expect(core.db.prepare('SELECT count(*) FROM indicator_value WHERE length(comment) > 2000').pluck().get()).toBe(0);
    const again = previewImport(ctxOf(core), doc, geography);
    expect(again.lines.filter((l) => l.kind !== 'identical').map((l) => [l.field, l.kind])).toEqual([['comment', 'refused']]);
  });

  it('The preview promises what the apply refuses: a source written on a 05-02 row computed here is never imported', async () => {
    const core = await fresh();
    // 05-02 computed here: a subsidy of the quarter's year in the QRR the file describes.
    const ctx = ctxOf(core);
    previewImport(ctx, seal(base), geography);
    const first = await apply(core, seal(base));
    expect(first.ok ? 'ok' : first.error.message).toBe('ok');
    const qrrId = core.db.prepare('SELECT min(id) FROM qrr').pluck().get() as number;
    expect((await core.dispatch('setEnvelope', { qrrId, budgetYear: 2026, amountCents: 10_000_000 })).ok).toBe(true);
    const saved = await core.dispatch('saveSubsidy', { budgetYear: 2026, qrrId, source: 'fipd', beneficiaryName: 'Association A', title: 'Action', grantedCents: 100_000, status: 'attribuee', decisionDate: '2026-11-15' });
    expect(saved.ok ? 'ok' : saved.error.message).toBe('ok');
    const row = { ...base.indicatorValues[0]!, indicatorCode: '05-02', value: null, target: null, comment: '', source: 'Saisi à la main' };
    const preview = previewImport(ctx, seal({ ...base, indicatorValues: [row] }), geography);
    expect(preview.lines.filter((l) => l.table === 'indicator_value').map((l) => [l.field, l.kind, l.lockReason])).toEqual([['source', 'locked', 'computed']]);
  });

  it('The preview promises what the apply refuses: département code 93 named « Paris » is refused, nothing written', async () => {
    const core = await fresh();
    const doc = seal({ ...base, departement: { code: '93', nom: 'Paris' } });
    expect(() => previewImport(ctxOf(core), doc, geography)).toThrow(/département 93 « Paris ».*« Seine-Saint-Denis »/);
    const before = snapshot(core.db);
    expect((await apply(core, doc)).ok).toBe(false);
    expect(snapshot(core.db)).toEqual(before);
    expect(backups(core)).toEqual([]);
  });

  it('The preview promises what the apply refuses: referentialVersion 99 is refused, nothing written', async () => {
    const core = await fresh();
    const doc = seal({ ...base, referentialVersion: 99 });
    expect(() => previewImport(ctxOf(core), doc, geography)).toThrow(/référentiel version 99/);
    const before = snapshot(core.db);
    expect((await apply(core, doc)).ok).toBe(false);
    expect(snapshot(core.db)).toEqual(before);
    expect(backups(core)).toEqual([]);
  });
});
