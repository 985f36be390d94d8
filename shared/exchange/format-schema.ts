import { z } from 'zod';
import { ACTION_STATUSES, METEOS, QRR_WAVES, SECURITY_ZONES, TRENDS } from '../domain/types';
import { DECISION_KINDS, FUNDING_SOURCES, PAYMENT_KINDS, SUBSIDY_DOCUMENTS, SUBSIDY_STATUSES } from '../domain/fipd';
import { PERIOD_CODE_PATTERN, PERIOD_STATES } from '../domain/period';
import { ExchangeResultsSchema, ExchangeTypedCommentFields } from './format-results';

/* The exchange file's constants and its schema (version 2, and version 1 to read older files); see format.ts. */

export const EXCHANGE_FORMAT = 'qrr-echange';
/**
 * 2 added the FIPD credits (envelopes, subsidies and their payments). Version 1
 * files are still read: migrated on the fly (see migrateExchangeDocument).
 */
export const EXCHANGE_VERSION = 2;
/** Versions this application reads. */
export const EXCHANGE_READABLE_VERSIONS: readonly number[] = [1, 2];
/** The application's own extension (registered for double-click); the content is JSON. Files named .qrr.json by earlier versions are read too. */
export const EXCHANGE_EXTENSION = '.qrr';
/**
 * The largest exchange file read (and written: the export refuses to write a
 * larger one, so the application always reads back what it writes). Reason:
 * the file is parsed whole (JSON.parse) and a document in memory weighs about
 * four times its compact text; 200 Mo of text (about four national quarters,
 * 1,600 quartiers each: ~48 Mo per quarter) stays within the memory of a
 * prefecture laptop, and far below V8's limit on one string (2^29 characters).
 */
export const EXCHANGE_MAX_BYTES = 200 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Schema (version 2)

const TEXT_MAX = 10_000;
const NAME_MAX = 200;
/** The most rows of one kind a file may hold (a national quarter: ~90,000 indicator values). */
export const LIST_MAX = 200_000;

const text = (max = TEXT_MAX) => z.string().max(max);
const isoDate = z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'date ISO 8601 (UTC) attendue');
const periodCodeSchema = z.string().regex(PERIOD_CODE_PATTERN, 'code de trimestre attendu (ex. 2026-T4)');
const code = z.string().min(1).max(20);
const payload = z.record(z.string().max(60), z.union([z.number(), z.boolean(), z.string().max(TEXT_MAX), z.null()])).nullable();

export const ExchangeQrrSchema = z.strictObject({
  key: text(2_000).min(1),
  name: text(NAME_MAX).min(1),
  communes: z.array(z.string().regex(/^[0-9][0-9AB][0-9]{3}$/, 'code INSEE de commune attendu')).max(50),
  qpvCodes: z.array(text(20)).max(30),
  securityZone: z.enum(SECURITY_ZONES).nullable(),
  wave: z.enum(QRR_WAVES).nullable(),
  population: z.number().int().min(0).nullable(),
});

export const ExchangeIndicatorValueSchema = z.strictObject({
  qrrKey: text(2_000),
  indicatorCode: code,
  periodCode: periodCodeSchema,
  value: payload,
  target: payload,
  comment: text(),
  source: text(),
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

export const ExchangeActionStatusSchema = z.strictObject({
  qrrKey: text(2_000),
  actionCode: code,
  periodCode: periodCodeSchema,
  status: z.enum(ACTION_STATUSES).nullable(),
  comment: text(),
  referent: text(),
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

export const ExchangeAssessmentSchema = z.strictObject({
  qrrKey: text(2_000),
  engagementCode: code,
  periodCode: periodCodeSchema,
  meteo: z.enum(METEOS),
  trend: z.enum(TRENDS).nullable(),
  comment: text(),
  commentAuthor: text(NAME_MAX),
  commentDate: isoDate.nullable(),
  ...ExchangeTypedCommentFields,
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date AAAA-MM-JJ attendue');
const uid = z.string().regex(/^[0-9a-f]{32}$/, 'identifiant de 32 caractères hexadécimaux attendu');
const cents = z.number().int().min(0).max(10_000_000_000);
const budgetYear = z.number().int().min(2018).max(2100);

export const ExchangeEnvelopeSchema = z.strictObject({
  qrrKey: text(2_000),
  budgetYear,
  source: z.enum(FUNDING_SOURCES),
  amountCents: cents,
  decidedOn: dateOnly.nullable(),
  comment: text(),
  overEnvelopeReason: text().nullable(),
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
});

export const ExchangePaymentSchema = z.strictObject({
  uid,
  paidOn: dateOnly,
  amountCents: cents.min(1),
  kind: z.enum(PAYMENT_KINDS),
  comment: text(),
  createdAt: isoDate,
});

export const ExchangeSubsidySchema = z.strictObject({
  uid,
  qrrKey: text(2_000),
  budgetYear,
  source: z.enum(FUNDING_SOURCES),
  actionCodes: z.array(code).max(20),
  beneficiaryName: text(200).min(1),
  siret: z.string().regex(/^\d{14}$/, 'SIRET de 14 chiffres attendu').nullable(),
  rna: z.string().regex(/^W[0-9AB][0-9]{8}$/, 'numéro RNA attendu (W suivi de 9 caractères)').nullable(),
  title: text(300).min(1),
  requestedCents: cents,
  grantedCents: cents,
  cofinancingCents: cents,
  decisionKind: z.enum(DECISION_KINDS).nullable(),
  decisionNumber: text(60),
  decisionDate: dateOnly.nullable(),
  chorusEj: text(20),
  reportDueDate: dateOnly.nullable(),
  reportReceivedDate: dateOnly.nullable(),
  documents: z.array(z.enum(SUBSIDY_DOCUMENTS)).max(SUBSIDY_DOCUMENTS.length),
  status: z.enum(SUBSIDY_STATUSES),
  overEnvelopeReason: text().nullable(),
  comment: text(),
  createdAt: isoDate,
  updatedAt: isoDate,
  updatedBy: text(NAME_MAX),
  payments: z.array(ExchangePaymentSchema).max(200),
});

const documentFields = {
  format: z.literal(EXCHANGE_FORMAT),
  referentialVersion: z.number().int().min(1),
  departement: z.strictObject({ code: z.string().regex(/^(\d{2}|2A|2B|\d{3})$/, 'code de département attendu'), nom: text(NAME_MAX) }),
  sender: z.strictObject({ name: text(NAME_MAX), osUser: text(NAME_MAX) }),
  exportedAt: isoDate,
  scope: z.strictObject({ periods: z.array(periodCodeSchema).max(400) }),
  qrrs: z.array(ExchangeQrrSchema).max(5_000),
  periods: z.array(z.strictObject({ code: periodCodeSchema, state: z.enum(PERIOD_STATES) })).max(400),
  indicatorValues: z.array(ExchangeIndicatorValueSchema).max(LIST_MAX),
  actionStatuses: z.array(ExchangeActionStatusSchema).max(LIST_MAX),
  assessments: z.array(ExchangeAssessmentSchema).max(LIST_MAX),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'empreinte SHA-256 attendue (64 caractères hexadécimaux)'),
};

/** Version 1 (until schema 5): the follow-up only, no FIPD credits. Kept to read older files. */
export const ExchangeDocumentV1Schema = z.strictObject({ ...documentFields, version: z.literal(1) });

export const ExchangeDocumentSchema = z.strictObject({
  ...documentFields,
  version: z.literal(EXCHANGE_VERSION),
  /** FIPD and other State credits delegated per QRR, budget year and source. */
  fipdEnvelopes: z.array(ExchangeEnvelopeSchema).max(LIST_MAX),
  /** Subsidies with their payments; `uid` identifies a line across databases. */
  subsidies: z.array(ExchangeSubsidySchema).max(LIST_MAX),
  /** Minor version (format-results.ts); absent before 1. */
  minorVersion: z.number().int().min(0).optional(),
  /** « Sans objet » decisions, baselines and targets (minor version 1); absent in older files. */
  results: ExchangeResultsSchema.optional(),
});

export type ExchangeDocument = z.infer<typeof ExchangeDocumentSchema>;
export type ExchangeQrr = z.infer<typeof ExchangeQrrSchema>;
export type ExchangeIndicatorValue = z.infer<typeof ExchangeIndicatorValueSchema>;
export type ExchangeActionStatus = z.infer<typeof ExchangeActionStatusSchema>;
export type ExchangeAssessment = z.infer<typeof ExchangeAssessmentSchema>;
export type ExchangeEnvelope = z.infer<typeof ExchangeEnvelopeSchema>;
export type ExchangeSubsidy = z.infer<typeof ExchangeSubsidySchema>;
export type ExchangePayment = z.infer<typeof ExchangePaymentSchema>;
export type ExchangeDocumentV1 = z.infer<typeof ExchangeDocumentV1Schema>;
export type UnsignedExchangeDocument = Omit<ExchangeDocument, 'sha256'>;

/** The JSON Schema published as docs/exchange-format.schema.json (a test keeps the file up to date). */
export function exchangeJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ExchangeDocumentSchema, { target: 'draft-2020-12' }),
    $id: 'https://qrr.interieur.gouv.fr/schemas/exchange-format.v2.schema.json',
    title: "Fichier d'échange du Tableau de bord QRR (version 2)",
    description:
      "sha256 = SHA-256 (hexadécimal) des octets UTF-8 du JSON canonique du document sans son champ sha256 " +
      '(clés triées, sans espaces). Extension de fichier : .qrr (contenu JSON).',
  };
}

