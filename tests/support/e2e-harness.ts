import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createAppCore, type AppCore } from '../../electron/services/app-core';
import { serveApp } from '../../electron/services/desktop/serve-renderer';
import { isTrustedSender } from '../../electron/services/desktop/security-policy';
import { fail } from '../../shared/ipc/result';
import { COMMUNES_FILE, REPO_ROOT } from './paths';

/**
 * End-to-end harness: the real built renderer (dist/renderer) in Debian's
 * Chromium, with `window.api` bridged to the very handlers Electron's main
 * process registers (createAppCore), over a real SQLite file.
 *
 * The page is served at E2E_ORIGIN by the same `serveApp` as the app://
 * protocol (same CSP, same traversal guard); every other request is aborted
 * and recorded, so a test can prove the UI never reaches the network.
 */
export const E2E_ORIGIN = 'http://qrr.localhost';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RENDERER_DIR = path.join(REPO_ROOT, 'dist', 'renderer');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // As electron/main.ts does: date inputs in the French order.
  '--lang=fr-FR',
];

let bridgeScript: Promise<string> | undefined;
const bundleBridge = (): Promise<string> =>
  (bridgeScript ??= build({
    entryPoints: [path.join(REPO_ROOT, 'tests/support/e2e-bridge-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
  }).then((result) => result.outputFiles[0]!.text));

export function assertPrerequisites(): void {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build` first (npm test does it).');
  }
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH).`);
  }
}

export async function launchBrowser(): Promise<Browser> {
  assertPrerequisites();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface AppSession {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly core: AppCore;
  readonly databasePath: string;
  readonly dir: string;
  /** Requests that tried to leave the application's origin (aborted). */
  readonly externalRequests: string[];
  /** Console errors and CSP violations reported by the page. */
  readonly consoleErrors: string[];
  /** Opens the application page (again). */
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function startApp(
  browser: Browser,
  options: { readonly databasePath?: string; readonly now?: () => Date } = {},
): Promise<AppSession> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-e2e-'));
  const databasePath = options.databasePath ?? path.join(dir, 'qrr.sqlite');
  const core = await createAppCore({
    databasePath,
    backupDir: path.join(path.dirname(databasePath), 'sauvegardes'),
    communesFile: COMMUNES_FILE,
    appVersion: 'e2e',
    osUser: 'e2e-user',
    origin: 'ui',
    ...(options.now ? { now: options.now } : {}),
    log: { error: (message, details) => console.error(message, details) },
  });

  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 800 } });
  // Only the tests use the clipboard API (to put what Excel would on the clipboard, and read it back);
  // the application itself reads nothing but paste events, which need no permission.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: E2E_ORIGIN });
  const externalRequests: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== E2E_ORIGIN) {
      externalRequests.push(url.href);
      return route.abort('blockedbyclient');
    }
    const response = serveApp(RENDERER_DIR, url.pathname, crypto.randomBytes(18).toString('base64'));
    return route.fulfill({ status: response.status, headers: { ...response.headers }, body: response.body });
  });
  // Same checks as ipcMain's handlers: the sender must be the application's page.
  await context.exposeBinding('__qrrBridge', (source, channel: string, request: unknown) => {
    if (!isTrustedSender(source.frame.url(), E2E_ORIGIN)) {
      return fail('FORBIDDEN_SENDER', "Cette demande ne provient pas de l'application et a été refusée.");
    }
    return core.dispatch(channel, request);
  });
  await context.addInitScript({ content: await bundleBridge() });

  const page = await context.newPage();
  // Fail with Playwright's own message (which step, which locator) well before vitest's timeout.
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));

  return {
    page,
    context,
    core,
    databasePath,
    dir,
    externalRequests,
    consoleErrors,
    open: async () => {
      await page.goto(`${E2E_ORIGIN}/index.html`);
    },
    close: async () => {
      await context.close();
      core.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
