/**
 * The report's data inside the report: a JSON file attached to the PDF with
 * pdf-lib (jsPDF cannot attach), as an associated file with relationship
 * « Data » (PDF/A-3 style), readable with `pdfdetach` or any PDF reader.
 *
 * Must run BEFORE signing: the whole file is rewritten (no incremental
 * save), which would break an existing signature. A PDF as jsPDF writes it
 * (the report) is completed without being parsed (pdf-plain.ts); any other
 * goes through pdf-lib.
 *
 * The JSON is a self-describing envelope, until the import issue fixes the
 * exchange format:
 *
 *     {
 *       "format": "qrr-rapport",      // constant
 *       "version": 1,                 // bumped on incompatible changes
 *       "departement": "34",          // INSEE code
 *       "period": "2026-T3",          // quarter
 *       "generatedAt": "2026-11-26T10:00:00.000Z",
 *       "data": { ...ReportModel }    // shared/report/report-model.ts, as computed for the PDF
 *     }
 *
 * A second attachment carries the quarter's exchange document
 * (`qrr-<dep>-<period>.qrr`, shared/exchange/format.ts), so a signed report
 * can be imported by a colleague like an exchange file — its signature
 * vouching for the data (electron/services/exchange/sources.ts).
 *
 * Plain Node, never imports electron.
 */
import { AFRelationship, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { hasKey, PlainPdf, withEntries } from './pdf-plain';
import { serializeExchangeDocument, type ExchangeDocument } from '../../../shared/exchange/format';
import type { ReportModel } from '../../../shared/report/report-model';

export const REPORT_DATA_FORMAT = 'qrr-rapport';
export const REPORT_DATA_VERSION = 1;
export const REPORT_DATA_MIME = 'application/json';
/** Its own type, so that a reader looking for the report data (application/json) never takes it for that. */
export const EXCHANGE_ATTACHMENT_MIME = 'application/vnd.qrr-echange+json';
export const EXCHANGE_ATTACHMENT_PATTERN = /^qrr-[0-9AB]{2,3}-[\w-]+\.qrr$/;

export interface ReportDataEnvelope {
  readonly format: typeof REPORT_DATA_FORMAT;
  readonly version: typeof REPORT_DATA_VERSION;
  readonly departement: string;
  readonly period: string;
  readonly generatedAt: string;
  readonly data: ReportModel;
}

/** `rapport-qrr-34-2026-T3.json` */
export const reportDataFileName = (model: Pick<ReportModel, 'departement' | 'period'>): string =>
  `rapport-qrr-${model.departement.code}-${model.period.code}.json`;

export const REPORT_DATA_FILE_PATTERN = /^rapport-qrr-[0-9AB]{2,3}-\d{4}-T[1-4]\.json$/;

export function reportDataEnvelope(model: ReportModel, generatedAt: string): ReportDataEnvelope {
  return {
    format: REPORT_DATA_FORMAT,
    version: REPORT_DATA_VERSION,
    departement: model.departement.code,
    period: model.period.code,
    generatedAt,
    data: model,
  };
}

/** The envelope's bytes: UTF-8, indented, key order fixed by the model (deterministic). */
export function serializeEnvelope(envelope: ReportDataEnvelope): Uint8Array {
  // Encoded straight into one buffer (the text + "\n" would be copied whole first: ~400 Mo for a national report).
  const json = JSON.stringify(envelope, null, 2);
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json, 'utf8') + 1);
  bytes.write(json, 0, 'utf8');
  bytes[bytes.length - 1] = 0x0a;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Checks the envelope's header (not the whole model); null when it is not one of ours. */
export function parseReportDataEnvelope(value: unknown): ReportDataEnvelope | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.format !== REPORT_DATA_FORMAT || v.version !== REPORT_DATA_VERSION) return null;
  if (typeof v.departement !== 'string' || typeof v.period !== 'string' || typeof v.generatedAt !== 'string') return null;
  if (typeof v.data !== 'object' || v.data === null) return null;
  return value as ReportDataEnvelope;
}

export interface AttachOptions {
  /** ISO 8601: the envelope's `generatedAt` and the attachment's dates. */
  readonly generatedAt: string;
  /** The quarter's exchange document, attached as `qrr-<dep>-<period>.qrr`. */
  readonly exchange?: ExchangeDocument;
}

interface Attachment {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mimeType: string;
  readonly description: string;
}

/** The PDF with the report data attached (`rapport-qrr-<dep>-<period>.json`, application/json, AFRelationship Data). */
export async function attachReportData(pdf: Uint8Array, model: ReportModel, options: AttachOptions): Promise<Uint8Array> {
  const date = new Date(options.generatedAt);
  const files: Attachment[] = [
    {
      name: reportDataFileName(model),
      bytes: serializeEnvelope(reportDataEnvelope(model, options.generatedAt)),
      mimeType: REPORT_DATA_MIME,
      description: `Données du rapport QRR, ${model.departement.nom}, ${model.period.label}`,
    },
    ...(options.exchange
      ? [
          {
            name: `qrr-${model.departement.code}-${model.period.code}.qrr`,
            bytes: new TextEncoder().encode(serializeExchangeDocument(options.exchange)),
            mimeType: EXCHANGE_ATTACHMENT_MIME,
            description: `Fichier d'échange QRR (données saisies), ${model.departement.nom}, ${model.period.label}`,
          },
        ]
      : []),
  ];
  return attachPlain(pdf, files, date) ?? (await attachWithPdfLib(pdf, files, date));
}

/**
 * The same attachments as pdf-lib writes them (embedded file stream with its
 * size and dates, file specification with /AFRelationship /Data, catalog's
 * /Names /EmbeddedFiles and /AF), added to a PDF as jsPDF writes it without
 * parsing it (pdf-plain.ts). Null when the PDF is not of that shape.
 */
function attachPlain(pdf: Uint8Array, files: readonly Attachment[], date: Date): Uint8Array | null {
  const doc = PlainPdf.read(pdf);
  const catalog = doc?.dictionary(doc.root);
  if (!doc || !catalog || hasKey(catalog, 'Names') || hasKey(catalog, 'AF')) return null;
  const when = PDFString.fromDate(date).toString();
  const specs = files.map((file) => {
    const stream = doc.addStream(
      `/Type /EmbeddedFile\n/Subtype ${PDFName.of(file.mimeType).toString()}\n/Params << /Size ${file.bytes.length} /CreationDate ${when} /ModDate ${when} >>`,
      file.bytes,
    );
    const spec = doc.add(
      `<<\n/Type /Filespec\n/F ${PDFString.of(file.name).toString()}\n/UF ${PDFHexString.fromText(file.name).toString()}\n` +
        `/EF << /F ${stream} 0 R >>\n/Desc ${PDFHexString.fromText(file.description).toString()}\n/AFRelationship /Data\n>>`,
    );
    return { name: file.name, spec };
  });
  // A name tree's keys are sorted.
  const names = [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  doc.replace(
    doc.root,
    withEntries(
      catalog,
      `/Names << /EmbeddedFiles << /Names [${names.map((n) => `${PDFString.of(n.name).toString()} ${n.spec} 0 R`).join(' ')}] >> >>\n` +
        `/AF [${specs.map((s) => `${s.spec} 0 R`).join(' ')}]`,
    ),
  );
  return doc.save();
}

async function attachWithPdfLib(pdf: Uint8Array, files: readonly Attachment[], date: Date): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  for (const file of files) {
    await doc.attach(file.bytes, file.name, {
      mimeType: file.mimeType,
      description: file.description,
      creationDate: date,
      modificationDate: date,
      afRelationship: AFRelationship.Data,
    });
  }
  return doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}
