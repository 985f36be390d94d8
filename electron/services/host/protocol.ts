/**
 * The messages between the window's process (Electron main, or the test
 * harness) and the core host, the process that owns the database and runs
 * every service. Plain data only: they travel by structured clone
 * (utilityProcess' parentPort, or child_process with `serialization: 'advanced'`).
 */
import type { TaskProgress } from '../../../shared/ipc/progress';
import type { ApiError, Result } from '../../../shared/ipc/result';
import type { AppCoreOptions } from '../app-core';
import type { MigrationReport } from '../db/migrate';

/** What the host needs to build the core: AppCoreOptions without what cannot cross a process boundary. */
export type HostInit = Omit<AppCoreOptions, 'log' | 'openedFiles' | 'now'> & {
  /** pkcs11js built for Electron's ABI (scripts/electron-native.mjs), when it is not the packaged one. */
  readonly pkcs11Binding?: string;
};

export type ToHost =
  | { readonly type: 'init'; readonly options: HostInit }
  /** One request of the contract: answered by one `result`, maybe preceded by `progress` messages. */
  | { readonly type: 'call'; readonly id: number; readonly name: string; readonly payload: unknown }
  /** Stop request `id` at its next safe point (it then answers CANCELLED). */
  | { readonly type: 'cancel'; readonly id: number }
  /** A file main was asked to open, handed over just before the `takeOpenedFile` call that reads it. */
  | { readonly type: 'open-file'; readonly file: string }
  /** Close the database and leave. */
  | { readonly type: 'close' };

export type FromHost =
  | { readonly type: 'ready'; readonly migration: MigrationReport }
  /** The core could not be built (database from a newer version, unreadable file…): French message. */
  | { readonly type: 'fatal'; readonly error: ApiError }
  | { readonly type: 'result'; readonly id: number; readonly result: Result<unknown> }
  | { readonly type: 'progress'; readonly id: number; readonly progress: TaskProgress }
  /** For main's log (journaux/qrr.log): the host has no log file of its own. */
  | { readonly type: 'log'; readonly message: string; readonly details?: unknown }
  | { readonly type: 'closed' };

const TO_HOST_TYPES: ReadonlySet<string> = new Set(['init', 'call', 'cancel', 'open-file', 'close']);

/** Messages come from our own parent process, but a malformed one must not take the host down. */
export function isToHost(value: unknown): value is ToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; id?: unknown; name?: unknown; file?: unknown; options?: unknown };
  if (typeof message.type !== 'string' || !TO_HOST_TYPES.has(message.type)) return false;
  switch (message.type) {
    case 'call':
      return Number.isSafeInteger(message.id) && typeof message.name === 'string';
    case 'cancel':
      return Number.isSafeInteger(message.id);
    case 'open-file':
      return typeof message.file === 'string';
    case 'init':
      return typeof message.options === 'object' && message.options !== null;
    default:
      return true;
  }
}

/** Errors do not all survive a structured clone intact: send what the log needs. */
export function loggable(details: unknown): unknown {
  if (details instanceof Error) {
    return { name: details.name, message: details.message, stack: details.stack, ...(details.cause !== undefined ? { cause: loggable(details.cause) } : {}) };
  }
  try {
    structuredClone(details);
    return details;
  } catch {
    return String(details);
  }
}
