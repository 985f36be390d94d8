import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeActionGrid, decodeIndicatorGrid, decodeQrrNames } from '../../shared/domain/followup-grid';
import type { ChannelName, RequestOf, ResponseOf } from '../../shared/ipc/contract';
import { openCore } from '../support/db';

type Core = Awaited<ReturnType<typeof openCore>>;

/**
 * What the Indicateurs and Actions grids load: only the quartiers asked for
 * (with their « sans objet »), the quarter before only once it was opened,
 * and the quartier choice as ids and names in the quartier list's order.
 */
describe('grid loads over a real SQLite file', () => {
  let core: Core;
  const ids: number[] = [];
  const must = async <C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
    const result = await core.dispatch(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as ResponseOf<C>;
  };
  beforeEach(async () => {
    core = await openCore(undefined, { now: () => new Date('2026-11-26T10:00:00Z') });
    await must('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
    ids.length = 0;
    // « Épinay » before « Saint-Denis » (accents sorted as French, not as ASCII); the gendarmerie quartier gets its « sans objet ».
    for (const [name, securityZone] of [['Saint-Denis Nord', 'police'], ['Épinay Orgemont', 'gendarmerie'], ['Bondy Nord', 'police']] as const) {
      ids.push((await must('createQrr', { name, communes: [], securityZone })).id);
    }
    await must('openPeriod', { code: '2026-T4' });
  });
  afterEach(() => core.close());

  it('reads only the quartiers asked for, each value once, and the previous quarter once it is opened', async () => {
    const [a, b, c] = ids as [number, number, number];
    for (const [qrrId, count] of [[a, 1], [b, 2], [c, 3]] as const) {
      await must('saveIndicatorValues', { periodCode: '2026-T4', changes: [{ qrrId, indicatorCode: '01-03', value: { count } }] });
      await must('saveActionStatuses', { periodCode: '2026-T4', changes: [{ qrrId, actionCode: '01-01', status: 'en_cours' }] });
    }
    const alone = decodeIndicatorGrid(await must('loadIndicatorGrid', { periodCode: '2026-T4', qrrIds: [b] }));
    expect(alone.records.map((r) => [r.qrrId, r.indicatorCode, r.value, r.periodCode])).toEqual([[b, '01-03', { count: 2 }, '2026-T4']]);
    expect(alone.previous).toEqual([]);
    const two = decodeIndicatorGrid(await must('loadIndicatorGrid', { periodCode: '2026-T4', qrrIds: [a, c] }));
    expect(two.records.map((r) => r.qrrId).sort()).toEqual([a, c].sort());

    // The quarter before, once opened and filled, feeds « Trimestre précédent » with its values only.
    await must('openPeriod', { code: '2026-T3' });
    await must('saveIndicatorValues', { periodCode: '2026-T3', changes: [{ qrrId: b, indicatorCode: '01-03', value: { count: 9 } }] });
    const withPrevious = await must('loadIndicatorGrid', { periodCode: '2026-T4', qrrIds: [b] });
    expect(withPrevious.previousCode).toBe('2026-T3');
    expect(decodeIndicatorGrid(withPrevious).previous).toEqual([{ qrrId: b, indicatorCode: '01-03', value: { count: 9 } }]);

    const actions = decodeActionGrid(await must('loadActionGrid', { periodCode: '2026-T4', qrrIds: [c] }));
    expect(actions.records.map((r) => [r.qrrId, r.actionCode, r.status])).toEqual([[c, '01-01', 'en_cours']]);
  });

  it('« sans objet » of the quartiers loaded only, as the full list says it', async () => {
    const gendarmerie = ids[1]!;
    const all = await must('listSansObjet', undefined);
    const expected = all.filter((s) => s.qrrId === gendarmerie && s.itemType === 'indicator' && s.sansObjet).map((s) => s.code);
    expect(expected.length).toBeGreaterThan(0);
    const load = await must('loadIndicatorGrid', { periodCode: '2026-T4', qrrIds: [gendarmerie] });
    expect([...load.sansObjet.code]).toEqual(expected);
    expect(new Set(load.sansObjet.qrrId)).toEqual(new Set([gendarmerie]));
  });

  it('the quartier choice: active quartiers, ids and names, in the quartier list order', async () => {
    await must('archiveQrr', { id: ids[2]! });
    const names = decodeQrrNames(await must('listQrrNames', undefined));
    const listed = await must('listQrrs', { includeArchived: false });
    expect(names).toEqual(listed.map((q) => ({ id: q.id, name: q.name })));
    // Bondy archived; « Épinay » before « Saint-Denis », as in French.
    expect(names.map((q) => q.name)).toEqual(['Épinay Orgemont', 'Saint-Denis Nord']);
  });

  it('refuses a load without quartiers, in French', async () => {
    const result = await core.dispatch('loadIndicatorGrid', { periodCode: '2026-T4', qrrIds: [] });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'Choisissez au moins un quartier.' } });
  });
});
