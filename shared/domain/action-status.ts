import { choicesOf, resolveChoice } from '../format/choice';
import { ACTION_STATUSES, ACTION_STATUS_LABELS, type ActionStatus } from './types';

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[_\-\s]+/g, ' ')
    .trim();

/**
 * An action status as typed or pasted: its French label (« Réalisée »,
 * « en cours », accents and case ignored), its key, the unambiguous start of
 * a label (« réa », « sans »), or empty for none.
 */
export function parseActionStatus(text: string): { ok: true; value: ActionStatus | null } | { ok: false; message: string } {
  const t = fold(text);
  if (t === '' || t === '—') return { ok: true, value: null };
  const match = ACTION_STATUSES.find((s) => fold(s) === t || fold(ACTION_STATUS_LABELS[s]) === t || fold(ACTION_STATUS_LABELS[s]).replace(/e$/, '') === t);
  if (match) return { ok: true, value: match };
  const picked = resolveChoice(text, choicesOf(ACTION_STATUSES, ACTION_STATUS_LABELS), { known: 'un statut connu', plural: 'statuts' });
  if (picked.ok) return picked;
  if (picked.reason === 'ambiguous') return { ok: false, message: picked.message };
  return {
    ok: false,
    message: `« ${text.trim().slice(0, 40)} » n'est pas un statut. Statuts possibles : ${ACTION_STATUSES.map((s) => ACTION_STATUS_LABELS[s]).join(', ')}.`,
  };
}

export const formatActionStatus = (status: ActionStatus | null): string => (status ? ACTION_STATUS_LABELS[status] : '');
