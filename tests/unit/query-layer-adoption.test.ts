import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths';

/** The TypeScript files directly in a folder. */
const tsFilesIn = (dir: string): string[] =>
  fs
    .readdirSync(path.join(REPO_ROOT, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f}`);

/*
 * The services converted to the query layer (issue 17) run no SQL of their
 * own: their statements live in the table modules (electron/services/db/tables/),
 * reads go through a ReadonlyDb and writes through writeTransaction /
 * joinTransaction. A raw `db.prepare` or `db.transaction` coming back into one
 * of these files would bypass the read-only types and the statement cache.
 */
const CONVERTED = [
  'electron/services/settings.ts',
  'electron/services/settings-handlers.ts',
  'electron/services/qrr.ts',
  'electron/services/periods.ts',
  'electron/services/results.ts',
  'electron/services/audit.ts',
  'electron/services/keyed-record.ts',
  'electron/services/trust.ts',
  'electron/services/tsa-settings.ts',
  'electron/services/signing-preferences.ts',
  'electron/services/db/backup-inspection.ts',
  'electron/services/db/backup-restore.ts',
  'electron/services/referential.ts',
  'electron/services/demo.ts',
  'electron/services/app-core.ts',
  'electron/services/report/report-service.ts',
  'electron/services/report/load-report-data.ts',
  ...tsFilesIn('electron/services/transfer'),
  'cli/demo-leftover.ts',
  'cli/commands/shared.ts',
  ...tsFilesIn('electron/services/fipd'),
  ...tsFilesIn('electron/services/db/tables'),
];

/** Calls that reach the raw connection: preparing, running SQL, opening a transaction. */
const RAW = /\bdb\.(prepare|exec|pragma|transaction)\(|\bprepared\(/;

/**
 * The same calls on a connection of any name (`snapshot.pragma(…)`,
 * `live.transaction(…)`); `.exec(` only on a name ending in `db`, since
 * RegExp#exec is everywhere.
 */
const RAW_ANY_NAME = /\.(prepare|pragma|transaction)\(|\b\w*[dD]b\.exec\(|\bprepared\(/;

/*
 * Files that may still reach the raw connection:
 * - the low-level layer itself: db/sqlite.ts (opening, WAL, checkpoint),
 *   db/query.ts and db/statement-cache.ts (the layer), db/migrate.ts and
 *   db/migrations/* (schema steps are DDL run once, in the migration's own
 *   transaction, on databases of every older version);
 * - services another change is converting (the exchange and the follow-up's
 *   values and statuses): they leave this list as they adopt the layer.
 */
const LOW_LEVEL = [/^electron\/services\/db\/(sqlite|query|statement-cache|migrate)\.ts$/, /^electron\/services\/db\/migrations\//];
const NOT_YET_CONVERTED = [/^electron\/services\/exchange\//, /^electron\/services\/followup[\w-]*\.ts$/];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

const rawLines = (file: string, pattern: RegExp): string[] =>
  fs
    .readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line) && pattern.test(line))
    .map(({ line, index }) => `${file}:${index + 1}: ${line.trim()}`);

describe('query layer adoption', () => {
  it('the converted services and the table modules never touch the raw connection', () => {
    const offenders = CONVERTED.flatMap((file) => rawLines(file, RAW));
    expect(CONVERTED.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it('outside the low-level layer and the services not yet converted, no file of electron/ or cli/ touches a raw connection', () => {
    const files = [...sourceFiles('electron'), ...sourceFiles('cli')];
    const allowed = (file: string) => [...LOW_LEVEL, ...NOT_YET_CONVERTED].some((pattern) => pattern.test(file));
    const offenders = files.filter((file) => !allowed(file)).flatMap((file) => rawLines(file, RAW_ANY_NAME));
    expect(files.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('the check sees a raw call on a connection of any name', () => {
    for (const line of ["snapshot.pragma('journal_mode = DELETE');", 'live.transaction(() => work())();', "db.exec('DELETE FROM qrr');", 'const s = prepared(db, sql);'])
      expect(RAW_ANY_NAME.test(line), line).toBe(true);
    for (const line of ['const m = /x/.exec(text);', 'readDb(ctx).get(selectQrr, id);', 'writeTransaction(ctx, (db) => db.run(insertQrr, name));'])
      expect(RAW_ANY_NAME.test(line), line).toBe(false);
  });
});
