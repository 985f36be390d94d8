import path from 'node:path';
import { isoNow } from '../context';
import type { HandlerEnv, HandlersOf } from '../ipc/handler-kit';
import { consolidateFiles, nationalReportFileName, writeNationalReport } from './index';

/** The national summary of several départements' exchange files. */
export function createConsolidationHandlers({ ctx, dataDir, info }: HandlerEnv): HandlersOf<'consolidateExchanges' | 'exportNationalReport'> {
  return {
    // Read-only: the files are consolidated in memory; only the PDF is written, never the database.
    consolidateExchanges: ({ files, periodCode }) => consolidateFiles(files, periodCode ? { periodCode } : {}),
    exportNationalReport: ({ files, periodCode }) => {
      const model = consolidateFiles(files, periodCode ? { periodCode } : {});
      const generatedAt = isoNow(ctx);
      const target = path.join(dataDir, 'exports', nationalReportFileName(model, generatedAt));
      const written = writeNationalReport(model, target, { generatedAt, appVersion: info.appVersion });
      return { path: written.path, fileName: written.fileName, pages: written.pages };
    },
  };
}
