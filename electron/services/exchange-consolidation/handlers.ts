import path from 'node:path';
import { isoNow } from '../context';
import type { HandlerEnv, HandlersOf } from '../ipc/handler-kit';
import { consolidateFiles, nationalReportFileName, writeNationalReport } from './index';

const consolidatingStep = (count: number): string =>
  `Lecture, vérification et consolidation de ${count} fichier${count > 1 ? 's' : ''} d'échange…`;

/** The national summary of several départements' exchange files. */
export function createConsolidationHandlers({ ctx, dataDir, info }: HandlerEnv): HandlersOf<'consolidateExchanges' | 'exportNationalReport'> {
  return {
    // Read-only: the files are consolidated in memory; only the PDF is written, never the database.
    consolidateExchanges: async ({ files, periodCode }, call) => {
      call.progress(consolidatingStep(files.length), 0, 1, true);
      await call.checkpoint();
      return consolidateFiles(files, periodCode ? { periodCode } : {});
    },
    exportNationalReport: async ({ files, periodCode }, call) => {
      call.progress(consolidatingStep(files.length), 0, 3, true);
      await call.checkpoint();
      const model = consolidateFiles(files, periodCode ? { periodCode } : {});
      await call.checkpoint();
      call.progress('Dessin et enregistrement de la synthèse nationale PDF…', 1, 3, false);
      const generatedAt = isoNow(ctx);
      const target = path.join(dataDir, 'exports', nationalReportFileName(model, generatedAt));
      const written = writeNationalReport(model, target, { generatedAt, appVersion: info.appVersion });
      return { path: written.path, fileName: written.fileName, pages: written.pages };
    },
  };
}
