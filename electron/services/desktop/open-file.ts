import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../../shared/ipc/result';
import { EXCHANGE_MAX_BYTES } from '../../../shared/exchange/format';
import { DB_FLAG } from '../paths';

/**
 * Files the application is asked to open from outside the window: a double
 * click on an exchange file (file association: first launch or a second
 * instance handing over to the running one), macOS's `open-file`, the
 * « Fichier › Importer… » menu. Main queues them; the renderer pulls them one
 * by one (`takeOpenedFile`), so nothing is lost while the window is not ready.
 */

/** What the import accepts: exchange files (`.qrr`, and `.qrr.json` from earlier versions), report PDFs, workbooks. */
export const OPENABLE_EXTENSIONS = ['.qrr', '.qrr.json', '.pdf', '.xlsx'] as const;

/** Larger files are refused before being read (the exchange import refuses them too: the same limit). */
export const OPENED_FILE_MAX_BYTES = EXCHANGE_MAX_BYTES;

/** How many files may wait for the window (a selection of hundreds of files is not a use case). */
export const OPENED_FILE_QUEUE_LIMIT = 20;

/** Options of ours that take their value as the next argument (`--db C:\qrr.sqlite`). */
const FLAGS_WITH_VALUE: ReadonlySet<string> = new Set([DB_FLAG]);

/** True when the file name ends with an extension the import accepts (case-insensitive: `.QRR` on Windows). */
export function isOpenableFileName(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return OPENABLE_EXTENSIONS.some((extension) => lower.endsWith(extension) && lower.length > extension.length);
}

const isRegularFile = (file: string): boolean => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

export interface CommandLineOptions {
  /** The working directory of the process whose command line it is (relative paths are resolved against it). */
  readonly workingDirectory: string;
  /**
   * Electron started as `electron <app> …` (development, `process.defaultApp`):
   * argv[1] is the application's path, not a document.
   */
  readonly defaultApp?: boolean;
  /** Whether a path is an existing regular file (the real file system by default). */
  readonly isFile?: (file: string) => boolean;
}

/**
 * The files to open named on a command line (`process.argv` of the first launch,
 * or the `commandLine` of a second instance with its own working directory), in
 * order and without duplicates. Ignored: the executable (and the application's
 * path in development), Electron/Chromium switches (`--lang=fr-FR`,
 * `--original-process-start-time=…`, which Chromium adds and may reorder), our
 * own `--db PATH`, `file:` URLs other than local files, files with another
 * extension, and paths that are not existing files (the fragments of an
 * unquoted executable path with spaces, for example, as Windows may pass them).
 */
export function filesFromCommandLine(argv: readonly string[], options: CommandLineOptions): string[] {
  const isFile = options.isFile ?? isRegularFile;
  const found: string[] = [];
  let switchesEnded = false;
  for (let index = options.defaultApp ? 2 : 1; index < argv.length; index++) {
    const arg = argv[index];
    if (typeof arg !== 'string' || arg.trim() === '') continue;
    if (!switchesEnded) {
      // Chromium stops reading switches after a bare `--`.
      if (arg === '--') {
        switchesEnded = true;
        continue;
      }
      if (arg.startsWith('-')) {
        if (FLAGS_WITH_VALUE.has(arg)) index++;
        continue;
      }
    }
    const file = toPath(arg, options.workingDirectory);
    if (file === null || !isOpenableFileName(path.basename(file)) || !isFile(file)) continue;
    if (!found.includes(file)) found.push(file);
  }
  return found;
}

/** A command-line argument as an absolute path; `file:` URLs (Linux desktop entries pass `%U`) are converted. */
function toPath(arg: string, workingDirectory: string): string | null {
  if (/^file:/i.test(arg)) {
    try {
      return fileURLToPath(arg);
    } catch {
      return null; // file://server/share on Linux, malformed URL
    }
  }
  // Another scheme (https:, mailto:…): not a file of ours. Windows drive letters (C:\) are one letter.
  if (/^[a-z][a-z0-9+.-]+:/i.test(arg)) return null;
  return path.resolve(workingDirectory, arg);
}

/** What became of a file handed to the queue. */
export type QueueOutcome = 'queued' | 'already-waiting' | 'not-openable' | 'queue-full';

/** Files waiting for the window, oldest first. */
export interface OpenedFileQueue {
  /** Queues a file (an absolute path the import accepts by its extension), once. */
  push(file: string): QueueOutcome;
  /** The oldest waiting file, removed from the queue; null when none waits. */
  take(): string | null;
  readonly size: number;
}

export function createOpenedFileQueue(limit: number = OPENED_FILE_QUEUE_LIMIT): OpenedFileQueue {
  const waiting: string[] = [];
  return {
    push(file) {
      if (!path.isAbsolute(file) || !isOpenableFileName(path.basename(file))) return 'not-openable';
      if (waiting.includes(file)) return 'already-waiting';
      if (waiting.length >= limit) return 'queue-full';
      waiting.push(file);
      return 'queued';
    },
    take: () => waiting.shift() ?? null,
    get size() {
      return waiting.length;
    },
  };
}

/** Why a file was not queued, in French for the user; null when it waits for the window (queued now or before). */
export function queueRefusal(outcome: QueueOutcome): string | null {
  switch (outcome) {
    case 'queued':
    case 'already-waiting':
      return null;
    case 'not-openable':
      return "Sont acceptés : les fichiers d'échange (.qrr), les rapports PDF et les classeurs Excel (.xlsx).";
    case 'queue-full':
      return `Trop de fichiers attendent déjà d'être ouverts (${OPENED_FILE_QUEUE_LIMIT}) : importez d'abord ceux-là.`;
  }
}

/** What the renderer receives for an opened file. */
export interface OpenedFileContent {
  readonly fileName: string;
  readonly contentBase64: string;
}

/**
 * Reads a queued file for the renderer, or refuses in French: gone since it
 * was queued, not a file, too large, unreadable.
 */
export function readOpenedFile(file: string, maxBytes: number = OPENED_FILE_MAX_BYTES): OpenedFileContent {
  const fileName = path.basename(file);
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new DomainError('VALIDATION', `« ${fileName} » n'est pas un fichier : il ne peut pas être ouvert.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError('NOT_FOUND', `Le fichier « ${fileName} » est introuvable (déplacé, renommé ou supprimé ?) : ${file}`);
  }
  const tooLarge = () =>
    new DomainError('VALIDATION', `Le fichier « ${fileName} » dépasse ${Math.round(maxBytes / (1024 * 1024))} Mo : il ne peut pas être ouvert.`);
  if (size > maxBytes) throw tooLarge();
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DomainError('NOT_FOUND', `Le fichier « ${fileName} » est introuvable (déplacé, renommé ou supprimé ?) : ${file}`);
    }
    throw new DomainError(
      'VALIDATION',
      `Le fichier « ${fileName} » n'a pas pu être lu (${code ?? 'erreur de lecture'}) : ` +
        "vérifiez qu'il n'est pas verrouillé par un autre logiciel et que vous avez le droit de le lire.",
    );
  }
  // It may have grown between the check and the read.
  if (content.length > maxBytes) throw tooLarge();
  return { fileName, contentBase64: content.toString('base64') };
}
