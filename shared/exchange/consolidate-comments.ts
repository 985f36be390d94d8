/**
 * The départements' typed comments (freins, actions à venir, réussites) in
 * the national synthesis (issue 13): gathered per engagement, then per
 * département and quartier, for the quarter consolidated. The synthesis
 * table only counts them; their texts go to an annex, so that one talkative
 * département does not flood the national first pages.
 *
 * Pure: imports only shared/.
 */
import { plural } from '../format/fr';
import type { Engagement } from '../referential/types';
import type { ExchangeDocument } from './format';

export const TYPED_COMMENT_KINDS = ['obstacles', 'nextSteps', 'successes'] as const;
export type TypedCommentKind = (typeof TYPED_COMMENT_KINDS)[number];
/** As the Actions screen and the département's report name them. */
export const TYPED_COMMENT_LABELS: Readonly<Record<TypedCommentKind, string>> = { obstacles: 'Freins', nextSteps: 'Actions à venir', successes: 'Réussites' };

export interface QrrComments {
  readonly qrrName: string;
  /** Trimmed; '' when not written. */
  readonly obstacles: string;
  readonly nextSteps: string;
  readonly successes: string;
}

export interface EngagementComments {
  readonly engagementCode: string;
  readonly title: string;
  /** Only départements with at least one comment, in the order of the files given. */
  readonly departements: readonly { readonly departementCode: string; readonly qrrs: readonly QrrComments[] }[];
  /** How many comments of each kind, all départements together. */
  readonly counts: Readonly<Record<TypedCommentKind, number>>;
}

/** One entry per engagement of the référentiel (none left out, so the count table lists all ten). */
export function departementComments(engagements: readonly Engagement[], documents: readonly ExchangeDocument[], periodCode: string): EngagementComments[] {
  return engagements.map((e) => {
    const counts = { obstacles: 0, nextSteps: 0, successes: 0 };
    const departements = documents.flatMap((doc) => {
      const names = new Map(doc.qrrs.map((q, i) => [q.key, { name: q.name, order: i }] as const));
      const qrrs = doc.assessments
        .filter((a) => a.periodCode === periodCode && a.engagementCode === e.code && names.has(a.qrrKey))
        .map((a) => ({
          order: names.get(a.qrrKey)!.order,
          qrrName: names.get(a.qrrKey)!.name,
          obstacles: a.obstacles?.trim() ?? '',
          nextSteps: a.nextSteps?.trim() ?? '',
          successes: a.successes?.trim() ?? '',
        }))
        .filter((q) => TYPED_COMMENT_KINDS.some((k) => q[k] !== ''))
        .sort((x, y) => x.order - y.order)
        .map(({ order: _order, ...q }) => q);
      for (const q of qrrs) for (const k of TYPED_COMMENT_KINDS) if (q[k] !== '') counts[k]++;
      return qrrs.length > 0 ? [{ departementCode: doc.departement.code, qrrs }] : [];
    });
    return { engagementCode: e.code, title: e.title, departements, counts };
  });
}

/**
 * The engagement's line in the synthesis table only counts its comments
 * (« 1 frein, 2 réussites : voir l'annexe »); null when there is none.
 */
export function commentsCountText(e: EngagementComments): string | null {
  const parts = [
    e.counts.obstacles ? plural(e.counts.obstacles, 'frein') : '',
    e.counts.nextSteps ? plural(e.counts.nextSteps, 'action à venir', 'actions à venir') : '',
    e.counts.successes ? plural(e.counts.successes, 'réussite') : '',
  ].filter(Boolean);
  return parts.length === 0 ? null : `Commentaires des départements : ${parts.join(', ')} (en annexe).`;
}
