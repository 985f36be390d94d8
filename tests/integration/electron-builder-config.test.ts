/**
 * electron-builder cannot package here (it downloads Electron, NSIS, AppImage
 * and fpm from GitHub), so the configuration is checked offline with
 * electron-builder's own loader (getConfig) and JSON-schema validator
 * (validateConfiguration), and its own file matcher for the globs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { EXCHANGE_EXTENSION } from '../../shared/exchange/format';
import { isOpenableFileName } from '../../electron/services/desktop/open-file';

const root = path.resolve(__dirname, '..', '..');
const requireFromRoot = createRequire(path.join(root, 'package.json'));

type Config = Record<string, any>;
type Stat = { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean };

// Real signatures (app-builder-lib/out/util/config/config.d.ts):
//   getConfig(projectDir, configPath: string | null, configFromOptions, packageMetadata?): Promise<Configuration>
//   validateConfiguration(config, debugLogger: DebugLogger): Promise<void>
const { getConfig, validateConfiguration } = requireFromRoot('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Config | null): Promise<Config>;
  validateConfiguration(config: Config, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = requireFromRoot('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown };
const { FileMatcher } = requireFromRoot('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (
    from: string,
    to: string,
    macroExpander: (s: string) => string,
    patterns: string[],
  ) => { createFilter(): (file: string, stat: Stat) => boolean };
};

const CONFIG_FILE = 'electron-builder.yml';
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function load(projectDir: string): Promise<Config> {
  // configPath null: electron-builder finds electron-builder.yml in projectDir itself.
  return getConfig(projectDir, null, null);
}

async function validationError(config: Config): Promise<string | null> {
  try {
    await validateConfiguration(config, new DebugLogger(false));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** True when electron-builder's own matcher selects `relativePath` with these patterns. */
function matches(patterns: string[], relativePath: string): boolean {
  const filter = new FileMatcher(root, '/app', (s) => s, patterns).createFilter();
  const fileStat: Stat = { isDirectory: () => false, isFile: () => true, isSymbolicLink: () => false };
  return filter(path.join(root, relativePath), fileStat);
}

function filesPatterns(config: Config): string[] {
  // getConfig normalises `files` into [{ filter: [...] }].
  const sets = config.files as Array<{ from?: string; to?: string; filter?: string[] }>;
  expect(sets).toHaveLength(1);
  expect(sets[0]!.from).toBeUndefined();
  return sets[0]!.filter ?? [];
}

describe('electron-builder.yml', () => {
  it('is accepted by electron-builder’s loader and validator', async () => {
    const config = await load(root);
    expect(await validationError(config)).toBeNull();
  });

  it('rejects a wrong copy, naming the faulty field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-eb-config-'));
    tempDirs.push(dir);
    const original = fs.readFileSync(path.join(root, CONFIG_FILE), 'utf8');
    const wrong = original.replace(/^(\s+)perMachine: false$/m, '$1perMachine: sometimes');
    expect(wrong).not.toBe(original);
    fs.writeFileSync(path.join(dir, CONFIG_FILE), wrong);

    const config = await load(dir);
    expect(config.nsis.perMachine).toBe('sometimes');
    const message = await validationError(config);
    expect(message).not.toBeNull();
    expect(message).toContain('configuration.nsis.perMachine should be a boolean');
  });

  it('rejects an unknown option (a typo is not silently ignored)', async () => {
    const config = await load(root);
    const message = await validationError({ ...config, nsis: { ...config.nsis, perMachin: false } });
    // The validator names the section (not the unknown key itself): "configuration.nsis should be one of these".
    expect(message).toMatch(/configuration\.nsis should be/);
  });

  describe('the facts that matter', () => {
    let config: Config;
    const get = async (): Promise<Config> => (config ??= await load(root));

    it('identifies the application', async () => {
      const c = await get();
      expect(c.appId).toBe('fr.gouv.interieur.qrr.tableau-de-bord');
      expect(c.productName).toBe('Tableau de bord QRR');
    });

    it('writes installers outside dist/, where the built application lives', async () => {
      const output = (await get()).directories.output as string;
      expect(output).toBeTruthy();
      expect(path.normalize(output).split(path.sep)[0]).not.toBe('dist');
    });

    it('packs only the built application: no sources, no source maps', async () => {
      const patterns = filesPatterns(await get());
      for (const included of [
        'package.json',
        'dist/electron/main.cjs',
        'dist/electron/core-host.cjs',
        'dist/electron/preload.cjs',
        'dist/electron/data/communes.json',
        'dist/renderer/index.html',
        'dist/renderer/assets/index-abc123.js',
      ]) {
        expect(matches(patterns, included), included).toBe(true);
      }
      for (const excluded of [
        'dist/electron/main.cjs.map',
        // The tests' own bundles of the core host.
        'dist/test-host/core-host-0123456789abcdef.cjs',
        'dist/renderer/assets/index-abc123.js.map',
        'electron/main.ts',
        'renderer/src/main.tsx',
        'shared/ipc/channels.ts',
        'tests/unit/referential.test.ts',
        'scripts/start-electron.mjs',
        '.electron-native/45.5.0/better_sqlite3.node',
        '.electron-native/45.5.0/pkcs11js/build/Release/pkcs11.node',
        'vitest.config.ts',
      ]) {
        expect(matches(patterns, excluded), excluded).toBe(false);
      }
    });

    it('uses asar and unpacks native modules (better-sqlite3, pkcs11js)', async () => {
      const c = await get();
      expect(c.asar).toBe(true);
      const unpack = ([] as string[]).concat(c.asarUnpack ?? []);
      expect(unpack.length).toBeGreaterThan(0);
      expect(matches(unpack, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
      expect(matches(unpack, 'node_modules/pkcs11js/build/Release/pkcs11.node')).toBe(true);
      expect(matches(unpack, 'node_modules/pkcs11js/index.js')).toBe(false);
      expect(matches(unpack, 'dist/electron/main.cjs')).toBe(false);
      expect(c.npmRebuild).toBe(true);
    });

    it('builds a per-user, assisted, French NSIS installer and a portable exe for Windows', async () => {
      const c = await get();
      const targets = (c.win.target as Array<string | { target: string }>).map((t) => (typeof t === 'string' ? t : t.target));
      expect(targets).toEqual(expect.arrayContaining(['nsis', 'portable']));
      expect(c.nsis).toMatchObject({
        oneClick: false,
        perMachine: false,
        allowToChangeInstallationDirectory: true,
        installerLanguages: ['fr_FR'],
        language: '1036',
      });
      expect(c.nsis.selectPerMachineByDefault ?? false).toBe(false);
      expect(c.nsis.deleteAppDataOnUninstall ?? false).toBe(false);
      expect(c.portable?.requestExecutionLevel ?? 'user').toBe('user');
    });

    it('builds an AppImage and a deb for Linux, in the Office category, with a maintainer', async () => {
      const c = await get();
      const targets = (c.linux.target as Array<string | { target: string }>).map((t) => (typeof t === 'string' ? t : t.target));
      expect(targets).toEqual(expect.arrayContaining(['AppImage', 'deb']));
      expect(c.linux.category).toBe('Office');
      expect(String(c.linux.maintainer ?? c.deb?.maintainer ?? '').trim()).not.toBe('');
    });

    it('associates the exchange extension with the application, installable per user', async () => {
      const c = await get();
      const associations = ([] as Config[]).concat(c.fileAssociations ?? []);
      expect(associations).toHaveLength(1);
      const association = associations[0]!;
      expect(association).toMatchObject({
        ext: 'qrr',
        name: "Fichier d'échange QRR",
        mimeType: 'application/x-qrr-echange',
        role: 'Editor',
      });
      expect(String(association.description ?? '').trim()).not.toBe('');
      // The same extension as the files the application writes, and one it opens from a command line.
      expect(`.${association.ext}`).toBe(EXCHANGE_EXTENSION);
      expect(isOpenableFileName(`echange${EXCHANGE_EXTENSION}`)).toBe(true);
      // NSIS writes associations under SHELL_CONTEXT, HKCU for a per-user install: no elevation is needed.
      expect(c.nsis).toMatchObject({ perMachine: false, allowElevation: false });
      // NSIS uses the name as the ProgID (a registry key): nothing NSIS or the registry would choke on.
      expect(association.name).not.toMatch(/["$`\\]/);
      // Linux writes it into the .desktop file's MimeType= and a shared-mime-info XML file.
      expect(association.mimeType).toMatch(/^application\/[\w.+-]+$/);
      expect(association.description).not.toMatch(/[<&]/);
    });

    it('leaves better-sqlite3’s C sources and build leftovers out, keeping what runs', async () => {
      // electron-builder adds production node_modules itself; of `files`, only the exclusions apply to them.
      const patterns = ['**/*', ...filesPatterns(await get()).filter((pattern) => pattern.startsWith('!'))];
      for (const kept of ['node_modules/better-sqlite3/lib/index.js', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/better-sqlite3/package.json']) {
        expect(matches(patterns, kept), kept).toBe(true);
      }
      for (const left of [
        'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
        'node_modules/better-sqlite3/src/addon.cpp',
        'node_modules/better-sqlite3/build/Release/obj/gen/sqlite3/sqlite3.c',
        'node_modules/better-sqlite3/build/Release/test_extension.node',
        'node_modules/better-sqlite3/build/deps/sqlite3.Makefile',
      ]) {
        expect(matches(patterns, left), left).toBe(false);
      }
    });

    it('keeps what pkcs11js runs (index.js, pkcs11.node) and leaves its C++ sources out', async () => {
      const patterns = ['**/*', ...filesPatterns(await get()).filter((pattern) => pattern.startsWith('!'))];
      for (const kept of ['node_modules/pkcs11js/index.js', 'node_modules/pkcs11js/package.json', 'node_modules/pkcs11js/build/Release/pkcs11.node']) {
        expect(matches(patterns, kept), kept).toBe(true);
      }
      for (const left of ['node_modules/pkcs11js/src/pkcs11.cpp', 'node_modules/pkcs11js/includes/pkcs11/pkcs11.h', 'node_modules/pkcs11js/build/Release/obj.target/pkcs11/src/pkcs11.o']) {
        expect(matches(patterns, left), left).toBe(false);
      }
      // The application requires pkcs11js at run time (never bundled): it must be a production dependency.
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(Object.keys(pkg.dependencies)).toContain('pkcs11js');
    });

    it('ships bundled libraries once: in dist/, not again as node_modules', async () => {
      // Production dependencies are bundled by esbuild/Vite except the native modules (external in
      // scripts/build-electron.mjs): only those, and what they require at run time, keep their folder.
      const patterns = ['**/*', ...filesPatterns(await get()).filter((pattern) => pattern.startsWith('!'))];
      for (const kept of ['node_modules/bindings/bindings.js', 'node_modules/file-uri-to-path/index.js', 'node_modules/pkcs11js/index.js', 'node_modules/better-sqlite3/lib/index.js']) {
        expect(matches(patterns, kept), kept).toBe(true);
      }
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      const bundled = Object.keys(pkg.dependencies).filter((name) => !['better-sqlite3', 'pkcs11js'].includes(name));
      expect(bundled).toContain('react');
      for (const name of [...bundled, 'prebuild-install', 'exceljs/node_modules/archiver']) {
        expect(matches(patterns, `node_modules/${name}/package.json`), name).toBe(false);
      }
    });

    it('publishes nowhere: no update server, no auto-update', async () => {
      const c = await get();
      expect(c.publish).toBeNull();
      for (const platform of ['win', 'linux', 'mac', 'nsis', 'portable', 'appImage', 'deb']) {
        expect(c[platform]?.publish ?? null, `${platform}.publish`).toBeNull();
      }
    });

    it('flips the Electron fuses', async () => {
      expect((await get()).electronFuses).toMatchObject({
        runAsNode: false,
        enableCookieEncryption: true,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
      });
    });

    it('references no missing resource file', async () => {
      const c = await get();
      const refs = [c.icon, c.win?.icon, c.linux?.icon, c.nsis?.installerIcon, c.nsis?.license].filter(
        (v): v is string => typeof v === 'string',
      );
      for (const ref of refs) expect(fs.existsSync(path.resolve(root, ref)), ref).toBe(true);
    });
  });
});
