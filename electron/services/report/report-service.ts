import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReportRecord } from '../../../shared/domain/types';
import { DomainError } from '../../../shared/ipc/result';
import { reportModelFor } from './report-model-for';
import { recordAudit } from '../audit';
import { writeFileAtomic } from '../atomic-write';
import { isoNow, type ServiceContext } from '../context';
import { readDb, writeTransaction } from '../db/query';
import { fromRow, insertReport, selectReport, selectReports } from '../db/tables/report';
import type { Geography } from '../geography';
import { freezeComputedValues } from '../followup';
import { getPeriod, transmitPeriod } from '../periods';
import { requireDepartementCode } from '../settings';
import type { ExchangeDocument } from '../../../shared/exchange/format';
import { exportExchange } from '../exchange/export';
import { attachReportData, reportDataFileName } from './attach';
import { readReferential } from '../referential';
import { renderReportPdf } from './pdf';
import { openP12 } from './p12-signer';
import { openTokenIdentity, type TokenCertificate, type TokenSelection } from './pkcs11-signer';
import { DEFAULT_PLACEHOLDER_BYTES, displayName, signReportPdf, type SigningIdentity } from './sign';
import { TIMESTAMP_RESERVE_BYTES, timestamperFor } from './timestamp';
import { requireTransmittable, transmitQuarter } from '../transmission';
import { NO_CALL, type CallContext } from '../ipc/call-context';

/** PAdES B-T: the signature time-stamped by the TSA at `url`, with room for its token. */
const timestampOptions = (url: string, signal?: AbortSignal) => ({ timestamp: timestamperFor(url, { signal }), placeholderBytes: DEFAULT_PLACEHOLDER_BYTES + TIMESTAMP_RESERVE_BYTES });

/**
 * The quarterly report from the database to a file: model, PDF, data
 * attachment, optional signature, then the record (hash, signer) and, when
 * asked, the quarter marked transmitted. One code path for the app and the CLI.
 */
export interface ProduceReportOptions {
  readonly periodCode: string;
  readonly outputDir: string;
  readonly appVersion: string;
  readonly signature?: SignatureSource & {
    /** Title under the signer's name in the visible block, e.g. « Préfet de l'Hérault ». */
    readonly title?: string;
    readonly location?: string;
    readonly visible: boolean;
    /** Time-stamp authority (PAdES B-T): when set, the signature is time-stamped or nothing is produced. */
    readonly tsaUrl?: string | null;
  };
  /** Mark the quarter transmitted once the file is written (only for a signed report). */
  readonly transmit: boolean;
  /** Called once the signed report is written and recorded (to remember the certificate used). */
  readonly onSigned?: (signer: OpenedSigner) => void;
  /** With `transmit`: transmit although something is missing (the check of electron/services/transmission.ts). */
  readonly confirmIncomplete?: boolean;
  /** Name of the file in `outputDir` (default `rapport-qrr-<dep>-<period>-signe.pdf` / `-non-signe.pdf`). */
  readonly fileName?: string;
  /** Progress and cancellation of the request (cancellable until the file is written). */
  readonly call?: CallContext;
}

/**
 * A .p12 / .pfx and its password, or a certificate on a smart card / USB token
 * and its PIN (neither kept), or a signer the caller opened already (and closes).
 */
export type SignatureSource =
  | { readonly p12: Uint8Array; readonly password: string }
  | { readonly token: TokenSelection; readonly pin: string }
  | { readonly opened: OpenedSigner };

/** An opened signer; `token` says which card certificate it is; `close` releases the card. */
export type OpenedSigner = SigningIdentity & { readonly token?: TokenCertificate; close(): void };

/** Opens the signer (a wrong password or PIN fails here, before any work). */
export async function openSigner(source: SignatureSource, at: Date): Promise<OpenedSigner> {
  if ('opened' in source) return source.opened;
  if ('token' in source) return openTokenIdentity(source.token, source.pin, at);
  return { ...openP12(source.p12, source.password, at), close: () => undefined };
}

export interface ProducedReport extends ReportRecord {
  readonly path: string;
  readonly pages: number;
}

const pageCount = (pdf: Uint8Array): number => (Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;

export async function produceReport(ctx: ServiceContext, geography: Geography, options: ProduceReportOptions): Promise<ProducedReport> {
  requireDepartementCode(ctx);
  const period = getPeriod(ctx, options.periodCode);
  if (options.transmit && period.state === 'transmitted') {
    throw new DomainError('CONFLICT', `Le ${period.label} est déjà transmis.`);
  }
  if (options.transmit && !options.signature) {
    throw new DomainError('VALIDATION', 'Seul un rapport signé peut accompagner la transmission du trimestre.');
  }
  const missing = options.transmit ? requireTransmittable(ctx, geography, period.code, options.confirmIncomplete ?? false) : null;
  const at = ctx.now();
  // Opened first: a wrong password or PIN fails before any work, and names the signatory.
  const identity = options.signature ? await openSigner(options.signature, at) : null;
  try {
    const produced = await produceWith(ctx, geography, options, period, at, identity, missing);
    if (identity) options.onSigned?.(identity);
    return produced;
  } finally {
    if (options.signature && !('opened' in options.signature)) identity?.close();
  }
}

async function produceWith(
  ctx: ServiceContext,
  geography: Geography,
  options: ProduceReportOptions,
  period: ReturnType<typeof getPeriod>,
  at: Date,
  identity: SigningIdentity | null,
  /** What the transmission check found missing (confirmed by the user), when the report accompanies the transmission. */
  missing: { readonly count: number } | null,
): Promise<ProducedReport> {
  const generatedAt = at.toISOString();
  const signer = identity ? displayName(identity.subject) : '';
  const call = options.call ?? NO_CALL;
  const steps = identity ? 5 : 4;
  call.progress('Lecture des données du trimestre…', 0, steps, true);
  await call.checkpoint();
  const model = reportModelFor(ctx, geography, period.code, identity ? signer : null);
  call.progress('Dessin du rapport PDF…', 1, steps, true);
  const pdf = renderReportPdf(model, {
    generatedAt,
    appVersion: options.appVersion,
    engagementContext: readReferential(ctx.db).engagements,
    signed: identity !== null,
    ...(identity && options.signature?.visible
      ? { signatureBlock: { name: signer, title: options.signature.title ?? model.departement.prefetTitle, date: generatedAt } }
      : {}),
  });
  await call.checkpoint();
  call.progress("Ajout des données d'échange en pièce jointe…", 2, steps, true);
  const attached = await attachReportData(pdf, model, { generatedAt, exchange: exchangeOfReport(ctx, period.code, options.transmit) });
  call.checkCancelled();
  if (identity) call.progress(options.signature?.tsaUrl ? 'Signature électronique et horodatage…' : 'Signature électronique…', 3, steps, true);
  const bytes =
    identity && options.signature
      ? await signReportPdf(attached, {
          identity,
          signingTime: at,
          visible: options.signature.visible,
          ...(options.signature.location ? { location: options.signature.location } : {}),
          ...(options.signature.tsaUrl ? timestampOptions(options.signature.tsaUrl, call.signal) : {}),
        })
      : attached;

  const fileName = options.fileName ?? reportDataFileName(model).replace(/\.json$/, identity ? '-signe.pdf' : '-non-signe.pdf');
  const file = path.join(options.outputDir, fileName);
  // Last safe point: past it, the file is written and recorded.
  await call.checkpoint();
  call.progress('Enregistrement du rapport…', steps - 1, steps, false);
  writeFileAtomic(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  const record = recordOrRemove(file, () => writeTransaction(ctx, (db) => {
    const { lastInsertRowid } = db.run(insertReport, {
      periodCode: period.code,
      generatedAt: isoNow(ctx),
      fileName,
      sha256,
      sizeBytes: bytes.length,
      signed: identity ? 1 : 0,
      signer,
      transmitted: options.transmit ? 1 : 0,
      generatedBy: ctx.osUser,
    });
    recordAudit(ctx, [
      {
        entity: 'report',
        entityId: Number(lastInsertRowid),
        action: 'create',
        newValue: { period: period.code, fileName, sha256, signed: identity !== null, signer, transmitted: options.transmit },
      },
    ]);
    if (options.transmit) transmitQuarter(ctx, period.code, { missing: missing?.count ?? 0, report: { fileName, sha256 } });
    return fromRow(db.get(selectReport, Number(lastInsertRowid))!);
  }));
  return { ...record, path: file, pages: pageCount(bytes) };
}

const WHAT_IF = Symbol('rolled back');

/**
 * The quarter's exchange document as the report's attachment. When the report
 * accompanies the transmission, the document must say what the database will
 * hold once transmitted (state, 05-02 frozen): the transmission is applied in
 * a transaction that is always rolled back, and the export read inside it —
 * the same code as the real transmission, no copy of its rules.
 */
function exchangeOfReport(ctx: ServiceContext, periodCode: string, transmit: boolean): ExchangeDocument {
  if (!transmit) return exportExchange(ctx, { periods: [periodCode] });
  let document: ExchangeDocument | null = null;
  try {
    writeTransaction(ctx, () => {
      transmitPeriod(ctx, periodCode, () => freezeComputedValues(ctx, periodCode));
      document = exportExchange(ctx, { periods: [periodCode] });
      throw WHAT_IF;
    });
  } catch (error) {
    if (error !== WHAT_IF) throw error;
  }
  return document!;
}

/** A report file exists only if it is recorded: when recording fails, the file goes. */
function recordOrRemove<T>(file: string, record: () => T): T {
  try {
    return record();
  } catch (error) {
    fs.rmSync(file, { force: true });
    throw error;
  }
}

export function listReports(ctx: ServiceContext, periodCode?: string): ReportRecord[] {
  return readDb(ctx).all(selectReports, { period: periodCode ?? null }).map(fromRow);
}
