/**
 * The import preview's lines stay in main, stored compactly
 * (shared/exchange/preview-lines.ts), and the Échanges screen reads them by
 * pages (previewExchangeLines). Proven on the demonstration's full file, with
 * new, identical and conflicting lines, over a real SQLite file through the real
 * dispatcher: every page put end to end is exactly the preview's line list,
 * each filter gives exactly the lines it names, and a line's cheap facts (key,
 * QRR, quarter, table) are those of the line built whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../electron/services/context';
import { exportExchange } from '../../electron/services/exchange/export';
import { PREVIEW_GONE } from '../../electron/services/exchange/handlers';
import { previewImport } from '../../electron/services/exchange/preview';
import { createGeography } from '../../electron/services/geography';
import { saveIndicatorValues } from '../../electron/services/followup';
import { transmitPeriod } from '../../electron/services/periods';
import type { ExchangeLine } from '../../shared/exchange/diff';
import { serializeExchangeDocument, type ExchangeDocument } from '../../shared/exchange/format';
import { PREVIEW_PAGE_MAX, type ExchangePreviewDto } from '../../shared/ipc/contract';
import { openCore, steppingClock } from '../support/db';
import { COMMUNES_FILE } from '../support/paths';

type Core = Awaited<ReturnType<typeof openCore>>;
const geography = createGeography(COMMUNES_FILE);

describe('import preview read by pages', () => {
  let a: Core;
  let b: Core;
  let ctxB: ServiceContext;
  let document: ExchangeDocument;
  let file: { fileName: string; contentBase64: string };
  let preview: ExchangePreviewDto;
  let all: ExchangeLine[];

  const send = async <T,>(promise: Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>): Promise<T> => {
    const result = await promise;
    if (!result.ok) throw new Error(result.error!.message);
    return result.value as T;
  };
  const pages = async (filter: Record<string, string>, size: number): Promise<ExchangeLine[]> => {
    const lines: ExchangeLine[] = [];
    for (let offset = 0; ; offset += size) {
      const page = await send<{ lines: ExchangeLine[]; total: number }>(b.dispatch('previewExchangeLines', { previewId: preview.previewId, ...filter, offset, limit: size }));
      lines.push(...page.lines);
      if (offset + size >= page.total) {
        expect(lines).toHaveLength(page.total);
        return lines;
      }
    }
  };

  beforeAll(async () => {
    a = await openCore();
    b = await openCore();
    expect((await a.dispatch('installDemo', undefined)).ok).toBe(true);
    expect((await b.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Bérénice B.' })).ok).toBe(true);
    const ctxA: ServiceContext = { db: a.db, now: steppingClock('2026-11-27T09:00:00.000Z'), osUser: 'alice', origin: 'ui' };
    ctxB = { db: b.db, now: steppingClock('2026-11-28T09:00:00.000Z'), osUser: 'bob', origin: 'ui' };
    document = exportExchange(ctxA);
    file = { fileName: 'qrr-93-tout.qrr', contentBase64: Buffer.from(serializeExchangeDocument(document)).toString('base64') };
    // B takes the file, then differs: one value changed (conflict), one quarter transmitted (locked) — and A's file has everything else.
    await send(b.dispatch('applyExchange', { ...file, defaultChoice: 'theirs' }));
    const open = (b.db.prepare("SELECT code FROM period WHERE state = 'open' ORDER BY code").pluck().all() as string[])[0]!;
    const commented = document.indicatorValues.find((r) => r.periodCode === open && r.comment !== '')!;
    const qrrId = b.db.prepare('SELECT id FROM qrr WHERE name = ?').pluck().get(document.qrrs.find((q) => q.key === commented.qrrKey)!.name) as number;
    saveIndicatorValues(ctxB, open, [{ qrrId, indicatorCode: commented.indicatorCode, comment: 'Changé ici' }]);
    b.db.prepare('DELETE FROM action_status WHERE period_code = ?').run(open);
    const other = (b.db.prepare("SELECT code FROM period WHERE state = 'open' ORDER BY code").pluck().all() as string[]).at(-1)!;
    if (other !== open) transmitPeriod(ctxB, other);
    preview = await send<ExchangePreviewDto>(b.dispatch('previewExchange', file));
    all = [...previewImport(ctxB, document, geography).lines];
  });
  afterAll(() => {
    a?.close();
    b?.close();
  });

  it('answers counts and filters, not lines', () => {
    expect(preview).not.toHaveProperty('lines');
    expect(preview.counts.new + preview.counts.identical + preview.counts.conflict + preview.counts.locked + preview.counts.refused).toBe(all.length);
    for (const kind of ['new', 'identical', 'conflict'] as const) expect(preview.counts[kind]).toBeGreaterThan(0);
    expect(preview.filters.qrrs.map((q) => q.key)).toEqual([...new Set(all.map((l) => l.qrrKey))]);
    expect(preview.filters.periods).toEqual([...new Set(all.map((l) => l.periodCode))].sort().reverse());
  });

  it('pages put end to end are the preview, in its order; each filter gives exactly its lines', async () => {
    expect(await pages({}, 97)).toEqual(all);
    for (const kind of ['new', 'identical', 'conflict', 'locked'] as const) {
      expect(await pages({ kind }, PREVIEW_PAGE_MAX)).toEqual(all.filter((l) => l.kind === kind));
    }
    const qrrKey = preview.filters.qrrs[1]!.key;
    const periodCode = preview.filters.periods[0]!;
    expect(await pages({ qrrKey, periodCode }, 50)).toEqual(all.filter((l) => l.qrrKey === qrrKey && l.periodCode === periodCode));
    const withKeys = await send<{ keys: string[]; total: number }>(
      b.dispatch('previewExchangeLines', { previewId: preview.previewId, kind: 'conflict', offset: 0, limit: 1, withKeys: true }),
    );
    expect(withKeys.keys).toEqual(all.filter((l) => l.kind === 'conflict').map((l) => l.key));
  });

  it("a line's cheap facts are those of the line built whole", () => {
    const { lines } = previewImport(ctxB, document, geography);
    for (let i = 0; i < lines.length; i++) {
      const line = lines.at(i);
      expect([lines.keyAt(i), lines.qrrKeyAt(i), lines.periodAt(i), lines.tableAt(i), lines.kindAt(i)]).toEqual([line.key, line.qrrKey, line.periodCode, line.table, line.kind]);
    }
  });

  it('refuses a page too long, and the pages of a preview replaced by an import', async () => {
    expect(await b.dispatch('previewExchangeLines', { previewId: preview.previewId, offset: 0, limit: PREVIEW_PAGE_MAX + 1 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining(`Au plus ${PREVIEW_PAGE_MAX} lignes par page.`) },
    });
    await send(b.dispatch('applyExchange', { ...file, defaultChoice: 'mine' }));
    expect(await b.dispatch('previewExchangeLines', { previewId: preview.previewId, offset: 0, limit: 10 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: PREVIEW_GONE },
    });
  });
});
