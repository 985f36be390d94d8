import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readReferential, SEED_REFERENTIAL, syncReferential } from '../../electron/services/referential';
import type { Referential } from '../../shared/referential/types';
import { openCore, snapshot } from '../support/db';

describe('référentiel in the database', () => {
  it('is loaded at first start, exactly as the seed file', async () => {
    const core = await openCore();
    try {
      const stored = readReferential(core.db);
      expect(stored.version).toBe(SEED_REFERENTIAL.version);
      expect(stored.engagements).toEqual(
        SEED_REFERENTIAL.engagements.map((e) => ({
          code: e.code,
          title: e.title,
          objectives: e.objectives,
          levers: e.levers,
          actions: e.actions.map(({ code, label, measure }) => ({ code, label, measure })),
          indicators: e.indicators.map((i) => ({
            code: i.code,
            label: i.label,
            kind: i.kind,
            ...(i.unit ? { unit: i.unit } : {}),
            parts: i.parts,
            measure: i.measure,
          })),
        })),
      );
    } finally {
      core.close();
    }
  });

  it('is upgraded when the file version changes, without touching entered values', async () => {
    const core = await openCore(undefined, { now: () => new Date('2026-11-26T10:00:00Z') });
    try {
      await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: '' });
      const q = await core.dispatch('createQrr', { name: 'QRR Nord', communes: [] });
      const qrrId = (q as { ok: true; value: { id: number } }).value.id;
      await core.dispatch('openPeriod', { code: '2026-T3' });
      await core.dispatch('saveIndicatorValues', {
        periodCode: '2026-T3',
        changes: [
          { qrrId, indicatorCode: '01-03', value: { count: 7 } },
          { qrrId, indicatorCode: '10-01', value: { state: 'en_cours' } },
        ],
      });
      const valuesBefore = snapshot(core.db).indicator_value;

      // Version 2: one label reworded, indicator 10-01 withdrawn.
      const next: Referential = structuredClone(SEED_REFERENTIAL);
      next.version = SEED_REFERENTIAL.version + 1;
      next.engagements[0]!.indicators[2]!.label = 'Nombre de bénéficiaires de la Cité éducative (libellé 2027)';
      next.engagements[9]!.indicators = [];
      const ctx = { db: core.db, now: () => new Date('2026-11-27T10:00:00Z'), osUser: 'test', origin: 'migration' };
      expect(syncReferential(ctx, next)).toBe('upgraded');
      expect(syncReferential(ctx, next)).toBe('current');

      const stored = readReferential(core.db);
      expect(stored.version).toBe(next.version);
      expect(stored.engagements[0]!.indicators[2]!.label).toBe('Nombre de bénéficiaires de la Cité éducative (libellé 2027)');
      expect(stored.engagements[9]!.indicators).toEqual([]);
      expect(core.db.prepare(`SELECT retired_in_version FROM indicator WHERE code = '10-01'`).pluck().get()).toBe(next.version);
      expect(snapshot(core.db).indicator_value).toEqual(valuesBefore);

      // An older file than the database is refused, nothing changed.
      const before = snapshot(core.db);
      expect(() => syncReferential(ctx, SEED_REFERENTIAL)).toThrow(new RegExp(`référentiel version ${next.version}, plus récent`));
      expect(snapshot(core.db)).toEqual(before);
    } finally {
      core.close();
    }
  });

  it('backs up an existing database before upgrading its référentiel at start-up', async () => {
    const first = await openCore();
    first.db.prepare('UPDATE referential_meta SET version = 0').run();
    first.close();
    const core = await openCore(first.dir);
    try {
      const names = fs.readdirSync(path.join(first.dir, 'sauvegardes'));
      expect(names.some((n) => n.endsWith('-avant-migration.sqlite'))).toBe(true);
      expect(readReferential(core.db).version).toBe(SEED_REFERENTIAL.version);
    } finally {
      core.close();
    }
  });
});
