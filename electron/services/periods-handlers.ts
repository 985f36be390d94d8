import type { HandlerEnv, HandlersOf } from './ipc/handler-kit';
import { listPeriods, openPeriod, reopenPeriod } from './periods';
import { requireTransmittable, transmitQuarter } from './transmission';

/** The quarters: open, transmitted (after the transmission check), reopened. */
export function createPeriodsHandlers({ ctx, geography }: HandlerEnv): HandlersOf<'listPeriods' | 'openPeriod' | 'transmitPeriod' | 'reopenPeriod'> {
  return {
    listPeriods: () => listPeriods(ctx),
    openPeriod: ({ code }) => openPeriod(ctx, code),
    transmitPeriod: ({ code, confirmIncomplete }) => {
      const missing = requireTransmittable(ctx, geography, code, confirmIncomplete);
      return transmitQuarter(ctx, code, { missing: missing.count, report: null });
    },
    reopenPeriod: ({ code, reason }) => reopenPeriod(ctx, code, reason),
  };
}
