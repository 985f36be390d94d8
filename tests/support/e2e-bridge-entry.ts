// Bundled by the end-to-end harness and injected before the page's own scripts:
// builds `window.api` and `window.tasks` exactly as the preload does, over
// Playwright bindings instead of ipcRenderer (progress events arrive through
// `__qrrProgress`, called by the harness as main's webContents.send would).
import { makeApi } from '../../shared/ipc/make-api';
import { isProgressEvent, type ProgressEvent, type TasksApi } from '../../shared/ipc/progress';
import type { Result } from '../../shared/ipc/result';

declare global {
  interface Window {
    __qrrBridge(channel: string, request: unknown): Promise<Result<unknown>>;
    __qrrCancel(id: number): Promise<void>;
  }
}

Object.defineProperty(window, 'api', {
  value: makeApi((channel, request) => window.__qrrBridge(channel, request)),
  writable: false,
  configurable: false,
  enumerable: true,
});

const listeners = new Set<(event: ProgressEvent) => void>();
const tasks: TasksApi = Object.freeze({
  onProgress(listener: (event: ProgressEvent) => void) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  cancel(id: number) {
    void window.__qrrCancel(id);
  },
});
Object.defineProperty(window, 'tasks', { value: tasks, writable: false, configurable: false, enumerable: true });
Object.defineProperty(window, '__qrrProgress', {
  value: (event: unknown) => {
    if (isProgressEvent(event)) for (const listener of listeners) listener(event);
  },
  writable: false,
  configurable: false,
  enumerable: false,
});
