/**
 * End-to-end launch of the built application in a real Electron, driven by
 * Playwright's `_electron`. It needs:
 * - an Electron binary: node_modules/electron/dist (downloaded by the first
 *   `npm start`) or ELECTRON_OVERRIDE_DIST_PATH. Requiring `electron` would try
 *   to download it, so the path is computed here without loading the package;
 * - a display on Linux (run under `xvfb-run -a` on a server);
 * - `npm run build` (dist/electron/main.cjs);
 * - better-sqlite3 built for Electron's ABI (.electron-native/, made by
 *   scripts/electron-native.mjs; built here if missing).
 * Without an Electron binary or a display the tests are skipped, saying why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const APP_URL_PREFIX = 'app://qrr/';
const TITLE = 'Tableau de bord QRR';

function platformExecutable(): string {
  if (process.platform === 'win32') return 'electron.exe';
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}

/** The Electron executable, found as node_modules/electron/index.js would, minus its download. */
function findElectron(): { executable: string } | { reason: string } {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const executable = path.join(override, relative || platformExecutable());
    return fs.existsSync(executable)
      ? { executable }
      : { reason: `ELECTRON_OVERRIDE_DIST_PATH=${override} ne contient pas ${relative || platformExecutable()}` };
  }
  if (!relative) {
    return {
      reason:
        "pas de binaire Electron (node_modules/electron/path.txt absent : il est téléchargé depuis GitHub au premier « npm start », impossible hors ligne ; ou définir ELECTRON_OVERRIDE_DIST_PATH)",
    };
  }
  const executable = path.join(packageDir, 'dist', relative);
  return fs.existsSync(executable) ? { executable } : { reason: `binaire Electron absent : ${executable}` };
}

function skipReason(): string | null {
  const electron = findElectron();
  if ('reason' in electron) return electron.reason;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return "pas d'affichage (DISPLAY absent) : lancer sous « xvfb-run -a npx vitest run tests/electron »";
  }
  return null;
}

/** Launches the built application in Electron (better-sqlite3 built for its ABI first) and waits for its window. */
async function launchApp(work: string, appArgs: readonly string[], onLog: (chunk: string) => void): Promise<{ app: ElectronApplication; page: Page }> {
  const electron = findElectron();
  if (!('executable' in electron)) throw new Error(electron.reason);
  const mainFile = path.join(root, 'dist', 'electron', 'main.cjs');
  if (!fs.existsSync(mainFile)) throw new Error(`${path.relative(root, mainFile)} absent : lancez « npm run build » avant ce test.`);

  // better-sqlite3 for Electron's ABI (node_modules keeps the Node build for the other tests).
  let nativeBinding = process.env.QRR_NATIVE_BINDING;
  if (!nativeBinding || !fs.existsSync(nativeBinding)) {
    // A computed specifier: the script is plain JavaScript without type declarations.
    const script = pathToFileURL(path.join(root, 'scripts', 'electron-native.mjs')).href;
    const { ensureElectronNative } = (await import(script)) as {
      ensureElectronNative(options?: { log?: (message: string) => void }): Promise<string>;
    };
    nativeBinding = await ensureElectronNative({ log: (message) => console.log(message) });
    process.env.QRR_NATIVE_BINDING = nativeBinding;
  }

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.ELECTRON_RUN_AS_NODE;
  env.QRR_NATIVE_BINDING = nativeBinding;
  // Own user-data folder (single-instance lock, Chromium profile) on Linux.
  env.XDG_CONFIG_HOME = path.join(work, 'config');

  const args = [root, ...appArgs];
  // Chromium refuses to run as root with its sandbox (containers, CI).
  if (process.platform === 'linux' && process.getuid?.() === 0) args.unshift('--no-sandbox');

  const app = await _electron.launch({ executablePath: electron.executable, args, env, cwd: root, timeout: 60_000 });
  const child = app.process();
  child.stdout?.on('data', (chunk: Buffer) => onLog(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => onLog(chunk.toString()));
  const page = await app.firstWindow({ timeout: 60_000 });
  await page.waitForLoadState('domcontentloaded');
  return { app, page };
}

const reason = skipReason();
if (reason) console.log(`tests/electron/launch.test.ts ignoré : ${reason}`);

describe.skipIf(reason !== null)('application lancée dans Electron', () => {
  let work: string;
  let databasePath: string;
  let app: ElectronApplication;
  let page: Page;
  let mainLog = '';
  let extraWindows = 0;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-electron-launch-'));
    databasePath = path.join(work, 'test.sqlite');
    ({ app, page } = await launchApp(work, [`--db=${databasePath}`], (chunk) => (mainLog += chunk)));
    app.on('window', () => (extraWindows += 1));
  }, 300_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    if (mainLog) console.log(`Journal du processus principal :\n${mainLog}`);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('opens the application window on app://qrr/ with the French title', async () => {
    expect(page.url().startsWith(APP_URL_PREFIX), page.url()).toBe(true);
    expect(await page.title()).toBe(TITLE);
    const name = await app.evaluate(({ app: electronApp }) => electronApp.getName());
    expect(name).toBe(TITLE);
  });

  it('exposes window.api and nothing of Node to the page', async () => {
    const globals = await page.evaluate(() => ({
      api: typeof (window as unknown as { api?: unknown }).api,
      tasks: typeof (window as unknown as { tasks?: unknown }).tasks,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (globalThis as unknown as { process?: unknown }).process,
      module: typeof (globalThis as unknown as { module?: unknown }).module,
    }));
    expect(globals).toEqual({ api: 'object', tasks: 'object', require: 'undefined', process: 'undefined', module: 'undefined' });
  });

  it('runs the core in its own utility process, and relays the progress of a long request to the page', async () => {
    const services = await app.evaluate(({ app: electronApp }) =>
      electronApp.getAppMetrics().filter((metric) => metric.type === 'Utility').map((metric) => metric.serviceName ?? ''),
    );
    expect(services).toContain('Tableau de bord QRR — données');
    const { result, events } = await page.evaluate(async () => {
      const w = window as unknown as {
        api: { installDemo(): Promise<{ ok: boolean }> };
        tasks: { onProgress(listener: (event: { progress: { done: number } | null }) => void): () => void };
      };
      const seen: ({ done: number } | null)[] = [];
      const stop = w.tasks.onProgress((event) => seen.push(event.progress));
      const answer = await w.api.installDemo();
      stop();
      return { result: answer.ok, events: seen };
    });
    expect(result).toBe(true);
    expect(events.length).toBeGreaterThan(2);
    expect(events.at(-1)).toBeNull();
    expect(events.slice(0, -1).map((p) => p?.done)).toEqual(events.slice(0, -1).map((_, i) => i + 1));
  });

  it('refuses navigation away from the application', async () => {
    await page.evaluate(() => {
      window.location.href = 'https://example.org/';
    });
    await page.waitForTimeout(1_500);
    expect(page.url().startsWith(APP_URL_PREFIX), page.url()).toBe(true);
    const mainUrl = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.getURL());
    expect(mainUrl?.startsWith(APP_URL_PREFIX), mainUrl).toBe(true);
    expect(await page.evaluate(() => typeof (window as unknown as { api?: unknown }).api)).toBe('object');
  });

  it('opens no new window (window.open is denied)', async () => {
    const handle = await page.evaluate(() => window.open('https://example.org/', '_blank') === null);
    await page.waitForTimeout(1_000);
    expect(handle).toBe(true);
    expect(extraWindows).toBe(0);
    expect(app.windows()).toHaveLength(1);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('denies permissions (notifications)', async () => {
    const requested = await page.evaluate(() => Notification.requestPermission());
    expect(requested).toBe('denied');
    const queried = await page.evaluate(async () => (await navigator.permissions.query({ name: 'notifications' })).state);
    expect(queried).not.toBe('granted');
  });

  it('creates the SQLite database given by --db', async () => {
    expect(fs.existsSync(databasePath), databasePath).toBe(true);
    await app.close();
    expect(fs.existsSync(databasePath), databasePath).toBe(true);
    expect(fs.statSync(databasePath).size).toBeGreaterThan(0);
  });
});

describe.skipIf(reason !== null)('a .qrr file given on the command line (double click in the Explorer)', () => {
  it('opens the import preview of that file in the running application', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-electron-open-'));
    let log = '';
    let app: ElectronApplication | undefined;
    try {
      // A colleague's file, and a database of the same département ready to receive it (made with the Node build).
      const { openCore } = await import('../support/db');
      const { exportExchange, writeExchangeFile } = await import('../../electron/services/exchange/export');
      for (const dir of ['collegue', 'moi']) fs.mkdirSync(path.join(work, dir));
      const colleague = await openCore(path.join(work, 'collegue'));
      await colleague.dispatch('installDemo', undefined);
      const file = writeExchangeFile(
        exportExchange({ db: colleague.db, now: () => new Date(), osUser: 'collegue', origin: 'test' }, { periods: ['2026-T4'] }),
        path.join(work, 'qrr-93-2026-T4.qrr'),
      );
      colleague.close();
      const mine = await openCore(path.join(work, 'moi'));
      await mine.dispatch('saveSettings', { departementCode: '93', prefetName: '', coordinatorName: 'Camille Martin' });
      await mine.dispatch('createQrr', { name: 'QRR existant', communes: ['93066'], qpvCodes: [], securityZone: null, wave: null, deleguePrefet: '', referents: '', population: null, notes: '' });
      mine.close();

      let page: Page;
      ({ app, page } = await launchApp(work, [`--db=${path.join(work, 'moi', 'qrr.sqlite')}`, file], (chunk) => (log += chunk)));
      await page.getByTestId('import-preview').waitFor({ timeout: 60_000 });
      expect(await page.getByRole('heading', { name: 'Échanges' }).count()).toBe(1);
      expect(await page.getByTestId('import-preview').textContent()).toMatch(/Fichier d'échange de/);
    } finally {
      await app?.close().catch(() => undefined);
      if (log) console.log(`Journal du processus principal :\n${log}`);
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);
});
