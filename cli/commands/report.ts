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
import fs from 'node:fs';
import path from 'node:path';
import { parseTsaUrl } from '../../electron/services/report/tsa-client';
import { parsePeriodCode } from '../../shared/domain/period';
import { DomainError } from '../../shared/ipc/result';
import { readTrustedRoots, requireDb, requireFile, UsageError } from './shared';
import type { Prepared, ReportArgs, Signing } from './report-run';

export type { ReportArgs } from './report-run';

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

async function prepare(args: ReportArgs): Promise<Prepared> {
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
    signing = { source: { p12: new Uint8Array(fs.readFileSync(p12File)), password }, trustedRoots: readTrustedRoots(trust), tsaUrl: await timestampChoice(args, databasePath) };
  } else if (args.pkcs11 && args.pinEnv) {
    const modulePath = path.resolve(process.cwd(), args.pkcs11);
    const pin = secretFrom(args.pinEnv, 'le code PIN de la carte');
    signing = {
      source: { token: { modulePath, ...(slot !== undefined ? { slot } : {}), ...(args.certLabel ? { certificateLabel: args.certLabel } : {}) }, pin },
      trustedRoots: readTrustedRoots(trust),
      tsaUrl: await timestampChoice(args, databasePath),
    };
  }
  return { databasePath, periodCode: args.period, target, signing };
}

/** The TSA of this signature: --tsa, else the database's (Paramètres); none with --without-timestamp. */
async function timestampChoice(args: ReportArgs, databasePath: string): Promise<string | null> {
  if (args.tsa && args.withoutTimestamp) throw new UsageError("Choisissez entre --tsa (horodater la signature) et --without-timestamp (signer sans horodatage).");
  if (args.withoutTimestamp) return null;
  if (args.tsa) {
    try {
      return parseTsaUrl(args.tsa).href;
    } catch (error) {
      throw new UsageError(`--tsa : ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { createTsaSettings } = await import('../../electron/services/tsa-settings');
  return createTsaSettings(path.dirname(databasePath)).get().tsaUrl;
}

export async function report(args: ReportArgs): Promise<void> {
  const prepared = await prepare(args);
  const { runReport } = await import('./report-run');
  await runReport(args, prepared);
}
