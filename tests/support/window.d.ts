import type { Api } from '../../shared/ipc/contract';

declare global {
  interface Window {
    /** As exposed by the preload, or by the e2e bridge (tests/support/e2e-bridge-entry.ts). */
    readonly api: Api;
  }
}
