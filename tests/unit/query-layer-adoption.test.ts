import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths';

/*
 * The services converted to the query layer (issue 17) run no SQL of their
 * own: their statements live in the table modules (electron/services/db/tables/),
 * reads go through a ReadonlyDb and writes through writeTransaction /
 * joinTransaction. A raw `db.prepare` or `db.transaction` coming back into one
 * of these files would bypass the read-only types and the statement cache.
 * (The exchange and the follow-up's values and statuses adopt the layer next.)
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
  ...fs
    .readdirSync(path.join(REPO_ROOT, 'electron/services/fipd'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `electron/services/fipd/${f}`),
  ...fs
    .readdirSync(path.join(REPO_ROOT, 'electron/services/db/tables'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `electron/services/db/tables/${f}`),
];

/** Calls that reach the raw connection: preparing, running SQL, opening a transaction. */
const RAW = /\bdb\.(prepare|exec|pragma|transaction)\(|\bprepared\(/;

describe('query layer adoption', () => {
  it('the converted services and the table modules never touch the raw connection', () => {
    const offenders = CONVERTED.flatMap((file) =>
      fs
        .readFileSync(path.join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line) && RAW.test(line))
        .map(({ line, index }) => `${file}:${index + 1}: ${line.trim()}`),
    );
    expect(CONVERTED.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });
});
