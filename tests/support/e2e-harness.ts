import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { createAppCore } from '../../electron/services/app-core';
import { createOpenedFileQueue, type OpenedFileQueue } from '../../electron/services/desktop/open-file';
import { serveApp } from '../../electron/services/desktop/serve-renderer';
import { isTrustedSender } from '../../electron/services/desktop/security-policy';
import type { StartedCall } from '../../electron/services/host/client';
import type { MigrationReport } from '../../electron/services/db/migrate';
import type { ProgressEvent, ProgressListener } from '../../shared/ipc/progress';
import { fail, type Result } from '../../shared/ipc/result';
import type { ChannelName } from '../../shared/ipc/channels';
import { startHostedCore } from './core-host';
import { COMMUNES_FILE, REPO_ROOT } from './paths';

/**
 * End-to-end harness: the real built renderer (dist/renderer) in Debian's
 * Chromium, with `window.api` bridged to the very handlers the application
 * runs (createAppCore), over a real SQLite file. As in the application, the
 * core runs in its own process (the core host, electron/services/host/, here a
 * Node child process) and this process only relays requests, progress events
 * (`window.tasks`) and cancellations, as Electron's main does.
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

/** The application's core as the tests see it: requests through the same boundary as the page. */
export interface HarnessCore {
  dispatch(channel: string, payload: unknown): Promise<Result<unknown>>;
  /** Requests by id, with progress (what the page's bridge uses). */
  start(channel: string, payload: unknown, onProgress?: ProgressListener): StartedCall;
  cancel(id: number): void;
  /**
   * A connection of the test's own to the database file, to inspect it (snapshots, direct reads):
   * the application's connection lives in the core host. Reopened if the file was replaced (restore).
   */
  readonly db: Database.Database;
  /** Files waiting for the window, as main's queue (handed to the host when the page takes one). */
  readonly openedFiles: OpenedFileQueue;
  readonly migration: MigrationReport;
  close(): Promise<void>;
}

export interface AppSession {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly core: HarnessCore;
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

/** A connection for the test's own reads, reopened when the file under the path is another one (a restore swaps it). */
function inspectionConnection(databasePath: string): { readonly db: Database.Database; close(): void } {
  let opened: { db: Database.Database; ino: number } | null = null;
  return {
    get db() {
      const ino = fs.statSync(databasePath).ino;
      if (opened?.ino !== ino) {
        opened?.db.close();
        opened = { db: new Database(databasePath), ino };
      }
      return opened.db;
    },
    close: () => opened?.db.close(),
  };
}

/**
 * The core in the test's own process: only for a test that needs a clock of its own
 * (`now`: a function cannot cross to another process). Same shape as the hosted core.
 */
async function inProcessCore(databasePath: string, now: () => Date) {
  const core = await createAppCore({
    databasePath,
    backupDir: path.join(path.dirname(databasePath), 'sauvegardes'),
    communesFile: COMMUNES_FILE,
    appVersion: 'e2e',
    osUser: 'e2e-user',
    origin: 'ui',
    now,
    log: { error: (message, details) => console.error(message, details) },
  });
  let nextId = 1;
  const running = new Map<number, AbortController>();
  const start = (channel: string, payload: unknown, onProgress?: ProgressListener): StartedCall => {
    const id = nextId++;
    const controller = new AbortController();
    running.set(id, controller);
    const result = core.dispatch(channel, payload, { signal: controller.signal, ...(onProgress ? { onProgress } : {}) }).finally(() => running.delete(id));
    return { id, result };
  };
  return {
    start,
    dispatch: (channel: string, payload: unknown) => start(channel, payload).result,
    cancel: (id: number) => running.get(id)?.abort(),
    openedFiles: core.openedFiles,
    migration: core.migration,
    close: async () => core.close(),
  };
}

export async function startApp(
  browser: Browser,
  options: { readonly databasePath?: string; readonly now?: () => Date } = {},
): Promise<AppSession> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrr-e2e-'));
  const databasePath = options.databasePath ?? path.join(dir, 'qrr.sqlite');
  const backend = options.now
    ? await inProcessCore(databasePath, options.now)
    : await startHostedCore({ databasePath, appVersion: 'e2e', osUser: 'e2e-user', openedFiles: createOpenedFileQueue() });
  const inspection = inspectionConnection(databasePath);
  const core: HarnessCore = {
    start: (channel, payload, onProgress) => backend.start(channel, payload, onProgress),
    dispatch: (channel, payload) => backend.start(channel, payload).result,
    cancel: (id) => backend.cancel(id),
    get db() {
      return inspection.db;
    },
    openedFiles: backend.openedFiles,
    migration: backend.migration,
    close: async () => {
      inspection.close();
      await backend.close();
    },
  };

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
  // Same checks as ipcMain's handlers (electron/shell/core-process.ts): the sender must be the application's page.
  await context.exposeBinding('__qrrBridge', async (source, channel: string, request: unknown) => {
    if (!isTrustedSender(source.frame.url(), E2E_ORIGIN)) {
      return fail('FORBIDDEN_SENDER', "Cette demande ne provient pas de l'application et a été refusée.");
    }
    // Progress goes to the asking page in order, the closing event before the answer (as main sends them).
    let relayed: Promise<unknown> = Promise.resolve();
    const relay = (event: ProgressEvent) => (relayed = relayed.then(() => deliverProgress(source.frame, event)));
    let reported = false;
    const call = core.start(channel, request, (progress) => {
      reported = true;
      void relay({ id: call.id, channel: channel as ChannelName, progress });
    });
    const result = await call.result;
    if (reported) await relay({ id: call.id, channel: channel as ChannelName, progress: null });
    return result;
  });
  await context.exposeBinding('__qrrCancel', (source, id: unknown) => {
    if (isTrustedSender(source.frame.url(), E2E_ORIGIN) && typeof id === 'number') core.cancel(id);
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
      await core.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Hands a progress event to the page's `window.tasks` listeners (tests/support/e2e-bridge-entry.ts). */
async function deliverProgress(frame: Frame, event: ProgressEvent): Promise<void> {
  try {
    await frame.evaluate((e) => (window as unknown as { __qrrProgress?: (e: unknown) => void }).__qrrProgress?.(e), event);
  } catch {
    // The page navigated or closed meanwhile: nobody is listening any more.
  }
}
