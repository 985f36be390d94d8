/**
 * The exchange requests (export, preview read by pages, import) and the
 * national consolidation, in the style of contract.ts, which spreads
 * `exchangeContract` into `contract`.
 *
 * This file must not import contract.ts at run time (contract.ts imports it).
 */
import { z } from 'zod';
import type { ExchangeLine, ExchangePreview } from '../exchange/diff';
import type { ExchangeSourceInfo } from '../exchange/source';
import { EXCHANGE_MAX_BYTES } from '../exchange/format';
import { CONSOLIDATION_MAX_FILES, CONSOLIDATION_MAX_TOTAL_BYTES, type NationalModel } from '../exchange/consolidate';
import { base64, channel, PeriodCode, text } from './schema-kit';

/**
 * A file chosen to import: an exchange file (.qrr), a report PDF or an .xlsx
 * workbook of the application, as bytes (its kind is recognised in main from
 * its first bytes, not from its name).
 */
/** What the import reads is what the export writes (EXCHANGE_MAX_BYTES, with its reason). */
const EXCHANGE_FILE_MAX = EXCHANGE_MAX_BYTES;
/** What previewExchange answers: the preview without its lines, which are read by pages. */
export type ExchangePreviewDto = Omit<ExchangePreview, 'lines'> & {
  readonly fileName: string;
  readonly hash: string;
  readonly source: ExchangeSourceInfo;
  /** Names this preview in previewExchangeLines (the last preview only is kept). */
  readonly previewId: string;
  /** The QRRs and quarters (or FIPD years, results) that have lines: the filters' choices. */
  readonly filters: { readonly qrrs: readonly { readonly key: string; readonly name: string }[]; readonly periods: readonly string[] };
};

/** Lines asked for at most per page. */
export const PREVIEW_PAGE_MAX = 1000;

export interface ExchangeLinesPageDto {
  readonly lines: readonly ExchangeLine[];
  /** Lines matching the filters, in all. */
  readonly total: number;
  /** With `withKeys`: the key of every line matching (per-line choices for all the conflicts shown). */
  readonly keys?: readonly string[];
}

const ExchangeFileRequest = z.strictObject({
  fileName: text('Le nom du fichier', 255),
  contentBase64: base64('Le fichier', EXCHANGE_FILE_MAX),
});

/** A file main queued to be opened (double click, second instance, menu), as bytes. */
export interface OpenedFileDto {
  readonly fileName: string;
  readonly contentBase64: string;
}

/** What an import did (electron/services/exchange/apply.ts answers with this very type). */
export interface ImportSummaryDto {
  readonly applied: { readonly new: number; readonly theirs: number };
  readonly keptMine: number;
  readonly identical: number;
  readonly locked: number;
  /** Refused cells left out (only with skipRefused). */
  readonly refused: number;
  readonly qrrsCreated: number;
  readonly periodsOpened: number;
  /** Periods created by the import as transmitted, as they are in the file (a transmitted quarter stays locked). */
  readonly periodsTransmitted: number;
  readonly fipd: { readonly envelopes: number; readonly subsidiesCreated: number; readonly subsidiesUpdated: number; readonly payments: number };
  readonly backupFile: string;
  /** French, for the user. */
  readonly message: string;
}

/**
 * National consolidation: several départements' exchange files, as their names
 * and texts (JSON), for the national summary — read-only, nothing is written to
 * the database. Each file is limited like an exchange file, all together too.
 */
const CONSOLIDATION_FILE_MAX = EXCHANGE_MAX_BYTES;
const ConsolidationRequest = z.strictObject({
  files: z
    .array(
      z.strictObject({
        fileName: text('Le nom du fichier', 255),
        text: z.string({ error: "Le fichier d'échange est invalide." }).max(CONSOLIDATION_FILE_MAX, `Un fichier d'échange dépasse ${CONSOLIDATION_FILE_MAX / (1024 * 1024)} Mo.`),
      }),
      { error: "La liste des fichiers d'échange est invalide." },
    )
    .min(1, "Choisissez au moins un fichier d'échange.")
    .max(CONSOLIDATION_MAX_FILES, `Pas plus de ${CONSOLIDATION_MAX_FILES} fichiers à la fois.`)
    .refine(
      (files) => files.reduce((n, f) => n + f.text.length, 0) <= CONSOLIDATION_MAX_TOTAL_BYTES,
      `Les fichiers choisis dépassent ${CONSOLIDATION_MAX_TOTAL_BYTES / (1024 * 1024)} Mo au total : consolidez-les en plusieurs fois.`,
    ),
  periodCode: PeriodCode.optional(),
});
/** JSON escaping of the files' text (quotes, line breaks) stays well under twice their size. */
const CONSOLIDATION_REQUEST_MAX = CONSOLIDATION_MAX_TOTAL_BYTES * 2;

export const exchangeContract = {
  /**
   * Writes the exchange data of the chosen quarters (all when none) in the « exports » folder:
   * an exchange file `.qrr` (default) or an Excel workbook `.xlsx` to edit and import back.
   */
  exportExchange: channel<{ readonly path: string; readonly fileName: string }>()(
    z.strictObject({
      periods: z.array(PeriodCode).max(200).optional(),
      format: z.enum(['qrr', 'xlsx'], { error: "Format d'export inconnu (fichier d'échange .qrr ou classeur Excel .xlsx)." }).optional(),
    }),
  ),
  /**
   * What importing this exchange file would do: counts by state, the QRRs and quarters, the filters'
   * choices; nothing is written. The lines (~435,000 for a national quarter) stay in main: they are
   * read a page at a time (previewExchangeLines) with the `previewId` given here.
   */
  previewExchange: channel<ExchangePreviewDto>()(ExchangeFileRequest, { maxBytes: Math.ceil(EXCHANGE_FILE_MAX * 1.34) + 1024 }),
  /** A page of the last preview's lines, filtered by state, QRR and quarter; `withKeys`: the keys of every line matching (bulk choices). */
  previewExchangeLines: channel<ExchangeLinesPageDto>()(
    z.strictObject({
      previewId: text("L'aperçu", 100),
      kind: z.enum(['new', 'identical', 'conflict', 'locked', 'refused'], { error: 'État de ligne inconnu.' }).optional(),
      qrrKey: text('Le quartier', 1000).optional(),
      periodCode: text('Le trimestre', 20).optional(),
      offset: z.number({ error: 'Position invalide.' }).int().min(0).max(10_000_000),
      limit: z.number({ error: 'Nombre de lignes invalide.' }).int().min(1).max(PREVIEW_PAGE_MAX, `Au plus ${PREVIEW_PAGE_MAX} lignes par page.`),
      withKeys: z.boolean().optional(),
    }),
  ),
  /** Applies the file with the choices made on the preview, after a backup, in one transaction. */
  applyExchange: channel<ImportSummaryDto>()(
    ExchangeFileRequest.extend({
      defaultChoice: z.enum(['mine', 'theirs'], { error: 'Choix inconnu (le mien ou le sien).' }),
      perLine: z.record(z.string().max(300), z.enum(['mine', 'theirs'])).optional(),
      /** The user accepted the warning about an unsigned or untrusted report. */
      acceptUnverified: z.boolean().optional(),
      /** Import the rest of a file some cells of which the application refuses (explicit choice); otherwise it is refused whole. */
      skipRefused: z.boolean().optional(),
    }),
    { maxBytes: Math.ceil(EXCHANGE_FILE_MAX * 1.34) + 4 * 1024 * 1024 },
  ),
  /** The national summary of several départements' exchange files for a quarter (shared/exchange/consolidate.ts); nothing is written. */
  consolidateExchanges: channel<NationalModel>()(ConsolidationRequest, { maxBytes: CONSOLIDATION_REQUEST_MAX }),
  /** The same summary as an unsigned PDF in the « exports » folder beside the database (the database is not written). */
  exportNationalReport: channel<{ readonly path: string; readonly fileName: string; readonly pages: number }>()(ConsolidationRequest, {
    maxBytes: CONSOLIDATION_REQUEST_MAX,
  }),
} as const;
