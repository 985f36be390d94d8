import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONVENTION_THRESHOLD_CENTS,
  FUNDING_SOURCES,
  FUNDING_SOURCE_LABELS,
  PAYMENT_KINDS,
  PAYMENT_KIND_LABELS,
  SUBSIDY_DOCUMENTS,
  SUBSIDY_DOCUMENT_LABELS,
  SUBSIDY_STATUSES,
  SUBSIDY_STATUS_LABELS,
  amountProblem,
  defaultReportDueDate,
  indicator0502,
  indicator0502ByQrr,
  isoDateProblem,
  ledgerTotals,
  parseFrenchDateToIso,
  quarterBounds,
  rnaProblem,
  siretProblem,
  subsidyFlags,
  type SubsidyFields,
  type SubsidyStatus,
} from '../../shared/domain/fipd';
import { SaveSubsidyRequest, SubsidyLine, fipdContract, FIPD_CHANNELS } from '../../shared/ipc/contract-fipd';
import { parisIsoDate } from '../../shared/format/paris-time';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('SIRET', () => {
  it.each([
    ['73282932000074', 'a real-looking SIRET (SIREN 732 829 320, Luhn on 9 and 14 digits)'],
    ['732 829 320 00074', 'the same, printed with spaces'],
    [`732${NBSP}829${NBSP}320${NBSP}00074`, 'the same, pasted with no-break spaces'],
    ['44306184100047', 'another valid one'],
    ['35600000000048', "La Poste's head office (passes Luhn)"],
    ['35600000049837', 'a La Poste establishment: fails Luhn, digits add up to 45 (multiple of 5)'],
    ['35600000000047', 'another La Poste establishment: digits add up to 25'],
  ])('accepts %s (%s)', (siret) => {
    expect(siretProblem(siret)).toBeNull();
  });

  it.each([
    ['73282932000075', /clé de contrôle ne correspond pas/],
    ['77566501900012', /le SIREN \(9 premiers chiffres\)/],
    ['35600000012345', /pour La Poste, la somme des chiffres doit être un multiple de 5/],
    ['35600000000049', /La Poste/],
    ['7328293200007', /compte 14 chiffres ; « 7328293200007 » en compte 13/],
    ['732829320000744', /en compte 15/],
    ['7328293200007A', /ne contient que des chiffres/],
    ['', /vide/],
  ])('refuses %s in French', (siret, message) => {
    expect(siretProblem(siret)).toMatch(message);
  });

  it('prints the SIRET the way documents do in the refusal', () => {
    expect(siretProblem('73282932000075')).toBe(
      'Le SIRET 732 829 320 00075 est invalide : sa clé de contrôle ne correspond pas (vérifiez une faute de frappe).',
    );
  });

  it('catches every single-digit typo of a valid SIRET (outside La Poste)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
        const valid = '73282932000074';
        const digit = (Number(valid[position]) + delta) % 10;
        const typo = `${valid.slice(0, position)}${digit}${valid.slice(position + 1)}`;
        expect(siretProblem(typo)).not.toBeNull();
      }),
    );
  });
});

describe('RNA', () => {
  it.each(['W931234567', 'w931234567', ' W 931234567 ', 'W2A1002345'])('accepts %s', (rna) => {
    expect(rnaProblem(rna)).toBeNull();
  });
  it.each(['931234567', 'W93123456', 'W9312345678', 'X931234567', 'W93123456A', 'W2C1002345'])('refuses %s', (rna) => {
    expect(rnaProblem(rna)).toMatch(/n'est pas un numéro RNA : attendu W suivi de 9 chiffres/);
  });
});

describe('dates and amounts', () => {
  it('checks calendar dates', () => {
    expect(isoDateProblem('2026-02-28')).toBeNull();
    expect(isoDateProblem('2028-02-29')).toBeNull();
    expect(isoDateProblem('2026-02-29')).toBe("La date « 2026-02-29 » n'existe pas dans le calendrier.");
    expect(isoDateProblem('24/06/2021', 'La date du versement')).toBe('La date du versement « 24/06/2021 » est invalide (format attendu : AAAA-MM-JJ).');
  });

  it('reads French dates for pasted lines', () => {
    expect(parseFrenchDateToIso('24/06/2021')).toEqual({ ok: true, value: '2021-06-24' });
    expect(parseFrenchDateToIso('1/7/2026')).toEqual({ ok: true, value: '2026-07-01' });
    expect(parseFrenchDateToIso('2026-07-01')).toEqual({ ok: true, value: '2026-07-01' });
    expect(parseFrenchDateToIso('31/02/2026')).toMatchObject({ ok: false, message: expect.stringMatching(/n'existe pas/) });
    expect(parseFrenchDateToIso('demain')).toEqual({ ok: false, message: "« demain » n'est pas une date (format attendu : 24/06/2021)." });
  });

  it('refuses negative, fractional, non-numeric and absurd amounts', () => {
    expect(amountProblem(123456, 'Le montant')).toBeNull();
    expect(amountProblem(0, 'Le montant')).toBeNull();
    expect(amountProblem(0, 'Le montant', { positive: true })).toBe('Le montant doit être supérieur à 0.');
    expect(amountProblem(-1, 'Le montant')).toBe('Le montant ne peut pas être négatif.');
    expect(amountProblem(12.5, 'Le montant')).toBe('Le montant doit être un nombre entier de centimes.');
    expect(amountProblem('12', 'Le montant')).toBe('Le montant doit être un nombre (en centimes).');
    expect(amountProblem(Number.NaN, 'Le montant')).toBe('Le montant doit être un nombre (en centimes).');
    expect(amountProblem(1e12, 'Le montant')).toBe(`Le montant dépasse 100${NNBSP}000${NNBSP}000,00${NBSP}€ : vérifiez la saisie.`);
  });

  it('knows quarters, due dates and the Paris date', () => {
    expect(quarterBounds('2026-T1')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(quarterBounds('2024-T1')).toEqual({ from: '2024-01-01', to: '2024-03-31' });
    expect(quarterBounds('2026-T3')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(quarterBounds('2026-T4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(quarterBounds('2026-T5')).toBeNull();
    expect(defaultReportDueDate(2026)).toBe('2027-06-30');
    // 23:30 UTC on 31 December is already New Year's Day in Paris.
    expect(parisIsoDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});

describe('labels', () => {
  it('has a French label for every source, status, payment kind and document', () => {
    for (const s of FUNDING_SOURCES) expect(FUNDING_SOURCE_LABELS[s]).toBeTruthy();
    for (const s of SUBSIDY_STATUSES) expect(SUBSIDY_STATUS_LABELS[s]).toMatch(/^[A-ZÉ]/);
    for (const k of PAYMENT_KINDS) expect(PAYMENT_KIND_LABELS[k]).toBeTruthy();
    for (const d of SUBSIDY_DOCUMENTS) expect(SUBSIDY_DOCUMENT_LABELS[d]).toBeTruthy();
    expect(SUBSIDY_DOCUMENT_LABELS.cerfa_12156).toBe('Demande de subvention (CERFA 12156)');
    expect(SUBSIDY_DOCUMENT_LABELS.compte_rendu_15059).toBe('Compte-rendu financier (CERFA 15059)');
    expect(CONVENTION_THRESHOLD_CENTS).toBe(2_300_000);
  });
});

const subsidy = (over: Partial<SubsidyFields> = {}): SubsidyFields => ({
  budgetYear: 2026,
  qrrId: 1,
  source: 'fipd',
  actionCodes: ['05-02'],
  beneficiaryName: 'Association Sport et Citoyenneté',
  siret: '73282932000074',
  rna: 'W931234567',
  title: 'Ateliers sportifs du mercredi',
  requestedCents: 1_500_000,
  grantedCents: 1_200_000,
  cofinancingCents: 0,
  decisionKind: 'arrete',
  decisionNumber: '2026-123',
  decisionDate: '2026-03-15',
  chorusEj: '2103456789',
  reportDueDate: '2027-06-30',
  reportReceivedDate: null,
  documents: ['cerfa_12156', 'budget_previsionnel', 'rib', 'statuts', 'attestation_honneur'],
  status: 'attribuee',
  comment: '',
  ...over,
});
const codes = (flags: { code: string }[]) => flags.map((f) => f.code);

describe('subsidyFlags', () => {
  it('says nothing of a complete, regular subsidy', () => {
    expect(subsidyFlags(subsidy(), [{ paidOn: '2026-04-01', amountCents: 600_000, kind: 'avance' }], '2026-11-26')).toEqual([]);
  });

  it('requires a convention above 23 000 €, not at 23 000 €', () => {
    expect(codes(subsidyFlags(subsidy({ grantedCents: 2_300_000, requestedCents: 0 }), [], '2026-11-26'))).toEqual([]);
    const flags = subsidyFlags(subsidy({ grantedCents: 2_300_001, requestedCents: 0 }), [], '2026-11-26');
    expect(flags).toEqual([
      {
        code: 'convention_required',
        message: `Montant attribué de 23${NNBSP}000,01${NBSP}€, supérieur à 23${NNBSP}000,00${NBSP}€ : une convention est obligatoire (loi n° 2000-321, art. 10).`,
      },
    ]);
    expect(subsidyFlags(subsidy({ grantedCents: 5_000_000, requestedCents: 0, decisionKind: 'convention' }), [], '2026-11-26')).toEqual([]);
    // Only committed money needs its convention.
    expect(subsidyFlags(subsidy({ grantedCents: 5_000_000, requestedCents: 0, status: 'instruite' }), [], '2026-11-26')).toEqual([]);
  });

  it('flags a balance paid without the financial report or with documents missing', () => {
    const paid = [
      { paidOn: '2026-04-01', amountCents: 600_000, kind: 'avance' as const },
      { paidOn: '2027-02-10', amountCents: 600_000, kind: 'solde' as const },
    ];
    const flags = subsidyFlags(subsidy({ status: 'soldee', documents: ['cerfa_12156', 'budget_previsionnel', 'attestation_honneur'] }), paid, '2027-03-01');
    expect(flags.map((f) => f.message)).toEqual([
      'Solde versé le 10/02/2027 sans le compte-rendu financier (CERFA 15059).',
      "Solde versé alors que 2 pièces manquent : Relevé d'identité bancaire (RIB), Statuts de l'association.",
    ]);
    // The report received (by date or in the checklist) and all documents: nothing to say.
    expect(subsidyFlags(subsidy({ status: 'soldee', reportReceivedDate: '2027-01-20' }), paid, '2027-03-01')).toEqual([]);
    expect(subsidyFlags(subsidy({ status: 'soldee', documents: [...SUBSIDY_DOCUMENTS] }), paid, '2027-03-01')).toEqual([]);
  });

  it('flags an overdue financial report the day after its due date', () => {
    expect(subsidyFlags(subsidy(), [], '2027-06-30')).toEqual([]);
    expect(subsidyFlags(subsidy(), [], '2027-07-01')).toEqual([
      { code: 'report_overdue', message: 'Compte-rendu financier (CERFA 15059) en retard : il était attendu au plus tard le 30/06/2027.' },
    ]);
    expect(subsidyFlags(subsidy({ reportReceivedDate: '2027-06-01' }), [], '2027-07-01')).toEqual([]);
    // A refused request has no report to send.
    expect(subsidyFlags(subsidy({ status: 'refusee', grantedCents: 0 }), [], '2027-07-01')).toEqual([]);
  });

  it('flags what cannot be (paid above granted) and what is incomplete', () => {
    const flags = subsidyFlags(
      subsidy({ grantedCents: 100_000, decisionKind: null, decisionDate: null, chorusEj: '', siret: null }),
      [{ paidOn: '2026-05-01', amountCents: 150_000, kind: 'avance' }],
      '2026-11-26',
    );
    expect(codes(flags)).toEqual(['paid_above_granted', 'decision_missing', 'chorus_ej_missing', 'siret_missing']);
    expect(flags[0]!.message).toBe(
      `Le montant versé (1${NNBSP}500,00${NBSP}€) dépasse le montant attribué (1${NNBSP}000,00${NBSP}€) : c'est impossible, corrigez les versements.`,
    );
    expect(codes(subsidyFlags(subsidy(), [{ paidOn: '2026-03-01', amountCents: 1, kind: 'avance' }], '2026-11-26'))).toEqual(['payment_before_decision']);
    expect(codes(subsidyFlags(subsidy({ grantedCents: 2_000_000 }), [], '2026-11-26'))).toEqual(['granted_above_requested']);
  });
});

describe('ledgerTotals', () => {
  const envelopes = [
    { qrrId: 1, source: 'fipd' as const, amountCents: 8_000_000 },
    { qrrId: 1, source: 'bop147' as const, amountCents: 2_000_000 },
    { qrrId: 2, source: 'fipd' as const, amountCents: 5_000_000 },
  ];
  const subsidies = [
    { id: 1, qrrId: 1, source: 'fipd' as const, status: 'soldee' as const, grantedCents: 3_000_000 },
    { id: 2, qrrId: 1, source: 'fipd' as const, status: 'attribuee' as const, grantedCents: 2_000_000 },
    { id: 3, qrrId: 1, source: 'fipd' as const, status: 'demandee' as const, grantedCents: 9_999_999 },
    { id: 4, qrrId: 2, source: 'fipd' as const, status: 'versee' as const, grantedCents: 6_000_000 },
    { id: 5, qrrId: 2, source: 'fdva' as const, status: 'annulee' as const, grantedCents: 100 },
  ];
  const payments = [
    { subsidyId: 1, amountCents: 1_500_000 },
    { subsidyId: 1, amountCents: 1_500_000 },
    { subsidyId: 4, amountCents: 2_500_000 },
    { subsidyId: 99, amountCents: 7 }, // not among the lines: ignored
  ];
  const totals = ledgerTotals(envelopes, subsidies, payments);

  it('sums delegated, committed (attribuée, versée, soldée only) and paid, per QRR, per source and for the département', () => {
    expect(totals.departement).toEqual({
      delegatedCents: 15_000_000,
      committedCents: 11_000_000,
      paidCents: 5_500_000,
      remainingCents: 4_000_000,
      toPayCents: 5_500_000,
      consumptionRate: 11 / 15,
      paymentRate: 0.5,
    });
    expect(totals.bySource.map((s) => [s.source, s.delegatedCents, s.committedCents, s.paidCents])).toEqual([
      ['fipd', 13_000_000, 11_000_000, 5_500_000],
      ['bop147', 2_000_000, 0, 0],
      ['fdva', 0, 0, 0],
    ]);
    const [q1, q2] = totals.byQrr;
    expect(q1).toMatchObject({ qrrId: 1, delegatedCents: 10_000_000, committedCents: 5_000_000, paidCents: 3_000_000, consumptionRate: 0.5 });
    expect(q1!.bySource.map((s) => s.source)).toEqual(['fipd', 'bop147']);
    // Committed beyond the envelope: the remaining amount goes negative, never hidden.
    expect(q2).toMatchObject({ qrrId: 2, delegatedCents: 5_000_000, committedCents: 6_000_000, remainingCents: -1_000_000, toPayCents: 3_500_000 });
    expect(q2!.bySource.find((s) => s.source === 'fdva')).toMatchObject({ delegatedCents: 0, consumptionRate: null, paymentRate: null });
  });

  it('always equals the sums of its lines, in integer cents, for any lines', () => {
    const status = fc.constantFrom<SubsidyStatus>(...SUBSIDY_STATUSES);
    const source = fc.constantFrom(...FUNDING_SOURCES);
    const cents = fc.integer({ min: 0, max: 10_000_000_000 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ qrrId: fc.integer({ min: 1, max: 3 }), source, amountCents: cents }), { maxLength: 10 }),
        fc.array(fc.record({ qrrId: fc.integer({ min: 1, max: 3 }), source, status, grantedCents: cents }), { maxLength: 20 }),
        fc.array(fc.record({ subsidyIndex: fc.nat(25), amountCents: cents }), { maxLength: 30 }),
        (envs, subs, pays) => {
          const lines = subs.map((s, i) => ({ ...s, id: i + 1 }));
          const payments = pays.map((p) => ({ subsidyId: p.subsidyIndex + 1, amountCents: p.amountCents }));
          const t = ledgerTotals(envs, lines, payments);
          const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
          const committed = (xs: typeof lines) => sum(xs.filter((s) => ['attribuee', 'versee', 'soldee'].includes(s.status)).map((s) => s.grantedCents));
          const paid = (xs: typeof lines) => sum(payments.filter((p) => xs.some((s) => s.id === p.subsidyId)).map((p) => p.amountCents));
          expect(t.departement.delegatedCents).toBe(sum(envs.map((e) => e.amountCents)));
          expect(t.departement.committedCents).toBe(committed(lines));
          expect(t.departement.paidCents).toBe(paid(lines));
          expect(t.departement.remainingCents).toBe(t.departement.delegatedCents - t.departement.committedCents);
          expect(t.departement.toPayCents).toBe(t.departement.committedCents - t.departement.paidCents);
          for (const q of t.byQrr) {
            const own = lines.filter((s) => s.qrrId === q.qrrId);
            expect(q.committedCents).toBe(committed(own));
            expect(q.paidCents).toBe(paid(own));
            expect(q.delegatedCents).toBe(sum(q.bySource.map((s) => s.delegatedCents)));
          }
          for (const s of t.bySource) expect(s.committedCents).toBe(committed(lines.filter((l) => l.source === s.source)));
          for (const v of [t.departement, ...t.bySource, ...t.byQrr]) {
            for (const n of [v.delegatedCents, v.committedCents, v.paidCents, v.remainingCents, v.toPayCents]) expect(Number.isSafeInteger(n)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('indicator 05-02', () => {
  const line = (over: Partial<SubsidyFields>) => subsidy({ siret: null, rna: null, ...over });

  it('counts distinct associations and sums granted amounts decided in the quarter, State credits only', () => {
    const lines = [
      line({ beneficiaryName: 'Club A', siret: '73282932000074', grantedCents: 100_000, decisionDate: '2026-07-02' }),
      // Same SIREN, other establishment: same association.
      line({ beneficiaryName: 'Club A (antenne)', siret: '73282932000082', grantedCents: 50_000, decisionDate: '2026-08-01' }),
      // Same RNA as a line that also has the SIREN: same association.
      line({ beneficiaryName: 'Club A', siret: '73282932000074', rna: 'W931000001', grantedCents: 1, decisionDate: '2026-09-30' }),
      line({ beneficiaryName: 'Club A bis', rna: 'W931000001', grantedCents: 2, decisionDate: '2026-09-30' }),
      // Known only by name, matching another line's name (accents and case ignored).
      line({ beneficiaryName: 'CLUB  a', grantedCents: 3, decisionDate: '2026-07-15' }),
      line({ beneficiaryName: 'Maison des Jeunes', source: 'bop147', grantedCents: 200_000, decisionDate: '2026-09-01' }),
      // Not counted: outside the quarter, not committed, not State credits, no decision date.
      line({ beneficiaryName: 'Hors trimestre', grantedCents: 9, decisionDate: '2026-06-30' }),
      line({ beneficiaryName: 'Demandée', status: 'demandee', grantedCents: 9, decisionDate: '2026-07-10' }),
      line({ beneficiaryName: 'Collectivité', source: 'collectivites', grantedCents: 9, decisionDate: '2026-07-10' }),
      line({ beneficiaryName: 'Sans date', grantedCents: 9, decisionDate: null }),
    ];
    expect(indicator0502(lines, '2026-T3')).toEqual({ count: 2, amountCents: 350_006 });
    expect(indicator0502(lines, '2026-T2')).toEqual({ count: 1, amountCents: 9 });
    expect(indicator0502(lines, '2026-T3', ['fipd', 'bop147', 'collectivites'])).toEqual({ count: 3, amountCents: 350_015 });
    expect(indicator0502(lines, 'n’importe quoi')).toEqual({ count: 0, amountCents: 0 });
  });

  it('is computed per QRR too', () => {
    const lines = [
      line({ qrrId: 1, beneficiaryName: 'A', grantedCents: 10, decisionDate: '2026-01-10' }),
      line({ qrrId: 2, beneficiaryName: 'A', grantedCents: 20, decisionDate: '2026-02-10' }),
      line({ qrrId: 2, beneficiaryName: 'B', grantedCents: 30, decisionDate: '2026-03-10' }),
    ];
    expect([...indicator0502ByQrr(lines, '2026-T1')]).toEqual([
      [1, { count: 1, amountCents: 10 }],
      [2, { count: 2, amountCents: 50 }],
    ]);
  });
});

describe('FIPD contract', () => {
  it('lists exactly its channels', () => {
    expect([...FIPD_CHANNELS].sort()).toEqual(Object.keys(fipdContract).sort());
  });

  it('refuses bad cells with French messages and the cell path', () => {
    const result = fipdContract.saveSubsidies.request.safeParse({
      lines: [
        { budgetYear: 2026, qrrId: 1, source: 'fipd', beneficiaryName: 'A', title: 'T' },
        { budgetYear: 2026, qrrId: 1, source: 'fipd', beneficiaryName: 'B', title: 'T', siret: '73282932000075', grantedCents: -5 },
      ],
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual([
      ['lines.1.siret', 'Le SIRET 732 829 320 00075 est invalide : sa clé de contrôle ne correspond pas (vérifiez une faute de frappe).'],
      ['lines.1.grantedCents', 'Le montant attribué ne peut pas être négatif.'],
    ]);
  });

  it('requires the identifying fields on creation only', () => {
    const created = SubsidyLine.safeParse({ beneficiaryName: 'A' });
    expect(created.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['budgetYear', 'qrrId', 'source', 'title']);
    expect(SaveSubsidyRequest.safeParse({ id: 3, grantedCents: 100, via: 'collage' }).success).toBe(true);
    expect(SaveSubsidyRequest.safeParse({ id: 3, grantedCents: 1.5 }).error?.issues[0]?.message).toBe('Le montant attribué doit être un nombre entier de centimes.');
    expect(SaveSubsidyRequest.safeParse({ id: 3, overEnvelopeReason: 'court' }).error?.issues[0]?.message).toBe(
      'Le motif du dépassement doit compter au moins 10 caractères.',
    );
    expect(SaveSubsidyRequest.safeParse({ id: 3, surprise: 1 }).success).toBe(false);
  });

  it('checks payments and envelopes', () => {
    expect(fipdContract.addPayment.request.safeParse({ subsidyId: 1, paidOn: '2026-02-30', amountCents: 100, kind: 'avance' }).error?.issues[0]?.message).toBe(
      "La date du versement « 2026-02-30 » n'existe pas dans le calendrier.",
    );
    expect(fipdContract.addPayment.request.safeParse({ subsidyId: 1, paidOn: '2026-02-03', amountCents: 0, kind: 'avance' }).error?.issues[0]?.message).toBe(
      'Le montant du versement doit être supérieur à 0.',
    );
    expect(fipdContract.setEnvelope.request.parse({ qrrId: 1, budgetYear: 2026, amountCents: 5_000_000 })).toMatchObject({ source: 'fipd' });
    expect(fipdContract.setEnvelope.request.safeParse({ qrrId: 1, budgetYear: 2017, amountCents: 1 }).error?.issues[0]?.message).toBe(
      "L'année budgétaire ne peut pas précéder 2018 (création des QRR).",
    );
  });
});
