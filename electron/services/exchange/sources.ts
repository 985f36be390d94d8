import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EXCHANGE_MAX_BYTES, EXCHANGE_MESSAGES, parseExchangeBytes, parseExchangeText, type ExchangeDocument } from '../../../shared/exchange/format';
import type { ExchangeSourceInfo } from '../../../shared/exchange/source';
import { DomainError } from '../../../shared/ipc/result';
import { verifyReportPdf } from '../report/verify';
import { decodeUtf8, nodeSha256 } from './node-hash';

/*
 * Where an exchange document can come from, recognised by the file's first
 * bytes (never by its name, which anyone can change):
 *   - `{…`   an exchange file (.qrr, or .qrr.json from earlier versions);
 *   - `%PDF` a report PDF: its attached exchange file is read only after the
 *            signature is checked (report/verify.ts, its `status`) — a report
 *            whose signature is invalid (modified or appended to after signing,
 *            signature unusable) is refused whatever the options;
 *            an unsigned one, or one signed by a certificate this workstation
 *            does not trust, carries a warning that the user must accept
 *            before anything is written (`acceptUnverified`);
 *   - `PK`   an .xlsx workbook exported by the application (exchange/xlsx.ts).
 * Every refusal is a DomainError with a French message; nothing is written here.
 */

export interface ExchangeSource {
  readonly fileName: string;
  /** SHA-256 of the file's bytes (for the audit trail), hex. */
  readonly fileHash: string;
  readonly document: ExchangeDocument;
  readonly info: ExchangeSourceInfo;
}

export interface ReadSourceOptions {
  /** PEM roots the organisation trusts (Paramètres), for report PDFs. */
  readonly trustedRoots?: readonly string[];
  /** Reads an application workbook; injected so this module does not load exceljs for the other kinds. */
  readonly readWorkbook?: (bytes: Uint8Array) => Promise<ExchangeDocument>;
  readonly maxBytes?: number;
}

const startsWith = (bytes: Uint8Array, magic: string): boolean => [...magic].every((c, i) => bytes[i] === c.charCodeAt(0));

export const SOURCE_MESSAGES = {
  pdfWithoutExchange:
    "Ce PDF ne contient pas de fichier d'échange du Tableau de bord QRR : ce n'est pas un rapport produit par l'application " +
    '(ou il a été produit par une version antérieure, qui ne joignait pas les données).',
  pdfModified:
    'Ce rapport a été modifié après sa signature : ses données ne peuvent pas être importées. Demandez à son auteur le fichier original.',
  pdfUnsigned:
    "Ce rapport n'est pas signé : rien ne garantit que ses données n'ont pas été modifiées depuis sa production. " +
    "Ne l'importez que si vous le tenez directement de son auteur.",
  pdfCertificate: (signer: string) =>
    `La signature de ce rapport est intacte, mais le certificat de « ${signer} » n’était pas valable pour signer à la date de signature ` +
    '(expiré, pas encore valable ou non prévu pour la signature) : vérifiez son origine avant de l’importer.',
  pdfUntrusted: (signer: string) =>
    `La signature de ce rapport est intacte, mais le certificat de « ${signer} » ne remonte à aucune autorité de confiance ` +
    'enregistrée dans Paramètres : vérifiez son origine avant de l’importer.',
  unknownKind:
    "Ce fichier n'est ni un fichier d'échange (.qrr), ni un rapport PDF, ni un classeur Excel produit par le Tableau de bord QRR.",
  workbookUnsupported: 'Les classeurs Excel ne peuvent pas être importés ici.',
} as const;

async function fromPdf(bytes: Uint8Array, options: ReadSourceOptions): Promise<{ document: ExchangeDocument; info: ExchangeSourceInfo }> {
  const verdict = await verifyReportPdf(bytes, { trustedRoots: options.trustedRoots ?? [] });
  // The verifier's one verdict: any signature that does not hold (modified, appended to, unusable) is refused outright.
  if (verdict.status !== 'valid' && verdict.status !== 'unsigned') throw new DomainError('VALIDATION', SOURCE_MESSAGES.pdfModified);
  if (!verdict.exchangeAttachment) throw new DomainError('VALIDATION', SOURCE_MESSAGES.pdfWithoutExchange);
  const parsed = parseExchangeText(verdict.exchangeAttachment.text, { sha256: nodeSha256 });
  if (!parsed.ok) throw new DomainError('VALIDATION', `Les données jointes au rapport sont illisibles : ${parsed.message}`);
  const signer = verdict.signer?.commonName || verdict.signer?.text || '';
  const certificate = verdict.certificate;
  const certificateUnfit = certificate !== null && (certificate.expired || certificate.notYetValid || !certificate.keyUsageAllowsSigning);
  const warning =
    verdict.status === 'unsigned'
      ? SOURCE_MESSAGES.pdfUnsigned
      : certificateUnfit
        ? SOURCE_MESSAGES.pdfCertificate(signer)
        : !verdict.trusted
          ? SOURCE_MESSAGES.pdfUntrusted(signer)
          : undefined;
  return {
    document: parsed.document,
    info: {
      kind: 'pdf',
      signed: verdict.status === 'valid',
      trusted: verdict.trusted,
      ...(signer ? { signer } : {}),
      ...(verdict.signingTime ? { signingTime: verdict.signingTime } : {}),
      ...(warning ? { warning } : {}),
      ...(parsed.migratedFrom !== undefined ? { migratedFrom: parsed.migratedFrom } : {}),
    },
  };
}

/** An exchange document from a chosen file's bytes, whatever its kind. */
export async function readExchangeBytes(fileName: string, bytes: Uint8Array, options: ReadSourceOptions = {}): Promise<ExchangeSource> {
  const maxBytes = options.maxBytes ?? EXCHANGE_MAX_BYTES;
  if (bytes.byteLength > maxBytes) throw new DomainError('VALIDATION', EXCHANGE_MESSAGES.tooBig(maxBytes));
  const base = { fileName: path.basename(fileName), fileHash: createHash('sha256').update(bytes).digest('hex') };
  if (startsWith(bytes, '%PDF-')) return { ...base, ...(await fromPdf(bytes, options)) };
  if (startsWith(bytes, 'PK\u0003\u0004')) {
    if (!options.readWorkbook) throw new DomainError('VALIDATION', SOURCE_MESSAGES.workbookUnsupported);
    return { ...base, document: await options.readWorkbook(bytes), info: { kind: 'xlsx' } };
  }
  const parsed = parseExchangeBytes(bytes, { maxBytes, sha256: nodeSha256, decodeUtf8 });
  if (!parsed.ok) {
    // Neither JSON nor one of the binary kinds: say what is accepted rather than « not JSON ».
    const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
    const looksJson = first === undefined || first === 0x7b || first === 0x5b;
    throw new DomainError('VALIDATION', looksJson ? parsed.message : SOURCE_MESSAGES.unknownKind);
  }
  return { ...base, document: parsed.document, info: { kind: 'qrr', ...(parsed.migratedFrom !== undefined ? { migratedFrom: parsed.migratedFrom } : {}) } };
}

/** Same, from a path; the size is checked before reading, so a 200 MB file is never loaded. */
export async function readExchangeSource(file: string, options: ReadSourceOptions = {}): Promise<ExchangeSource> {
  const maxBytes = options.maxBytes ?? EXCHANGE_MAX_BYTES;
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new DomainError('NOT_FOUND', `Le fichier « ${path.basename(file)} » est introuvable ou illisible.`);
  }
  if (size > maxBytes) throw new DomainError('VALIDATION', EXCHANGE_MESSAGES.tooBig(maxBytes));
  return readExchangeBytes(file, fs.readFileSync(file), options);
}
