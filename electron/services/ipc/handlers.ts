import { createBackupHandlers } from '../db/backup-handlers';
import { createConsolidationHandlers } from '../exchange-consolidation/handlers';
import { createExchangeHandlers } from '../exchange/handlers';
import { createFipdExportHandlers, createFipdHandlers } from '../fipd/handlers';
import { createFollowupHandlers } from '../followup-handlers';
import { createPeriodsHandlers } from '../periods-handlers';
import { createQrrHandlers } from '../qrr-handlers';
import { createReportHandlers } from '../report/handlers';
import { createSettingsHandlers } from '../settings-handlers';
import { createTransferHandlers } from '../transfer/handlers';
import { handlerEnv, type HandlerDeps, type Handlers } from './handler-kit';

export type { BackupService, Handler, HandlerDeps, Handlers } from './handler-kit';

/**
 * The main process's answer to every request of the contract, composed from
 * the handlers each domain declares beside its services. Requests arrive here
 * already validated by the dispatcher; handlers only call services. The
 * `Handlers` type makes tsc refuse a channel without its handler.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  const env = handlerEnv(deps);
  return {
    ...createSettingsHandlers(env),
    ...createQrrHandlers(env),
    ...createPeriodsHandlers(env),
    ...createFollowupHandlers(env),
    ...createReportHandlers(env),
    ...createExchangeHandlers(env),
    ...createConsolidationHandlers(env),
    ...createFipdHandlers(env.ctx),
    ...createFipdExportHandlers(env),
    ...createBackupHandlers(env),
    ...createTransferHandlers(env),
  };
}
