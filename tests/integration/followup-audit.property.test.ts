import fc from 'fast-check';
import { runs, propertyTimeout } from '../support/property';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../electron/services/audit';
import { openCore, snapshot } from '../support/db';

/**
 * For any sequence of edits to values, statuses and assessments (valid or not,
 * in open or transmitted periods), replaying the audit trail from empty gives
 * exactly the current contents of the three tables, and a refused edit changes nothing.
 */

const PERIODS = ['2026-T2', '2026-T3'];
const part = fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 60 }));
const valueOf: Record<string, fc.Arbitrary<unknown>> = {
  '01-01': fc.record({ numerator: part, denominator: part }),
  '01-03': fc.record({ count: part }),
  '02-01': fc.record({ state: fc.constantFrom('non_engage', 'en_cours', 'realise', 'fini', null) }),
  '05-03': fc.record({ total: part, men: part, women: part }),
  '06-05': fc.record({ evenings: fc.oneof(fc.boolean(), fc.constant(null)), weekends: fc.boolean() }),
};

const command = fc.oneof(
  fc.record({
    kind: fc.constant('values' as const),
    period: fc.constantFrom(...PERIODS),
    changes: fc.array(
      fc.constantFrom(...Object.keys(valueOf)).chain((code) =>
        fc.record({
          qrr: fc.nat(1),
          indicatorCode: fc.constant(code),
          value: fc.option(valueOf[code]!, { nil: undefined }),
          comment: fc.option(fc.constantFrom('', 'Chiffre DASEN', 'À vérifier'), { nil: undefined }),
        }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  }),
  fc.record({
    kind: fc.constant('status' as const),
    period: fc.constantFrom(...PERIODS),
    qrr: fc.nat(1),
    actionCode: fc.constantFrom('01-01', '04-06 bis', '10-06'),
    status: fc.constantFrom('non_engagee', 'en_cours', 'realisee', 'sans_objet', null),
    referent: fc.option(fc.constantFrom('', 'DDSP', 'Mairie'), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('assessment' as const),
    period: fc.constantFrom(...PERIODS),
    qrr: fc.nat(1),
    engagementCode: fc.constantFrom('01', '08'),
    meteo: fc.option(fc.constantFrom('soleil', 'orage', 'non_renseignee'), { nil: undefined }),
    comment: fc.option(fc.constantFrom('', 'Bonne dynamique.', 'Tensions.'), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('transmit' as const), period: fc.constantFrom(...PERIODS) }),
  fc.record({ kind: fc.constant('reopen' as const), period: fc.constantFrom(...PERIODS) }),
);

const TABLES = {
  indicator_value: { key: ['qrr_id', 'indicator_code', 'period_code'], fields: { value: 'value', target: 'target', comment: 'comment', source: 'source' } },
  action_status: { key: ['qrr_id', 'action_code', 'period_code'], fields: { status: 'status', comment: 'comment', referent: 'referent' } },
  assessment: {
    key: ['qrr_id', 'engagement_code', 'period_code'],
    fields: { meteo: 'meteo', trend: 'trend', comment: 'comment', commentAuthor: 'comment_author', commentDate: 'comment_date' },
  },
} as const;

describe('follow-up audit trail', () => {
  it('replays to exactly the current values, for any sequence of edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (commands) => {
        const core = await openCore(undefined, { now: () => new Date('2026-11-26T10:00:00Z') });
        try {
          await core.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'C. Martin' });
          const ids: number[] = [];
          for (const name of ['QRR A', 'QRR B']) {
            const r = await core.dispatch('createQrr', { name, communes: [] });
            ids.push((r as { ok: true; value: { id: number } }).value.id);
          }
          for (const p of PERIODS) await core.dispatch('openPeriod', { code: p });

          for (const c of commands) {
            const before = snapshot(core.db);
            let result;
            if (c.kind === 'values') {
              result = await core.dispatch('saveIndicatorValues', {
                periodCode: c.period,
                changes: c.changes.map(({ qrr, ...rest }) => ({ qrrId: ids[qrr], ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) })),
              });
            } else if (c.kind === 'status') {
              result = await core.dispatch('saveActionStatuses', {
                periodCode: c.period,
                changes: [{ qrrId: ids[c.qrr], actionCode: c.actionCode, status: c.status, ...(c.referent !== undefined ? { referent: c.referent } : {}) }],
              });
            } else if (c.kind === 'assessment') {
              result = await core.dispatch('saveAssessment', {
                periodCode: c.period,
                qrrId: ids[c.qrr],
                engagementCode: c.engagementCode,
                ...(c.meteo !== undefined ? { meteo: c.meteo } : {}),
                ...(c.comment !== undefined ? { comment: c.comment } : {}),
              });
            } else if (c.kind === 'transmit') {
              result = await core.dispatch('transmitPeriod', { code: c.period, confirmIncomplete: true });
            } else {
              result = await core.dispatch('reopenPeriod', { code: c.period, reason: 'Correction demandée par la DASEN' });
            }
            if (!result.ok) expect(snapshot(core.db)).toEqual(before);
          }

          // Replay: start from nothing, apply every field change in order.
          for (const [entity, spec] of Object.entries(TABLES)) {
            const replayed = new Map<string, Record<string, unknown>>();
            for (const e of listAudit(core.db, { entity, limit: 1_000_000 }).reverse()) {
              const row = replayed.get(e.entityId) ?? {};
              row[e.field!] = e.newValue;
              replayed.set(e.entityId, row);
            }
            const cols = Object.entries(spec.fields).map(([f, c]) => `${c} AS "${f}"`).join(', ');
            const current = core.db.prepare(`SELECT ${spec.key.join(` || '|' || `)} AS id, ${cols} FROM ${entity}`).all() as Record<string, unknown>[];
            const decode = (f: string, v: unknown) => ((f === 'value' || f === 'target') && typeof v === 'string' ? JSON.parse(v) : v);
            const empty: Record<string, unknown> = { value: null, target: null, comment: '', source: '', status: null, referent: '', meteo: 'non_renseignee', trend: null, commentAuthor: '', commentDate: null };
            const expected = Object.fromEntries(current.map((r) => [r.id as string, Object.fromEntries(Object.keys(spec.fields).map((f) => [f, decode(f, r[f])]))]));
            const rebuilt = Object.fromEntries(
              [...replayed.entries()]
                .map(([id, fields]) => [id, Object.fromEntries(Object.keys(spec.fields).map((f) => [f, f in fields ? fields[f] : empty[f]]))] as const)
                // A row whose fields all went back to empty does not exist.
                .filter(([, fields]) => Object.entries(fields).some(([f, v]) => JSON.stringify(v) !== JSON.stringify(empty[f]))),
            );
            expect(rebuilt, entity).toEqual(expected);
          }
        } finally {
          core.close();
        }
      }),
      { numRuns: runs(30) },
    );
    // Each run creates a real database: allow for a loaded 2-core machine.
  }, propertyTimeout(240_000));
});
