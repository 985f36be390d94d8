/**
 * Coded values picked from a short list (a status, a funding source, a
 * quartier): what a pick list offers for a typed start, and what a typed or
 * pasted text stands for. Accents, case, hyphens and apostrophes are ignored
 * (« realisee », « Réalisée »); a text may be the code, the whole label, or
 * the start of the label or of its words (« nord » for « QRR Nord »), as long
 * as only one choice starts that way. Pure: used by the grids and their tests.
 */
import { foldForSearch, matchesSearch } from './search';

export interface Choice<V> {
  readonly value: V;
  readonly label: string;
  /** Other exact spellings accepted (the storage key, an abbreviation). */
  readonly codes?: readonly string[];
}

export type ChoiceResult<V> =
  | { readonly ok: true; readonly value: V }
  | { readonly ok: false; readonly reason: 'unknown' | 'ambiguous'; readonly message: string };

const exact = <V>(choice: Choice<V>, folded: string): boolean =>
  foldForSearch(choice.label) === folded || (choice.codes ?? []).some((c) => foldForSearch(c.replace(/_/g, ' ')) === folded);

/**
 * The choices a typed start designates, best first: exact label or code,
 * then labels starting with it, then labels one of whose words starts with it.
 */
export function matchChoices<V>(text: string, choices: readonly Choice<V>[]): Choice<V>[] {
  return choiceTiers(text, choices).flat();
}

/** Exact label or code; labels starting with the text; labels with a word starting with it. */
function choiceTiers<V>(text: string, choices: readonly Choice<V>[]): [Choice<V>[], Choice<V>[], Choice<V>[]] {
  const folded = foldForSearch(text);
  if (folded === '') return [[], [...choices], []];
  const exacts = choices.filter((c) => exact(c, folded));
  const starts = choices.filter((c) => !exacts.includes(c) && foldForSearch(c.label).startsWith(folded));
  const words = choices.filter((c) => !exacts.includes(c) && !starts.includes(c) && matchesSearch(text, c.label));
  return [exacts, starts, words];
}

const quoted = (text: string): string => `« ${text.trim().length > 40 ? `${text.trim().slice(0, 40)}…` : text.trim()} »`;

export interface ChoiceNoun {
  /** « un statut connu », « une source connue ». */
  readonly known: string;
  /** « statuts », « sources ». */
  readonly plural: string;
}

/**
 * The one choice a text stands for. `noun` words the French refusal: an
 * unknown text lists what is possible (« « x » n'est pas un statut connu »),
 * an ambiguous start lists what it could mean (« … plusieurs statuts »).
 */
export function resolveChoice<V>(text: string, choices: readonly Choice<V>[], noun: ChoiceNoun): ChoiceResult<V> {
  // The first tier that matches decides: « en » is « En cours » (starts with it) before « Non engagée » (a word does).
  const tier = foldForSearch(text) === '' ? [] : (choiceTiers(text, choices).find((t) => t.length > 0) ?? []);
  if (tier.length === 1) return { ok: true, value: tier[0]!.value };
  if (tier.length > 1) {
    return { ok: false, reason: 'ambiguous', message: `${quoted(text)} peut désigner plusieurs ${noun.plural} : ${tier.map((c) => c.label).join(', ')}. Tapez la suite.` };
  }
  return { ok: false, reason: 'unknown', message: `${quoted(text)} n'est pas ${noun.known}. Possibles : ${choices.map((c) => c.label).join(', ')}.` };
}

/** The choices of a code → label table, in the table's order, each code also accepted as typed. */
export const choicesOf = <K extends string>(values: readonly K[], labels: Readonly<Record<K, string>>): Choice<K>[] =>
  values.map((value) => ({ value, label: labels[value], codes: [value] }));
