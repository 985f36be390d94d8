import fs from 'node:fs';
import { DEMO_COORDINATOR_NAME, DEMO_DEPARTEMENT, DEMO_MARKER, DEMO_ORIGIN, DEMO_PREFET_NAME } from '../electron/services/demo-options';
import { readDb, type ReadonlyDb } from '../electron/services/db/query';
import { openSqlite } from '../electron/services/db/sqlite';
import { countAuditEntriesNotFrom, countPeriodStates, selectQrrNames } from '../electron/services/db/tables/row-counts';
import { selectSettings } from '../electron/services/db/tables/settings';
import { selectTableExists } from '../electron/services/db/tables/sqlite-schema';

/*
 * `demo` stopped half-way (killed, power cut) leaves a database that the next
 * `demo` refused (« La base contient déjà des données », even with 0 quartiers)
 * and that nothing else could finish. Such a file holds nothing but what the
 * demonstration wrote: the demonstration's settings, QRRs named as the
 * demonstration names them, and an audit trail written by the `demo` command
 * only (besides the schema's own migration entries). Then `demo` removes it and starts again; any other file is refused
 * as before (a user's own data is never touched).
 */

const exists = (db: ReadonlyDb, table: string): boolean => db.get(selectTableExists, table) !== undefined;

/** The quarters every demonstration opens (demo.ts). */
const DEMO_QUARTERS = 8;

/** True when `databasePath` holds only what an interrupted `demo` wrote (a finished one is not « half-made »). */
export function isDemonstrationOnly(databasePath: string): boolean {
  if (!fs.existsSync(databasePath) || fs.statSync(databasePath).size === 0) return false;
  const connection = openSqlite(databasePath, { readonly: true });
  try {
    const db = readDb(connection);
    if (!exists(db, 'settings') || !exists(db, 'audit_log') || !exists(db, 'qrr')) return false;
    const settings = db.get(selectSettings);
    if (
      !settings ||
      settings.departementCode !== DEMO_DEPARTEMENT ||
      settings.prefetName !== DEMO_PREFET_NAME ||
      settings.coordinatorName !== DEMO_COORDINATOR_NAME
    )
      return false;
    const names = db.all(selectQrrNames);
    if (names.some((n) => !n.includes(DEMO_MARKER))) return false;
    // The schema and référentiel steps (origin « migration ») come with every new file.
    const others = db.get(countAuditEntriesNotFrom, DEMO_ORIGIN) ?? 0;
    if (others > 0) return false;
    // A finished demonstration ends with its quarters transmitted but the last: that one is refused as before.
    const periods = db.get(countPeriodStates) ?? { n: 0, transmitted: null };
    const finished = periods.n === DEMO_QUARTERS && (periods.transmitted ?? 0) === DEMO_QUARTERS - 1;
    return !finished;
  } finally {
    connection.close();
  }
}

/** Removes the demonstration file and its WAL side files. */
export function removeDemonstration(databasePath: string): void {
  for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) fs.rmSync(file, { force: true });
}
