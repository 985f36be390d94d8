/** The workbook's limits and French messages, the référentiel indexed, and the hidden « Réf. » of each row. Part of exchange/xlsx (see index.ts). */
import { z } from 'zod';
import { EXCHANGE_MAX_BYTES, ExchangeDocumentSchema } from '../../../../shared/exchange/format';
import type { Action, Engagement, Indicator, Referential } from '../../../../shared/referential/types';
import { SANS_OBJET_ITEM_TYPES } from '../../../../shared/domain/sans-objet';
import { partSlotCount } from '../xlsx-layout';

export type ReferentialLike = Pick<Referential, 'engagements'>;

export interface WorkbookLimits {
  /** The workbook file itself. */
  readonly maxBytes: number;
  /** Files inside the zip (an exported workbook has about 20). */
  readonly maxEntries: number;
  /** All files inside the zip once inflated, declared and real. */
  readonly maxUncompressedBytes: number;
}

export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = {
  maxBytes: EXCHANGE_MAX_BYTES,
  maxEntries: 500,
  maxUncompressedBytes: 100 * 1024 * 1024,
};

/** Problems listed at most in one refusal (the first ones, in the order of the sheets). */
export const MAX_PROBLEMS = 20;

const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024)).toLocaleString('fr-FR')} Mo`;

export const WORKBOOK_MESSAGES = {
  notXlsx: "Ce fichier n'est pas un classeur Excel (.xlsx) lisible : il ne peut pas être importé.",
  damaged: 'Ce classeur Excel est endommagé (son contenu est illisible) : il ne peut pas être importé.',
  notOurs:
    "Ce classeur n'a pas été produit par le Tableau de bord QRR (sa feuille d'identification est absente ou illisible) : " +
    "seuls les classeurs exportés depuis l'écran « Échanges », puis modifiés dans Excel ou LibreOffice, peuvent être importés.",
  identityDamaged: (detail: string) =>
    `La feuille d'identification masquée de ce classeur a été modifiée (${detail}) : reprenez un classeur exporté par l'application.`,
  newer:
    "Ce classeur a été produit par une version plus récente du Tableau de bord QRR : installez la dernière version de l'application pour l'importer.",
  tooManyEntries: (max: number) =>
    `Ce classeur contient plus de ${max.toLocaleString('fr-FR')} fichiers internes : ce n'est pas un classeur exporté par le Tableau de bord QRR, il n'est pas importé.`,
  tooBigInflated: (declared: number, max: number) =>
    `Une fois décompressé, ce classeur occuperait ${mb(declared)}, au-delà de la limite de ${mb(max)} : il n'est pas importé (un classeur exporté par l'application est bien plus petit).`,
  lyingEntry: (name: string) =>
    `Ce classeur est endommagé ou piégé : son fichier interne « ${name} » est plus volumineux une fois décompressé que ce qu'il annonce. Il n'est pas importé.`,
  inflatedBeyond: (max: number) =>
    `Une fois décompressé, ce classeur dépasserait la limite de ${mb(max)} : il n'est pas importé.`,
  refused: (problems: readonly string[], more: boolean) =>
    problems.length === 1
      ? `Le classeur ne peut pas être importé. ${problems[0]}`
      : `Le classeur ne peut pas être importé (${more ? `plus de ${problems.length} erreurs, voici les ${problems.length} premières` : `${problems.length} erreurs`}). ${problems.join(' ')}`,
} as const;

// ---------------------------------------------------------------------------
// The référentiel, indexed

interface ReferentialIndex {
  readonly indicators: ReadonlyMap<string, Indicator>;
  readonly actions: ReadonlyMap<string, Action>;
  readonly engagements: ReadonlyMap<string, Engagement>;
  readonly slots: number;
}

export function indexReferential(referential: ReferentialLike): ReferentialIndex {
  return {
    indicators: new Map(referential.engagements.flatMap((e) => e.indicators.map((i) => [i.code, i] as const))),
    actions: new Map(referential.engagements.flatMap((e) => e.actions.map((a) => [a.code, a] as const))),
    engagements: new Map(referential.engagements.map((e) => [e.code, e] as const)),
    slots: partSlotCount(referential),
  };
}

// ---------------------------------------------------------------------------
// « Réf. »: each row's identity and the metadata nobody edits in the workbook

const isoInstant = ExchangeDocumentSchema.shape.exportedAt;
const qrrNumber = z.number().int().min(1);
const period = z.string().regex(/^\d{4}-T[1-4]$/);
const code = z.string().min(1).max(20);
const author = z.string().max(200);
const uid = z.string().regex(/^[0-9a-f]{32}$/);
const year = z.number().int().min(2018).max(2100);

export const FollowupRef = z.strictObject({ q: qrrNumber, p: period, c: code, at: isoInstant, by: author });
export const AssessmentRef = FollowupRef.extend({ ca: author, cd: isoInstant.nullable() });
export const EnvelopeRef = z.strictObject({
  q: qrrNumber,
  y: year,
  s: ExchangeDocumentSchema.shape.fipdEnvelopes.element.shape.source,
  at: isoInstant,
  by: author,
  r: z.string().max(10_000).nullable(),
});
export const SubsidyRef = z.strictObject({ u: uid, q: qrrNumber, y: year, ca: isoInstant, at: isoInstant, by: author, r: z.string().max(10_000).nullable() });
export const PaymentRef = z.strictObject({ u: uid, s: uid, ca: isoInstant });
/** `e`: the target was exported with every figure and date empty (a cleared target), so empty cells read back as that rather than as « nothing entered ». */
export const TargetRef = z.strictObject({ q: qrrNumber, c: code, o: z.enum(['circulaire', 'saisie']), e: z.literal(1).optional(), at: isoInstant, by: author });
export const SansObjetRef = z.strictObject({ q: qrrNumber, t: z.enum(SANS_OBJET_ITEM_TYPES), c: code, at: isoInstant, by: author });
