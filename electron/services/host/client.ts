/**
 * The window's side of the core host: what Electron main (and the end-to-end
 * harness) calls instead of an in-process AppCore. Same `dispatch` answers
 * (the typed envelope), plus progress, cancellation, and a French answer when
 * the host process dies, after which a new host is started for what follows.
 * Plain Node, transport-free: the process comes from `spawn` (utilityProcess in
 * electron/shell/core-process.ts, child_process.fork in fork-transport.ts).
 */
import type { ProgressListener } from '../../../shared/ipc/progress';
import { DomainError, fail, type Result } from '../../../shared/ipc/result';
import type { MigrationReport } from '../db/migrate';
import { createOpenedFileQueue, type OpenedFileQueue } from '../desktop/open-file';
import type { CallOptions } from '../ipc/call-context';
import type { FromHost, HostInit, ToHost } from './protocol';

export interface HostTransport {
  post(message: ToHost): void;
  /** Ends the process at once (it did not leave when asked). */
  kill(): void;
  /** The process id, for the log (undefined once gone). */
  pid(): number | undefined;
}

export interface HostEvents {
  message(message: FromHost): void;
  /** The process is gone; `detail` says how (exit code, signal), for the log. */
  exit(detail: string): void;
}

/** Starts one host process wired to `events`. */
export type SpawnHost = (events: HostEvents) => HostTransport;

export interface CoreClientLog {
  error(message: string, details?: unknown): void;
  info(message: string, details?: unknown): void;
}

export interface CoreClientOptions {
  readonly spawn: SpawnHost;
  readonly init: HostInit;
  readonly log: CoreClientLog;
  /** Files waiting for the window (main fills it); handed to the host when the page takes one. */
  readonly openedFiles?: OpenedFileQueue;
  /** How long `close` waits for the host to close the database before killing it. */
  readonly closeTimeoutMs?: number;
}

export interface StartedCall {
  /** What `cancel` and progress events name. */
  readonly id: number;
  readonly result: Promise<Result<unknown>>;
}

export interface CoreClient {
  readonly migration: MigrationReport;
  readonly openedFiles: OpenedFileQueue;
  start(channel: string, payload: unknown, onProgress?: ProgressListener): StartedCall;
  /** Same contract as the in-process dispatch (an AbortSignal in `options` cancels). */
  dispatch(channel: string, payload: unknown, options?: CallOptions): Promise<Result<unknown>>;
  cancel(id: number): void;
  close(): Promise<void>;
  /** The host process now running (for the log, and for tests that make it crash). */
  hostPid(): number | undefined;
}

export const HOST_STOPPED_MESSAGE =
  "Le traitement des données s'est arrêté de façon inattendue pendant cette opération, qui n'a pas abouti. " +
  "Ce qui était déjà enregistré est intact ; le traitement a été relancé : vous pouvez recommencer.";
export const HOST_CLOSING_MESSAGE = "L'application se ferme : cette opération n'a pas été faite.";

interface Pending {
  readonly resolve: (result: Result<unknown>) => void;
  readonly onProgress: ProgressListener | undefined;
}

/** One host process: its calls in flight and how it started. */
interface Session {
  readonly transport: HostTransport;
  readonly pending: Map<number, Pending>;
  readonly ready: Promise<MigrationReport>;
  alive: boolean;
  started: boolean;
}

export async function createCoreClient(options: CoreClientOptions): Promise<CoreClient> {
  const openedFiles = options.openedFiles ?? createOpenedFileQueue();
  let nextId = 1;
  let closing = false;
  let closed: (() => void) | null = null;

  function spawnSession(): Session {
    let settleReady!: { resolve: (m: MigrationReport) => void; reject: (e: DomainError) => void };
    const ready = new Promise<MigrationReport>((resolve, reject) => (settleReady = { resolve, reject }));
    // Startup failures are reported to whoever awaits `ready`; nobody may, after a restart.
    ready.catch(() => undefined);
    let fatal: DomainError | null = null;
    const pending = new Map<number, Pending>();
    const session: Session = {
      pending,
      ready,
      alive: true,
      started: false,
      transport: options.spawn({
        message: (message) => {
          switch (message.type) {
            case 'ready':
              session.started = true;
              settleReady.resolve(message.migration);
              return;
            case 'fatal':
              fatal = new DomainError(message.error.code, message.error.message);
              settleReady.reject(fatal);
              return;
            case 'progress':
              pending.get(message.id)?.onProgress?.(message.progress);
              return;
            case 'result': {
              const call = pending.get(message.id);
              pending.delete(message.id);
              call?.resolve(message.result);
              return;
            }
            case 'log':
              options.log.error(message.message, message.details);
              return;
            case 'closed':
              return;
          }
        },
        exit: (detail) => {
          session.alive = false;
          if (current === session) current = null;
          const expected = closing || fatal !== null;
          if (!expected) options.log.error('Arrêt inattendu du processus des données', { detail, pending: pending.size });
          settleReady.reject(fatal ?? new DomainError('CORE_STOPPED', `Le traitement des données n'a pas pu démarrer (${detail}).`));
          const answer = closing
            ? fail('CORE_STOPPED', HOST_CLOSING_MESSAGE)
            : fatal
              ? fail(fatal.code, fatal.message)
              : fail('CORE_STOPPED', HOST_STOPPED_MESSAGE);
          for (const call of pending.values()) call.resolve(answer);
          pending.clear();
          if (closing) closed?.();
          // A host that had started and died is replaced at once, so the next request finds one ready;
          // one that could not start is retried by the next request only (no restart loop).
          else if (session.started) {
            options.log.info('Relance du processus des données');
            current = spawnSession();
          }
        },
      }),
    };
    session.transport.post({ type: 'init', options: options.init });
    return session;
  }

  let current: Session | null = spawnSession();
  const migration = await current.ready;

  function start(channel: string, payload: unknown, onProgress?: ProgressListener): StartedCall {
    const id = nextId++;
    if (closing) return { id, result: Promise.resolve(fail('CORE_STOPPED', HOST_CLOSING_MESSAGE)) };
    const session = (current ??= spawnSession());
    const result = new Promise<Result<unknown>>((resolve) => {
      session.pending.set(id, { resolve, onProgress });
      if (channel === 'takeOpenedFile') {
        // The queue lives here (main's events fill it); the host reads the file, off the window's thread.
        const file = openedFiles.take();
        if (file !== null) session.transport.post({ type: 'open-file', file });
      }
      session.transport.post({ type: 'call', id, name: channel, payload });
    });
    return { id, result };
  }

  return {
    migration,
    openedFiles,
    start,
    dispatch(channel, payload, callOptions) {
      const call = start(channel, payload, callOptions?.onProgress);
      const signal = callOptions?.signal;
      if (signal) {
        const abort = () => cancel(call.id);
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
        void call.result.finally(() => signal.removeEventListener('abort', abort));
      }
      return call.result;
    },
    cancel,
    hostPid: () => current?.transport.pid(),
    close() {
      closing = true;
      const session = current;
      if (!session || !session.alive) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => session.transport.kill(), options.closeTimeoutMs ?? 5000);
        closed = () => {
          clearTimeout(timer);
          resolve();
        };
        session.transport.post({ type: 'close' });
      });
    },
  };

  function cancel(id: number): void {
    if (current?.pending.has(id)) current.transport.post({ type: 'cancel', id });
  }
}
