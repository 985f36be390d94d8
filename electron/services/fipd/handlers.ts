import path from 'node:path';
import type { z } from 'zod';
import type { FipdChannelName, FipdContract } from '../../../shared/ipc/contract-fipd';
import type { ServiceContext } from '../context';
import { withVia, type HandlerEnv, type HandlersOf } from '../ipc/handler-kit';
import { exportSubsidies } from './export';
import { listEnvelopes, setEnvelope } from './envelopes';
import { getLedger } from './ledger';
import { addPayment, deletePayment } from './payments';
import { deleteSubsidy, listSubsidies, saveSubsidies, saveSubsidy } from './subsidies';

export type FipdHandlers = {
  readonly [C in FipdChannelName]: (
    request: z.output<FipdContract[C]['request']>,
  ) => FipdContract[C]['response'] | Promise<FipdContract[C]['response']>;
};

/**
 * The main process's answers to the FIPD requests (shared/ipc/contract-fipd.ts),
 * to spread into createHandlers' result. Requests arrive validated by the dispatcher.
 */
export function createFipdHandlers(ctx: ServiceContext): FipdHandlers {
  return {
    listEnvelopes: (request) => listEnvelopes(ctx, request),
    setEnvelope: ({ via, ...input }) => setEnvelope(withVia(ctx, via), input),
    listSubsidies: ({ filters }) => listSubsidies(ctx, filters ?? {}),
    saveSubsidy: ({ via, ...line }) => saveSubsidy(withVia(ctx, via), line),
    saveSubsidies: ({ via, lines }) => saveSubsidies(withVia(ctx, via), lines),
    deleteSubsidy: ({ id, via }) => deleteSubsidy(withVia(ctx, via), id),
    addPayment: ({ via, ...input }) => addPayment(withVia(ctx, via), input),
    deletePayment: ({ id, via }) => deletePayment(withVia(ctx, via), id),
    getLedger: (request) => getLedger(ctx, request),
  };
}

/** The subsidies shown, written as CSV or .xlsx in the « exports » folder. */
export function createFipdExportHandlers({ ctx, geography, dataDir }: HandlerEnv): HandlersOf<'exportSubsidies'> {
  return {
    exportSubsidies: ({ filters, format }) => exportSubsidies(ctx, geography, { filters: filters ?? {}, format, outputDir: path.join(dataDir, 'exports') }),
  };
}
