/**
 * The only bridge between the page and main: `window.api`, one named method
 * per request of the contract, and `window.tasks`, the progress of long
 * requests and their cancellation. Bundled into a single file because
 * sandboxed preloads cannot require project modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNEL_PREFIX } from '../shared/ipc/channels';
import { makeApi } from '../shared/ipc/make-api';
import { CANCEL_CHANNEL, isProgressEvent, PROGRESS_CHANNEL, type ProgressEvent, type TasksApi } from '../shared/ipc/progress';
import type { Result } from '../shared/ipc/result';

contextBridge.exposeInMainWorld(
  'api',
  makeApi((name, request) => ipcRenderer.invoke(CHANNEL_PREFIX + name, request) as Promise<Result<unknown>>),
);

const tasks: TasksApi = {
  onProgress(listener: (event: ProgressEvent) => void) {
    const relay = (_event: IpcRendererEvent, progress: unknown): void => {
      if (isProgressEvent(progress)) listener(progress);
    };
    ipcRenderer.on(PROGRESS_CHANNEL, relay);
    return () => void ipcRenderer.removeListener(PROGRESS_CHANNEL, relay);
  },
  cancel(id: number) {
    if (Number.isSafeInteger(id)) ipcRenderer.send(CANCEL_CHANNEL, id);
  },
};
contextBridge.exposeInMainWorld('tasks', tasks);
