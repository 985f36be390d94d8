/**
 * PURE rules of the transfer archive (`qrr-transfert`): names, limits, the
 * manifest and which paths inside the archive may be written into the data
 * folder. No file system here: unit-tested in tests/unit/transfer-rules.test.ts.
 */
import { z } from 'zod';
import { TRANSFER_EXTENSION, TRANSFER_MAX_ARCHIVE_BYTES } from '../../../shared/transfer/transfer';
import { parisIsoDate } from '../../../shared/format/paris-time';
import { DATA_FOLDERS } from '../paths';

export const TRANSFER_FORMAT = 'qrr-transfert';
export const TRANSFER_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
/** Whatever the database file is called on either workstation, it travels under this name. */
export const DATABASE_ENTRY = 'base/qrr.sqlite';
/** The folders beside the database that travel with it. Backups (« sauvegardes ») do not. */
export const TRANSFERRED_FOLDERS = [DATA_FOLDERS.reports, DATA_FOLDERS.exports, DATA_FOLDERS.trustedRoots] as const;
export type TransferredFolder = (typeof TRANSFERRED_FOLDERS)[number];

export const BACKUPS_NOTE =
  "Les sauvegardes (dossier « sauvegardes ») ne sont pas incluses : l'archive contient l'état actuel de la base, " +
  'les rapports, les exports et les autorités de confiance.';

export interface TransferLimits {
  /** The archive itself (it crosses the IPC bridge in one request). */
  readonly maxArchiveBytes: number;
  /** Sum of the uncompressed sizes: declared by the archive, and counted while inflating. */
  readonly maxUncompressedBytes: number;
  readonly maxEntries: number;
  readonly maxManifestBytes: number;
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = {
  maxArchiveBytes: TRANSFER_MAX_ARCHIVE_BYTES,
  // A département's database with eight years of quarters and its reports stays far below.
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 50_000,
  maxManifestBytes: 16 * 1024 * 1024,
};

/** `qrr-transfert-93-2026-11-26.qrrsauv`; `sans-departement` before the département is chosen. */
export function transferFileName(departementCode: string | null, at: Date): string {
  return `qrr-transfert-${departementCode ?? 'sans-departement'}-${parisIsoDate(at)}${TRANSFER_EXTENSION}`;
}

/** Earlier transfer archives in « exports » are not put into the next one (nor half-written files). */
export const isLeftOutOfExport = (folder: TransferredFolder, name: string): boolean =>
  /\.tmp$/i.test(name) || (folder === 'exports' && name.toLowerCase().endsWith(TRANSFER_EXTENSION));

// ---------------------------------------------------------------------------
// Paths

// Names Windows cannot create (or creates as something else): the archive may come from Linux.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$/i;
const WINDOWS_FORBIDDEN_CHARS = /[<>:"|?*]/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const MAX_PATH_LENGTH = 400;
const MAX_SEGMENT_LENGTH = 255;

/**
 * PURE. Why a path found in an archive must not be written into the data
 * folder, or `null` when it may. Accepted: `manifest.json`, the database
 * entry, and files (not folders) under the transferred folders, written with
 * `/`, each part a name every supported system can create.
 * Refused first of all: anything that could leave the folder (`..`, absolute
 * paths, drive letters, backslashes).
 */
export function archivePathProblem(name: string): string | null {
  if (name.length === 0) return 'un chemin vide';
  const shown = `« ${name.slice(0, 120)} »`;
  if (
    name.startsWith('/') ||
    name.startsWith('\\') ||
    /^[A-Za-z]:/.test(name) ||
    name.split(/[/\\]/).some((part) => part === '..') ||
    name.includes('\\')
  ) {
    return `le chemin ${shown} sort du dossier des données`;
  }
  if (CONTROL_CHARS.test(name)) return `le chemin ${shown} contient des caractères de contrôle`;
  if (name.length > MAX_PATH_LENGTH) return `le chemin ${shown} est trop long`;
  if (name === MANIFEST_NAME || name === DATABASE_ENTRY) return null;
  const parts = name.split('/');
  const [folder] = parts;
  if (!(TRANSFERRED_FOLDERS as readonly string[]).includes(folder ?? '') || parts.length < 2) {
    return `le chemin ${shown} n'est pas un emplacement prévu (rapports, exports, autorités de confiance)`;
  }
  for (const part of parts.slice(1)) {
    if (part === '' || part === '.') return `le chemin ${shown} est mal formé`;
    if (part.length > MAX_SEGMENT_LENGTH) return `le chemin ${shown} contient un nom trop long`;
    if (WINDOWS_FORBIDDEN_CHARS.test(part) || WINDOWS_RESERVED.test(part) || /[. ]$/.test(part)) {
      return `le nom ${shown} ne peut pas être créé sous Windows`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Manifest

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'empreinte SHA-256 invalide');

const ManifestFile = z.strictObject({
  path: z.string().min(1).max(MAX_PATH_LENGTH),
  size: z.number().int().min(0),
  sha256: Sha256,
});

const ManifestV1 = z.object({
  format: z.literal(TRANSFER_FORMAT),
  version: z.literal(TRANSFER_VERSION),
  createdAt: z.iso.datetime(),
  appVersion: z.string().max(100),
  /** `PRAGMA user_version` of the database in the archive. */
  schemaVersion: z.number().int().min(1),
  referentialVersion: z.number().int().min(1).nullable(),
  departement: z.strictObject({ code: z.string().max(3), nom: z.string().max(200) }).nullable(),
  /** Who exported (operating-system account). */
  osUser: z.string().max(200),
  database: z.literal(DATABASE_ENTRY),
  includesBackups: z.literal(false),
  note: z.string().max(2000),
  files: z.array(ManifestFile),
});

export type TransferManifest = z.infer<typeof ManifestV1>;
export type ManifestFileEntry = z.infer<typeof ManifestFile>;

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const NOT_OURS = "ce fichier n'est pas une archive de transfert du Tableau de bord QRR";

/**
 * PURE. Reads the manifest's text: ours (format id), not newer than this
 * application, well-formed, every path acceptable (archivePathProblem), no
 * path twice, the database listed. Messages are French, without the final
 * « rien n'a été modifié » the caller adds.
 */
export function checkManifest(text: string, limits: Pick<TransferLimits, 'maxEntries'> = DEFAULT_TRANSFER_LIMITS): Checked<TransferManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: `${NOT_OURS} (manifeste illisible)` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as { format?: unknown }).format !== TRANSFER_FORMAT) {
    return { ok: false, message: NOT_OURS };
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, message: "la version du format de l'archive est invalide" };
  }
  if (version > TRANSFER_VERSION) {
    return {
      ok: false,
      message:
        `l'archive a été créée par une version plus récente de l'application (format ${version}, ` +
        `cette version lit le format ${TRANSFER_VERSION}) ; installez la dernière version de l'application`,
    };
  }
  const parsed = ManifestV1.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `le manifeste de l'archive est invalide (${issue ? `${issue.path.join('.') || 'racine'} : ${issue.message}` : 'format'})` };
  }
  const manifest = parsed.data;
  if (manifest.files.length > limits.maxEntries) return { ok: false, message: "l'archive contient trop de fichiers" };
  const seen = new Set<string>();
  for (const file of manifest.files) {
    const problem = file.path === MANIFEST_NAME ? 'le manifeste ne peut pas se décrire lui-même' : archivePathProblem(file.path);
    if (problem) return { ok: false, message: problem };
    if (seen.has(file.path)) return { ok: false, message: `le fichier « ${file.path} » figure deux fois dans le manifeste` };
    seen.add(file.path);
  }
  if (!seen.has(DATABASE_ENTRY)) return { ok: false, message: "l'archive ne contient pas de base de données" };
  return { ok: true, value: manifest };
}

/** What the zip's central directory says of one entry (fflate's UnzipFileInfo). */
export interface ArchiveEntryInfo {
  readonly name: string;
  readonly originalSize: number;
  readonly compression: number;
}

/**
 * PURE. The entries of the zip, before anything is inflated: acceptable
 * names, no name twice, a known compression, and — against zip bombs — a
 * declared total within the limit. Returns the declared sizes by name.
 */
export function checkArchiveEntries(
  entries: readonly ArchiveEntryInfo[],
  limits: Pick<TransferLimits, 'maxEntries' | 'maxUncompressedBytes' | 'maxManifestBytes'> = DEFAULT_TRANSFER_LIMITS,
): Checked<ReadonlyMap<string, number>> {
  if (entries.length > limits.maxEntries) return { ok: false, message: "l'archive contient trop de fichiers" };
  const manifest = entries.find((e) => e.name === MANIFEST_NAME);
  if (!manifest) return { ok: false, message: `${NOT_OURS} (pas de manifeste)` };
  const sizes = new Map<string, number>();
  let total = 0;
  for (const entry of entries) {
    const problem = archivePathProblem(entry.name);
    if (problem) return { ok: false, message: problem };
    if (sizes.has(entry.name)) return { ok: false, message: `le fichier « ${entry.name} » figure deux fois dans l'archive` };
    if (entry.compression !== 0 && entry.compression !== 8) {
      return { ok: false, message: `le fichier « ${entry.name} » utilise une compression inconnue` };
    }
    if (!Number.isSafeInteger(entry.originalSize) || entry.originalSize < 0) {
      return { ok: false, message: `la taille du fichier « ${entry.name} » est invalide` };
    }
    total += entry.originalSize;
    sizes.set(entry.name, entry.originalSize);
  }
  if (total > limits.maxUncompressedBytes) {
    return {
      ok: false,
      message: `une fois décompressée, l'archive occuperait ${formatMegabytes(total)}, au-delà de la limite de ${formatMegabytes(limits.maxUncompressedBytes)}`,
    };
  }
  if (manifest.originalSize > limits.maxManifestBytes) return { ok: false, message: 'le manifeste de l\'archive est trop volumineux' };
  return { ok: true, value: sizes };
}

/**
 * PURE. The manifest and the zip describe the same files: each file of the
 * manifest is in the zip with the size the manifest gives, and the zip holds
 * nothing the manifest does not list (so nothing unchecked is ever written).
 */
export function crossCheck(manifest: TransferManifest, declaredSizes: ReadonlyMap<string, number>): string | null {
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const file of manifest.files) {
    const size = declaredSizes.get(file.path);
    if (size === undefined) return `le fichier « ${file.path} » annoncé par le manifeste manque dans l'archive`;
    if (size !== file.size) return `la taille du fichier « ${file.path} » diffère de celle du manifeste`;
  }
  for (const name of declaredSizes.keys()) {
    if (name !== MANIFEST_NAME && !listed.has(name)) return `le fichier « ${name} » n'est pas décrit par le manifeste`;
  }
  return null;
}

/** `1 234 Mo`, for the limits in messages. */
export function formatMegabytes(bytes: number): string {
  const mb = Math.ceil(bytes / (1024 * 1024));
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(mb)}\u00a0Mo`;
}

/**
 * PURE. The names tried, in order, for an incoming file whose name is taken
 * by a different file: `rapport.pdf` → `rapport (transfert).pdf`,
 * `rapport (transfert 2).pdf`… The extension is kept so the file still opens
 * (and a trusted root still ends in .pem).
 */
export function alternativeName(fileName: string, attempt: number): string {
  const dot = fileName.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
  return `${stem} (transfert${attempt > 1 ? ` ${attempt}` : ''})${ext}`;
}
