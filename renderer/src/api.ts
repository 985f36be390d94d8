import type { Api } from '../../shared/ipc/contract';
import type { ApiError, Result } from '../../shared/ipc/result';

declare global {
  interface Window {
    /** Exposed by the preload (Electron) or the end-to-end bridge (tests), built from the IPC contract. */
    readonly api: Api;
  }
}

export const api = (): Api => window.api;

/** Turns a rejected transport (main process gone, bridge missing) into the same envelope as a refusal. */
export async function call<T>(request: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await request;
  } catch {
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: "L'application ne répond pas ; rien n'a été enregistré. Fermez-la et relancez-la.",
      } satisfies ApiError,
    };
  }
}

/** The nonce the page was served with (see the CSP), for libraries that inject <style> elements. */
export const cspNonce = (): string | undefined =>
  document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content || undefined;
