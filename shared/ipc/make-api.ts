import type { Api } from './contract';
import { CHANNELS, type ChannelName } from './channels';
import type { Result } from './result';

/** How a request reaches main: `ipcRenderer.invoke` in Electron, a Playwright binding in end-to-end tests. */
export type Transport = (channel: ChannelName, request: unknown) => Promise<Result<unknown>>;

/**
 * Builds `window.api` from the channel list: one named method per request,
 * never a generic "invoke anything".
 */
export function makeApi(transport: Transport): Api {
  const api: Record<string, (request?: unknown) => Promise<Result<unknown>>> = {};
  for (const name of CHANNELS) {
    api[name] = (request?: unknown) => transport(name, request);
  }
  return Object.freeze(api) as unknown as Api;
}
