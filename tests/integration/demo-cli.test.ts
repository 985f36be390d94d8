import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../electron/services/app-core';
import {
  DEMO_COORDINATOR_NAME,
  DEMO_MARKER,
  DEMO_NOT_EMPTY_MESSAGE,
  DEMO_ORIGIN,
  DEMO_PREFET_NAME,
  demoQuarters,
  generateDemo,
  type DemoSummary,
} from '../../electron/services/demo';
import { validateIndicatorValue } from '../../shared/domain/indicator-values';
import { qpvCodeProblem } from '../../shared/domain/qpv';
import { formatInteger } from '../../shared/format/fr';
import type { Indicator, Referential } from '../../shared/referential/types';
import seed from '../../seeds/referential.json';
import { snapshot, steppingClock, tempDir } from '../support/db';
import { COMMUNES_FILE, CLI_ENTRY, REPO_ROOT } from '../support/paths';

const REFERENTIAL = seed as unknown as Referential;
const INDICATORS = new Map<string, Indicator>(REFERENTIAL.engagements.flatMap((e) => e.indicators.map((i) => [i.code, i] as const)));
const ACTIONS = REFERENTIAL.engagements.flatMap((e) => e.actions);
const NOW = new Date('2026-11-26T09:00:00.000Z'); // 4e trimestre 2026
const QUARTERS = ['2025-T1', '2025-T2', '2025-T3', '2025-T4', '2026-T1', '2026-T2', '2026-T3', '2026-T4'];

async function openDemoCore(dir = tempDir('qrr-demo-')): Promise<AppCore & { databasePath: string }> {
  const databasePath = path.join(dir, 'qrr.sqlite');
  const core = await createAppCore({
    databasePath,
    backupDir: path.join(dir, 'sauvegardes'),
    communesFile: COMMUNES_FILE,
    appVersion: 'test',
    osUser: 'test-user',
    origin: DEMO_ORIGIN,
    now: steppingClock(NOW.toISOString()),
    log: { error: () => undefined },
  });
  return Object.assign(core, { databasePath });
}

const all = <T>(core: AppCore, sql: string, ...params: unknown[]): T[] => core.db.prepare(sql).all(...params) as T[];
const count = (core: AppCore, table: string): number => core.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

/** Table contents without timestamps (ids are deterministic: fresh database, same order of inserts). */
function contents(core: AppCore): Record<string, unknown[]> {
  // Timestamps, and the random uids that identify FIPD lines across databases.
  const timestamp = /(^at$|_at$|_date$|^uid$)/;
  return Object.fromEntries(
    Object.entries(snapshot(core.db)).map(([table, rows]) => [
      table,
      rows.map((row) => Object.fromEntries(Object.entries(row as Record<string, unknown>).filter(([k]) => !timestamp.test(k)))),
    ]),
  );
}

describe('demonstration dataset (département scale)', () => {
  let core: AppCore & { databasePath: string };
  let summary: DemoSummary;
  const progress: string[] = [];

  beforeAll(async () => {
    core = await openDemoCore();
    summary = await generateDemo(core, { scale: 'departement', seed: 7, now: NOW, onProgress: (m) => progress.push(m) });
  });
  afterAll(() => core.close());

  it('returns the counts actually stored', () => {
    expect(summary).toEqual({
      qrrs: 3,
      periods: 8,
      // 05-02 is not typed: computed from the FIPD credits, stored when each past quarter was transmitted.
      indicatorValues: count(core, 'indicator_value') - 3 * 7,
      actionStatuses: 3 * 8 * 64,
      assessments: 3 * 8 * 10,
      subsidies: count(core, 'subsidy'),
      payments: count(core, 'subsidy_payment'),
    });
    expect(all(core, `SELECT DISTINCT period_code FROM indicator_value WHERE indicator_code = '05-02' AND source = 'Calculé depuis les crédits FIPD'`)).toHaveLength(7);
    // One subsidy decided per QRR and quarter, plus a request being examined and a refused one.
    expect(summary.subsidies).toBe(3 * 8 + 2);
    expect(count(core, 'fipd_envelope')).toBe(3 * 2);
    expect(count(core, 'qrr')).toBe(3);
    expect(count(core, 'action_status')).toBe(3 * 8 * 64);
    expect(count(core, 'assessment')).toBe(3 * 8 * 10);
    // Most indicators filled, ~10 % missing: a realistic completeness.
    const filled = summary.indicatorValues / (3 * 8 * INDICATORS.size);
    expect(filled).toBeGreaterThan(0.82);
    expect(filled).toBeLessThan(0.97);
    // Every QRR × quarter has values.
    expect(all(core, 'SELECT DISTINCT qrr_id, period_code FROM indicator_value')).toHaveLength(3 * 8);
    expect(progress.length).toBeGreaterThan(8);
    expect(progress.every((m) => /^[A-ZÉ0-9]/.test(m))).toBe(true);
  });

  it('is clearly fictional: settings, names, notes; real communes and valid QPV codes of Seine-Saint-Denis', async () => {
    const settings = await core.dispatch('getSettings', undefined);
    expect(settings).toMatchObject({ ok: true, value: { departementCode: '93', prefetName: DEMO_PREFET_NAME, coordinatorName: DEMO_COORDINATOR_NAME } });
    const listed = await core.dispatch('listQrrs', { includeArchived: true });
    if (!listed.ok) throw new Error(listed.error.message);
    const qrrs = listed.value as { name: string; notes: string; communes: { code: string; nom: string }[]; qpvCodes: string[]; population: number | null; wave: string | null; securityZone: string | null }[];
    expect(qrrs).toHaveLength(3);
    for (const q of qrrs) {
      expect(q.name).toContain(`(${DEMO_MARKER})`);
      expect(q.notes).toMatch(/FICTIF/);
      expect(q.communes.length).toBeGreaterThan(0);
      // Known to the geography (a name, not only the code) and in the département.
      for (const c of q.communes) {
        expect(c.code).toMatch(/^93\d{3}$/);
        expect(c.nom).not.toBe(c.code);
      }
      expect(q.qpvCodes.length).toBeGreaterThan(0);
      for (const code of q.qpvCodes) expect(qpvCodeProblem(code, '93')).toBeNull();
      expect(q.population).toBeGreaterThan(1000);
      expect(q.wave).not.toBeNull();
      expect(q.securityZone).not.toBeNull();
    }
  });

  it('stores only values that pass validateIndicatorValue, in plausible ranges', () => {
    const rows = all<{ indicator_code: string; value: string | null; target: string | null }>(core, 'SELECT indicator_code, value, target FROM indicator_value');
    let targets = 0;
    let comments = 0;
    for (const row of rows) {
      const indicator = INDICATORS.get(row.indicator_code)!;
      expect(row.value).not.toBeNull();
      const value = JSON.parse(row.value!) as Record<string, unknown>;
      const checked = validateIndicatorValue(indicator, value);
      expect(checked.ok, `${row.indicator_code} ${row.value} ${checked.ok ? '' : checked.message}`).toBe(true);
      if (row.target !== null) {
        targets++;
        expect(validateIndicatorValue(indicator, JSON.parse(row.target)).ok).toBe(true);
      }
      if (indicator.kind === 'count_rate' && typeof value.denominator === 'number') {
        const rate = (value.numerator as number) / value.denominator;
        expect(rate).toBeGreaterThanOrEqual(0.15);
        expect(rate).toBeLessThanOrEqual(0.95);
      }
      if (indicator.kind === 'amount' && typeof value.amountCents === 'number') {
        expect(value.amountCents).toBeGreaterThanOrEqual(500_000);
        expect(value.amountCents).toBeLessThanOrEqual(8_000_000);
      }
    }
    comments = count(core, "indicator_value WHERE comment <> ''");
    expect(targets).toBeGreaterThan(0);
    expect(comments).toBeGreaterThan(0);
  });

  it('makes progress states and action statuses advance, never go back', () => {
    const states = ['non_engage', 'en_cours', 'realise'];
    const progress = all<{ qrr_id: number; indicator_code: string; period_code: string; value: string }>(
      core,
      `SELECT v.qrr_id, v.indicator_code, v.period_code, v.value FROM indicator_value v JOIN indicator i ON i.code = v.indicator_code
       WHERE i.kind = 'progress' ORDER BY v.qrr_id, v.indicator_code, v.period_code`,
    );
    expect(progress.length).toBeGreaterThan(0);
    const last = new Map<string, number>();
    for (const row of progress) {
      const state = states.indexOf((JSON.parse(row.value) as { state: string }).state);
      const key = `${row.qrr_id}|${row.indicator_code}`;
      expect(state).toBeGreaterThanOrEqual(last.get(key) ?? 0);
      last.set(key, state);
    }
    const order = { non_engagee: 0, en_cours: 1, realisee: 2 } as Record<string, number>;
    const statuses = all<{ qrr_id: number; action_code: string; status: string }>(
      core,
      'SELECT qrr_id, action_code, status FROM action_status ORDER BY qrr_id, action_code, period_code',
    );
    const byAction = new Map<string, string[]>();
    for (const s of statuses) byAction.set(`${s.qrr_id}|${s.action_code}`, [...(byAction.get(`${s.qrr_id}|${s.action_code}`) ?? []), s.status]);
    expect(byAction.size).toBe(3 * ACTIONS.length);
    for (const seq of byAction.values()) {
      if (seq.includes('sans_objet')) expect(new Set(seq)).toEqual(new Set(['sans_objet']));
      else for (let i = 1; i < seq.length; i++) expect(order[seq[i]!]).toBeGreaterThanOrEqual(order[seq[i - 1]!]!);
    }
    const used = new Set(statuses.map((s) => s.status));
    expect(used).toEqual(new Set(['non_engagee', 'en_cours', 'realisee', 'sans_objet']));
    // Assessments: a météo for every engagement, French synthesis comments signed by the coordinator.
    const assessments = all<{ meteo: string; comment: string; comment_author: string }>(core, 'SELECT meteo, comment, comment_author FROM assessment');
    expect(assessments.every((a) => a.meteo !== 'non_renseignee')).toBe(true);
    const commented = assessments.filter((a) => a.comment !== '');
    expect(commented.length).toBeGreaterThan(assessments.length / 2);
    expect(commented.every((a) => a.comment_author === DEMO_COORDINATOR_NAME && /réalisée?s? sur \d+/.test(a.comment))).toBe(true);
  });

  it('opens 8 quarters ending with the current one: the last open, the others transmitted', async () => {
    expect(demoQuarters(NOW, 8)).toEqual(QUARTERS);
    const listed = await core.dispatch('listPeriods', undefined);
    if (!listed.ok) throw new Error(listed.error.message);
    const periods = (listed.value as { code: string; state: string }[]).map((p) => [p.code, p.state]);
    expect(periods).toEqual([...QUARTERS].reverse().map((code, i) => [code, i === 0 ? 'open' : 'transmitted']));
  });

  it('writes an audit entry for every stored field, with the demonstration origin', () => {
    const audit = all<{ origin: string; entity: string; entity_id: string; field: string | null; new_value: string | null }>(
      core,
      `SELECT origin, entity, entity_id, field, new_value FROM audit_log WHERE origin <> 'migration'`,
    );
    expect(audit.length).toBeGreaterThan(0);
    expect(new Set(audit.map((a) => a.origin))).toEqual(new Set([DEMO_ORIGIN]));
    const entries = new Map<string, string | null>();
    for (const a of audit) {
      const key = `${a.entity}|${a.entity_id}|${a.field}`;
      // A subsidy's status follows its payments (attribuée → versée → soldée): several moves, by design.
      if (a.entity === 'subsidy' && a.field === 'status') continue;
      expect(entries.has(key), `written twice: ${key}`).toBe(false);
      entries.set(key, a.new_value);
    }
    const expectField = (entity: string, id: string, field: string, stored: unknown) =>
      expect(entries.get(`${entity}|${id}|${field}`), `${entity} ${id} ${field}`).toEqual(JSON.stringify(stored));
    let fields = 0;
    for (const r of all<{ qrr_id: number; indicator_code: string; period_code: string; value: string | null; target: string | null; comment: string; source: string }>(
      core,
      'SELECT * FROM indicator_value',
    )) {
      const id = `${r.qrr_id}|${r.indicator_code}|${r.period_code}`;
      expectField('indicator_value', id, 'value', JSON.parse(r.value!));
      if (r.target !== null) expectField('indicator_value', id, 'target', JSON.parse(r.target));
      if (r.comment !== '') expectField('indicator_value', id, 'comment', r.comment);
      if (r.source !== '') expectField('indicator_value', id, 'source', r.source);
      fields += 1 + Number(r.target !== null) + Number(r.comment !== '') + Number(r.source !== '');
    }
    for (const r of all<{ qrr_id: number; action_code: string; period_code: string; status: string; comment: string; referent: string }>(core, 'SELECT * FROM action_status')) {
      const id = `${r.qrr_id}|${r.action_code}|${r.period_code}`;
      expectField('action_status', id, 'status', r.status);
      if (r.comment !== '') expectField('action_status', id, 'comment', r.comment);
      if (r.referent !== '') expectField('action_status', id, 'referent', r.referent);
      fields += 1 + Number(r.comment !== '') + Number(r.referent !== '');
    }
    for (const r of all<{ qrr_id: number; engagement_code: string; period_code: string; meteo: string; trend: string | null; comment: string }>(core, 'SELECT * FROM assessment')) {
      const id = `${r.qrr_id}|${r.engagement_code}|${r.period_code}`;
      expectField('assessment', id, 'meteo', r.meteo);
      if (r.trend !== null) expectField('assessment', id, 'trend', r.trend);
      if (r.comment !== '') expectField('assessment', id, 'comment', r.comment);
      fields += 1 + Number(r.trend !== null) + 3 * Number(r.comment !== ''); // comment, commentAuthor, commentDate
    }
    const followup = audit.filter((a) => ['indicator_value', 'action_status', 'assessment'].includes(a.entity));
    expect(followup).toHaveLength(fields);
    expect(audit.filter((a) => a.entity === 'qrr')).toHaveLength(3);
    expect(audit.filter((a) => a.entity === 'settings')).toHaveLength(1);
    // created; then for each transmitted quarter its state and its transmission record (what was missing, which report)
    expect(audit.filter((a) => a.entity === 'period')).toHaveLength(8 + 7 * 2);
  });
});

describe('demonstration: determinism and refusal', () => {
  it('gives identical table contents for the same seed and clock, different ones for another seed', async () => {
    const run = async (seedValue: number) => {
      const core = await openDemoCore();
      try {
        await generateDemo(core, { scale: 'departement', seed: seedValue, now: NOW });
        return contents(core);
      } finally {
        core.close();
      }
    };
    const first = await run(42);
    const second = await run(42);
    expect(second).toEqual(first);
    const other = await run(43);
    expect(other.indicator_value).not.toEqual(first.indicator_value);
    expect(other.qrr).toEqual(first.qrr); // the fictional département itself does not depend on the seed
  });

  it('refuses a database that already holds settings or quartiers, leaving it unchanged', async () => {
    const core = await openDemoCore();
    try {
      expect((await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet', coordinatorName: 'Camille' })).ok).toBe(true);
      let before = snapshot(core.db);
      await expect(generateDemo(core, { scale: 'departement', now: NOW })).rejects.toMatchObject({ code: 'CONFLICT', message: DEMO_NOT_EMPTY_MESSAGE });
      expect(snapshot(core.db)).toEqual(before);

      expect((await core.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] })).ok).toBe(true);
      before = snapshot(core.db);
      await expect(generateDemo(core, { scale: 'national', now: NOW })).rejects.toThrow(DEMO_NOT_EMPTY_MESSAGE);
      expect(snapshot(core.db)).toEqual(before);
    } finally {
      core.close();
    }
  });
});

describe('command line (npm run cli)', () => {
  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  let dir: string;
  beforeAll(() => {
    dir = tempDir('qrr-cli-');
  });

  it('installs the demonstration, then describes the database, in French', () => {
    const db = path.join(dir, 'demo.sqlite');
    const demo = cli('demo', '--db', db, '--seed', '5');
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Démonstration installée');
    expect(demo.stdout).toMatch(/Quartiers :\s+3\n/);
    expect(demo.stdout).toMatch(/Trimestres :\s+8\n/);
    expect(demo.stdout).toContain(`Statuts d'actions :          ${formatInteger(3 * 8 * 64)}`); // « 1 536 », French grouping
    expect(demo.stdout).toMatch(/Durée : \d+,\d s/);
    expect(fs.existsSync(db)).toBe(true);

    const info = cli('info', '--db', db);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/Version du schéma :\s+\d+/);
    expect(info.stdout).toMatch(/Version du référentiel :\s+2/);
    expect(info.stdout).toContain('Seine-Saint-Denis (93)');
    expect(info.stdout).toMatch(/Quartiers :\s+3\n/);
    expect(info.stdout).toMatch(/Trimestres :\s+8 \(1 ouvert, 7 transmis\)/);
    expect(info.stdout).toMatch(/Taille de la base :\s+[\d,]+ (Ko|Mo)/);

    const periods = cli('periods', '--db', db);
    expect(periods.code, periods.stderr).toBe(0);
    expect(periods.stdout).toContain('8 trimestres');
    expect(periods.stdout).toMatch(/ ouvert$/m);
    expect(periods.stdout.match(/transmis le/g)).toHaveLength(7);

    // A second demonstration in the same base is refused, in French, with a non-zero exit code.
    const again = cli('demo', '--db', db);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(DEMO_NOT_EMPTY_MESSAGE);
  }, 90_000);

  it('prints the French help, and refuses unknown commands, options and missing --db with a non-zero exit code', () => {
    const help = cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Utilisation : npm run cli -- <commande> --db CHEMIN');
    expect(help.stdout).toContain('demo');

    const unknown = cli('exporter', '--db', path.join(dir, 'x.sqlite'));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Commande inconnue : « exporter ».');
    expect(unknown.stderr).toContain('Utilisation : npm run cli');
    expect(fs.existsSync(path.join(dir, 'x.sqlite'))).toBe(false);

    const noDb = cli('info');
    expect(noDb.code).not.toBe(0);
    expect(noDb.stderr).toContain("L'option --db CHEMIN est obligatoire");

    const missing = cli('info', '--db', path.join(dir, 'absente.sqlite'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/n'existe pas/);
    expect(fs.existsSync(path.join(dir, 'absente.sqlite'))).toBe(false);

    const badOption = cli('demo', '--db', path.join(dir, 'y.sqlite'), '--vitesse', '3');
    expect(badOption.code).not.toBe(0);
    expect(badOption.stderr).toContain('Option inconnue : --vitesse.');

    const badScale = cli('demo', '--db', path.join(dir, 'y.sqlite'), '--scale', 'europe');
    expect(badScale.code).not.toBe(0);
    expect(badScale.stderr).toContain('Échelle inconnue « europe »');
    expect(fs.existsSync(path.join(dir, 'y.sqlite'))).toBe(false);
  }, 60_000);
});
