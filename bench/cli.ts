/**
 * Start-up of the command line: `--help` through the bundle (dist/cli, what
 * `npm run cli` runs), against two anchors measured in the same run: Node
 * itself starting and exiting (`node -e 0`, the floor), and the same command
 * through tsx (what `npm run cli` was: transpiling at every start).
 * Median of RUNS; figures, never assertions.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatFixedFr } from '../shared/format/number-fr';

const RUNS = 7;
const root = path.join(__dirname, '..');

function medianMs(args: readonly string[], expectedStatus = 0): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - start);
    if (result.status !== expectedStatus) throw new Error(`bench: node ${args.join(' ')} exited with ${result.status}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export function benchCli(log: (line: string) => void = console.log): void {
  // Built if stale, outside the measure.
  spawnSync(process.execPath, [path.join(root, 'scripts', 'cli.mjs'), '--help'], { cwd: root, stdio: 'ignore' });
  const s = (n: number): string => `${formatFixedFr(n / 1000, 2)} s`;
  const floor = medianMs(['-e', '0']);
  const bundled = medianMs([path.join(root, 'dist', 'cli', 'index.mjs'), '--help']);
  // A command's own start: arguments parsed and checked, then refused (no database given) — before any service is loaded.
  const command = medianMs([path.join(root, 'dist', 'cli', 'index.mjs'), 'report', '--period', '2026-T4', '--out', 'x.pdf'], 2);
  const launcher = medianMs([path.join(root, 'scripts', 'cli.mjs'), '--help']);
  const tsx = medianMs([path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'cli', 'index.ts'), '--help']);
  log(`Démarrage de la ligne de commande (--help, médiane de ${RUNS}) :`);
  log(`  référence : Node seul (node -e 0) ${s(floor)}`);
  log(`  compilée (node dist/cli/index.mjs) ${s(bundled)} ; avec la vérification des sources (npm run cli sans npm) ${s(launcher)}`);
  log(`  démarrage d'une commande jusqu'à son premier contrôle (report sans --db, refusé) ${s(command)}`);
  log(`  par tsx (transpilation à chaque lancement) ${s(tsx)} — compilée ×${formatFixedFr(tsx / bundled, 1)} plus rapide`);
}
