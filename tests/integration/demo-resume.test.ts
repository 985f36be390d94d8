import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore } from '../../electron/services/app-core';
import { DEMO_COORDINATOR_NAME, DEMO_DEPARTEMENT, DEMO_NOT_EMPTY_MESSAGE, DEMO_ORIGIN, DEMO_PREFET_NAME } from '../../electron/services/demo';
import { readOnly, snapshot, tempDir } from '../support/db';
import { COMMUNES_FILE, CLI_ENTRY, REPO_ROOT } from '../support/paths';

/*
 * Issue 15, « Why », « Small ones »: a demonstration killed midway could not
 * be resumed (« La base contient déjà des données » with 0 quartiers). The
 * half-made file is made as `demo` makes it: the same core, origin `demo`, the
 * demonstration's first request (its settings), then stopped.
 */

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

async function halfMade(file: string, origin: string, extra?: (dispatch: (c: string, p: unknown) => Promise<unknown>) => Promise<void>): Promise<void> {
  const core = await createAppCore({
    databasePath: file,
    backupDir: path.join(path.dirname(file), 'sauvegardes'),
    communesFile: COMMUNES_FILE,
    appVersion: 'test',
    osUser: 'test-user',
    origin,
    log: { error: () => undefined },
  });
  try {
    const saved = await core.dispatch('saveSettings', { departementCode: DEMO_DEPARTEMENT, prefetName: DEMO_PREFET_NAME, coordinatorName: DEMO_COORDINATOR_NAME });
    expect(saved.ok).toBe(true);
    await extra?.((c, p) => core.dispatch(c as never, p as never));
  } finally {
    core.close();
  }
}

describe('issue 15: `demo` resumes a half-made demonstration', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('qrr-demo-resume-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Small ones: a demonstration killed after its settings (0 quartiers) is cleaned and installed again by the next `demo`', async () => {
    const file = path.join(dir, 'interrompue.sqlite');
    await halfMade(file, DEMO_ORIGIN);
    expect(readOnly(file, (db) => db.prepare('SELECT count(*) FROM qrr').pluck().get())).toBe(0);

    const run = cli('demo', '--db', file);
    expect(run.stderr).toContain(`Démonstration déjà commencée dans « ${file} » (données fictives seulement) : elle est effacée et réinstallée.`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Démonstration installée/);
    expect(readOnly(file, (db) => db.prepare('SELECT count(*) FROM qrr').pluck().get())).toBe(3);
    expect(readOnly(file, (db) => db.prepare('SELECT DISTINCT origin FROM audit_log ORDER BY 1').pluck().all())).toEqual([DEMO_ORIGIN, 'migration']);
  }, 240_000);

  it('Small ones: a database where someone else wrote (same settings, another origin) is still refused, unchanged', async () => {
    const file = path.join(dir, 'utilisee.sqlite');
    await halfMade(file, 'ui');
    const before = readOnly(file, snapshot);
    const run = cli('demo', '--db', file);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`Erreur : ${DEMO_NOT_EMPTY_MESSAGE}`);
    expect(readOnly(file, snapshot)).toEqual(before);
  }, 120_000);
});
