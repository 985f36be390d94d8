import type { z } from 'zod';
import { contract, isChannelName, type ChannelName } from '../../../shared/ipc/contract';
import { DomainError, fail, ok, type FieldIssue, type Result } from '../../../shared/ipc/result';
import { busyDatabaseError } from '../db/sqlite';
import { callContext, type CallOptions } from './call-context';
import type { Handler, Handlers } from './handler-kit';

/** No legitimate request comes near this; anything larger is refused before parsing. */
export const MAX_REQUEST_BYTES = 256 * 1024;

export interface DispatchLog {
  error(message: string, details?: unknown): void;
}

const toIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

function requestSize(payload: unknown): number {
  try {
    return JSON.stringify(payload ?? null).length;
  } catch {
    return Number.POSITIVE_INFINITY; // cycles or BigInt: not something the renderer can legitimately send
  }
}

/**
 * The single entry point of every request from the renderer: unknown channel,
 * oversized or malformed requests are refused before any handler (and so any
 * database access) runs; every outcome is an envelope, never a thrown error.
 */
export function createDispatcher(handlers: Handlers, log: DispatchLog) {
  return async function dispatch(channel: string, payload: unknown, options?: CallOptions): Promise<Result<unknown>> {
    if (!isChannelName(channel)) {
      return fail('UNKNOWN_CHANNEL', `Requête inconnue de l'application : « ${channel.slice(0, 80)} ».`);
    }
    if (requestSize(payload) > (contract[channel].maxBytes ?? MAX_REQUEST_BYTES)) {
      return fail('PAYLOAD_TOO_LARGE', 'La demande est trop volumineuse et a été refusée.');
    }
    const parsed = contract[channel].request.safeParse(payload);
    if (!parsed.success) {
      const issues = toIssues(parsed.error);
      const message =
        issues.length === 1
          ? issues[0]!.message
          : `Saisie refusée : ${issues.length} champs sont invalides (${issues.map((i) => i.message).join(' ; ')}).`;
      return fail('VALIDATION', message, issues);
    }
    try {
      const handler = handlers[channel] as Handler<ChannelName>;
      return ok(await handler(parsed.data as never, callContext(options)));
    } catch (error) {
      if (error instanceof DomainError) return fail(error.code, error.message, error.issues);
      const busy = busyDatabaseError(error);
      if (busy) return fail(busy.code, busy.message);
      log.error(`Request ${channel} failed`, error);
      return fail(
        'INTERNAL',
        "Une erreur inattendue s'est produite ; rien n'a été enregistré. Le détail figure dans le journal technique.",
      );
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
