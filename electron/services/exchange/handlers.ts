import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ExchangePreview } from '../../../shared/exchange/diff';
import { lineFilters } from '../../../shared/exchange/preview-lines';
import { UNVERIFIED_NOT_ACCEPTED } from '../../../shared/exchange/source';
import { DomainError } from '../../../shared/ipc/result';
import { readOpenedFile } from '../desktop/open-file';
import type { HandlerEnv, HandlersOf } from '../ipc/handler-kit';
import { readReferential } from '../referential';
import { applyImport } from './apply';
import { exchangeFileName, exportExchange, writeExchangeFile } from './export';
import { previewImport } from './preview';
import { readExchangeBytes, type ReadSourceOptions } from './sources';
import { exchangeFromWorkbook, writeExchangeWorkbook } from './xlsx';

export const PREVIEW_GONE = "Cet aperçu n'est plus disponible (un autre fichier a été ouvert ou importé depuis) : choisissez de nouveau le fichier.";

/** Exchange files between colleagues of a département: export, preview, import, and files opened from outside the window. */
export function createExchangeHandlers({ ctx, geography, backups, dataDir, trust, openedFiles }: HandlerEnv): HandlersOf<
  'exportExchange' | 'previewExchange' | 'previewExchangeLines' | 'applyExchange' | 'takeOpenedFile'
> {
  // The last preview, whose lines the screen reads by pages; dropped by the next preview or an import.
  let current: { readonly id: string; readonly preview: ExchangePreview } | null = null;
  const sourceOptions = (): ReadSourceOptions => ({
    trustedRoots: trust.pems(),
    readWorkbook: (bytes) => exchangeFromWorkbook(bytes, readReferential(ctx.db)),
  });
  return {
    exportExchange: async ({ periods, format }, call) => {
      call.progress('Lecture des données à exporter…', 0, 2, true);
      const document = exportExchange(ctx, periods ? { periods } : {});
      await call.checkpoint();
      call.progress(format === 'xlsx' ? 'Écriture du classeur Excel…' : "Écriture du fichier d'échange…", 1, 2, false);
      const file =
        format === 'xlsx'
          ? await writeExchangeWorkbook(document, readReferential(ctx.db), path.join(dataDir, 'exports'))
          : writeExchangeFile(document, path.join(dataDir, 'exports', exchangeFileName(document)));
      return { path: file, fileName: path.basename(file) };
    },
    previewExchange: async ({ fileName, contentBase64 }, call) => {
      current = null;
      // Read-only: cancellable all along.
      call.progress(`Lecture et vérification de « ${fileName} »…`, 0, 2, true);
      const source = await readExchangeBytes(fileName, Buffer.from(contentBase64, 'base64'), sourceOptions());
      await call.checkpoint();
      call.progress('Comparaison avec vos données…', 1, 2, true);
      const { lines, ...head } = previewImport(ctx, source.document, geography);
      current = { id: randomUUID(), preview: { ...head, lines } };
      return { ...head, fileName: source.fileName, hash: source.fileHash, source: source.info, previewId: current.id, filters: lineFilters(lines) };
    },
    previewExchangeLines: ({ previewId, kind, qrrKey, periodCode, offset, limit, withKeys }) => {
      if (current === null || current.id !== previewId) throw new DomainError('NOT_FOUND', PREVIEW_GONE);
      const { lines } = current.preview;
      const filter = { kind, qrrKey, periodCode };
      const page = lines.page(filter, offset, limit);
      if (!withKeys) return page;
      const keys: string[] = [];
      for (let i = 0; i < lines.length; i++) if (lines.matches(i, filter)) keys.push(lines.keyAt(i));
      return { ...page, keys };
    },
    applyExchange: async ({ fileName, contentBase64, defaultChoice, perLine, acceptUnverified, skipRefused }, call) => {
      current = null;
      call.progress(`Lecture et vérification de « ${fileName} »…`, 0, 2, true);
      const source = await readExchangeBytes(fileName, Buffer.from(contentBase64, 'base64'), sourceOptions());
      if (source.info.warning && !acceptUnverified) throw new DomainError('CONFLICT', UNVERIFIED_NOT_ACCEPTED);
      // Last safe point: then a backup, and the import in one transaction.
      await call.checkpoint();
      call.progress("Sauvegarde de la base puis import en une seule transaction…", 1, 2, false);
      return applyImport(ctx, source.document, { defaultChoice, ...(perLine ? { perLine } : {}), skipRefused: skipRefused === true }, {
        backup: async () => (await backups.backupNow('avant-import')).name,
        fileName: source.fileName,
        hash: source.fileHash,
        geography,
        provenance: source.info,
      });
    },
    takeOpenedFile: () => {
      // Taken even when it cannot be read: the refusal is shown once, not at every focus.
      const file = openedFiles?.take() ?? null;
      return file === null ? null : readOpenedFile(file);
    },
  };
}
