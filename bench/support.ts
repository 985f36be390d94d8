import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppCore, type AppCore } from '../electron/services/app-core';

/** The communes of the INSEE's Code officiel géographique, as the application reads them. */
export const COMMUNES_FILE = path.join(__dirname, '..', 'node_modules/@etalab/decoupage-administratif/data/communes.json');

/**
 * Databases in a fresh temporary folder, opened like the application opens
 * them (no start-up backup: the benches measure the work, not the backup).
 */
export function benchFolder(prefix: string): { readonly dir: string; open(name: string, now?: () => Date): Promise<AppCore> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    open: (name, now) =>
      createAppCore({
        databasePath: path.join(dir, name),
        backupDir: path.join(dir, 'sauvegardes'),
        communesFile: COMMUNES_FILE,
        appVersion: 'bench',
        osUser: 'bench',
        origin: 'bench',
        ...(now ? { now } : {}),
        log: { error: () => undefined },
        startupBackup: false,
      }),
  };
}
