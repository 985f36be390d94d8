// Bundles the Electron main process, the core host and the preload with esbuild, and copies the
// reference data the main process reads at run time beside the bundle.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  outExtension: { '.js': '.cjs' },
};

await Promise.all([
  build({
    ...common,
    entryPoints: { main: path.join(root, 'electron/main.ts') },
    outdir,
    // electron is provided by the runtime; better-sqlite3 and pkcs11js are native and packaged unpacked.
    external: ['electron', 'better-sqlite3', 'pkcs11js'],
  }),
  build({
    ...common,
    // The core host: database and services, run in a utilityProcess off the window's thread (electron/shell/core-process.ts).
    entryPoints: { 'core-host': path.join(root, 'electron/services/host/entry.ts') },
    outdir,
    external: ['electron', 'better-sqlite3', 'pkcs11js'],
  }),
  build({
    ...common,
    entryPoints: { preload: path.join(root, 'electron/preload.ts') },
    outdir,
    // Sandboxed preloads may only require 'electron' (and a few polyfilled modules).
    external: ['electron'],
  }),
]);

const dataDir = path.join(outdir, 'data');
fs.mkdirSync(dataDir, { recursive: true });
fs.copyFileSync(
  path.join(root, 'node_modules/@etalab/decoupage-administratif/data/communes.json'),
  path.join(dataDir, 'communes.json'),
);
// The report's Unicode font (DejaVu Sans, see seeds/fonts/README.md): jsPDF reads it at run time.
const fontsDir = path.join(outdir, 'fonts');
fs.mkdirSync(fontsDir, { recursive: true });
for (const name of fs.readdirSync(path.join(root, 'seeds', 'fonts'))) {
  if (/\.(ttf|txt)$/i.test(name)) fs.copyFileSync(path.join(root, 'seeds', 'fonts', name), path.join(fontsDir, name));
}
console.log(`main, core host and preload bundled in ${path.relative(root, outdir)}`);
