import fs from 'node:fs';
import { DEMO_COORDINATOR_NAME, DEMO_DEPARTEMENT, DEMO_MARKER, DEMO_ORIGIN, DEMO_PREFET_NAME } from '../electron/services/demo-options';
import { openSqlite } from '../electron/services/db/sqlite';

/*
 * `demo` stopped half-way (killed, power cut) leaves a database that the next
 * `demo` refused (« La base contient déjà des données », even with 0 quartiers)
 * and that nothing else could finish. Such a file holds nothing but what the
 * demonstration wrote: the demonstration's settings, QRRs named as the
 * demonstration names them, and an audit trail written by the `demo` command
 * only (besides the schema's own migration entries). Then `demo` removes it and starts again; any other file is refused
 * as before (a user's own data is never touched).
 */

const exists = (db: ReturnType<typeof openSqlite>, table: string): boolean =>
  db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !== undefined;

/** The quarters every demonstration opens (demo.ts). */
const DEMO_QUARTERS = 8;

/** True when `databasePath` holds only what an interrupted `demo` wrote (a finished one is not « half-made »). */
export function isDemonstrationOnly(databasePath: string): boolean {
  if (!fs.existsSync(databasePath) || fs.statSync(databasePath).size === 0) return false;
  const db = openSqlite(databasePath, { readonly: true });
  try {
    if (!exists(db, 'settings') || !exists(db, 'audit_log') || !exists(db, 'qrr')) return false;
    const settings = db.prepare('SELECT departement_code AS code, prefet_name AS prefet, coordinator_name AS coordinator FROM settings WHERE id = 1').get() as
      | { code: string; prefet: string; coordinator: string }
      | undefined;
    if (!settings || settings.code !== DEMO_DEPARTEMENT || settings.prefet !== DEMO_PREFET_NAME || settings.coordinator !== DEMO_COORDINATOR_NAME) return false;
    const names = db.prepare('SELECT name FROM qrr').pluck().all() as string[];
    if (names.some((n) => !n.includes(DEMO_MARKER))) return false;
    // The schema and référentiel steps (origin « migration ») come with every new file.
    const others = db.prepare(`SELECT count(*) FROM audit_log WHERE origin IS NOT ? AND origin IS NOT 'migration'`).pluck().get(DEMO_ORIGIN) as number;
    if (others > 0) return false;
    // A finished demonstration ends with its quarters transmitted but the last: that one is refused as before.
    const periods = db.prepare(`SELECT count(*) AS n, sum(state = 'transmitted') AS transmitted FROM period`).get() as { n: number; transmitted: number | null };
    const finished = periods.n === DEMO_QUARTERS && (periods.transmitted ?? 0) === DEMO_QUARTERS - 1;
    return !finished;
  } finally {
    db.close();
  }
}

/** Removes the demonstration file and its WAL side files. */
export function removeDemonstration(databasePath: string): void {
  for (const file of [databasePath, `${databasePath}-wal`, `${databasePath}-shm`]) fs.rmSync(file, { force: true });
}
