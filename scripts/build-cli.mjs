// Bundles the command line (cli/index.ts) into dist/cli/: ES modules with code
// splitting, so each command's services are a chunk loaded only when that
// command runs (`--help` loads none of them). tsx transpiled everything at each
// start (~3 s here); the bundle starts in a fraction of that.
//
// Native modules stay outside (better-sqlite3, pkcs11js): node_modules' own
// build is used, as by the tests. The fonts the report reads are copied beside
// the bundle (electron/services/report/pdf-kit.ts looks in `fonts/` next to it).
//
// Usage: node scripts/build-cli.mjs   (also run by `npm run build`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cliDir = path.join(root, 'dist', 'cli');
export const cliEntry = path.join(cliDir, 'index.mjs');
/** Written last: its time is the bundle's (scripts/cli.mjs compares sources with it). */
export const stampFile = path.join(cliDir, 'built-at');
/** What the bundle is made of: a change in any of these makes it stale. */
export const SOURCE_DIRS = ['cli', 'electron/services', 'shared', 'seeds'];
/** jsPDF's optional dependencies, loaded lazily by jsPDF itself (see the build below). */
export const JSPDF_OPTIONAL = ['canvg', 'html2canvas', 'dompurify'];

// CommonJS packages inside an ES module bundle call require() and read
// __dirname: give every chunk both, for its own location.
const banner = [
  "import { createRequire as __qrrCreateRequire } from 'node:module';",
  "import { fileURLToPath as __qrrFileURLToPath } from 'node:url';",
  "import { dirname as __qrrDirname } from 'node:path';",
  'const require = __qrrCreateRequire(import.meta.url);',
  'const __filename = __qrrFileURLToPath(import.meta.url);',
  'const __dirname = __qrrDirname(__filename);',
].join('\n');

export async function buildCli() {
  // Loaded here, not at the top: scripts/cli.mjs imports this file's paths at every start.
  const { build } = await import('esbuild');
  // Built beside, then swapped in: a CLI started meanwhile never loads half a bundle.
  const tmp = `${cliDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints: { index: path.join(root, 'cli', 'index.ts') },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: banner },
    // jsPDF's optional renderers (HTML and SVG to PDF: html2canvas, canvg with core-js, dompurify) are
    // required only inside the functions that draw HTML or SVG, which the application never calls:
    // left out, the command line compiles ~1 MB less at every start.
    external: ['electron', 'better-sqlite3', 'pkcs11js', ...JSPDF_OPTIONAL],
    // The communes file (8.6 MB) is found at run time with require.resolve and read when needed, not bundled.
    logOverride: { 'require-resolve-not-external': 'silent' },
    logLevel: 'warning',
    legalComments: 'none',
  });
  const fonts = path.join(tmp, 'fonts');
  fs.mkdirSync(fonts, { recursive: true });
  for (const name of fs.readdirSync(path.join(root, 'seeds', 'fonts'))) {
    if (/\.(ttf|txt)$/i.test(name)) fs.copyFileSync(path.join(root, 'seeds', 'fonts', name), path.join(fonts, name));
  }
  fs.writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
  fs.writeFileSync(path.join(tmp, 'built-at'), `${new Date().toISOString()}\n`);
  const old = `${cliDir}.old-${process.pid}`;
  if (fs.existsSync(cliDir)) fs.renameSync(cliDir, old);
  fs.renameSync(tmp, cliDir);
  fs.rmSync(old, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildCli();
  console.log(`command line bundled in ${path.relative(root, cliDir)}`);
}
