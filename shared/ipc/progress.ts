/**
 * Progress of long requests (report, import, export, transfer archive,
 * consolidation, demonstration) and their cancellation. The core reports steps
 * while it works; main relays them to the page over one event channel, and the
 * page may ask to cancel a request by its id while the core says it is safe.
 */
import type { ChannelName } from './channels';

/** Event channel main → page: one `ProgressEvent` per step, then one with `progress: null` when the request is over. */
export const PROGRESS_CHANNEL = 'qrr-progress';
/** Message channel page → main: the id of a request to cancel. */
export const CANCEL_CHANNEL = 'qrr-cancel';

/** One step of a long request, said in French for the user. */
export interface TaskProgress {
  /** What is being done, a French phrase: « Dessin du rapport PDF… ». */
  readonly step: string;
  /** Steps (or items) done so far, out of `total`. */
  readonly done: number;
  readonly total: number;
  /** True while stopping would leave nothing written (before a transaction commits, between files…). */
  readonly cancellable?: boolean;
}

export interface ProgressEvent {
  /** The request's id, given by main (one per invoke); what `cancel` names. */
  readonly id: number;
  readonly channel: ChannelName;
  /** null: the request is over (answered, refused or cancelled). */
  readonly progress: TaskProgress | null;
}

/** How the page listens to progress and asks for cancellation: `window.tasks`, from the preload or the end-to-end bridge. */
export interface TasksApi {
  /** Calls `listener` for every progress event; returns the function that stops listening. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
  /** Asks the core to stop request `id` at its next safe point (it answers CANCELLED, nothing written). */
  cancel(id: number): void;
}

/** What a service reports its steps through. */
export type ProgressListener = (progress: TaskProgress) => void;

/** The French message of a cancelled request: nothing was written. */
export const CANCELLED_MESSAGE = "Opération annulée à votre demande : rien n'a été enregistré.";

export const isProgressEvent = (value: unknown): value is ProgressEvent => {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Partial<ProgressEvent>;
  return typeof event.id === 'number' && typeof event.channel === 'string' && (event.progress === null || typeof event.progress === 'object');
};
