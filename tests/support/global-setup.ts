/**
 * vitest global setup: the command line the CLI tests spawn is the bundle
 * (dist/cli, what `npm run cli` runs). `npm test` has just built it; a single
 * test file run by hand after editing a source gets it rebuilt here, once,
 * before any test starts (never by two test files at once).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths';

export default function setup(): void {
  // scripts/cli.mjs rebuilds when stale; `--help` then exits at once.
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'cli.mjs'), '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`The command line could not be bundled or started (node scripts/cli.mjs --help):\n${run.stderr}`);
}
