import path from 'node:path';
import type { ReportVerdict } from '../../../shared/domain/types';
import type { HandlerEnv, HandlersOf } from '../ipc/handler-kit';
import { createSigningPreferences, PREFERENCES_FILE } from '../signing-preferences';
import { testTsa } from '../tsa-settings';
import { listReports, produceReport } from './report-service';
import { reportModelFor } from './report-model-for';
import { createSigningHandlers } from './signing-handlers';
import { verifyReportPdf, type ReportVerification } from './verify';

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

/** The signature of a report request, time-stamped by the configured TSA unless the user chose to sign without. */
function timestamped<T extends { readonly signature?: object }>(source: T, tsaUrl: string | null): T {
  return source.signature ? { ...source, signature: { ...source.signature, tsaUrl } } : source;
}

/** Reports: the model, the signed PDF, its verification, and what signing relies on (certificates, trusted roots, time-stamp authority). */
export function createReportHandlers({ ctx, geography, info, dataDir, folders, trust, tsa, preferencesFile }: HandlerEnv): HandlersOf<
  | 'getReportModel'
  | 'generateReport'
  | 'getSigningSetup'
  | 'setPkcs11Module'
  | 'listTokenCertificates'
  | 'listReports'
  | 'verifyReport'
  | 'listTrustedRoots'
  | 'getTimestampSettings'
  | 'saveTimestampSettings'
  | 'testTimestampAuthority'
  | 'addTrustedRoot'
  | 'removeTrustedRoot'
> {
  const reportsDir = folders.reports;
  const signing = createSigningHandlers(ctx, createSigningPreferences(preferencesFile ?? path.join(dataDir, PREFERENCES_FILE), ctx.osUser));
  return {
    getReportModel: ({ periodCode }) => reportModelFor(ctx, geography, periodCode),
    generateReport: ({ periodCode, signature, transmit, confirmIncomplete }, call) =>
      produceReport(ctx, geography, {
        periodCode,
        transmit,
        confirmIncomplete,
        call,
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
  };
}
