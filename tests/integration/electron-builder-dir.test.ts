/**
 * electron-builder's real packaging step (`--linux dir`: the unpacked
 * application, before any installer) on the built dist/, offline.
 *
 * Electron itself cannot be downloaded here, so electron-builder is given a
 * stand-in Electron folder through `electronDist`. For a folder that does not
 * hold `electron-v<version>-linux-x64.zip`, electron-builder (app-builder-lib
 * out/electron/ElectronFramework.js, `unpack` → `selectElectron`) treats it as
 * an unpacked Electron distribution and copies it as is into
 * `linux-unpacked/`; then it renames `electron` to the executable name, moves
 * `LICENSE` to `LICENSE.electron.txt`, computes the integrity of every `.asar`
 * in `resources/` (so the stand-in holds none), writes `resources/app.asar`
 * with `app.asar.unpacked/`, and flips the fuses in the executable
 * (@electron/fuses looks for the fuse sentinel in the binary: the stand-in
 * carries one, with Electron's default wire, so that step runs for real).
 *
 * `npmRebuild=false`: better-sqlite3 stays the Node build (rebuilding it for
 * Electron needs Electron's headers from the internet); only its place in the
 * package is checked here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const requireFromRoot = createRequire(path.join(root, 'package.json'));

// @electron/asar and @electron/fuses come with electron-builder (app-builder-lib's own dependencies).
const asar = requireFromRoot('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractFile(archive: string, file: string): Buffer;
  statFile(archive: string, file: string): { unpacked?: boolean; size?: number; files?: unknown };
};
const fuses = requireFromRoot('@electron/fuses') as {
  getCurrentFuseWire(binary: string): Promise<Record<string, number | string>>;
  FuseV1Options: Record<string, number>;
};
/** @electron/fuses' FuseState: the ASCII digits of the wire. */
const DISABLE = '0'.charCodeAt(0);
const ENABLE = '1'.charCodeAt(0);

/** @electron/fuses' sentinel, followed by the wire version (1), its length and one byte per fuse ('0'/'1'). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off, only-asar off, V8 snapshot off, file:// privileges on. */
const DEFAULT_WIRE = '10110001';

const EXECUTABLE = 'tableau-de-bord-qrr'; // linux.executableName
const BUILD_TIMEOUT_MS = 120_000;

let work: string;
let appDir: string;
let archive: string;
let entries: string[];
let build: { status: number | null; output: string };

/** Where any download attempt would go: nowhere (nothing listens on port 9, the discard port). */
const NOWHERE = 'http://127.0.0.1:9';

function makeStandInElectron(dir: string): void {
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, DEFAULT_WIRE.length]), Buffer.from(DEFAULT_WIRE, 'latin1')]);
  // A shell script, so that running it by mistake only prints a line.
  const stub = Buffer.concat([Buffer.from('#!/bin/sh\n# Electron stand-in for packaging tests; fuse wire: '), wire, Buffer.from('\necho "Electron de substitution (tests)"\n')]);
  fs.writeFileSync(path.join(dir, 'electron'), stub, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'Copyright (c) Electron contributors (stand-in)\n');
  fs.writeFileSync(path.join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>Chromium licenses (stand-in)</title>\n');
  fs.writeFileSync(path.join(dir, 'version'), `${requireFromRoot('electron/package.json').version}\n`);
  fs.writeFileSync(path.join(dir, 'locales', 'fr.pak'), 'stand-in');
}

function ensureBuilt(): void {
  const built = ['dist/electron/main.cjs', 'dist/electron/core-host.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html'].every((file) => fs.existsSync(path.join(root, file)));
  if (built) return; // `npm test` builds before running vitest
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 5 * 60_000 });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

beforeAll(() => {
  ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-eb-dir-'));
  const electronDist = path.join(work, 'electron');
  makeStandInElectron(electronDist);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // A cache of our own, checked empty afterwards: nothing was downloaded, nothing cached was needed.
    ELECTRON_BUILDER_CACHE: path.join(work, 'cache'),
    ELECTRON_MIRROR: `${NOWHERE}/`,
    ELECTRON_BUILDER_BINARIES_MIRROR: `${NOWHERE}/`,
    HTTP_PROXY: NOWHERE,
    HTTPS_PROXY: NOWHERE,
    http_proxy: NOWHERE,
    https_proxy: NOWHERE,
    NO_PROXY: '',
    no_proxy: '',
    // No signing or publishing credentials from the environment.
    CSC_LINK: '',
    GH_TOKEN: '',
    CI: '',
  };
  // builder-util silences its log when it sees vitest's variables; its log is checked below.
  for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${path.join(work, 'out')}`,
    ],
    { cwd: root, env, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS },
  );
  build = { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}` };
  appDir = path.join(work, 'out', 'linux-unpacked');
  archive = path.join(appDir, 'resources', 'app.asar');
  entries = fs.existsSync(archive) ? asar.listPackage(archive, { isPack: false }).map((entry) => entry.split(path.sep).join('/')) : [];
}, BUILD_TIMEOUT_MS + 60_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Every check needs the package: a failed build shows electron-builder's own log instead of a missing file. */
function packaged(): void {
  expect(build.status, build.output.slice(-4000)).toBe(0);
}

describe('electron-builder --linux dir with a stand-in Electron', () => {
  it('packages without error and without downloading anything', () => {
    packaged();
    expect(build.output).toMatch(/using custom unpacked Electron distribution/);
    expect(build.output).not.toMatch(/download/i);
    const cache = path.join(work, 'cache');
    expect(fs.existsSync(cache) ? fs.readdirSync(cache) : []).toEqual([]);
  });

  it('lays out the application: renamed executable, Electron licence kept, app.asar', () => {
    packaged();
    expect(fs.statSync(path.join(appDir, EXECUTABLE)).mode & 0o111).not.toBe(0);
    expect(fs.existsSync(path.join(appDir, 'electron'))).toBe(false);
    expect(fs.existsSync(path.join(appDir, 'LICENSE.electron.txt'))).toBe(true);
    expect(fs.existsSync(path.join(appDir, 'LICENSES.chromium.html'))).toBe(true);
    expect(fs.statSync(archive).isFile()).toBe(true);
  });

  it('puts the built main process, core host, preload and renderer in app.asar', () => {
    packaged();
    for (const file of ['/dist/electron/main.cjs', '/dist/electron/core-host.cjs', '/dist/electron/preload.cjs', '/dist/electron/data/communes.json', '/dist/renderer/index.html', '/package.json']) {
      expect(entries, file).toContain(file);
    }
    expect(entries.some((entry) => /^\/dist\/renderer\/assets\/index-[\w-]+\.js$/.test(entry))).toBe(true);
    // The archive's main bundle is the one built here.
    expect(asar.extractFile(archive, 'dist/electron/main.cjs').equals(fs.readFileSync(path.join(root, 'dist/electron/main.cjs')))).toBe(true);
    expect(asar.extractFile(archive, 'dist/electron/core-host.cjs').equals(fs.readFileSync(path.join(root, 'dist/electron/core-host.cjs')))).toBe(true);
  });

  it('holds nothing but dist/, package.json and production node_modules: no sources, tests or source maps', () => {
    packaged();
    const outside = entries.filter((entry) => !entry.startsWith('/node_modules') && !entry.startsWith('/dist') && entry !== '/package.json');
    expect(outside).toEqual([]);
    expect(entries.filter((entry) => entry.endsWith('.map'))).toEqual([]);
    expect(entries.filter((entry) => !entry.startsWith('/node_modules') && /\.(ts|tsx|mts)$/.test(entry))).toEqual([]);
    // Development dependencies stay out.
    for (const dev of ['/node_modules/electron', '/node_modules/vitest', '/node_modules/react', '/node_modules/zod', '/node_modules/electron-builder']) {
      expect(entries, dev).not.toContain(dev);
    }
    // Bundled production libraries (react, zod, pdf-lib…) are in dist/ already: only the native modules and their loader remain.
    const modules = new Set(entries.map((entry) => /^\/node_modules\/([^/]+)/.exec(entry)?.[1]).filter((name) => name !== undefined));
    expect([...modules].sort()).toEqual(['better-sqlite3', 'bindings', 'file-uri-to-path', 'pkcs11js']);
  });

  it('has a package.json whose main is the built main process', () => {
    packaged();
    const inside = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as Record<string, unknown>;
    const project = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(inside.main).toBe('dist/electron/main.cjs');
    expect(inside.main).toBe(project.main);
    expect(inside.version).toBe(project.version);
    expect(entries).toContain(`/${inside.main as string}`);
    expect(inside.devDependencies).toBeUndefined();
  });

  it('unpacks better-sqlite3’s native module next to app.asar, without its C sources', () => {
    packaged();
    const relative = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked', relative);
    expect(fs.readFileSync(unpacked).equals(fs.readFileSync(path.join(root, relative)))).toBe(true);
    expect(asar.statFile(archive, relative).unpacked).toBe(true);
    // The JavaScript that loads it stays in the archive.
    expect(entries).toContain('/node_modules/better-sqlite3/lib/index.js');
    const shipped = [...entries, ...listFiles(path.join(appDir, 'resources', 'app.asar.unpacked'))];
    expect(shipped.filter((file) => /\.(c|cpp|h|hpp|gyp|gypi)$|test_extension\.node$/.test(file))).toEqual([]);
  });

  it('flips the fuses of electron-builder.yml in the executable', async () => {
    packaged();
    const wire = await fuses.getCurrentFuseWire(path.join(appDir, EXECUTABLE));
    const option = fuses.FuseV1Options;
    expect(wire[option.RunAsNode!]).toBe(DISABLE);
    expect(wire[option.EnableCookieEncryption!]).toBe(ENABLE);
    expect(wire[option.EnableNodeOptionsEnvironmentVariable!]).toBe(DISABLE);
    expect(wire[option.EnableNodeCliInspectArguments!]).toBe(DISABLE);
    expect(wire[option.EnableEmbeddedAsarIntegrityValidation!]).toBe(ENABLE);
    expect(wire[option.OnlyLoadAppFromAsar!]).toBe(ENABLE);
    expect(wire[option.GrantFileProtocolExtraPrivileges!]).toBe(DISABLE);
    // Not configured: left as Electron ships it.
    expect(wire[option.LoadBrowserProcessSpecificV8Snapshot!]).toBe(DISABLE);
  });
});

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
