// Bundled by the end-to-end harness and injected before the page's own scripts:
// builds `window.api` exactly as the preload does, over a Playwright binding
// instead of ipcRenderer.
import { makeApi } from '../../shared/ipc/make-api';
import type { Result } from '../../shared/ipc/result';

declare global {
  interface Window {
    __qrrBridge(channel: string, request: unknown): Promise<Result<unknown>>;
  }
}

Object.defineProperty(window, 'api', {
  value: makeApi((channel, request) => window.__qrrBridge(channel, request)),
  writable: false,
  configurable: false,
  enumerable: true,
});
