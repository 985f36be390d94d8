import fs from 'node:fs';
import path from 'node:path';

/** File-system types of network mounts in /proc/mounts (SQLite's locking is not reliable on any of them). */
export const NETWORK_FS_TYPES: ReadonlySet<string> = new Set([
  'cifs',
  'smb3',
  'smbfs',
  'nfs',
  'nfs4',
  'sshfs',
  'fuse.sshfs',
  'davfs',
  'fuse.davfs2',
  'ncpfs',
  'afs',
  'ceph',
  'glusterfs',
  'fuse.glusterfs',
]);

export interface LocationCheckOptions {
  /** `process.platform`. */
  readonly platform: string;
  /** Linux: the text of /proc/mounts (read from the system when omitted). */
  readonly mounts?: string;
  /**
   * Resolves the path before checking it (see `nearestRealPath`): symbolic
   * links and, on Windows, mapped network drives (Z:) lead to the real place.
   */
  readonly realpath?: (file: string) => string;
}

/**
 * Null when the database may live at `databasePath`, or a French explanation
 * when it is on a network share: SQLite's file locking is not reliable over
 * SMB/NFS, and several workstations writing the same file can lose data or
 * corrupt it.
 */
export function databaseLocationProblem(databasePath: string, options: LocationCheckOptions): string | null {
  let resolved = databasePath;
  if (options.realpath) {
    try {
      resolved = options.realpath(databasePath);
    } catch {
      resolved = databasePath;
    }
  }
  const share = networkShareOf(resolved, options) ?? (resolved === databasePath ? null : networkShareOf(databasePath, options));
  return share ? explain(databasePath, share) : null;
}

/** The share (`\\serveur\partage`, or a mount point with its type) holding `file`, or null. */
export function networkShareOf(file: string, options: Pick<LocationCheckOptions, 'platform' | 'mounts'>): string | null {
  if (options.platform === 'win32') return uncShareOf(file);
  if (options.platform === 'linux') {
    const mounts = options.mounts ?? readProcMounts();
    if (mounts === null) return null;
    const mount = mountOf(path.posix.resolve(file), parseMounts(mounts));
    return mount && NETWORK_FS_TYPES.has(mount.type) ? `${mount.device} (${mount.type}, monté sur ${mount.mountPoint})` : null;
  }
  return null;
}

/** `\\server\share\…`, `//server/share/…` and `\\?\UNC\server\share\…` → `\\server\share`; local paths → null. */
export function uncShareOf(file: string): string | null {
  const normalised = file.replace(/\//g, '\\');
  const long = /^\\\\\?\\UNC\\([^\\]+)\\([^\\]+)/i.exec(normalised);
  if (long) return `\\\\${long[1]}\\${long[2]}`;
  // \\?\C:\… (long local path) and \\.\… (devices) are not shares.
  if (/^\\\\[?.]\\/.test(normalised)) return null;
  const unc = /^\\\\([^\\]+)\\([^\\]+)/.exec(normalised);
  return unc ? `\\\\${unc[1]}\\${unc[2]}` : null;
}

export interface MountEntry {
  readonly device: string;
  readonly mountPoint: string;
  readonly type: string;
}

/** /proc/mounts lines (`device mountpoint type options 0 0`, spaces escaped as \040). */
export function parseMounts(text: string): MountEntry[] {
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || !fields[1]!.startsWith('/')) continue;
    entries.push({ device: unescape(fields[0]!), mountPoint: unescape(fields[1]!), type: fields[2]! });
  }
  return entries;
}

/** The mount that holds `file`: the longest mount point containing it (the last one mounted, for equal paths). */
export function mountOf(file: string, mounts: readonly MountEntry[]): MountEntry | null {
  let best: MountEntry | null = null;
  for (const mount of mounts) {
    const point = mount.mountPoint.length > 1 ? mount.mountPoint.replace(/\/+$/, '') : mount.mountPoint;
    const inside = point === '/' || file === point || file.startsWith(`${point}/`);
    if (inside && (!best || point.length >= best.mountPoint.replace(/\/+$/, '').length)) best = { ...mount, mountPoint: point };
  }
  return best;
}

function readProcMounts(): string | null {
  try {
    return fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return null;
  }
}

/**
 * `file` with symbolic links (and, on Windows, mapped drive letters) resolved,
 * even when it does not exist yet: the nearest existing folder is resolved and
 * the rest appended. Never throws (returns `file` as given).
 */
export function nearestRealPath(file: string): string {
  try {
    let existing = path.resolve(file);
    const rest: string[] = [];
    while (!fs.existsSync(existing)) {
      const parent = path.dirname(existing);
      if (parent === existing) return file;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
    return path.join(fs.realpathSync.native(existing), ...rest);
  } catch {
    return file;
  }
}

function explain(databasePath: string, share: string): string {
  return (
    `La base de données se trouve sur un partage réseau : ${databasePath} (${share}).\n\n` +
    "SQLite, le format de la base, n'est pas fait pour être utilisé à travers un partage réseau : " +
    "le verrouillage du fichier n'y est pas fiable, et une coupure du réseau ou deux postes ouverts " +
    'en même temps sur le même fichier peuvent faire perdre des saisies ou endommager la base.\n\n' +
    "Conseil : placez la base dans un dossier local du poste (par défaut, le dossier de données de l'application) " +
    "et appuyez-vous sur les sauvegardes (écran « Paramètres », rubrique « Sauvegardes ») ; pour mettre une copie à l'abri sur le réseau, " +
    'copiez-y une sauvegarde plutôt que la base elle-même.'
  );
}
