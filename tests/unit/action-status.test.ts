import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatActionStatus, parseActionStatus } from '../../shared/domain/action-status';
import { ACTION_STATUSES } from '../../shared/domain/types';

describe('action status as typed or pasted', () => {
  it('reads French labels, keys and blanks; refuses the rest in French', () => {
    expect(parseActionStatus('Réalisée')).toEqual({ ok: true, value: 'realisee' });
    expect(parseActionStatus('  en cours ')).toEqual({ ok: true, value: 'en_cours' });
    expect(parseActionStatus('REALISE')).toEqual({ ok: true, value: 'realisee' });
    expect(parseActionStatus('non_engagee')).toEqual({ ok: true, value: 'non_engagee' });
    expect(parseActionStatus('sans objet')).toEqual({ ok: true, value: 'sans_objet' });
    expect(parseActionStatus('')).toEqual({ ok: true, value: null });
    const bad = parseActionStatus('terminée');
    expect(bad).toEqual({ ok: false, message: "« terminée » n'est pas un statut. Statuts possibles : Non engagée, En cours, Réalisée, Sans objet." });
  });

  it('round-trips every status, and never throws', () => {
    for (const s of [...ACTION_STATUSES, null]) expect(parseActionStatus(formatActionStatus(s))).toEqual({ ok: true, value: s });
    fc.assert(fc.property(fc.string(), (t) => void parseActionStatus(t)));
  });
});
