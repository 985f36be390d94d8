import path from 'node:path';

export const DB_ENV_VAR = 'QRR_DB';
export const DB_FLAG = '--db';
export const DEFAULT_DB_FILE = 'qrr.sqlite';

/** The folders the application keeps beside the database (IT's guide and « Exporter tout » name them too). */
export const DATA_FOLDERS = {
  backups: 'sauvegardes',
  reports: 'rapports',
  exports: 'exports',
  trustedRoots: 'autorites-de-confiance',
} as const;

/** Every folder of the data folder, from the database's path. */
export function dataFolders(databasePath: string): { readonly [K in keyof typeof DATA_FOLDERS]: string } {
  const dir = path.dirname(databasePath);
  return {
    backups: path.join(dir, DATA_FOLDERS.backups),
    reports: path.join(dir, DATA_FOLDERS.reports),
    exports: path.join(dir, DATA_FOLDERS.exports),
    trustedRoots: path.join(dir, DATA_FOLDERS.trustedRoots),
  };
}

/**
 * Where the database lives: `--db=PATH` (or `--db PATH`) on the command line
 * wins, then the QRR_DB environment variable, then the user-data folder.
 * Backups go to a `sauvegardes` folder beside the database.
 */
export function resolveDataPaths(options: {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly userDataDir: string;
  readonly cwd: string;
}): { readonly databasePath: string; readonly backupDir: string; readonly source: 'flag' | 'env' | 'default' } {
  const fromFlag = readFlag(options.argv, DB_FLAG);
  const fromEnv = options.env[DB_ENV_VAR]?.trim();
  const chosen = fromFlag ?? (fromEnv ? fromEnv : undefined);
  const databasePath = chosen
    ? path.resolve(options.cwd, chosen)
    : path.join(options.userDataDir, DEFAULT_DB_FILE);
  return {
    databasePath,
    backupDir: path.join(path.dirname(databasePath), 'sauvegardes'),
    source: fromFlag ? 'flag' : chosen ? 'env' : 'default',
  };
}

function readFlag(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1) || undefined;
    if (arg === flag) {
      const next = argv[i + 1];
      return next && !next.startsWith('--') ? next : undefined;
    }
  }
  return undefined;
}
