/**
 * The only bridge between the page and main: `window.api`, one named method
 * per request of the contract. Bundled into a single file because sandboxed
 * preloads cannot require project modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_PREFIX } from '../shared/ipc/channels';
import { makeApi } from '../shared/ipc/make-api';
import type { Result } from '../shared/ipc/result';

contextBridge.exposeInMainWorld(
  'api',
  makeApi((name, request) => ipcRenderer.invoke(CHANNEL_PREFIX + name, request) as Promise<Result<unknown>>),
);
