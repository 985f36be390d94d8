import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseExchangeText, type ExchangeDocument } from '../../../shared/exchange/format';
import { DomainError } from '../../../shared/ipc/result';
import { applyImport } from '../exchange/apply';
import { exchangeFileName, exportExchange, writeExchangeFile } from '../exchange/export';
import { previewImport } from '../exchange/preview';
import type { AppInfo, DemoSummaryDto, ReportVerdict } from '../../../shared/domain/types';
import type { ChannelName, ParsedRequestOf, ResponseOf } from '../../../shared/ipc/contract';
import type { BackupService } from '../app-core';
import type { ServiceContext } from '../context';
import { DEPARTEMENTS, type Geography } from '../geography';
import { searchAudit } from '../audit';
import { exportSubsidies } from '../fipd/export';
import { createFipdHandlers } from '../fipd/handlers';
import { createTrustStore } from '../trust';
import {
  freezeComputedValues,
  listActionStatuses,
  listAssessments,
  listIndicatorValues,
  saveActionStatuses,
  saveAssessment,
  saveIndicatorValues,
} from '../followup';
import { listPeriods, openPeriod, reopenPeriod, transmitPeriod } from '../periods';
import { createQrrService } from '../qrr';
import { readReferential } from '../referential';
import { listReports, produceReport, reportModelFor } from '../report/report-service';
import { verifyReportPdf, type ReportVerification } from '../report/verify';
import { getSettings, requireDepartementCode, saveSettings } from '../settings';

export type Handler<C extends ChannelName> = (request: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export interface HandlerDeps {
  readonly ctx: ServiceContext;
  readonly geography: Geography;
  readonly backups: BackupService;
  /** Fills an empty database with the demonstration (needs the dispatcher, so the app core provides it). */
  readonly installDemo: () => Promise<DemoSummaryDto>;

  readonly info: Omit<AppInfo, 'schemaVersion'>;
}

/** What the renderer needs of a verification: readable names, and the attachment summarised. */
function verdictOf(v: ReportVerification): ReportVerdict {
  const envelope = v.attachment ?? v.untrustedAttachment;
  return {
    signed: v.signed,
    signer: v.signer ? (v.signer.commonName ?? v.signer.organization ?? v.signer.text) : null,
    signingTime: v.signingTime,
    coversWholeFile: v.coversWholeFile,
    intact: v.intact,
    trusted: v.trusted,
    chain: v.chain,
    attachment: envelope ? { departement: envelope.departement, period: envelope.period, trusted: v.attachment !== null } : null,
    problems: v.problems,
  };
}

/** An exchange file's text, read strictly (format, version, duplicate keys, types, hash), or a French refusal. */
function parseOrRefuse(text: string): ExchangeDocument {
  const parsed = parseExchangeText(text);
  if (!parsed.ok) throw new DomainError('VALIDATION', parsed.message);
  return parsed.document;
}

/** The audit origin of a UI batch says how it came about: `ui:collage`, `ui:annulation`… */
const withVia = (ctx: ServiceContext, via: string | undefined): ServiceContext => (via ? { ...ctx, origin: `${ctx.origin}:${via}` } : ctx);

/**
 * The main process's answer to every request of the contract. Requests arrive
 * here already validated by the dispatcher; these functions only call services.
 */
export function createHandlers({ ctx, geography, backups, installDemo, info }: HandlerDeps): Handlers {
  const dataDir = path.dirname(info.databasePath);
  const reportsDir = path.join(dataDir, 'rapports');
  const trust = createTrustStore(path.join(dataDir, 'autorites-de-confiance'));
  const qrr = createQrrService(geography);
  return {
    getAppInfo: () => ({ ...info, schemaVersion: ctx.db.pragma('user_version', { simple: true }) as number }),
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
    transmitPeriod: ({ code }) => transmitPeriod(ctx, code, () => freezeComputedValues(ctx, code)),
    reopenPeriod: ({ code, reason }) => reopenPeriod(ctx, code, reason),
    listIndicatorValues: ({ periodCode, qrrId }) => listIndicatorValues(ctx, periodCode, qrrId),
    saveIndicatorValues: ({ periodCode, changes, via }) => saveIndicatorValues(withVia(ctx, via), periodCode, changes),
    listActionStatuses: ({ periodCode, qrrId }) => listActionStatuses(ctx, periodCode, qrrId),
    saveActionStatuses: ({ periodCode, changes, via }) => saveActionStatuses(withVia(ctx, via), periodCode, changes),
    listAssessments: ({ periodCode, qrrId }) => listAssessments(ctx, periodCode, qrrId),
    saveAssessment: ({ periodCode, via, ...change }) => saveAssessment(withVia(ctx, via), periodCode, change),
    getReportModel: ({ periodCode }) => reportModelFor(ctx, geography, periodCode),
    generateReport: ({ periodCode, signature, transmit }) =>
      produceReport(ctx, geography, {
        periodCode,
        transmit,
        outputDir: reportsDir,
        appVersion: info.appVersion,
        ...(signature
          ? {
              signature: {
                p12: Buffer.from(signature.p12Base64, 'base64'),
                password: signature.password,
                visible: signature.visible,
                ...(signature.title ? { title: signature.title } : {}),
              },
            }
          : {}),
      }),
    listReports: ({ periodCode }) => listReports(ctx, periodCode),
    verifyReport: async ({ pdfBase64 }) => verdictOf(await verifyReportPdf(Buffer.from(pdfBase64, 'base64'), { trustedRoots: trust.pems() })),
    listTrustedRoots: () => trust.list(),
    addTrustedRoot: ({ certificateBase64 }) => trust.add(ctx, Buffer.from(certificateBase64, 'base64')),
    removeTrustedRoot: ({ fingerprint }) => (trust.remove(ctx, fingerprint), { removed: fingerprint }),
    installDemo: () => installDemo(),
    listAudit: (query) => searchAudit(ctx.db, query),
    exportExchange: ({ periods }) => {
      const document = exportExchange(ctx, periods ? { periods } : {});
      const file = writeExchangeFile(document, path.join(dataDir, 'exports', exchangeFileName(document)));
      return { path: file, fileName: path.basename(file) };
    },
    previewExchange: ({ fileName, text }) => {
      const document = parseOrRefuse(text);
      return { ...previewImport(ctx, document), fileName, hash: createHash('sha256').update(text).digest('hex') };
    },
    applyExchange: ({ fileName, text, defaultChoice, perLine }) =>
      applyImport(ctx, parseOrRefuse(text), { defaultChoice, ...(perLine ? { perLine } : {}) }, {
        backup: async () => (await backups.backupNow('avant-import')).name,
        fileName,
        hash: createHash('sha256').update(text).digest('hex'),
        geography,
      }),
    ...createFipdHandlers(ctx),
    exportSubsidies: ({ filters, format }) => exportSubsidies(ctx, geography, { filters: filters ?? {}, format, outputDir: path.join(dataDir, 'exports') }),
    listBackups: () => backups.list(),
    backupNow: () => backups.backupNow('manuelle'),
    restoreBackup: ({ name }) => backups.restore(name),
  };
}
