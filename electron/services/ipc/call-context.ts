/**
 * What a handler (and the service it calls) knows of the request it serves
 * beyond its payload: where to report progress, and whether the caller asked
 * to stop. Handlers that do not care ignore it; in the CLI and in-process
 * tests nobody listens and nothing is ever cancelled.
 */
import { CANCELLED_MESSAGE, type ProgressListener, type TaskProgress } from '../../../shared/ipc/progress';
import { DomainError } from '../../../shared/ipc/result';

/** Given by whoever dispatches: the host forwards progress to main and cancels on the page's demand. */
export interface CallOptions {
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

export interface CallContext {
  /** Reports a step; `cancellable` says stopping now would leave nothing written. */
  progress(step: string, done: number, total: number, cancellable?: boolean): void;
  /** Throws the French CANCELLED refusal when the caller asked to stop. Call only where stopping writes nothing. */
  checkCancelled(): void;
  /**
   * A safe point in synchronous work: lets the event loop run (so that a cancellation sent
   * meanwhile arrives), then checks it. Free when the request cannot be cancelled (CLI, tests).
   */
  checkpoint(): Promise<void>;
  /** For libraries that take one (fetch to a time-stamp authority). */
  readonly signal: AbortSignal | undefined;
  /** The bare listener, for services that take an `onProgress` option. */
  readonly onProgress: ProgressListener | undefined;
}

export const cancelledError = (): DomainError => new DomainError('CANCELLED', CANCELLED_MESSAGE);

export function callContext(options: CallOptions = {}): CallContext {
  const { onProgress, signal } = options;
  return {
    progress: (step, done, total, cancellable) => {
      if (!onProgress) return;
      const progress: TaskProgress = cancellable === undefined ? { step, done, total } : { step, done, total, cancellable };
      onProgress(progress);
    },
    checkCancelled: () => {
      if (signal?.aborted) throw cancelledError();
    },
    checkpoint: async () => {
      if (!signal) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) throw cancelledError();
    },
    signal,
    onProgress,
  };
}

/** For services called without a request around them (CLI, tests). */
export const NO_CALL: CallContext = callContext();
