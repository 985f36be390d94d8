/**
 * The work of `report` once its command line is checked (report.ts): the
 * signer opened (and, with --trust, proven trusted), the report produced by
 * produceReport, written, verified and described. Loaded only then, so a
 * mistake in the command line is answered before any service is loaded.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { createGeography } from '../../electron/services/geography';
import { getPeriod } from '../../electron/services/periods';
import { openSigner, produceReport, type OpenedSigner, type ProducedReport } from '../../electron/services/report/report-service';
import { signReportPdf } from '../../electron/services/report/sign';
import { verifyReportPdf } from '../../electron/services/report/verify';
import { describeTimestamp } from '../../electron/services/report/timestamp-verify';
import { TimestampError } from '../../electron/services/report/tsa-client';
import { PERIOD_STATE_LABELS, periodLabel } from '../../shared/domain/period';
import type { Period } from '../../shared/domain/types';
import { formatDateTime, formatInteger } from '../../shared/format/fr';
import { DomainError } from '../../shared/ipc/result';
import { APP_VERSION, COMMUNES_FILE, formatSize, line, osUserName, out, withDatabase, yesNo } from './shared';
import type { SignatureSource } from '../../electron/services/report/report-service';

export interface ReportArgs {
  readonly db?: string;
  readonly period?: string;
  readonly out?: string;
  readonly p12?: string;
  readonly passwordEnv?: string;
  readonly pkcs11?: string;
  readonly slot?: string;
  readonly certLabel?: string;
  readonly pinEnv?: string;
  readonly trust?: readonly string[];
  readonly transmit?: boolean;
  /** Time-stamp authority; default: the one configured beside the database (Paramètres). */
  readonly tsa?: string;
  /** Sign without a time-stamp, even when a TSA is configured: the user's explicit choice. */
  readonly withoutTimestamp?: boolean;
  /** With --transmit: transmit although something is missing (the app's confirmation). */
  readonly confirmIncomplete?: boolean;
}

export interface Signing {
  readonly source: SignatureSource;
  readonly trustedRoots: readonly string[];
  /** null: not time-stamped. */
  readonly tsaUrl: string | null;
}

/** The command line checked and its inputs read: what report-run.ts produces the report from. */
export interface Prepared {
  readonly databasePath: string;
  readonly periodCode: string;
  readonly target: string;
  readonly signing: Signing | null;
}

/**
 * With --trust, before anything is written or transmitted: a one-page probe
 * signed with the certificate must verify as trusted, by the same verifier as
 * the `verify` command. Also refuses a wrong password or an expired certificate.
 */
async function requireTrusted(identity: OpenedSigner, trustedRoots: readonly string[], at: Date): Promise<void> {
  const probe = await PDFDocument.create();
  probe.addPage();
  const signed = await signReportPdf(await probe.save(), { identity, signingTime: at });
  const verdict = await verifyReportPdf(signed, { trustedRoots });
  if (!verdict.trusted) {
    const why = verdict.problems.filter((p) => /confiance|certificat/i.test(p));
    throw new DomainError(
      'VALIDATION',
      [
        `Le certificat de « ${verdict.signer?.commonName ?? verdict.signer?.text ?? '?'} » ne remonte à aucune autorité de confiance fournie (--trust) : aucun rapport n'a été produit.`,
        ...why,
      ].join('\n'),
    );
  }
}

/** Produces the report prepared by report.ts (`prepare`) and prints what was done. */
export async function runReport(args: ReportArgs, prepared: Prepared): Promise<void> {
  const { signing } = prepared;
  const now = new Date();
  // With --trust the signer is opened first (the probe), then used for the report: one .p12 decryption, one PIN.
  const opened = signing && signing.trustedRoots.length > 0 ? await openSigner(signing.source, now) : null;
  try {
    if (opened && signing) await requireTrusted(opened, signing.trustedRoots, now);
    await produceAndPrint(args, { ...prepared, signing: signing && opened ? { ...signing, source: { opened } } : signing });
  } finally {
    opened?.close();
  }
}

async function produceAndPrint(args: ReportArgs, { databasePath, periodCode, target, signing }: Prepared): Promise<void> {
  const { produced, period } = await withDatabase(databasePath, async (db) => {
    const ctx = { db, now: () => new Date(), osUser: osUserName(), origin: 'cli' };
    // Written in a private folder beside the target, then renamed (same file system): never half a file at --out.
    const temp = fs.mkdtempSync(path.join(path.dirname(target), '.rapport-qrr-'));
    let result: ProducedReport;
    try {
      result = await produceReport(ctx, createGeography(COMMUNES_FILE), {
        periodCode,
        outputDir: temp,
        // The name recorded in the database is the one the user asked for.
        fileName: path.basename(target),
        appVersion: APP_VERSION,
        ...(signing ? { signature: { ...signing.source, visible: true, tsaUrl: signing.tsaUrl } } : {}),
        transmit: args.transmit === true,
        confirmIncomplete: args.confirmIncomplete === true,
      });
    } catch (error) {
      fs.rmSync(temp, { recursive: true, force: true });
      if (error instanceof TimestampError) {
        throw new DomainError('VALIDATION', `${error.message}\nAucun rapport n'a été produit. Pour signer sans horodatage, relancez avec --without-timestamp.`);
      }
      throw error;
    }
    try {
      fs.renameSync(result.path, target);
    } catch (error) {
      // Recorded (and maybe transmitted) already: the file is kept where it is.
      throw new DomainError(
        'INTERNAL',
        `Le rapport a été produit${result.transmitted ? ' et le trimestre transmis' : ''}, mais il n'a pas pu être enregistré sous « ${target} » (${error instanceof Error ? error.message : String(error)}) : il se trouve dans « ${result.path} ».`,
      );
    }
    fs.rmSync(temp, { recursive: true, force: true });
    return { produced: result, period: getPeriod(ctx, periodCode) };
  });

  // What was written is what was recorded.
  const bytes = fs.readFileSync(target);
  if (createHash('sha256').update(bytes).digest('hex') !== produced.sha256) {
    throw new DomainError('INTERNAL', `Le fichier « ${target} » ne correspond pas au rapport produit (empreinte différente).`);
  }
  // The signature's verdict only: the attachments were just written from the model (a national report carries ~240 Mo).
  const verdict = signing ? await verifyReportPdf(bytes, { trustedRoots: signing.trustedRoots, readAttachments: false }) : null;

  out(`Rapport du ${periodLabel(periodCode)} enregistré : ${target}`);
  out(line('Pages', formatInteger(produced.pages)));
  out(line('Taille', formatSize(produced.sizeBytes)));
  out(line('SHA-256', produced.sha256));
  out(line('Signé par', produced.signed ? produced.signer : 'non signé'));
  if (verdict && signing && signing.trustedRoots.length > 0) out(line('Certificat de confiance', yesNo(verdict.trusted)));
  if (verdict) out(line('Horodatage', verdict.timestamp ? describeTimestamp(verdict.timestamp) : 'aucun (heure déclarée par le signataire)'));
  out(line('Trimestre transmis', transmittedText(period, produced.transmitted)));
  if (verdict && !(verdict.intact && verdict.coversWholeFile)) {
    throw new DomainError('INTERNAL', ['La signature du rapport produit ne se vérifie pas :', ...verdict.problems].join('\n'));
  }
}

function transmittedText(period: Period, justNow: boolean): string {
  if (period.state === 'transmitted') {
    const when = period.transmittedAt ? ` le ${formatDateTime(period.transmittedAt)}` : '';
    return justNow ? `oui, transmis${when} avec ce rapport` : `oui (déjà transmis${when})`;
  }
  return `non (${PERIOD_STATE_LABELS[period.state]})`;
}
