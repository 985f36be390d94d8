import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataPaths } from '../../electron/services/paths';

const base = { userDataDir: path.resolve('/home/agent/.config/Tableau de bord QRR'), cwd: path.resolve('/work') };

describe('database location', () => {
  it('defaults to the user-data folder, backups beside it', () => {
    const paths = resolveDataPaths({ ...base, argv: ['electron', '.'], env: {} });
    expect(paths).toEqual({
      databasePath: path.join(base.userDataDir, 'qrr.sqlite'),
      backupDir: path.join(base.userDataDir, 'sauvegardes'),
      source: 'default',
    });
  });

  it('takes QRR_DB, and the --db flag over it (both forms, relative to the working folder)', () => {
    expect(resolveDataPaths({ ...base, argv: [], env: { QRR_DB: 'data/93.sqlite' } })).toMatchObject({
      databasePath: path.resolve('/work/data/93.sqlite'),
      source: 'env',
    });
    expect(resolveDataPaths({ ...base, argv: ['x', '--db=/tmp/a.sqlite'], env: { QRR_DB: '/tmp/b.sqlite' } })).toMatchObject({
      databasePath: path.resolve('/tmp/a.sqlite'),
      backupDir: path.resolve('/tmp/sauvegardes'),
      source: 'flag',
    });
    expect(resolveDataPaths({ ...base, argv: ['x', '--db', 'c.sqlite'], env: {} }).databasePath).toBe(path.resolve('/work/c.sqlite'));
  });

  it('ignores an empty flag or variable', () => {
    expect(resolveDataPaths({ ...base, argv: ['--db='], env: { QRR_DB: '  ' } }).source).toBe('default');
    expect(resolveDataPaths({ ...base, argv: ['--db', '--other'], env: {} }).source).toBe('default');
  });
});
