import { useEffect, useState } from 'react';
import type { ProgressEvent, TasksApi } from '../../../shared/ipc/progress';

declare global {
  interface Window {
    /** Progress of long requests and their cancellation (preload, or the end-to-end bridge); absent in older hosts. */
    readonly tasks?: TasksApi;
  }
}

type Running = Omit<ProgressEvent, 'progress'> & { readonly progress: NonNullable<ProgressEvent['progress']> };

/** The long requests in progress, most recent last, as main reports them. */
export function useRunningTasks(): readonly Running[] {
  const [running, setRunning] = useState<readonly Running[]>([]);
  useEffect(() => {
    const tasks = window.tasks;
    if (!tasks) return undefined;
    return tasks.onProgress((event) =>
      setRunning((current) => {
        const others = current.filter((task) => task.id !== event.id);
        return event.progress ? [...others, { ...event, progress: event.progress }] : others;
      }),
    );
  }, []);
  return running;
}

/** « étape 2 sur 5 », or the count of items when the step counts files. */
const stepText = ({ done, total }: Running['progress']): string => (total > 1 ? ` (étape ${Math.min(done + 1, total)} sur ${total})` : '');

/**
 * While a long request runs (report, import, export, archive, consolidation,
 * demonstration): what is being done, a <progress> bar, and « Annuler » while
 * stopping would leave nothing written. The page stays usable meanwhile: the
 * work happens in the core's own process.
 */
export function ProgressBar() {
  const running = useRunningTasks();
  const [cancelAsked, setCancelAsked] = useState<number | null>(null);
  const task = running.at(-1);
  if (!task) return null;
  const { progress } = task;
  const label = `${progress.step}${stepText(progress)}`;
  const more = running.length > 1 ? ` — et ${running.length - 1} autre${running.length > 2 ? 's' : ''} opération${running.length > 2 ? 's' : ''} en cours` : '';
  return (
    <div className="qrr-progress fr-p-2w" role="status" aria-live="polite" data-testid="task-progress">
      <label className="fr-text--sm fr-mb-1v qrr-progress__label" htmlFor={`qrr-progress-${task.id}`}>
        {label}
        {more}
      </label>
      <progress id={`qrr-progress-${task.id}`} className="qrr-progress__bar" max={Math.max(progress.total, 1)} value={Math.min(progress.done, progress.total)} />
      {progress.cancellable && window.tasks ? (
        <button
          type="button"
          className="fr-btn fr-btn--tertiary fr-btn--sm fr-mt-1w"
          disabled={cancelAsked === task.id}
          onClick={() => {
            setCancelAsked(task.id);
            window.tasks?.cancel(task.id);
          }}
        >
          {cancelAsked === task.id ? 'Annulation demandée…' : 'Annuler'}
        </button>
      ) : null}
    </div>
  );
}
