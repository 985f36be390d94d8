/**
 * The core host: owns the AppCore (the database, every service) in its own
 * process and answers the protocol's messages. Transport-free: entry.ts plugs
 * it into Electron's parentPort or a Node child process; tests can drive it
 * directly.
 */
import { DomainError, fail } from '../../../shared/ipc/result';
import type { AppCore } from '../app-core';
import type { DispatchLog } from '../ipc/dispatch';
import { isToHost, loggable, type FromHost, type HostInit, type ToHost } from './protocol';

/** What the host needs of the core it builds. */
export type HostedCore = Pick<AppCore, 'dispatch' | 'openedFiles' | 'migration' | 'close'>;

export interface CoreHostDeps {
  readonly post: (message: FromHost) => void;
  readonly openCore: (options: HostInit, log: DispatchLog) => Promise<HostedCore>;
  /** Leaves the process once the database is closed (or could not be opened). */
  readonly exit: (code: number) => void;
}

export const NOT_READY_MESSAGE = "Les données ne sont pas encore ouvertes : patientez quelques secondes puis recommencez.";

export function createCoreHost(deps: CoreHostDeps): { receive(message: unknown): void } {
  const log: DispatchLog = { error: (message, details) => deps.post({ type: 'log', message, details: loggable(details) }) };
  let core: HostedCore | null = null;
  let opening: Promise<void> | null = null;
  /** Requests in progress, to cancel them by id. */
  const running = new Map<number, AbortController>();

  async function init(options: HostInit): Promise<void> {
    try {
      core = await deps.openCore(options, log);
      deps.post({ type: 'ready', migration: core.migration });
    } catch (error) {
      log.error('Ouverture des données impossible', error);
      const message =
        error instanceof DomainError ? error.message : `Les données n'ont pas pu être ouvertes : ${(error as Error)?.message ?? String(error)}`;
      deps.post({ type: 'fatal', error: { code: error instanceof DomainError ? error.code : 'INTERNAL', message } });
      deps.exit(1);
    }
  }

  async function call(id: number, name: string, payload: unknown): Promise<void> {
    if (opening) await opening;
    if (!core) {
      deps.post({ type: 'result', id, result: fail('CORE_STOPPED', NOT_READY_MESSAGE) });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    try {
      const result = await core.dispatch(name, payload, {
        signal: controller.signal,
        onProgress: (progress) => deps.post({ type: 'progress', id, progress }),
      });
      deps.post({ type: 'result', id, result });
    } finally {
      running.delete(id);
    }
  }

  function handle(message: ToHost): void {
    switch (message.type) {
      case 'init':
        opening ??= init(message.options).finally(() => (opening = null));
        return;
      case 'call':
        // dispatch never throws (every outcome is an envelope); a bug here is logged, and the caller still gets an answer.
        call(message.id, message.name, message.payload).catch((error: unknown) => {
          log.error(`Request ${message.name} failed in the host`, error);
          deps.post({ type: 'result', id: message.id, result: fail('INTERNAL', "Une erreur inattendue s'est produite ; rien n'a été enregistré. Le détail figure dans le journal technique.") });
        });
        return;
      case 'cancel':
        running.get(message.id)?.abort();
        return;
      case 'open-file': {
        const outcome = core?.openedFiles.push(message.file);
        if (outcome !== 'queued') log.error('Fichier à ouvrir non transmis aux données', { file: message.file, outcome });
        return;
      }
      case 'close':
        for (const controller of running.values()) controller.abort();
        try {
          core?.close();
        } finally {
          core = null;
          deps.post({ type: 'closed' });
          deps.exit(0);
        }
    }
  }

  return {
    receive(message) {
      if (!isToHost(message)) {
        log.error('Message inconnu reçu par le processus des données', loggable(message));
        return;
      }
      handle(message);
    },
  };
}
