import { useEffect, useSyncExternalStore } from 'react';
import type { OpenedFileDto } from '../../shared/ipc/contract';
import type { ApiError } from '../../shared/ipc/result';
import { api, call } from './api';

/**
 * The file the application was asked to open from outside the page (double
 * click on a `.qrr`, second launch, Fichier › Importer…), waiting for the
 * screen that imports it. Main keeps a queue; this store holds at most one
 * file, and the next one is asked for only once this one has been taken, so
 * several files are handled one after the other and none is lost.
 */

export type OpenedFileKind = 'exchange' | 'pdf' | 'xlsx';

export interface OpenedFile extends OpenedFileDto {
  readonly kind: OpenedFileKind;
}

/** The kind of file by its name (main only queues these extensions). */
export function openedFileKind(fileName: string): OpenedFileKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.pdf')) return 'pdf';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return 'exchange';
}

let current: OpenedFile | null = null;
const listeners = new Set<() => void>();
const notify = (): void => {
  // oxlint-disable-next-line unicorn/no-useless-spread -- a copy: a listener may subscribe or unsubscribe while we call them
  for (const listener of [...listeners]) listener();
};

/** Puts a file in the store (replacing one not taken yet) and tells the subscribers. */
export function setOpenedFile(file: OpenedFileDto): void {
  current = { ...file, kind: openedFileKind(file.fileName) };
  notify();
}

/** The waiting file, left in the store (for rendering). */
export const peekOpenedFile = (): OpenedFile | null => current;

/** The waiting file, removed from the store: the screen that imports it calls this once it handles it. */
export function takeOpenedFile(): OpenedFile | null {
  const file = current;
  if (file) {
    current = null;
    notify();
  }
  return file;
}

/** Called whenever a file arrives or is taken; returns the unsubscribe function. */
export function subscribeOpenedFile(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The waiting file, re-rendering when it changes. */
export const useOpenedFile = (): OpenedFile | null => useSyncExternalStore(subscribeOpenedFile, peekOpenedFile);

/** The file's bytes. */
export function openedFileBytes(file: OpenedFileDto): Uint8Array {
  const binary = atob(file.contentBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The file's text (exchange files are UTF-8 JSON; a BOM is dropped). */
export const openedFileText = (file: OpenedFileDto): string => new TextDecoder('utf-8').decode(openedFileBytes(file));

// One request to main at a time, whatever asks (focus, load, the store emptied, a second mounted hook).
let asking = false;
let askAgain = false;
let handlers: { onFile: (file: OpenedFile) => void; onError: (error: ApiError) => void } | null = null;

/** Takes the next queued file from main into the store, unless one is still waiting there. */
async function askMain(): Promise<void> {
  if (asking) {
    askAgain = true;
    return;
  }
  if (current) return;
  asking = true;
  try {
    const result = await call(api().takeOpenedFile());
    // Kept even if no hook is mounted any more: main has handed it over already.
    if (!result.ok) handlers?.onError(result.error);
    else if (result.value) {
      setOpenedFile(result.value);
      if (current) handlers?.onFile(current);
    }
  } finally {
    asking = false;
    if (askAgain) {
      askAgain = false;
      void askMain();
    }
  }
}

/**
 * Asks main for the next queued file when the page loads and whenever the
 * window gets the focus (main brings the window forward after a double click
 * or the Importer… menu; the open dialog gives the focus back as it closes),
 * and again once the file in the store has been taken. A file that arrives goes
 * to the store and `onFile` runs (App shows Échanges); a file that cannot be
 * read gives `onError` its French reason. Mount it once (App).
 */
export function useOpenedFileRequests(onFile: (file: OpenedFile) => void, onError: (error: ApiError) => void): void {
  // The latest callbacks, without re-registering the listeners at every render (runs before the effect below).
  useEffect(() => {
    handlers = { onFile, onError };
  });
  useEffect(() => {
    const ask = (): void => void askMain();
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') ask();
    };
    ask();
    window.addEventListener('focus', ask);
    document.addEventListener('visibilitychange', onVisible);
    const unsubscribe = subscribeOpenedFile(() => {
      if (!current) ask();
    });
    return () => {
      window.removeEventListener('focus', ask);
      document.removeEventListener('visibilitychange', onVisible);
      unsubscribe();
    };
  }, []);
}
