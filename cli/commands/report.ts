/**
 * `report`: the quarterly report of a database to a PDF file, signed with a
 * .p12 or a smart card / USB token (--pkcs11) when asked, the quarter marked
 * transmitted with --transmit. The work is produceReport's, the same as the
 * application's.
 *
 * The password of the .p12 and the card's PIN are read from the environment
 * variables named by --password-env / --pin-env, never from the command line
 * (shell history, process list).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { createGeography } from '../../electron/services/geography';
import { getPeriod } from '../../electron/services/periods';
import { openSigner, produceReport, type OpenedSigner, type ProducedReport, type SignatureSource } from '../../electron/services/report/report-service';
import { signReportPdf } from '../../electron/services/report/sign';
import { verifyReportPdf } from '../../electron/services/report/verify';
import { describeTimestamp } from '../../electron/services/report/timestamp-verify';
import { parseTsaUrl, TimestampError } from '../../electron/services/report/tsa-client';
import { createTsaSettings } from '../../electron/services/tsa-settings';
import { PERIOD_STATE_LABELS, parsePeriodCode, periodLabel } from '../../shared/domain/period';
import type { Period } from '../../shared/domain/types';
import { formatDateTime, formatInteger } from '../../shared/format/fr';
import { DomainError } from '../../shared/ipc/result';
import {
  APP_VERSION,
  COMMUNES_FILE,
  formatSize,
  line,
  osUserName,
  out,
  readTrustedRoots,
  requireDb,
  requireFile,
  UsageError,
  withDatabase,
  yesNo,
} from './shared';

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

interface Signing {
  readonly source: SignatureSource;
  readonly trustedRoots: readonly string[];
  /** null: not time-stamped. */
  readonly tsaUrl: string | null;
}

/** A secret (password, PIN) from the environment variable the user named. */
function secretFrom(variable: string, what: string): string {
  const value = process.env[variable];
  if (value === undefined) {
    throw new DomainError('VALIDATION', `La variable d'environnement ${variable} n'est pas définie : elle doit contenir ${what}.`);
  }
  return value;
}

/** --slot: the slot ID as the module reports it, decimal or 0x… hexadecimal. */
function slotNumber(text: string): number {
  const value = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`« ${text} » n'est pas un numéro d'emplacement (--slot 0, --slot 0x2a…).`);
  return value;
}

/** Checks the signing options together: one signer, its secret's variable, nothing that does not apply. */
function checkSigningOptions(args: ReportArgs, trust: readonly string[]): void {
  if (args.p12 && args.pkcs11) throw new UsageError('Choisissez un seul certificat : --p12 (fichier) ou --pkcs11 (carte agent / clé USB).');
  if (!args.pkcs11) {
    for (const [given, name] of [[args.slot, '--slot'], [args.certLabel, '--cert-label'], [args.pinEnv, '--pin-env']] as const) {
      if (given !== undefined) throw new UsageError(`L'option ${name} ne sert qu'avec --pkcs11 (carte agent / clé USB).`);
    }
  } else if (!args.pinEnv) {
    throw new UsageError("Indiquez --pin-env VARIABLE : le code PIN de la carte est lu dans cette variable d'environnement, jamais sur la ligne de commande.");
  }
  if (!args.p12 && args.passwordEnv) throw new UsageError("L'option --password-env ne sert qu'avec --p12 (certificat de signature).");
  if (!args.p12 && !args.pkcs11) {
    if (args.transmit) throw new UsageError('Seul un rapport signé peut accompagner la transmission : --transmit demande --p12 et --password-env, ou --pkcs11 et --pin-env.');
    if (trust.length > 0) throw new UsageError("L'option --trust ne sert qu'avec un certificat de signature (--p12 ou --pkcs11).");
    if (args.tsa || args.withoutTimestamp) {
      throw new UsageError("Les options --tsa et --without-timestamp ne servent qu'avec un certificat de signature (--p12 ou --pkcs11).");
    }
  }
  if (args.p12 && !args.passwordEnv) {
    throw new UsageError(
      "Indiquez --password-env VARIABLE : le mot de passe du certificat est lu dans cette variable d'environnement, jamais sur la ligne de commande.",
    );
  }
}

/** Checks the whole command line and reads the inputs before anything is produced. */
function prepare(args: ReportArgs): { databasePath: string; periodCode: string; target: string; signing: Signing | null } {
  const databasePath = requireDb(args.db, 'report', true);
  if (!args.period) throw new UsageError("L'option --period TRIMESTRE est obligatoire pour la commande report (par exemple --period 2026-T4).");
  if (!parsePeriodCode(args.period)) throw new UsageError(`« ${args.period} » n'est pas un trimestre (format attendu : 2026-T4).`);
  if (!args.out) throw new UsageError("L'option --out FICHIER.pdf est obligatoire pour la commande report.");
  if (!/\.pdf$/i.test(args.out)) throw new UsageError(`Le fichier du rapport doit se terminer par .pdf (reçu « ${args.out} »).`);
  const trust = args.trust ?? [];
  checkSigningOptions(args, trust);
  const slot = args.pkcs11 && args.slot !== undefined ? slotNumber(args.slot) : undefined;

  const target = path.resolve(process.cwd(), args.out);
  const folder = path.dirname(target);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new DomainError('NOT_FOUND', `Le dossier « ${folder} » n'existe pas : créez-le avant d'y enregistrer le rapport.`);
  }
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new DomainError('VALIDATION', `« ${target} » est un dossier : indiquez le nom du fichier PDF à créer.`);
  }

  let signing: Signing | null = null;
  if (args.p12 && args.passwordEnv) {
    const p12File = requireFile(args.p12, 'Le certificat');
    const password = secretFrom(args.passwordEnv, `le mot de passe du certificat « ${path.basename(p12File)} »`);
    signing = { source: { p12: new Uint8Array(fs.readFileSync(p12File)), password }, trustedRoots: readTrustedRoots(trust), tsaUrl: timestampChoice(args, databasePath) };
  } else if (args.pkcs11 && args.pinEnv) {
    const modulePath = path.resolve(process.cwd(), args.pkcs11);
    const pin = secretFrom(args.pinEnv, 'le code PIN de la carte');
    signing = {
      source: { token: { modulePath, ...(slot !== undefined ? { slot } : {}), ...(args.certLabel ? { certificateLabel: args.certLabel } : {}) }, pin },
      trustedRoots: readTrustedRoots(trust),
      tsaUrl: timestampChoice(args, databasePath),
    };
  }
  return { databasePath, periodCode: args.period, target, signing };
}

/** The TSA of this signature: --tsa, else the database's (Paramètres); none with --without-timestamp. */
function timestampChoice(args: ReportArgs, databasePath: string): string | null {
  if (args.tsa && args.withoutTimestamp) throw new UsageError("Choisissez entre --tsa (horodater la signature) et --without-timestamp (signer sans horodatage).");
  if (args.withoutTimestamp) return null;
  if (args.tsa) {
    try {
      return parseTsaUrl(args.tsa).href;
    } catch (error) {
      throw new UsageError(`--tsa : ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return createTsaSettings(path.dirname(databasePath)).get().tsaUrl;
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

export async function report(args: ReportArgs): Promise<void> {
  const { databasePath, periodCode, target, signing } = prepare(args);
  const now = new Date();
  // With --trust the signer is opened first (the probe), then used for the report: one .p12 decryption, one PIN.
  const opened = signing && signing.trustedRoots.length > 0 ? await openSigner(signing.source, now) : null;
  try {
    if (opened && signing) await requireTrusted(opened, signing.trustedRoots, now);
    await produceAndPrint(args, { databasePath, periodCode, target, signing: signing && opened ? { ...signing, source: { opened } } : signing });
  } finally {
    opened?.close();
  }
}

async function produceAndPrint(args: ReportArgs, { databasePath, periodCode, target, signing }: ReturnType<typeof prepare>): Promise<void> {
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
  const verdict = signing ? await verifyReportPdf(bytes, { trustedRoots: signing.trustedRoots }) : null;

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
