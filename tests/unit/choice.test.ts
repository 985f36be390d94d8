import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseActionStatus } from '../../shared/domain/action-status';
import { FUNDING_SOURCES, FUNDING_SOURCE_LABELS, SUBSIDY_STATUSES, SUBSIDY_STATUS_LABELS } from '../../shared/domain/fipd';
import { choicesOf, matchChoices, resolveChoice } from '../../shared/format/choice';
import { runs } from '../support/property';

const quartiers = [
  { value: 1, label: 'QRR Nord (démonstration)' },
  { value: 2, label: 'QRR Centre (démonstration)' },
  { value: 3, label: 'QRR Épinay-sur-Seine' },
];
const noun = { known: 'un quartier actif du département', plural: 'quartiers' };

describe('coded values picked from a list', () => {
  it('a label, the start of a word of it or the code; accents and case ignored', () => {
    expect(resolveChoice('nord', quartiers, noun)).toEqual({ ok: true, value: 1 });
    expect(resolveChoice('QRR Nord (démonstration)', quartiers, noun)).toEqual({ ok: true, value: 1 });
    expect(resolveChoice('epinay', quartiers, noun)).toEqual({ ok: true, value: 3 });
    const statuses = choicesOf(SUBSIDY_STATUSES, SUBSIDY_STATUS_LABELS);
    expect(resolveChoice('attr', statuses, noun)).toEqual({ ok: true, value: 'attribuee' });
    expect(resolveChoice('SOLDEE', statuses, noun)).toEqual({ ok: true, value: 'soldee' });
    expect(resolveChoice('fipd', choicesOf(FUNDING_SOURCES, FUNDING_SOURCE_LABELS), noun)).toEqual({ ok: true, value: 'fipd' });
  });

  it('an ambiguous start and an unknown text are refused in French, saying what is possible', () => {
    expect(resolveChoice('QRR', quartiers, noun)).toEqual({
      ok: false,
      reason: 'ambiguous',
      message: '« QRR » peut désigner plusieurs quartiers : QRR Nord (démonstration), QRR Centre (démonstration), QRR Épinay-sur-Seine. Tapez la suite.',
    });
    const unknown = resolveChoice('abandonnée', choicesOf(SUBSIDY_STATUSES, SUBSIDY_STATUS_LABELS), { known: 'un statut connu', plural: 'statuts' });
    expect(unknown).toMatchObject({ ok: false, reason: 'unknown' });
    expect(!unknown.ok && unknown.message).toMatch(/^« abandonnée » n'est pas un statut connu\. Possibles : Demandée, Instruite, Attribuée/);
  });

  it('the pick list offers labels starting with the text first, then labels with a word starting with it', () => {
    const actions = [
      { value: 'non_engagee', label: 'Non engagée' },
      { value: 'en_cours', label: 'En cours' },
    ];
    expect(matchChoices('e', actions).map((c) => c.label)).toEqual(['En cours', 'Non engagée']);
    expect(parseActionStatus('en')).toEqual({ ok: true, value: 'en_cours' });
    expect(parseActionStatus('réa')).toEqual({ ok: true, value: 'realisee' });
  });

  it('every label and every code resolves to itself; a unique start of a label too', () => {
    const statuses = choicesOf(SUBSIDY_STATUSES, SUBSIDY_STATUS_LABELS);
    fc.assert(
      fc.property(fc.constantFrom(...statuses), fc.nat(), (choice, cut) => {
        expect(resolveChoice(choice.label, statuses, noun)).toEqual({ ok: true, value: choice.value });
        expect(resolveChoice(choice.value, statuses, noun)).toEqual({ ok: true, value: choice.value });
        const start = choice.label.slice(0, 1 + (cut % choice.label.length));
        const result = resolveChoice(start, statuses, noun);
        // A start either picks this choice or is refused as ambiguous — never another choice silently.
        if (result.ok) expect(result.value).toBe(choice.value);
        else expect(result.reason).toBe('ambiguous');
      }),
      { numRuns: runs(200) },
    );
  });
});
