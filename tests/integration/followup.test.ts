import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, snapshot } from '../support/db';

type Core = Awaited<ReturnType<typeof openCore>>;
const P = '2026-T3';

describe('quarterly follow-up: periods, indicator values, action statuses, assessments', () => {
  let core: Core;
  let qrrId: number;
  beforeEach(async () => {
    core = await openCore(undefined, { now: () => new Date('2026-11-26T10:00:00Z') });
    await core.dispatch('saveSettings', { departementCode: '93', prefetName: 'Préfet', coordinatorName: 'Camille Martin' });
    const created = await core.dispatch('createQrr', { name: 'QRR Nord', communes: ['93066'], qpvCodes: ['QN09301M'] });
    qrrId = (created as { ok: true; value: { id: number } }).value.id;
    expect((await core.dispatch('openPeriod', { code: P })).ok).toBe(true);
  });
  afterEach(() => core.close());

  async function refused(channel: string, payload: unknown) {
    const before = snapshot(core.db);
    const result = await core.dispatch(channel, payload);
    expect(result.ok, JSON.stringify(result)).toBe(false);
    expect(snapshot(core.db)).toEqual(before);
    return (result as { ok: false; error: { code: string; message: string; issues?: { path: string; message: string }[] } }).error;
  }

  it('loads the 10 engagements, 64 actions and 56 indicators of the référentiel', async () => {
    const result = await core.dispatch('getReferential', undefined);
    const ref = (result as { ok: true; value: { version: number; engagements: { actions: unknown[]; indicators: unknown[] }[] } }).value;
    expect(ref.engagements).toHaveLength(10);
    expect(ref.engagements.flatMap((e) => e.actions)).toHaveLength(64);
    expect(ref.engagements.flatMap((e) => e.indicators)).toHaveLength(56);
  });

  it('stores one value of each kind and reads it back exactly', async () => {
    const values = [
      { indicatorCode: '01-01', value: { numerator: 12, denominator: 40 } }, // count_rate
      { indicatorCode: '01-03', value: { count: 350 } }, // count
      { indicatorCode: '02-01', value: { state: 'en_cours' } }, // progress
      { indicatorCode: '03-03', value: { count: 14, population: 25000 } }, // ratio_per_1000
      { indicatorCode: '04-05', value: { operations: 3, beneficiaries: 125 } }, // operations_beneficiaries
      { indicatorCode: '05-02', value: { count: 4, amountCents: 1250000 } }, // amount
      { indicatorCode: '05-03', value: { total: 120, men: 50, women: 70 } }, // gender_split
      { indicatorCode: '06-05', value: { evenings: true, weekends: false } }, // presence
    ];
    const result = await core.dispatch('saveIndicatorValues', {
      periodCode: P,
      changes: values.map((v) => ({ qrrId, ...v, comment: 'Source : services de l’État', source: 'DASEN' })),
    });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const listed = await core.dispatch('listIndicatorValues', { periodCode: P, qrrId });
    const records = (listed as { ok: true; value: { indicatorCode: string; value: unknown; updatedBy: string }[] }).value;
    expect(records.map((r) => ({ indicatorCode: r.indicatorCode, value: r.value }))).toEqual(values);
    expect(records.every((r) => r.updatedBy === 'test-user')).toBe(true);
    // Every field change is in the audit trail, with the cell as entity id.
    const audit = await core.dispatch('listAudit', { entity: 'indicator_value', entityId: `${qrrId}|05-02|${P}` });
    expect((audit as { ok: true; value: { rows: { field: string; newValue: unknown }[] } }).value.rows.map((r) => r.field).sort()).toEqual([
      'comment',
      'source',
      'value',
    ]);
  });

  it('refuses bad values for each kind in French, writing nothing, even when other cells of the batch are valid', async () => {
    const bad = async (indicatorCode: string, value: unknown) =>
      refused('saveIndicatorValues', {
        periodCode: P,
        changes: [
          { qrrId, indicatorCode: '01-03', value: { count: 5 } },
          { qrrId, indicatorCode, value },
        ],
      });
    expect((await bad('01-01', { numerator: 3, denominator: 0 })).message).toMatch(/dénominateur/i);
    expect((await bad('01-01', { numerator: 12, denominator: 10 })).message).toMatch(/ne peut pas dépasser/);
    expect((await bad('01-03', { count: -1 })).message).toMatch(/négatif/);
    expect((await bad('01-03', { count: 'douze' })).code).toBe('VALIDATION');
    expect((await bad('01-03', { count: 2.5 })).code).toBe('VALIDATION');
    expect((await bad('02-01', { state: 'presque_fini' })).code).toBe('VALIDATION');
    expect((await bad('05-03', { total: 10, men: 8, women: 5 })).code).toBe('VALIDATION');
    expect((await bad('01-03', { count: 1, surprise: 2 })).code).toBe('VALIDATION');
    expect((await bad('99-99', { count: 1 })).message).toBe("L'indicateur « 99-99 » n'existe pas dans le référentiel.");
    const path = (await bad('01-01', { numerator: 12, denominator: 10 })).issues?.[0]?.path;
    expect(path).toMatch(/^changes\.1\.value/);
  });

  it('records action statuses and refuses an unknown status', async () => {
    const ok = await core.dispatch('saveActionStatuses', {
      periodCode: P,
      changes: [
        { qrrId, actionCode: '04-06 bis', status: 'realisee', referent: 'DASEN' },
        { qrrId, actionCode: '01-01', status: 'en_cours', comment: 'Classes dédoublées en place' },
      ],
    });
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    const e = await refused('saveActionStatuses', { periodCode: P, changes: [{ qrrId, actionCode: '01-02', status: 'terminee' }] });
    expect(e.message).toBe('Statut inconnu (non engagée, en cours, réalisée ou sans objet).');
    expect((await refused('saveActionStatuses', { periodCode: P, changes: [{ qrrId, actionCode: '11-01', status: 'en_cours' }] })).message).toBe(
      "L'action « 11-01 » n'existe pas dans le référentiel.",
    );
  });

  it('signs and dates the synthesis comment of an assessment', async () => {
    const result = await core.dispatch('saveAssessment', { periodCode: P, qrrId, engagementCode: '08', meteo: 'orage', trend: 'baisse', comment: 'Tensions ce trimestre.' });
    expect(result).toMatchObject({
      ok: true,
      value: { meteo: 'orage', trend: 'baisse', comment: 'Tensions ce trimestre.', commentAuthor: 'Camille Martin', commentDate: '2026-11-26T10:00:00.000Z' },
    });
    expect((await refused('saveAssessment', { periodCode: P, qrrId, engagementCode: '08', meteo: 'brouillard' })).code).toBe('VALIDATION');
  });

  it('makes a transmitted period read-only until reopened with a reason, all logged', async () => {
    expect((await core.dispatch('transmitPeriod', { code: P, confirmIncomplete: true })).ok).toBe(true);
    const locked = await refused('saveIndicatorValues', { periodCode: P, changes: [{ qrrId, indicatorCode: '01-03', value: { count: 1 } }] });
    expect(locked.message).toMatch(/a été transmise : elle est en lecture seule/);
    expect((await refused('reopenPeriod', { code: P, reason: 'oubli' })).message).toMatch(/motif de la réouverture/);
    const reopened = await core.dispatch('reopenPeriod', { code: P, reason: 'Correction des chiffres de la DASEN' });
    expect(reopened).toMatchObject({ ok: true, value: { state: 'reopened', reopenReason: 'Correction des chiffres de la DASEN' } });
    expect((await core.dispatch('saveIndicatorValues', { periodCode: P, changes: [{ qrrId, indicatorCode: '01-03', value: { count: 1 } }] })).ok).toBe(true);
    const audit = await core.dispatch('listAudit', { entity: 'period', entityId: P });
    expect((audit as { ok: true; value: { rows: { field: string | null; newValue: unknown }[] } }).value.rows.map((r) => [r.field, r.newValue])).toEqual([
      ['reopenReason', 'Correction des chiffres de la DASEN'],
      ['state', 'reopened'],
      ['state', 'transmitted'],
      ['transmission', { missing: expect.any(Number), signedReport: null }],
      [null, { state: 'open' }],
    ]);
    expect((await refused('openPeriod', { code: '2031-T1' })).message).toMatch(/trop loin dans le futur/);
    expect((await refused('saveIndicatorValues', { periodCode: '2026-T1', changes: [{ qrrId, indicatorCode: '01-03', value: { count: 1 } }] })).code).toBe('NOT_FOUND');
  });

  it('refuses QPV codes of another département, keeps valid ones normalised', async () => {
    const e = await refused('updateQrr', { id: qrrId, qpvCodes: ['QN03401A'] });
    expect(e.message).toMatch(/appartient à un autre département \(34\)/);
    expect((await refused('updateQrr', { id: qrrId, qpvCodes: ['QX123'] })).message).toMatch(/n'est pas un code QPV/);
    const ok = await core.dispatch('updateQrr', { id: qrrId, qpvCodes: ['qp093028', ' QN09301M '], securityZone: 'police', wave: '2019', population: 24500 });
    expect(ok).toMatchObject({ ok: true, value: { qpvCodes: ['QN09301M', 'QP093028'], securityZone: 'police', wave: '2019', population: 24500 } });
  });

  it('deletes a QRR without data, archives only once it holds data', async () => {
    const other = await core.dispatch('createQrr', { name: 'QRR Erreur', communes: [] });
    const otherId = (other as { ok: true; value: { id: number } }).value.id;
    expect(await core.dispatch('deleteQrr', { id: otherId })).toEqual({ ok: true, value: { deleted: otherId } });
    await core.dispatch('saveIndicatorValues', { periodCode: P, changes: [{ qrrId, indicatorCode: '01-03', value: { count: 1 } }] });
    expect((await refused('deleteQrr', { id: qrrId })).message).toMatch(/contient des données saisies : archivez-le/);
    // FIPD credits are data too.
    const third = await core.dispatch('createQrr', { name: 'QRR Crédits', communes: [] });
    const thirdId = (third as { ok: true; value: { id: number } }).value.id;
    expect((await core.dispatch('setEnvelope', { qrrId: thirdId, budgetYear: 2026, amountCents: 5_000_000 })).ok).toBe(true);
    expect((await refused('deleteQrr', { id: thirdId })).message).toMatch(/contient des données saisies/);
  });
});
