import fs from 'node:fs';
import path from 'node:path';
import { parisClock } from '../../../shared/format/paris-time';
import { backupFileName, type BackupReason } from './backup';

/**
 * The backup folder's content: the names of our files, listing them, and
 * pruning them so the folder does not grow without end. Only files named by
 * `backupFileName` are ours: anything else the user drops in the folder is
 * never listed and never deleted.
 */

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/** Every reason, checked by the compiler against `BackupReason` both ways. */
const REASONS: Record<BackupReason, true> = {
  demarrage: true,
  'avant-migration': true,
  'avant-import': true,
  'avant-restauration': true,
  manuelle: true,
};
export const BACKUP_REASONS = Object.keys(REASONS) as readonly BackupReason[];

const isReason = (value: string): value is BackupReason => Object.hasOwn(REASONS, value);

const NAME_PATTERN = /^qrr-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})-([a-z-]+)\.sqlite$/;

/** SQLite's side files: a backup's are deleted with it, the live database's are removed before a restore. */
export const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** Inverse of `backupFileName`; `null` for any other name (including impossible dates such as 31 February). */
export function parseBackupFileName(name: string): { at: Date; reason: BackupReason } | null {
  const match = NAME_PATTERN.exec(name);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, ms, reason] = match;
  if (!reason || !isReason(reason)) return null;
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms)));
  // Date.UTC rolls 31/02 over to 03/03: only a name that round-trips is a real one.
  if (Number.isNaN(at.getTime()) || backupFileName(at, reason) !== name) return null;
  return { at, reason };
}

// ---------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------

export interface BackupEntry {
  /** Absolute path. */
  readonly file: string;
  readonly name: string;
  /** ISO 8601, UTC, from the file name (not the file's mtime, which copies change). */
  readonly at: string;
  readonly reason: BackupReason;
  readonly sizeBytes: number;
}

/** Newest first; same instant: by name, descending, so the order is total. */
const newestFirst = (a: BackupEntry, b: BackupEntry): number =>
  a.at < b.at ? 1 : a.at > b.at ? -1 : a.name < b.name ? 1 : a.name > b.name ? -1 : 0;

/** The backups in `dir`, newest first. A missing folder has none. Other files and folders are ignored. */
export function listBackups(dir: string): BackupEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: BackupEntry[] = [];
  for (const name of names) {
    const parsed = parseBackupFileName(name);
    if (!parsed) continue;
    const file = path.resolve(dir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue; // deleted between readdir and stat
    }
    if (!stat.isFile()) continue;
    entries.push({ file, name, at: parsed.at.toISOString(), reason: parsed.reason, sizeBytes: stat.size });
  }
  return entries.sort(newestFirst);
}

// ---------------------------------------------------------------------------
// Pruning
// ---------------------------------------------------------------------------

export interface PrunePolicy {
  /** The newest `keepLast` backups are always kept (at least 1: the newest one always survives). */
  readonly keepLast: number;
  /**
   * Plus the newest backup of each of the last `keepDailyDays` calendar days,
   * today included, in Europe/Paris time (0: none).
   */
  readonly keepDailyDays: number;
}

export const DEFAULT_PRUNE_POLICY: PrunePolicy = { keepLast: 10, keepDailyDays: 30 };

/**
 * Calendar day in metropolitan French time, `YYYY-MM-DD`. Paris rather than
 * UTC because the Paramètres screen shows dates in Paris time (shared/format/fr):
 * « one per day » must mean the day the coordinator reads next to the backup.
 * With UTC, a backup made at 00:30 in summer would count for the day before.
 */
function parisDay(at: Date): { y: number; m: number; d: number } {
  const { year, month, day } = parisClock(at);
  return { y: year, m: month, d: day };
}

/** Calendar arithmetic on the date alone (no hours), so 23- and 25-hour days change nothing. */
const dayKey = ({ y, m, d }: { y: number; m: number; d: number }, plusDays = 0): string =>
  new Date(Date.UTC(y, m - 1, d + plusDays)).toISOString().slice(0, 10);

/**
 * PURE. The backups to delete under `policy` at `now`: everything except
 * - the newest `keepLast` (never fewer than 1: the backup just made is the newest),
 * - the newest backup of each Paris calendar day from `keepDailyDays - 1` days
 *   before today up to today (backups dated after `now`, from a clock put back,
 *   count as recent and are kept by the same rules),
 * - any backup named in `protect` (file name or path), e.g. the one just made
 *   when the clock may have gone backwards.
 * Returned newest first; the input order does not matter.
 */
export function selectBackupsToPrune(
  backups: readonly BackupEntry[],
  now: Date,
  policy: PrunePolicy = DEFAULT_PRUNE_POLICY,
  protect: readonly string[] = [],
): BackupEntry[] {
  const sorted = [...backups].sort(newestFirst);
  const keep = new Set<BackupEntry>(sorted.slice(0, Math.max(1, Math.floor(policy.keepLast))));
  const protectedNames = new Set(protect.map((p) => path.basename(p)));
  for (const b of sorted) if (protectedNames.has(b.name)) keep.add(b);

  const dailyDays = Math.floor(policy.keepDailyDays);
  if (dailyDays > 0) {
    const firstDay = dayKey(parisDay(now), -(dailyDays - 1));
    const seenDays = new Set<string>();
    for (const b of sorted) {
      const day = dayKey(parisDay(new Date(b.at)));
      if (day < firstDay || seenDays.has(day)) continue;
      seenDays.add(day); // sorted newest first: the first one met is the day's newest
      keep.add(b);
    }
  }
  return sorted.filter((b) => !keep.has(b));
}

/**
 * Deletes the backups `selectBackupsToPrune` selects in `dir` (with any
 * `-wal`/`-shm` left beside them) and returns them. Only files whose name
 * `parseBackupFileName` accepts are ever candidates.
 */
export function pruneBackups(
  dir: string,
  now: Date,
  policy: PrunePolicy = DEFAULT_PRUNE_POLICY,
  protect: readonly string[] = [],
): BackupEntry[] {
  const doomed = selectBackupsToPrune(listBackups(dir), now, policy, protect);
  const deleted: BackupEntry[] = [];
  for (const backup of doomed) {
    // Belt and braces: the path is rebuilt from the folder and a name that parses.
    if (!parseBackupFileName(path.basename(backup.file))) continue;
    try {
      fs.unlinkSync(backup.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const suffix of COMPANION_SUFFIXES) fs.rmSync(backup.file + suffix, { force: true });
    deleted.push(backup);
  }
  return deleted;
}
