/**
 * `verify FICHIER.pdf`: is a report signed, by whom, when, intact, covered to
 * its last byte, chained to a trusted root — with verifyReportPdf, the
 * application's verifier. No database needed.
 *
 * Exit code 0 only for a valid signature: status `valid` (signed, intact,
 * sound structure, covering the whole file) by a certificate valid and meant
 * for signing at the signing time; with --trust, the certificate must also
 * chain to one of the given roots. Otherwise 1.
 */
import fs from 'node:fs';
import { displayName } from '../../electron/services/report/sign';
import { verifyReportPdf, type ReportVerification } from '../../electron/services/report/verify';
import { formatDateTime } from '../../shared/format/fr';
import { line, out, readTrustedRoots, requireFile, UsageError, yesNo } from './shared';

export interface VerifyArgs {
  readonly file?: string;
  readonly trust?: readonly string[];
  readonly json?: boolean;
}

/** The `--json` output. */
export interface VerifyVerdict {
  /**
   * The exit-code criterion: status valid, the signer's certificate valid and
   * meant for signing at the signing time (and trusted when --trust was given).
   */
  readonly valid: boolean;
  /** `valid`, `invalid` (a signature is there but does not hold: modified, appended to, unusable) or `unsigned`. */
  readonly status: ReportVerification['status'];
  readonly signed: boolean;
  /** The signer's common name (else organisation, else full name). */
  readonly signer: string | null;
  /** ISO 8601, as claimed by the signer (/M). */
  readonly signingTime: string | null;
  /** « RSA 3072 bits », « ECDSA P-256 ». */
  readonly signatureAlgorithm: string | null;
  readonly wholeFileCovered: boolean;
  readonly intact: boolean;
  readonly trusted: boolean;
  /** ISO 8601: when the certificate was checked (the signing time), and where that time comes from. */
  readonly certificateCheckedAt: string | null;
  readonly certificateCheckedAtSource: 'declared' | 'timestamp' | 'verification' | null;
  /** The signer's certificate had expired at the signing time. */
  readonly certificateExpired: boolean | null;
  /** The signer's certificate was not yet valid at the signing time. */
  readonly certificateNotYetValid: boolean | null;
  /** The certificate's key usage allows signing (digitalSignature or nonRepudiation, or no restriction). */
  readonly keyUsageAllowsSigning: boolean | null;
  /** Report data (JSON) found attached, protected by the signature or not. */
  readonly attachmentFound: boolean;
  readonly problems: readonly string[];
  /** The signature-time-stamp (PAdES B-T): the proven time (ISO 8601) and the TSA; null without one. */
  readonly timestamp: { readonly time: string; readonly tsa: string | null; readonly imprintMatches: boolean; readonly trusted: boolean } | null;
}

const certificateFit = (v: ReportVerification): boolean =>
  v.certificate !== null && !v.certificate.expired && !v.certificate.notYetValid && v.certificate.keyUsageAllowsSigning;

export function verdictOf(v: ReportVerification, trustRequired: boolean): VerifyVerdict {
  return {
    valid: v.status === 'valid' && certificateFit(v) && (!trustRequired || v.trusted) && timestampHolds(v, trustRequired),
    status: v.status,
    signed: v.signed,
    signer: v.signer ? displayName(v.signer) : null,
    signingTime: v.signingTime,
    signatureAlgorithm: v.signatureAlgorithm,
    wholeFileCovered: v.coversWholeFile,
    intact: v.intact,
    trusted: v.trusted,
    certificateCheckedAt: v.certificate?.checkedAt ?? null,
    certificateCheckedAtSource: v.certificate?.checkedAtSource ?? null,
    certificateExpired: v.certificate?.expired ?? null,
    certificateNotYetValid: v.certificate?.notYetValid ?? null,
    keyUsageAllowsSigning: v.certificate?.keyUsageAllowsSigning ?? null,
    attachmentFound: (v.attachment ?? v.untrustedAttachment) !== null,
    problems: v.problems,
    timestamp: v.timestamp && { time: v.timestamp.time, tsa: v.timestamp.tsa, imprintMatches: v.timestamp.imprintMatches, trusted: v.timestamp.trusted },
  };
}

/** A time-stamp, when there is one, must be over this signature, and (with --trust) from a trusted TSA. */
const timestampHolds = (v: ReportVerification, trustRequired: boolean): boolean =>
  !v.timestamp || (v.timestamp.imprintMatches && (!trustRequired || v.timestamp.trusted));

function conclusion(v: ReportVerification, verdict: VerifyVerdict, trustRequired: boolean): string {
  if (v.status === 'unsigned') return 'Résultat : document non signé.';
  if (!v.intact || v.status !== 'valid') {
    return v.intact && !v.coversWholeFile
      ? 'Résultat : signature NON valide pour ce fichier — du contenu a été ajouté après la signature.'
      : 'Résultat : signature NON valide — le document a été modifié après signature, il ne peut pas être tenu pour authentique.';
  }
  if (!certificateFit(v)) return 'Résultat : signature NON valide — le certificat du signataire n’était pas valable pour signer à la date de signature.';
  if (!timestampHolds(v, trustRequired)) return 'Résultat : horodatage NON valide — l’heure de signature n’est pas prouvée (voir les problèmes).';
  if (!verdict.valid) return 'Résultat : signature valide, mais le certificat ne remonte à aucune autorité de confiance fournie.';
  return trustRequired
    ? 'Résultat : signature valide, document intact et entièrement couvert, certificat de confiance.'
    : 'Résultat : signature valide, document intact et entièrement couvert (certificat non vérifié : ajoutez --trust RACINE.pem).';
}

/** « 03/12/2026 15:32 (heure de Paris), par « TSA » — prouvée par une autorité de confiance ». */
function timestampText(v: ReportVerification): string {
  const t = v.timestamp;
  if (!t) return 'aucun (date déclarée par le signataire seulement)';
  if (!t.time) return 'illisible';
  const status = !t.imprintMatches ? 'NE porte PAS sur cette signature' : t.trusted ? 'prouvée par une autorité d’horodatage de confiance' : 'autorité d’horodatage NON reconnue';
  return `${formatDateTime(t.time)} (heure de Paris)${t.tsa ? `, par « ${t.tsa} »` : ''} — ${status}`;
}

export async function verify(args: VerifyArgs): Promise<number> {
  if (!args.file) throw new UsageError('Indiquez le fichier PDF à vérifier : npm run cli -- verify FICHIER.pdf.');
  const file = requireFile(args.file, 'Le fichier');
  const trustedRoots = readTrustedRoots(args.trust ?? []);
  const trustRequired = trustedRoots.length > 0;
  const v = await verifyReportPdf(new Uint8Array(fs.readFileSync(file)), { trustedRoots });
  const verdict = verdictOf(v, trustRequired);

  if (args.json) {
    out(JSON.stringify(verdict, null, 2));
    return verdict.valid ? 0 : 1;
  }

  const dash = '—';
  const signer = v.signer
    ? `${displayName(v.signer)}${v.signer.organization && v.signer.organization !== displayName(v.signer) ? ` (${v.signer.organization})` : ''}`
    : dash;
  const attachment =
    v.attachment !== null
      ? `oui (${v.attachmentName ?? '?'}), protégées par la signature`
      : v.untrustedAttachment !== null
        ? `oui (${v.attachmentName ?? '?'}), NON protégées par la signature`
        : 'non';
  out(`Vérification de ${file}`);
  out(line('Signé', v.status === 'invalid' ? 'oui, signature NON valide' : yesNo(v.signed)));
  out(line('Signataire', signer));
  if (v.signer) out(line('Autorité émettrice', v.signer.issuer.commonName ?? v.signer.issuer.text));
  out(line('Date de signature', v.signingTime ? `${formatDateTime(v.signingTime)} (heure de Paris, déclarée par le signataire)` : dash));
  out(line('Horodatage', timestampText(v)));
  if (v.signatureAlgorithm) out(line('Algorithme', v.signatureAlgorithm));
  if (v.certificate) {
    const at = v.certificate.checkedAtSource === 'timestamp' ? 'date prouvée par l’horodatage' : 'date de signature déclarée';
    const state = v.certificate.expired ? 'expiré' : v.certificate.notYetValid ? 'pas encore valable' : 'valable';
    out(line('Certificat à la signature', `${state} (${at})`));
    out(line('Usage signature', yesNo(v.certificate.keyUsageAllowsSigning)));
  }
  out(line('Document entier couvert', yesNo(v.coversWholeFile)));
  out(line('Intact', yesNo(v.intact)));
  out(line('Certificat de confiance', trustRequired ? yesNo(v.trusted) : 'non vérifié (aucune autorité indiquée par --trust)'));
  out(line('Données jointes trouvées', attachment));
  if (v.problems.length > 0) {
    out('Problèmes :');
    for (const problem of v.problems) out(`  - ${problem}`);
  }
  out(conclusion(v, verdict, trustRequired));
  return verdict.valid ? 0 : 1;
}
