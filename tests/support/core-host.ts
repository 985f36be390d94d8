/**
 * The core host for tests: electron/services/host/entry.ts bundled as the
 * build bundles it (dist/electron/core-host.cjs), from the working tree's
 * sources, and started as a Node child process speaking the same protocol as
 * the application's utilityProcess.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { createCoreClient, type CoreClient, type CoreClientLog } from '../../electron/services/host/client';
import { forkHost } from '../../electron/services/host/fork-transport';
import type { HostInit } from '../../electron/services/host/protocol';
import type { OpenedFileQueue } from '../../electron/services/desktop/open-file';
import { COMMUNES_FILE, REPO_ROOT } from './paths';

/** Inside the repository, so the bundle finds better-sqlite3 and pkcs11js in node_modules. */
const BUNDLE_DIR = path.join(REPO_ROOT, 'dist', 'test-host');

let bundled: Promise<string> | undefined;

/** The host bundle's path, built once per test process (named by its content: parallel files share it safely). */
export const hostEntry = (): Promise<string> =>
  (bundled ??= build({
    entryPoints: [path.join(REPO_ROOT, 'electron/services/host/entry.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron', 'better-sqlite3', 'pkcs11js'],
    logLevel: 'warning',
  }).then((result) => {
    const code = result.outputFiles[0]!.contents;
    const file = path.join(BUNDLE_DIR, `core-host-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(BUNDLE_DIR, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, file);
    }
    return file;
  }));

export interface HostedCoreOptions {
  readonly databasePath: string;
  readonly backupDir?: string;
  readonly appVersion?: string;
  readonly osUser?: string;
  readonly log?: Partial<CoreClientLog>;
  readonly openedFiles?: OpenedFileQueue;
  readonly init?: Partial<HostInit>;
  readonly env?: NodeJS.ProcessEnv;
}

/** A core host in a child process over `databasePath`, as the application starts it. */
export async function startHostedCore(options: HostedCoreOptions): Promise<CoreClient> {
  const entry = await hostEntry();
  return createCoreClient({
    // cwd: the report finds its fonts in seeds/fonts from the repository's root.
    spawn: forkHost({ entry, cwd: REPO_ROOT, ...(options.env ? { env: options.env } : {}) }),
    init: {
      databasePath: options.databasePath,
      backupDir: options.backupDir ?? path.join(path.dirname(options.databasePath), 'sauvegardes'),
      communesFile: COMMUNES_FILE,
      appVersion: options.appVersion ?? 'test',
      osUser: options.osUser ?? 'test-user',
      origin: 'ui',
      ...options.init,
    },
    log: { error: options.log?.error ?? ((message, details) => console.error(message, details)), info: options.log?.info ?? (() => undefined) },
    ...(options.openedFiles ? { openedFiles: options.openedFiles } : {}),
  });
}
