import path from 'node:path';
import { UNVERIFIED_NOT_ACCEPTED } from '../../../shared/exchange/source';
import { DomainError } from '../../../shared/ipc/result';
import { applyImport } from '../exchange/apply';
import { exchangeFileName, exportExchange, writeExchangeFile } from '../exchange/export';
import { exchangeFromWorkbook, writeExchangeWorkbook } from '../exchange/xlsx';
import { previewImport } from '../exchange/preview';
import { readExchangeBytes, type ReadSourceOptions } from '../exchange/sources';
import type { AppInfo, DemoSummaryDto, ReportVerdict } from '../../../shared/domain/types';
import type { ChannelName, ParsedRequestOf, ResponseOf } from '../../../shared/ipc/contract';
import type { BackupService } from '../app-core';
import { isoNow, type ServiceContext } from '../context';
import { DEPARTEMENTS, type Geography } from '../geography';
import { searchAudit } from '../audit';
import { consolidateFiles, nationalReportFileName, writeNationalReport } from '../exchange-consolidation';
import { exportSubsidies } from '../fipd/export';
import { createFipdHandlers } from '../fipd/handlers';
import { createTrustStore } from '../trust';
import { createTsaSettings, testTsa } from '../tsa-settings';
import { dataFolders } from '../paths';
import type { TransferService } from '../transfer/service';
import { readOpenedFile } from '../desktop/open-file';
import {
  listActionStatuses,
  listAssessments,
  listIndicatorValues,
  saveActionStatuses,
  saveAssessment,
  saveIndicatorValues,
} from '../followup';
import { listPeriods, openPeriod, reopenPeriod } from '../periods';
import { requireTransmittable, transmitQuarter } from '../transmission';
import { createQrrService } from '../qrr';
import { readReferential } from '../referential';
import { listSansObjet, listTargets, saveSansObjet, saveTarget } from '../results';
import { listReports, produceReport, reportModelFor } from '../report/report-service';
import { createSigningHandlers } from '../report/signing-handlers';
import { verifyReportPdf, type ReportVerification } from '../report/verify';
import { createSigningPreferences, PREFERENCES_FILE } from '../signing-preferences';
import { getSettings, requireDepartementCode, saveSettings } from '../settings';

export type Handler<C extends ChannelName> = (request: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export interface HandlerDeps {
  readonly ctx: ServiceContext;
  readonly geography: Geography;
  readonly backups: BackupService;
  /** Fills an empty database with the demonstration (needs the dispatcher, so the app core provides it). */
  readonly installDemo: () => Promise<DemoSummaryDto>;

  readonly info: Omit<AppInfo, 'schemaVersion' | 'reportsDir' | 'exportsDir' | 'trustedRootsDir'>;
  /** « Exporter tout / Restaurer » (needs the app core, which can replace the database). Absent (CLI): refused. */
  readonly transfer?: TransferService;
  /**
   * Files main was asked to open (electron/services/desktop/open-file.ts); the renderer
   * takes them one by one. Absent (CLI): nothing is ever waiting.
   */
  readonly openedFiles?: { take(): string | null };
  /** Per-user signing preferences file (default: beside the database). */
  readonly preferencesFile?: string;
}

/** What the renderer needs of a verification: readable names, and the attachment summarised. */
function verdictOf(v: ReportVerification): ReportVerdict {
  const envelope = v.attachment ?? v.untrustedAttachment;
  return {
    status: v.status,
    signed: v.signed,
    signer: v.signer ? (v.signer.commonName ?? v.signer.organization ?? v.signer.text) : null,
    signingTime: v.signingTime,
    coversWholeFile: v.coversWholeFile,
    intact: v.intact,
    trusted: v.trusted,
    signatureAlgorithm: v.signatureAlgorithm,
    certificate: v.certificate
      ? {
          checkedAt: v.certificate.checkedAt,
          checkedAtSource: v.certificate.checkedAtSource,
          expired: v.certificate.expired,
          notYetValid: v.certificate.notYetValid,
          keyUsageAllowsSigning: v.certificate.keyUsageAllowsSigning,
        }
      : null,
    chain: v.chain,
    attachment: envelope ? { departement: envelope.departement, period: envelope.period, trusted: v.attachment !== null } : null,
    problems: v.problems,
    timestamp: v.timestamp && { time: v.timestamp.time, tsa: v.timestamp.tsa, imprintMatches: v.timestamp.imprintMatches, trusted: v.timestamp.trusted },
  };
}


/** The audit origin of a UI batch says how it came about: `ui:collage`, `ui:annulation`… */
const withVia = (ctx: ServiceContext, via: string | undefined): ServiceContext => (via ? { ...ctx, origin: `${ctx.origin}:${via}` } : ctx);

/**
 * The main process's answer to every request of the contract. Requests arrive
 * here already validated by the dispatcher; these functions only call services.
 */
/** The signature of a report request, time-stamped by the configured TSA unless the user chose to sign without. */
function timestamped<T extends { readonly signature?: object }>(source: T, tsaUrl: string | null): T {
  return source.signature ? { ...source, signature: { ...source.signature, tsaUrl } } : source;
}

export function createHandlers({ ctx, geography, backups, installDemo, info, openedFiles, transfer, preferencesFile }: HandlerDeps): Handlers {
  const dataDir = path.dirname(info.databasePath);
  const folders = dataFolders(info.databasePath);
  const reportsDir = folders.reports;
  const trust = createTrustStore(folders.trustedRoots);
  const tsa = createTsaSettings(dataDir);
  const requireTransfer = (): TransferService => {
    if (!transfer) throw new DomainError('INTERNAL', "L'export et la restauration complets ne sont disponibles que dans l'application.");
    return transfer;
  };
  const qrr = createQrrService(geography);
  const signing = createSigningHandlers(ctx, createSigningPreferences(preferencesFile ?? path.join(dataDir, PREFERENCES_FILE), ctx.osUser));
  const sourceOptions = (): ReadSourceOptions => ({
    trustedRoots: trust.pems(),
    readWorkbook: (bytes) => exchangeFromWorkbook(bytes, readReferential(ctx.db)),
  });
  return {
    getAppInfo: () => ({
      ...info,
      reportsDir: folders.reports,
      exportsDir: folders.exports,
      trustedRootsDir: folders.trustedRoots,
      schemaVersion: ctx.db.pragma('user_version', { simple: true }) as number,
    }),
    listDepartements: () => DEPARTEMENTS,
    listCommunes: () => geography.communesOf(requireDepartementCode(ctx)),
    getSettings: () => getSettings(ctx),
    saveSettings: (request) => saveSettings(ctx, request),
    listQrrs: (request) => qrr.list(ctx, request),
    createQrr: (request) => qrr.create(ctx, request),
    updateQrr: ({ id, ...input }) => qrr.update(ctx, id, input),
    archiveQrr: ({ id }) => qrr.archive(ctx, id),
    deleteQrr: ({ id }) => qrr.remove(ctx, id),
    restoreQrr: ({ id }) => qrr.restore(ctx, id),
    getReferential: () => readReferential(ctx.db),
    listPeriods: () => listPeriods(ctx),
    openPeriod: ({ code }) => openPeriod(ctx, code),
    transmitPeriod: ({ code, confirmIncomplete }) => {
      const missing = requireTransmittable(ctx, geography, code, confirmIncomplete);
      return transmitQuarter(ctx, code, { missing: missing.count, report: null });
    },
    reopenPeriod: ({ code, reason }) => reopenPeriod(ctx, code, reason),
    listIndicatorValues: ({ periodCode, qrrId }) => listIndicatorValues(ctx, periodCode, qrrId),
    saveIndicatorValues: ({ periodCode, changes, via }) => saveIndicatorValues(withVia(ctx, via), periodCode, changes),
    listActionStatuses: ({ periodCode, qrrId }) => listActionStatuses(ctx, periodCode, qrrId),
    saveActionStatuses: ({ periodCode, changes, via }) => saveActionStatuses(withVia(ctx, via), periodCode, changes),
    listAssessments: ({ periodCode, qrrId }) => listAssessments(ctx, periodCode, qrrId),
    saveAssessment: ({ periodCode, via, ...change }) => saveAssessment(withVia(ctx, via), periodCode, change),
    listSansObjet: () => listSansObjet(ctx),
    saveSansObjet: (change) => saveSansObjet(ctx, change),
    listTargets: () => listTargets(ctx),
    saveTarget: (change) => saveTarget(ctx, change),
    getReportModel: ({ periodCode }) => reportModelFor(ctx, geography, periodCode),
    generateReport: ({ periodCode, signature, transmit, confirmIncomplete }) =>
      produceReport(ctx, geography, {
        periodCode,
        transmit,
        confirmIncomplete,
        outputDir: reportsDir,
        appVersion: info.appVersion,
        ...(signature ? timestamped(signing.signatureOf(signature), signature.withoutTimestamp ? null : tsa.get().tsaUrl) : {}),
      }),
    ...signing.handlers,
    listReports: ({ periodCode }) => listReports(ctx, periodCode),
    verifyReport: async ({ pdfBase64 }) => verdictOf(await verifyReportPdf(Buffer.from(pdfBase64, 'base64'), { trustedRoots: trust.pems() })),
    listTrustedRoots: () => trust.list(),
    getTimestampSettings: () => tsa.get(),
    saveTimestampSettings: ({ tsaUrl }) => tsa.save(ctx, tsaUrl),
    testTimestampAuthority: ({ tsaUrl }) => testTsa(tsaUrl, trust.pems()),
    addTrustedRoot: ({ certificateBase64 }) => trust.add(ctx, Buffer.from(certificateBase64, 'base64')),
    removeTrustedRoot: ({ fingerprint }) => (trust.remove(ctx, fingerprint), { removed: fingerprint }),
    installDemo: () => installDemo(),
    listAudit: (query) => searchAudit(ctx.db, query),
    exportExchange: async ({ periods, format }) => {
      const document = exportExchange(ctx, periods ? { periods } : {});
      const file =
        format === 'xlsx'
          ? await writeExchangeWorkbook(document, readReferential(ctx.db), path.join(dataDir, 'exports'))
          : writeExchangeFile(document, path.join(dataDir, 'exports', exchangeFileName(document)));
      return { path: file, fileName: path.basename(file) };
    },
    previewExchange: async ({ fileName, contentBase64 }) => {
      const source = await readExchangeBytes(fileName, Buffer.from(contentBase64, 'base64'), sourceOptions());
      return { ...previewImport(ctx, source.document, geography), fileName: source.fileName, hash: source.fileHash, source: source.info };
    },
    applyExchange: async ({ fileName, contentBase64, defaultChoice, perLine, acceptUnverified, skipRefused }) => {
      const source = await readExchangeBytes(fileName, Buffer.from(contentBase64, 'base64'), sourceOptions());
      if (source.info.warning && !acceptUnverified) throw new DomainError('CONFLICT', UNVERIFIED_NOT_ACCEPTED);
      return applyImport(ctx, source.document, { defaultChoice, ...(perLine ? { perLine } : {}), skipRefused: skipRefused === true }, {
        backup: async () => (await backups.backupNow('avant-import')).name,
        fileName: source.fileName,
        hash: source.fileHash,
        geography,
        provenance: source.info,
      });
    },
    ...createFipdHandlers(ctx),
    exportSubsidies: ({ filters, format }) => exportSubsidies(ctx, geography, { filters: filters ?? {}, format, outputDir: path.join(dataDir, 'exports') }),
    listBackups: () => backups.list(),
    backupNow: () => backups.backupNow('manuelle'),
    restoreBackup: ({ name }) => backups.restore(name),
    exportEverything: () => requireTransfer().exportEverything(),
    restoreEverything: ({ archiveBase64, confirmOtherDepartement, fileName }) =>
      requireTransfer().restoreEverything(Buffer.from(archiveBase64, 'base64'), {
        confirmOtherDepartement: confirmOtherDepartement === true,
        fileName,
      }),
    takeOpenedFile: () => {
      // Taken even when it cannot be read: the refusal is shown once, not at every focus.
      const file = openedFiles?.take() ?? null;
      return file === null ? null : readOpenedFile(file);
    },
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
