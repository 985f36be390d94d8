/**
 * The quarterly report at national scale (the national demonstration: 1,600
 * quartiers over 8 quarters in one database), produced by the command line
 * like the département one (bundled CLI, fresh process, signed without a
 * time-stamp), on a copy of the database (the command records the report).
 *
 * What matters here is memory: the report must finish without running out of
 * it (issue 16). Peak resident memory of the process is read with
 * /usr/bin/time (`%M`), when installed; printed beside the page count, the
 * size and the time. Figures, never assertions.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { formatInteger } from '../shared/format/fr';
import { formatFixedFr } from '../shared/format/number-fr';

const TIME = '/usr/bin/time';
const root = path.join(__dirname, '..');

export function benchNationalReport(databasePath: string, period: string, p12File: string, password: string, log: (line: string) => void = console.log): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-bench-rapport-national-'));
  try {
    const copy = path.join(dir, 'national.sqlite');
    fs.copyFileSync(databasePath, copy);
    const out = path.join(dir, 'rapport-national.pdf');
    const cli = [path.join(root, 'dist', 'cli', 'index.mjs'), 'report', '--db', copy, '--period', period, '--out', out, '--p12', p12File, '--password-env', 'QRR_BANC_MDP', '--without-timestamp'];
    const timed = fs.existsSync(TIME);
    const t0 = performance.now();
    const result = timed
      ? spawnSync(TIME, ['-f', 'qrr-peak-kb %M', process.execPath, ...cli], { cwd: root, env: { ...process.env, QRR_BANC_MDP: password }, encoding: 'utf8' })
      : spawnSync(process.execPath, cli, { cwd: root, env: { ...process.env, QRR_BANC_MDP: password }, encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (result.status !== 0) throw new Error(`bench: the national report failed: ${result.stderr}`);
    const pages = /Pages :\s+([\d\u202f\u00a0 ]+)/.exec(result.stdout)?.[1]?.trim() ?? '?';
    const peakKb = Number(/qrr-peak-kb (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN);
    const size = fs.statSync(out).size;
    log(
      `Rapport national signé (commande complète) : ${pages} pages, ${formatFixedFr(size / 1e6, 1)} Mo, ${formatFixedFr(seconds, 1)} s ; ` +
        (Number.isNaN(peakKb)
          ? 'mémoire maximale non mesurée (/usr/bin/time absent)'
          : `mémoire maximale du processus ${formatInteger(Math.round(peakKb / 1024))} Mo (limite du tas JavaScript de Node : ${formatInteger(Math.round(v8.getHeapStatistics().heap_size_limit / 1024 / 1024))} Mo)`),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
