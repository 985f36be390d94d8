/**
 * Peak memory (maximum resident set size) of `import` of an exchange file, as
 * a user runs it: the CLI in its own process, measured by GNU time.
 *
 *   npx tsx bench/import-memory.ts FICHIER.qrr [DOSSIER_DU_DEPOT] [--apercu-seulement]
 *
 * A national quarter file: bench/national-file.ts makes one.
 * The command line is the bundled one (dist/cli, `npm run build:cli`) when
 * built, as users run it; tsx otherwise.
 * DOSSIER_DU_DEPOT (default: this one) lets the same file be measured with
 * another version of the code (e.g. `git archive <rev> | tar -x -C /tmp/ancien`
 * with a node_modules link), to compare before and after a change. Each run
 * imports into a fresh database whose département is the file's.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchFolder } from './support';

const GNU_TIME = '/usr/bin/time';

async function main(): Promise<void> {
  const previewOnly = process.argv.includes('--apercu-seulement');
  const [file, repo = path.join(__dirname, '..')] = process.argv.slice(2).filter((a) => a !== '--apercu-seulement');
  if (!file || !fs.existsSync(file)) throw new Error('Indiquez le fichier .qrr à importer.');
  if (!fs.existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} est nécessaire (paquet Debian « time »).`);
  const departement = (JSON.parse(fs.readFileSync(file, 'utf8')) as { departement: { code: string } }).departement.code;
  const size = fs.statSync(file).size;
  process.stdout.write(`Fichier : ${file} (${(size / 1024 / 1024).toFixed(1)} Mo), code : ${repo}${fs.existsSync(path.join(repo, 'dist/cli/index.mjs')) ? ' (ligne de commande compilée)' : ' (tsx)'}\n`);
  for (const mode of previewOnly ? (['--dry-run'] as const) : (['--dry-run', 'import'] as const)) {
    const folder = benchFolder('qrr-bench-memoire-');
    const core = await folder.open('cible.sqlite');
    const saved = await core.dispatch('saveSettings', { departementCode: departement, prefetName: '', coordinatorName: 'Banc mémoire' });
    core.close();
    if (!saved.ok) throw new Error(saved.error.message);
    // The bundled command line, as `npm run cli` runs it (npm run build:cli); through tsx for a tree not built.
    const bundle = path.join(repo, 'dist/cli/index.mjs');
    const command = fs.existsSync(bundle) ? [process.execPath, bundle] : [path.join(repo, 'node_modules/.bin/tsx'), path.join(repo, 'cli/index.ts')];
    const args = [...command, 'import', '--db', path.join(folder.dir, 'cible.sqlite'), file];
    if (mode === '--dry-run') args.push('--dry-run', '--json');
    else args.push('--resolve', 'theirs');
    const started = performance.now();
    const run = spawnSync(GNU_TIME, ['-f', 'PEAK_RSS_KB=%M', ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    const seconds = (performance.now() - started) / 1000;
    const peak = /PEAK_RSS_KB=(\d+)/.exec(run.stderr)?.[1];
    const problem = run.status === 0 ? '' : ` (code ${run.status} : ${run.stderr.split('\n').find((l) => l.startsWith('Erreur')) ?? ''})`;
    process.stdout.write(`${mode === 'import' ? 'import     ' : 'import --dry-run'} : pic mémoire ${peak ? (Number(peak) / 1024).toFixed(0) : '?'} Mo, ${seconds.toFixed(1)} s${problem}\n`);
    fs.rmSync(folder.dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
