import { PERSON_NAME_MAX } from './qrr';

/**
 * Longest texts of the quarterly follow-up, once trimmed. The IPC schemas and
 * the services (hence every import) check the same figures: a cell the
 * application would refuse when typed is refused when imported.
 */
export const FOLLOWUP_TEXT_MAX = {
  /** Comment of an indicator value or of an action status. */
  comment: 2000,
  /** Source of an indicator value. */
  source: 500,
  /** Referent of an action. */
  referent: PERSON_NAME_MAX,
  /** Synthesis comment of an engagement's assessment. */
  assessmentComment: 5000,
  /** Typed comments next to the synthesis (PILOTE): freins, actions à venir, réussites. */
  obstacles: 2000,
  nextSteps: 2000,
  successes: 2000,
} as const;

const LABELS: Readonly<Record<keyof typeof FOLLOWUP_TEXT_MAX, string>> = {
  comment: 'Le commentaire',
  source: 'La source',
  referent: 'Le référent',
  assessmentComment: 'Le commentaire de synthèse',
  obstacles: 'Le champ « Freins »',
  nextSteps: 'Le champ « Actions à venir »',
  successes: 'Le champ « Réussites »',
};

/** The typed comments of an engagement's assessment, in the order they are shown. */
export const TYPED_COMMENTS = ['obstacles', 'nextSteps', 'successes'] as const;
export type TypedComment = (typeof TYPED_COMMENTS)[number];

/** The French refusal of a text too long for its field, or null. Counts characters after trimming, as saved. */
export function followupTextProblem(kind: keyof typeof FOLLOWUP_TEXT_MAX, text: string): string | null {
  const max = FOLLOWUP_TEXT_MAX[kind];
  const length = text.trim().length;
  return length > max ? `${LABELS[kind]} ne peut pas dépasser ${max} caractères (${length}).` : null;
}

export const followupTextLabel = (kind: keyof typeof FOLLOWUP_TEXT_MAX): string => LABELS[kind];
