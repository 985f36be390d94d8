import fs from 'node:fs';
import path from 'node:path';

/** Sub-folder of the user-data folder that holds the application's log files. */
export const LOGS_DIR_NAME = 'journaux';
export const LOG_FILE_NAME = 'qrr.log';
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_KEEP = 5;

/** The logs folder of a user-data folder. */
export const logsDirOf = (userDataDir: string): string => path.join(userDataDir, LOGS_DIR_NAME);

/**
 * Keys whose values never reach the log, whatever their depth: compared in
 * lower case without `_`, `-` or spaces (`mot_de_passe` ≡ `motDePasse`),
 * exactly for short words (pin, pwd, mdp), as a part of the key for the others
 * (`userPassword`, `accessToken`, `clientSecret`).
 */
const SECRET_KEYS_EXACT = new Set(['pin', 'codepin', 'pwd', 'mdp', 'p12base64', 'pdfbase64', 'cookie', 'authorization']);
const SECRET_KEY_PARTS = /(password|passwd|passphrase|motdepasse|secret|token$|apikey|privatekey|credential)/;
/**
 * A bare `token` (and `tokenLabel`…) is the PKCS#11 token (smart card, USB
 * key) a signature is made with: its label and slot help diagnose a failed
 * signature and hold no secret (the PIN beside it is masked). Keys ending in
 * token (`accessToken`, `apiToken`…) stay masked.
 */
const NOT_SECRET_KEYS = new Set(['token']);
export const isSecretKey = (key: string): boolean => {
  const k = key.toLowerCase().replace(/[\s_-]/g, '');
  if (NOT_SECRET_KEYS.has(k)) return false;
  return SECRET_KEYS_EXACT.has(k) || SECRET_KEY_PARTS.test(k);
};
export const REDACTED = '[masqué]';

/**
 * Secrets written inside a text (a message, an error, a command line):
 * `password=…`, `pwd: …`, `--pin 1234`, `mot_de_passe=…`, `Bearer …`, and PEM
 * private keys. The value is masked, the name kept (it says what was there).
 */
const SECRET_NAME = '(?:pin|pwd|passwd|password|passphrase|mot[_ -]?de[_ -]?passe|mdp|secret|token|api[_-]?key|client[_-]?secret|access[_-]?token)';
const SECRET_IN_TEXT = [
  new RegExp(`((?:^|[^\\p{L}\\d])-{0,2}${SECRET_NAME}["']?\\s*[=:]\\s*["']?)([^\\s"',;&]+)`, 'giu'),
  new RegExp(`((?:^|\\s)--${SECRET_NAME}\\s+)(?!-)(\\S+)`, 'giu'),
  /(\bBearer\s+)([A-Za-z0-9._~+/=-]+)/g,
];
const PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;

export function maskSecretsInText(text: string): string {
  let out = text.replace(PRIVATE_KEY, `[clé privée ${REDACTED}]`);
  for (const pattern of SECRET_IN_TEXT) out = out.replace(pattern, (_m, name: string) => `${name}${REDACTED}`);
  return out;
}

/** A single entry never exceeds this (a stray document in the details must not fill the log). */
const MAX_LINE_CHARS = 16 * 1024;
const MAX_DEPTH = 8;

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

export interface RotatingLog {
  info(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
  /** The current log file (`<dir>/qrr.log`). */
  readonly file: string;
}

export interface RotatingLogOptions {
  /** The current file is rotated before it would grow past this size (default 1 Mio). */
  readonly maxBytes?: number;
  /** How many rotated files are kept: qrr.1.log (newest) … qrr.<keep>.log (oldest). Default 5. */
  readonly keep?: number;
  readonly now?: () => Date;
  /** Also receives every line written (the Electron shell prints them in development). */
  readonly echo?: (line: string, level: LogLevel) => void;
}

/**
 * Copy of `value` that JSON can represent: errors with their name, message and
 * stack (and cause), secrets masked, binary data summarised, cycles cut.
 */
export function redact(value: unknown): unknown {
  return toLoggable(value, [], 0);
}

function toLoggable(value: unknown, ancestors: object[], depth: number): unknown {
  if (typeof value === 'string') return maskSecretsInText(value);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'undefined') return undefined;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[fonction ${value.name || 'anonyme'}]`;
  const object = value as object;
  if (ancestors.includes(object)) return '[référence circulaire]';
  if (depth >= MAX_DEPTH) return '[trop profond]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return `[${(value as ArrayBuffer | ArrayBufferView).byteLength} octets]`;
  }
  const inner = [...ancestors, object];
  const next = (item: unknown) => toLoggable(item, inner, depth + 1);
  if (Array.isArray(value)) return value.map(next);
  if (value instanceof Map) return next(Object.fromEntries(value));
  if (value instanceof Set) return next([...value]);

  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    out.name = value.name;
    out.message = maskSecretsInText(value.message);
    if (value.stack) out.stack = maskSecretsInText(value.stack);
    if (value.cause !== undefined) out.cause = next(value.cause);
  }
  for (const key of Object.keys(object)) {
    if (isSecretKey(key)) {
      out[key] = REDACTED;
      continue;
    }
    let item: unknown;
    try {
      item = (object as Record<string, unknown>)[key];
    } catch {
      item = '[illisible]';
    }
    const converted = next(item);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** One line: `2026-11-26T10:00:00.000Z [INFO] message {"json":"details"}`. */
export function formatLogLine(at: Date, level: LogLevel, message: string, details?: unknown): string {
  const stamp = Number.isNaN(at.getTime()) ? 'date-invalide' : at.toISOString();
  const text = maskSecretsInText(String(message)).replace(/\r?\n/g, '\\n');
  let line = `${stamp} [${level}] ${text}`;
  if (details !== undefined) {
    let json: string | undefined;
    try {
      json = JSON.stringify(redact(details));
    } catch {
      json = '"[détails illisibles]"';
    }
    if (json !== undefined) line += ` ${json}`;
  }
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (tronqué)` : line;
}

/**
 * Appends log lines to `<dir>/qrr.log`, rotating it to qrr.1.log … qrr.<keep>.log.
 * Never throws: a log that cannot be written must not take the application down.
 * Writes are synchronous so the last lines before a crash are on disk.
 */
export function createRotatingLog(dir: string, options: RotatingLogOptions = {}): RotatingLog {
  const maxBytes = positiveOr(options.maxBytes, DEFAULT_MAX_BYTES);
  const keep = Math.max(0, Math.floor(options.keep ?? DEFAULT_KEEP));
  const now = options.now ?? (() => new Date());
  const file = path.join(dir, LOG_FILE_NAME);
  const rotated = (index: number) => path.join(dir, `qrr.${index}.log`);

  const quietly = (action: () => void): void => {
    try {
      action();
    } catch {
      // Logging is best effort.
    }
  };

  const sizeOf = (target: string): number => {
    try {
      return fs.statSync(target).size;
    } catch {
      return 0;
    }
  };

  const rotate = (): void => {
    if (keep === 0) {
      quietly(() => fs.rmSync(file, { force: true }));
      return;
    }
    quietly(() => fs.rmSync(rotated(keep), { force: true }));
    for (let index = keep - 1; index >= 1; index--) {
      const from = rotated(index);
      if (fs.existsSync(from)) quietly(() => fs.renameSync(from, rotated(index + 1)));
    }
    quietly(() => fs.renameSync(file, rotated(1)));
  };

  const write = (level: LogLevel, message: string, details?: unknown): void => {
    try {
      let at: Date;
      try {
        at = now();
      } catch {
        at = new Date();
      }
      const line = formatLogLine(at, level, message, details) + '\n';
      if (options.echo) quietly(() => options.echo!(line.trimEnd(), level));
      fs.mkdirSync(dir, { recursive: true });
      const size = sizeOf(file);
      if (size > 0 && size + Buffer.byteLength(line) > maxBytes) rotate();
      fs.appendFileSync(file, line, 'utf8');
    } catch {
      // Unwritable folder, full disk…: the application carries on without its log.
    }
  };

  return {
    info: (message, details) => write('INFO', message, details),
    warn: (message, details) => write('WARN', message, details),
    error: (message, details) => write('ERROR', message, details),
    file,
  };
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
