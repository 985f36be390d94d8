import { useEffect, useRef, useSyncExternalStore } from 'react';

/**
 * Typed values the database does not hold yet (an indicator row whose parts
 * disagree, kept in the grid until they agree): leaving the screen, the
 * quarter or the quartier, or closing the window, would drop them. Nothing is
 * dropped without the user's choice: a modal dialog lists them with their
 * reason and offers « Revenir à la saisie » (the default) or « Abandonner ces
 * saisies »; closing or reloading the window gets the browser's own
 * `beforeunload` question (Electron's main process turns it into a dialog).
 */
export interface PendingEntry {
  /** What the user recognises, e.g. « Indicateur 05-03 — QRR Nord ». */
  readonly label: string;
  /** Why it is not saved, in French. */
  readonly reason: string;
}

export interface PendingSource {
  readonly entries: readonly PendingEntry[];
  /** « Revenir à la saisie »: back to the first entry's cell. */
  readonly resume: () => void;
  /** « Abandonner ces saisies »: the entries are forgotten. */
  readonly discard: () => void;
}

interface Question {
  readonly source: PendingSource;
  readonly proceed: () => void;
  readonly stay?: () => void;
}

const sources = new Map<string, PendingSource>();
let question: Question | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

/** All the registered sources as one (what leaving the screen or the window would drop). */
const everything = (): PendingSource => {
  const all = [...sources.values()].filter((s) => s.entries.length > 0);
  return {
    entries: all.flatMap((s) => s.entries),
    resume: () => all[0]?.resume(),
    discard: () => {
      for (const [owner, s] of sources) if (all.includes(s)) sources.delete(owner);
      all.forEach((s) => s.discard());
    },
  };
};

export const hasPendingEntries = (): boolean => [...sources.values()].some((s) => s.entries.length > 0);

/** Runs `proceed` at once when `source` holds nothing, else asks first (proceeds only on « Abandonner »; `stay` on « Revenir »). */
export function askBeforeLosing(source: PendingSource, proceed: () => void, stay?: () => void): void {
  if (source.entries.length === 0) return proceed();
  question = { source, proceed, ...(stay ? { stay } : {}) };
  notify();
}

/** Leaving the screen: everything registered is at stake. */
export const askBeforeLeaving = (proceed: () => void): void => askBeforeLosing(everything(), proceed);

/** A screen declares what it holds unsaved (an empty list when nothing); forgotten when it unmounts. */
export function usePendingEntries(owner: string, source: PendingSource): void {
  const latest = useRef(source);
  latest.current = source;
  const key = JSON.stringify(source.entries);
  useEffect(() => {
    const entries = JSON.parse(key) as PendingEntry[];
    sources.set(owner, { entries, resume: () => latest.current.resume(), discard: () => latest.current.discard() });
    return () => {
      sources.delete(owner);
    };
  }, [owner, key]);
}

// Window close or reload with unsaved entries: the browser (or Electron's will-prevent-unload) asks.
if (typeof window !== 'undefined') {
  window.addEventListener('beforeunload', (event) => {
    if (!hasPendingEntries()) return;
    event.preventDefault();
    // Older Chromium needs returnValue set to show its question.
    event.returnValue = '';
  });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The question, drawn once by the application (DSFR modal on a native modal dialog: focus kept inside, Escape = « Revenir »). */
export function LeaveGuardDialog() {
  const current = useSyncExternalStore(subscribe, () => question);
  const dialog = useRef<HTMLDialogElement>(null);
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (current && !el.open) {
      el.showModal();
      stay.current?.focus();
    } else if (!current && el.open) el.close();
  }, [current]);

  const answer = (leave: boolean) => {
    const asked = question;
    question = null;
    notify();
    if (!asked) return;
    if (leave) {
      asked.source.discard();
      asked.proceed();
    } else {
      asked.stay?.();
      // After the dialog has closed and given focus back, so the cell keeps it.
      requestAnimationFrame(() => asked.source.resume());
    }
  };

  const count = current?.source.entries.length ?? 0;
  return (
    <dialog
      ref={dialog}
      className={`fr-modal qrr-leave-guard ${current ? 'fr-modal--opened' : ''}`}
      aria-labelledby="leave-guard-title"
      aria-describedby="leave-guard-text"
      data-testid="leave-guard"
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
    >
      {current && (
        <div className="fr-container fr-container--fluid fr-container-md">
          <div className="fr-grid-row fr-grid-row--center">
            <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
              <div className="fr-modal__body">
                <div className="fr-modal__content fr-pt-4w">
                  <h1 id="leave-guard-title" className="fr-modal__title">
                    {count > 1 ? `${count} lignes ne sont pas enregistrées` : 'Une ligne n\'est pas enregistrée'}
                  </h1>
                  <p id="leave-guard-text">
                    {count > 1 ? 'Ces saisies ne sont pas' : 'Cette saisie n\'est pas'} dans la base : leurs valeurs ne s'accordent pas encore. En
                    partant maintenant, {count > 1 ? 'elles seraient perdues' : 'elle serait perdue'}.
                  </p>
                  <ul data-testid="leave-guard-entries">
                    {current.source.entries.map((e, i) => (
                      <li key={i}>
                        <strong>{e.label}</strong> : {e.reason}
                      </li>
                    ))}
                  </ul>
                </div>
                <div className="fr-modal__footer">
                  <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--right">
                    <li>
                      <button ref={stay} type="button" className="fr-btn" onClick={() => answer(false)}>
                        Revenir à la saisie
                      </button>
                    </li>
                    <li>
                      <button type="button" className="fr-btn fr-btn--secondary" onClick={() => answer(true)}>
                        Abandonner ces saisies
                      </button>
                    </li>
                  </ul>
                </div>
              </div>
            </div>
          </div>
        </div>
      )}
    </dialog>
  );
}
