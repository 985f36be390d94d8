/**
 * The building blocks of the IPC contract's schemas (contract.ts and the
 * per-feature contract files it spreads), in one place.
 */
import { z } from 'zod';

// zod's own messages (wrong type, missing field…) in French, wherever a contract is loaded.
z.config(z.locales.fr());

/** Typed channel: the request schema is a value, the response only a type. */
export interface Channel<Req extends z.ZodType, Res> {
  readonly request: Req;
  /** Phantom field carrying the response type; always `undefined` at run time. */
  readonly response: Res;
  /** Larger requests are refused before parsing (default: MAX_REQUEST_BYTES of the dispatcher). */
  readonly maxBytes?: number;
}

export const channel =
  <Res>() =>
  <Req extends z.ZodType>(request: Req, options: { maxBytes?: number } = {}): Channel<Req, Res> => ({
    request,
    response: undefined as Res,
    ...options,
  });

export const Id = z.number({ error: 'Identifiant invalide.' }).int('Identifiant invalide.').positive('Identifiant invalide.');

export const text = (label: string, max: number) =>
  z
    .string({ error: `${label} doit être un texte.` })
    .trim()
    .max(max, `${label} ne peut pas dépasser ${max} caractères.`);

export const requiredText = (label: string, max: number) => text(label, max).min(1, `${label} est obligatoire.`);

/** How a batch came about in the UI; recorded as the audit origin (`ui:collage`…). */
export const WRITE_VIAS = ['saisie', 'collage', 'effacement', 'recopie', 'reprise', 'annulation', 'retablissement'] as const;
export const Via = z.enum(WRITE_VIAS, { error: 'Origine de la modification inconnue.' }).optional();

/** Compile-time equality of two types (for checks that two lists stay in step). */
export type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A file's bytes as base64, at most `maxBytes` once decoded. */
export const base64 = (label: string, maxBytes: number) =>
  z
    .string({ error: `${label} est invalide.` })
    .max(Math.ceil((maxBytes * 4) / 3) + 4, `${label} est trop volumineux.`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, `${label} est invalide.`);

/** A quarter, « 2026-T4 ». */
export const PeriodCode = z
  .string({ error: 'Période invalide.' })
  .regex(/^\d{4}-T[1-4]$/, 'Période invalide (format attendu : 2026-T4).');
