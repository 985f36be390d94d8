import { DomainError } from '../../../shared/ipc/result';
import type { HandlerEnv, HandlersOf } from '../ipc/handler-kit';
import type { TransferService } from './service';

/** « Exporter tout / Restaurer »: only in the application, whose core can replace the database. */
export function createTransferHandlers({ transfer }: HandlerEnv): HandlersOf<'exportEverything' | 'restoreEverything'> {
  const requireTransfer = (): TransferService => {
    if (!transfer) throw new DomainError('INTERNAL', "L'export et la restauration complets ne sont disponibles que dans l'application.");
    return transfer;
  };
  return {
    exportEverything: (_request, call) => requireTransfer().exportEverything(call),
    restoreEverything: ({ archiveBase64, confirmOtherDepartement, fileName }, call) =>
      requireTransfer().restoreEverything(
        Buffer.from(archiveBase64, 'base64'),
        { confirmOtherDepartement: confirmOtherDepartement === true, fileName },
        call,
      ),
  };
}
