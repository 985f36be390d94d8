import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';

export type BackupReason = 'demarrage' | 'avant-migration' | 'avant-import' | 'avant-restauration' | 'manuelle';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `qrr-20261126-154502-123-avant-migration.sqlite`: sorts by time, says why it exists. */
export function backupFileName(at: Date, reason: BackupReason): string {
  const stamp =
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}-${pad(at.getUTCMilliseconds(), 3)}`;
  return `qrr-${stamp}-${reason}.sqlite`;
}

/**
 * Copies the live database with SQLite's online backup API (`db.backup()`),
 * which gives a consistent snapshot even with a WAL file, unlike a file copy.
 */
export async function backupDatabase(db: Database, dir: string, reason: BackupReason, at: Date): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, backupFileName(at, reason));
  await db.backup(target);
  return target;
}
