import { z } from 'zod';
import { SANS_OBJET_ITEM_TYPES } from '../domain/sans-objet';

/*
 * The results section of the exchange file (issue 13), optional so that files
 * written before it still import: the users' « sans objet » decisions (with
 * their reason) and the baselines and targets they stored, per QRR (not per
 * quarter). Proposals (from a QRR's zone, from the circular) are not
 * exchanged: every application derives them from the same référentiel. The
 * typed comments (freins, actions à venir, réussites) travel with their
 * assessment (format.ts).
 */

/**
 * Minor version of format 2: 1 added the results section and the typed
 * comments. A file from a newer minor version is refused with the « newer
 * version » message rather than with an unknown field.
 */
export const EXCHANGE_MINOR_VERSION = 1;

const text = (max: number) => z.string().max(max);
const isoDate = z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'date ISO 8601 (UTC) attendue');
const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date AAAA-MM-JJ attendue');
const code = z.string().min(1).max(20);
const figure = z.number().min(-1e12).max(1e12).nullable();

export const ExchangeSansObjetSchema = z.strictObject({
  qrrKey: text(2_000),
  itemType: z.enum(SANS_OBJET_ITEM_TYPES),
  code,
  /** True: « sans objet »; false: the user lifted a proposal. */
  sansObjet: z.boolean(),
  reason: text(500),
  updatedAt: isoDate,
  updatedBy: text(200),
});

export const ExchangeTargetSchema = z.strictObject({
  qrrKey: text(2_000),
  indicatorCode: code,
  initialValue: figure,
  initialDate: dateOnly.nullable(),
  targetValue: figure,
  targetDeadline: dateOnly.nullable(),
  origin: z.enum(['circulaire', 'saisie']),
  /** The circular's wording of a target it states (for the reader; the référentiel is the reference on import). */
  quote: text(2_000).nullable(),
  updatedAt: isoDate,
  updatedBy: text(200),
});

export const ExchangeResultsSchema = z.strictObject({
  sansObjet: z.array(ExchangeSansObjetSchema).max(200_000),
  targets: z.array(ExchangeTargetSchema).max(200_000),
});

/** Typed comments beside an assessment's synthesis (absent when empty). */
export const ExchangeTypedCommentFields = {
  obstacles: text(10_000).optional(),
  nextSteps: text(10_000).optional(),
  successes: text(10_000).optional(),
};

export type ExchangeSansObjet = z.infer<typeof ExchangeSansObjetSchema>;
export type ExchangeTarget = z.infer<typeof ExchangeTargetSchema>;
export type ExchangeResults = z.infer<typeof ExchangeResultsSchema>;
