/**
 * National consolidation (shared/exchange/consolidate.ts) on small hand-built
 * documents whose figures are computed by hand in the comments; then
 * properties over random documents: national figures are the sums of the
 * départements', the order of the files does not matter, and a département's
 * figures are exactly its own dashboard's (buildReportModel).
 */
import fc from 'fast-check';
import { runs } from '../support/property';
import { describe, expect, it } from 'vitest';
import { consolidateExchanges, type ConsolidationFile, type NationalModel } from '../../shared/exchange/consolidate';
import { EXCHANGE_FORMAT, EXCHANGE_VERSION, sealExchangeDocument, type ExchangeDocument, type UnsignedExchangeDocument } from '../../shared/exchange/format';
import { ACTION_STATUSES, METEOS, type ActionStatus, type Meteo } from '../../shared/domain/types';
import type { PeriodState } from '../../shared/domain/period';
import { DomainError } from '../../shared/ipc/result';
import type { Engagement } from '../../shared/referential/types';
import { buildReportModel } from '../../shared/report/report-model';

// A référentiel of two engagements: 01 has two indicators and three actions, 02 one indicator and one action.
const ENGAGEMENTS: Engagement[] = [
  {
    code: '01',
    title: 'Premier engagement',
    objectives: [],
    levers: [],
    actions: [
      { code: '01-01', label: 'Action un' },
      { code: '01-02', label: 'Action deux' },
      { code: '01-03', label: 'Action trois' },
    ],
    indicators: [
      { code: '01-01', label: 'Nombre de choses', kind: 'count', parts: [{ key: 'count', label: 'Nombre', type: 'integer' }] },
      {
        code: '01-02',
        label: 'Nombre et taux de réussites',
        kind: 'count_rate',
        unit: '%',
        parts: [
          { key: 'numerator', label: 'Réussites', type: 'integer' },
          { key: 'denominator', label: 'Total', type: 'integer' },
        ],
      },
    ],
  },
  {
    code: '02',
    title: 'Second engagement',
    objectives: [],
    levers: [],
    actions: [{ code: '02-01', label: 'Action quatre' }],
    indicators: [{ code: '02-01', label: 'Présence le soir', kind: 'presence', parts: [{ key: 'present', label: 'Présence', type: 'boolean' }] }],
  },
];
const REFERENTIAL = { version: 1, engagements: ENGAGEMENTS };
const AT = '2026-11-20T10:00:00.000Z';

interface DocSpec {
  code: string;
  nom: string;
  exportedAt?: string;
  periods: [string, PeriodState][];
  qrrs: string[];
  values?: [qrr: string, indicator: string, period: string, value: Record<string, number | boolean | null> | null][];
  statuses?: [qrr: string, action: string, period: string, status: ActionStatus | null][];
  assessments?: [qrr: string, engagement: string, period: string, meteo: Meteo][];
  fipd?: Pick<ExchangeDocument, 'fipdEnvelopes' | 'subsidies'>;
  referentialVersion?: number;
}

function makeDoc(spec: DocSpec): ExchangeDocument {
  const unsigned: UnsignedExchangeDocument = {
    format: EXCHANGE_FORMAT,
    version: EXCHANGE_VERSION,
    referentialVersion: spec.referentialVersion ?? 1,
    departement: { code: spec.code, nom: spec.nom },
    sender: { name: `Coordination ${spec.nom}`, osUser: 'coord' },
    exportedAt: spec.exportedAt ?? AT,
    scope: { periods: spec.periods.map(([c]) => c) },
    qrrs: spec.qrrs.map((key) => ({ key, name: `QRR ${key}`, communes: [], qpvCodes: [], securityZone: null, wave: null, population: null })),
    periods: spec.periods.map(([code, state]) => ({ code, state })),
    indicatorValues: (spec.values ?? []).map(([qrrKey, indicatorCode, periodCode, value]) => ({
      qrrKey,
      indicatorCode,
      periodCode,
      value,
      target: null,
      comment: '',
      source: '',
      updatedAt: AT,
      updatedBy: 'coord',
    })),
    actionStatuses: (spec.statuses ?? []).map(([qrrKey, actionCode, periodCode, status]) => ({
      qrrKey,
      actionCode,
      periodCode,
      status,
      comment: '',
      referent: '',
      updatedAt: AT,
      updatedBy: 'coord',
    })),
    assessments: (spec.assessments ?? []).map(([qrrKey, engagementCode, periodCode, meteo]) => ({
      qrrKey,
      engagementCode,
      periodCode,
      meteo,
      trend: null,
      comment: '',
      commentAuthor: '',
      commentDate: null,
      updatedAt: AT,
      updatedBy: 'coord',
    })),
    fipdEnvelopes: spec.fipd?.fipdEnvelopes ?? [],
    subsidies: spec.fipd?.subsidies ?? [],
  };
  return sealExchangeDocument(unsigned);
}

const subsidy = (uid: string, budgetYear: number, status: ExchangeDocument['subsidies'][number]['status'], grantedCents: number, payments: number[]) => ({
  uid: uid.padEnd(32, '0'),
  qrrKey: 'centre',
  budgetYear,
  source: 'fipd' as const,
  actionCodes: [],
  beneficiaryName: 'Association',
  siret: null,
  rna: null,
  title: 'Action',
  requestedCents: grantedCents,
  grantedCents,
  cofinancingCents: 0,
  decisionKind: null,
  decisionNumber: '',
  decisionDate: null,
  chorusEj: '',
  reportDueDate: null,
  reportReceivedDate: null,
  documents: [],
  status,
  overEnvelopeReason: null,
  comment: '',
  createdAt: AT,
  updatedAt: AT,
  updatedBy: 'coord',
  payments: payments.map((amountCents, i) => ({ uid: `${uid}${i}`.padEnd(32, 'f'), paidOn: '2026-06-01', amountCents, kind: 'avance' as const, comment: '', createdAt: AT })),
});

// Seine-Saint-Denis: two QRRs, T3 transmitted and T4 open; read from a version 1 file (no FIPD data).
const A = makeDoc({
  code: '93',
  nom: 'Seine-Saint-Denis',
  periods: [
    ['2026-T3', 'transmitted'],
    ['2026-T4', 'open'],
  ],
  qrrs: ['nord', 'sud'],
  values: [
    ['nord', '01-01', '2026-T4', { count: 3 }], // complete
    ['nord', '01-02', '2026-T4', { numerator: 2, denominator: null }], // partial: not complete
    ['nord', '02-01', '2026-T4', { present: true }], // complete
    ['sud', '01-01', '2026-T4', { count: 0 }], // zero is a value: complete
    ['sud', '01-02', '2026-T3', { numerator: 1, denominator: 2 }], // another quarter: ignored in T4
  ],
  statuses: [
    ['nord', '01-01', '2026-T4', 'realisee'],
    ['nord', '01-02', '2026-T4', 'sans_objet'],
    ['nord', '01-03', '2026-T4', 'en_cours'],
    ['nord', '02-01', '2026-T4', 'realisee'],
    ['sud', '01-01', '2026-T4', 'sans_objet'],
    ['sud', '01-02', '2026-T4', 'sans_objet'],
    ['sud', '01-03', '2026-T4', 'sans_objet'], // every action of 01 « sans objet »: 01 does not concern sud
    ['sud', '02-01', '2026-T4', null],
  ],
  assessments: [
    ['nord', '01', '2026-T4', 'soleil'],
    ['nord', '02', '2026-T4', 'orage'],
    ['sud', '01', '2026-T4', 'nuage'],
  ],
});
// Bouches-du-Rhône: one QRR, everything entered, T4 transmitted; FIPD credits.
const B = makeDoc({
  code: '13',
  nom: 'Bouches-du-Rhône',
  periods: [['2026-T4', 'transmitted']],
  qrrs: ['centre'],
  values: [
    ['centre', '01-01', '2026-T4', { count: 5 }],
    ['centre', '01-02', '2026-T4', { numerator: 1, denominator: 4 }],
    ['centre', '02-01', '2026-T4', { present: false }], // « non » is a value
  ],
  statuses: [
    ['centre', '01-01', '2026-T4', 'realisee'],
    ['centre', '01-02', '2026-T4', 'realisee'],
    ['centre', '01-03', '2026-T4', 'realisee'],
    ['centre', '02-01', '2026-T4', 'realisee'],
  ],
  assessments: [
    ['centre', '01', '2026-T4', 'couvert'],
    ['centre', '02', '2026-T4', 'soleil'],
  ],
  fipd: {
    fipdEnvelopes: [
      { qrrKey: 'centre', budgetYear: 2026, source: 'fipd', amountCents: 1_000_000, decidedOn: null, comment: '', overEnvelopeReason: null, updatedAt: AT, updatedBy: 'coord' },
      { qrrKey: 'centre', budgetYear: 2026, source: 'bop147', amountCents: 500_000, decidedOn: null, comment: '', overEnvelopeReason: null, updatedAt: AT, updatedBy: 'coord' },
      { qrrKey: 'centre', budgetYear: 2025, source: 'fipd', amountCents: 9_999_900, decidedOn: null, comment: '', overEnvelopeReason: null, updatedAt: AT, updatedBy: 'coord' },
    ],
    subsidies: [
      subsidy('a1', 2026, 'versee', 300_000, [100_000, 50_000]), // committed 3 000 €, paid 1 500 €
      subsidy('a2', 2026, 'instruite', 200_000, []), // not committed
      subsidy('a3', 2025, 'soldee', 700_000, [700_000]), // another year
    ],
  },
});
// Val-d'Oise: only T3.
const C = makeDoc({ code: '95', nom: "Val-d'Oise", periods: [['2026-T3', 'transmitted']], qrrs: ['gare'], assessments: [['gare', '01', '2026-T3', 'soleil']] });

const files = (...docs: [string, ExchangeDocument, number?][]): ConsolidationFile[] =>
  docs.map(([fileName, document, migratedFrom]) => ({ fileName, document, ...(migratedFrom ? { migratedFrom } : {}) }));

describe('national consolidation: hand-computed figures', () => {
  const model = consolidateExchanges({ referential: REFERENTIAL, files: files(['c.qrr', C], ['a.qrr', A, 1], ['b.qrr', B]) });

  it('chooses the most recent quarter when none is in every file, and says so', () => {
    expect(model.period).toMatchObject({ code: '2026-T4', label: '4e trimestre 2026', choice: 'latest' });
    expect(model.period.explanation).toBe("Aucun trimestre n'est présent dans tous les fichiers : le plus récent, 4e trimestre 2026, est retenu.");
    expect(model.availablePeriods).toEqual([
      { code: '2026-T4', label: '4e trimestre 2026', departements: 2 },
      { code: '2026-T3', label: '3e trimestre 2026', departements: 2 },
    ]);
  });

  it('lists the départements in the usual order, the one without the quarter not counted', () => {
    expect(model.departements.map((d) => [d.code, d.fileName, d.qrrCount, d.periodState, d.periodStateLabel, d.counted])).toEqual([
      ['13', 'b.qrr', 1, 'transmitted', 'transmis', true],
      ['93', 'a.qrr', 2, 'open', 'ouvert', true],
      ['95', 'c.qrr', 1, null, 'absent du fichier', false],
    ]);
    const a = model.departements[1]!;
    expect(a.sender).toEqual({ name: 'Coordination Seine-Saint-Denis', osUser: 'coord' });
    // 93: nord 2/3 + sud 1/3 indicators; actions nord 2/3 (01: 1 of 2 applicable, 02: 1 of 1) + sud 0/1 (01: none applicable, 02: 0 of 1).
    expect(a.completeness).toEqual({ count: 3, total: 6, percent: 50 });
    expect(a.implementation).toMatchObject({ count: 2, total: 4, percent: 50 });
    expect(a.implementation.byStatus).toEqual({ non_engagee: 0, en_cours: 1, realisee: 2, sans_objet: 4, non_renseigne: 1 });
    expect(a.meteoCounts).toEqual({ soleil: 1, couvert: 0, nuage: 1, orage: 1, non_renseignee: 1 });
  });

  it('per QRR: completeness, implementation and météo per engagement', () => {
    expect(model.qrrs.map((q) => `${q.departementCode}/${q.key}`)).toEqual(['13/centre', '93/nord', '93/sud']);
    const [centre, nord, sud] = model.qrrs;
    expect(nord!.engagements.map((e) => [e.code, e.completeness.count, e.completeness.total, e.implementation.count, e.implementation.total, e.meteo, e.concerned])).toEqual([
      ['01', 1, 2, 1, 2, 'soleil', true],
      ['02', 1, 1, 1, 1, 'orage', true],
    ]);
    expect(sud!.engagements.map((e) => [e.code, e.completeness.count, e.completeness.total, e.implementation.count, e.implementation.total, e.implementation.percent, e.meteo, e.concerned])).toEqual([
      ['01', 1, 2, 0, 0, null, 'nuage', false],
      ['02', 0, 1, 0, 1, 0, 'non_renseignee', true],
    ]);
    expect(centre!.completeness).toEqual({ count: 3, total: 3, percent: 100 });
    expect(centre!.implementation).toMatchObject({ count: 4, total: 4, percent: 100 });
    expect(centre!.meteoCounts).toEqual({ soleil: 1, couvert: 1, nuage: 0, orage: 0, non_renseignee: 0 });
  });

  it('per engagement nationally, and per département', () => {
    const [e1, e2] = model.engagements;
    // 01: indicators nord 1/2 + sud 1/2 + centre 2/2 = 4/6; actions nord 1/2 + sud 0/0 + centre 3/3 = 4/5; sud not concerned.
    expect(e1).toMatchObject({ code: '01', actionCount: 3, indicatorCount: 2, qrrs: 3, concernedQrrs: 2 });
    expect(e1!.completeness).toEqual({ count: 4, total: 6, percent: (4 / 6) * 100 });
    expect(e1!.implementation).toMatchObject({ count: 4, total: 5, percent: 80 });
    expect(e1!.meteoCounts).toEqual({ soleil: 1, couvert: 1, nuage: 1, orage: 0, non_renseignee: 0 });
    // 02: indicators 1/1 + 0/1 + 1/1 = 2/3; actions 1/1 + 0/1 + 1/1 = 2/3.
    expect(e2).toMatchObject({ qrrs: 3, concernedQrrs: 3 });
    expect(e2!.completeness).toMatchObject({ count: 2, total: 3 });
    expect(e2!.implementation).toMatchObject({ count: 2, total: 3 });
    expect(e2!.meteoCounts).toEqual({ soleil: 1, couvert: 0, nuage: 0, orage: 1, non_renseignee: 1 });
    expect(e1!.byDepartement.map((d) => [d.departementCode, d.completeness.count, d.completeness.total, d.implementation.count, d.implementation.total, d.concernedQrrs])).toEqual([
      ['13', 2, 2, 3, 3, 1],
      ['93', 2, 4, 1, 2, 1],
    ]);
  });

  it('national totals over the counted départements', () => {
    expect(model.totals).toMatchObject({ departements: 3, departementsCounted: 2, qrrs: 3 });
    expect(model.totals.completeness).toEqual({ count: 6, total: 9, percent: (6 / 9) * 100 });
    expect(model.totals.implementation).toMatchObject({ count: 6, total: 8, percent: 75 });
    expect(model.totals.meteoCounts).toEqual({ soleil: 2, couvert: 1, nuage: 1, orage: 1, non_renseignee: 1 });
  });

  it('FIPD totals of the quarter’s year, FIPD source only, with the ledger’s rules', () => {
    // Delegated 10 000 € (the BOP 147 and 2025 envelopes are not FIPD 2026); committed: the « versée » 3 000 €
    // (the « instruite » is not committed); paid 1 500 €.
    const totals = { budgetYear: 2026, delegatedCents: 1_000_000, committedCents: 300_000, paidCents: 150_000, remainingCents: 700_000, toPayCents: 150_000, subsidies: 1 };
    expect(model.departements[0]!.fipd).toEqual(totals);
    expect(model.departements[1]!.fipd).toBeNull(); // version 1 file: unknown, not zero
    expect(model.fipd).toEqual({ budgetYear: 2026, departements: 1, totals });
  });

  it('warns in French: the missing quarter, the quarter not transmitted, the file without FIPD, the choice of quarter', () => {
    expect(model.warnings.map((w) => w.kind)).toEqual(['period_choice', 'missing_period', 'not_transmitted', 'fipd_missing']);
    expect(model.warnings.map((w) => w.message)).toEqual([
      "Aucun trimestre n'est présent dans tous les fichiers : le plus récent, 4e trimestre 2026, est retenu.",
      "« c.qrr » (Val-d'Oise (95)) ne contient pas le 4e trimestre 2026 : son quartier n'est pas compté.",
      "Le 4e trimestre 2026 n'est pas encore transmis dans 1 département : leurs chiffres peuvent encore changer. Ouvert : Seine-Saint-Denis (93).",
      'Les fichiers de Seine-Saint-Denis (93) ne contiennent pas les crédits FIPD (ancienne version du format) : les totaux FIPD ne les comptent pas.',
    ]);
  });
});

describe('national consolidation: choices and refusals', () => {
  it('takes the most recent quarter present in every file by default', () => {
    const model = consolidateExchanges({ referential: REFERENTIAL, files: files(['a.qrr', A], ['b.qrr', B]) });
    expect(model.period).toMatchObject({ code: '2026-T4', choice: 'common', explanation: '4e trimestre 2026 : le trimestre le plus récent présent dans tous les fichiers.' });
    expect(model.warnings.map((w) => w.kind)).toEqual(['not_transmitted']);
  });

  it('a requested quarter: the départements without it are listed, not counted', () => {
    const model = consolidateExchanges({ referential: REFERENTIAL, files: files(['a.qrr', A], ['b.qrr', B], ['c.qrr', C]), periodCode: '2026-T3' });
    expect(model.period).toMatchObject({ code: '2026-T3', choice: 'requested', explanation: 'Trimestre demandé : 3e trimestre 2026 (absent de 1 fichier).' });
    expect(model.departements.map((d) => [d.code, d.counted])).toEqual([
      ['13', false],
      ['93', true],
      ['95', true],
    ]);
    // 93 in T3: only sud's 01-02 is entered (complete); 95: nothing entered, one météo.
    expect(model.totals.completeness).toMatchObject({ count: 1, total: 9 });
    expect(model.totals.meteoCounts).toMatchObject({ soleil: 1, non_renseignee: 5 });
  });

  it('refuses a quarter no file has, and an empty list, in French', () => {
    const attempt = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return null;
    };
    const none = attempt(() => consolidateExchanges({ referential: REFERENTIAL, files: files(['a.qrr', A]), periodCode: '2025-T1' }));
    expect(none).toBeInstanceOf(DomainError);
    expect((none as DomainError).message).toBe('Aucun des fichiers ne contient le 1er trimestre 2025 (trimestres présents : 3e trimestre 2026, 4e trimestre 2026).');
    const empty = attempt(() => consolidateExchanges({ referential: REFERENTIAL, files: [] }));
    expect((empty as DomainError).message).toBe("Aucun fichier d'échange à consolider : choisissez au moins un fichier.");
  });

  it('two files of the same département: the most recent export is kept, the other is a warning', () => {
    const older = makeDoc({ code: '13', nom: 'Bouches-du-Rhône', exportedAt: '2026-10-01T08:00:00.000Z', periods: [['2026-T4', 'open']], qrrs: ['centre'] });
    const model = consolidateExchanges({ referential: REFERENTIAL, files: files(['b.qrr', B], ['b-ancien.qrr', older], ['b-copie.qrr', B]) });
    expect(model.departements.map((d) => [d.code, d.fileName])).toEqual([['13', 'b.qrr']]);
    expect(model.totals.completeness).toMatchObject({ count: 3, total: 3 });
    expect(model.warnings.filter((w) => w.kind === 'duplicate').map((w) => w.message)).toEqual([
      '« b-copie.qrr » est le même export que « b.qrr » (Bouches-du-Rhône (13)) : il n\'est compté qu\'une fois.',
      '« b-ancien.qrr » (export du 01/10/2026 10:00) et « b.qrr » (export du 20/11/2026 11:00) concernent tous deux Bouches-du-Rhône (13) : seul l\'export le plus récent, « b.qrr », est retenu.',
    ]);
    // Same date, different content: the first given is kept, the warning says to check.
    const twin = makeDoc({ code: '13', nom: 'Bouches-du-Rhône', periods: [['2026-T4', 'open']], qrrs: ['autre'] });
    const tie = consolidateExchanges({ referential: REFERENTIAL, files: files(['premier.qrr', twin], ['second.qrr', B]) });
    expect(tie.departements[0]!.fileName).toBe('premier.qrr');
    expect(tie.warnings[0]!.message).toMatch(/même date d'export .* contenus différents : seul « premier\.qrr » est retenu/);
  });

  it('ignores data on unknown QRRs or codes, and says how much', () => {
    const odd = makeDoc({
      code: '69',
      nom: 'Rhône',
      referentialVersion: 2,
      periods: [['2026-T4', 'transmitted']],
      qrrs: ['est'],
      values: [
        ['est', '99-01', '2026-T4', { count: 1 }],
        ['ailleurs', '01-01', '2026-T4', { count: 1 }],
      ],
      statuses: [['est', '01-01', '2026-T4', 'realisee']],
    });
    const model = consolidateExchanges({ referential: REFERENTIAL, files: files(['rhone.qrr', odd]) });
    expect(model.totals.completeness).toMatchObject({ count: 0, total: 3 });
    expect(model.totals.implementation).toMatchObject({ count: 1, total: 4 });
    expect(model.warnings.map((w) => w.message)).toEqual([
      '« rhone.qrr » (Rhône (69)) a été produit avec le référentiel version 2, la synthèse utilise la version 1 : les codes inconnus de cette version sont ignorés.',
      '« rhone.qrr » (Rhône (69)) : 2 données du 4e trimestre 2026 portent sur un quartier ou un code inconnu et sont ignorées.',
    ]);
  });
});

// ---------------------------------------------------------------------------
// Properties

const QUARTERS = ['2026-T2', '2026-T3', '2026-T4'] as const;
const CODES = ['01', '13', '2A', '2B', '59', '93', '971'] as const;
const INDICATOR_VALUES: Record<string, fc.Arbitrary<Record<string, number | boolean | null> | null>> = {
  '01-01': fc.option(fc.record({ count: fc.option(fc.nat(50)) })),
  '01-02': fc.option(fc.record({ numerator: fc.option(fc.nat(10)), denominator: fc.option(fc.nat(10)) })),
  '02-01': fc.option(fc.record({ present: fc.option(fc.boolean()) })),
};

const docArbitrary = (code: string): fc.Arbitrary<ExchangeDocument> =>
  fc
    .record({
      qrrs: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 0, maxLength: 3 }),
      periods: fc.uniqueArray(fc.constantFrom(...QUARTERS), { minLength: 1, maxLength: 3 }),
      states: fc.array(fc.constantFrom<PeriodState>('open', 'transmitted', 'reopened'), { minLength: 3, maxLength: 3 }),
      exportedDay: fc.integer({ min: 10, max: 28 }),
    })
    .chain(({ qrrs, periods, states, exportedDay }) =>
      fc
        .record({
          values: fc.array(fc.tuple(fc.constantFrom(...qrrs, 'x'), fc.constantFrom('01-01', '01-02', '02-01'), fc.constantFrom(...periods)), { maxLength: 12 }).chain((keys) =>
            fc.tuple(...keys.map(([q, i, p]) => INDICATOR_VALUES[i]!.map((v) => [q, i, p, v] as [string, string, string, Record<string, number | boolean | null> | null]))),
          ),
          statuses: fc.array(fc.tuple(fc.constantFrom(...qrrs, 'x'), fc.constantFrom('01-01', '01-02', '01-03', '02-01'), fc.constantFrom(...periods), fc.option(fc.constantFrom(...ACTION_STATUSES))), {
            maxLength: 12,
          }),
          assessments: fc.array(fc.tuple(fc.constantFrom(...qrrs, 'x'), fc.constantFrom('01', '02'), fc.constantFrom(...periods), fc.constantFrom(...METEOS)), { maxLength: 6 }),
        })
        .map(({ values, statuses, assessments }) => {
          // One record per key, as in a real file.
          const unique = <T extends unknown[]>(rows: T[]): T[] => [...new Map(rows.map((r) => [r.slice(0, 3).join('|'), r])).values()];
          return makeDoc({
            code,
            nom: `Département ${code}`,
            exportedAt: `2026-11-${String(exportedDay).padStart(2, '0')}T08:00:00.000Z`,
            periods: periods.map((p, i) => [p, states[i]!]),
            qrrs: qrrs,
            values: unique(values),
            statuses: unique(statuses),
            assessments: unique(assessments),
          });
        }),
    );

const filesArbitrary = fc
  .uniqueArray(fc.constantFrom(...CODES), { minLength: 1, maxLength: 5 })
  .chain((codes) => fc.tuple(...codes.map((c) => docArbitrary(c))))
  .map((docs) => docs.map((document, i) => ({ fileName: `f${i}.qrr`, document })));

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe('national consolidation: properties', () => {
  it('national figures are the sums of the counted départements’, and of the QRRs', () => {
    fc.assert(
      fc.property(filesArbitrary, fc.option(fc.constantFrom(...QUARTERS), { nil: undefined }), (input, periodCode) => {
        let model: NationalModel;
        try {
          model = consolidateExchanges({ referential: REFERENTIAL, files: input, ...(periodCode ? { periodCode } : {}) });
        } catch (error) {
          // Only refusal: a requested quarter no file has.
          expect(error).toBeInstanceOf(DomainError);
          expect(input.every((f) => !f.document.periods.some((p) => p.code === periodCode))).toBe(true);
          return;
        }
        const counted = model.departements.filter((d) => d.counted);
        expect(model.totals.qrrs).toBe(model.qrrs.length);
        expect(model.totals.qrrs).toBe(sum(counted.map((d) => d.qrrCount)));
        for (const key of ['count', 'total'] as const) {
          expect(model.totals.completeness[key]).toBe(sum(counted.map((d) => d.completeness[key])));
          expect(model.totals.completeness[key]).toBe(sum(model.engagements.map((e) => e.completeness[key])));
          expect(model.totals.implementation[key]).toBe(sum(model.qrrs.map((q) => q.implementation[key])));
          for (const e of model.engagements) {
            expect(e.completeness[key]).toBe(sum(e.byDepartement.map((d) => d.completeness[key])));
            expect(e.implementation[key]).toBe(sum(e.byDepartement.map((d) => d.implementation[key])));
          }
        }
        for (const m of METEOS) {
          expect(model.totals.meteoCounts[m]).toBe(sum(model.engagements.map((e) => e.meteoCounts[m])));
          expect(model.totals.meteoCounts[m]).toBe(sum(counted.map((d) => d.meteoCounts[m])));
        }
        // Every QRR has one météo per engagement; indicators total = QRRs × indicators of the référentiel.
        expect(sum(METEOS.map((m) => model.totals.meteoCounts[m]))).toBe(model.qrrs.length * ENGAGEMENTS.length);
        expect(model.totals.completeness.total).toBe(model.qrrs.length * 3);
        // One département per code.
        expect(new Set(model.departements.map((d) => d.code)).size).toBe(model.departements.length);
      }),
      { numRuns: runs(150) },
    );
  });

  it('indicator results: national totals are the sums of the départements’ files (sum and ratio of sums)', () => {
    fc.assert(
      fc.property(filesArbitrary, (input) => {
        const model = consolidateExchanges({ referential: REFERENTIAL, files: input });
        const { results, byDepartement } = model.results;
        expect(byDepartement.map((d) => d.departementCode)).toEqual(model.departements.filter((d) => d.counted).map((d) => d.code));
        // 01-01, a count: the national figure is the sum of the départements' figures.
        const national = results.find((r) => r.code === '01-01')!;
        const parts = byDepartement.map((d) => d.results.find((r) => r.code === '01-01')!);
        const known = parts.filter((p) => p.figure.headline !== null);
        expect(national.figure.headline).toBe(known.length === 0 ? null : sum(known.map((p) => p.figure.headline!)));
        expect(national.reporting).toBe(sum(parts.map((p) => p.reporting)));
        // 01-02, a rate: numerators and denominators are summed, never the rates averaged.
        const rate = results.find((r) => r.code === '01-02')!;
        expect(rate.rule).toBe('ratio_of_sums');
        const docs = input.filter((f) => byDepartement.some((d) => d.departementCode === f.document.departement.code)).map((f) => f.document);
        const complete = docs.flatMap((d) =>
          d.indicatorValues.filter(
            (v) => v.periodCode === model.period.code && v.indicatorCode === '01-02' && typeof v.value?.numerator === 'number' && typeof v.value?.denominator === 'number' && d.qrrs.some((q) => q.key === v.qrrKey),
          ),
        );
        const num = sum(complete.map((v) => v.value!.numerator as number));
        const den = sum(complete.map((v) => v.value!.denominator as number));
        expect(rate.figure.headline).toBe(complete.length === 0 || den === 0 ? null : (num / den) * 100);
      }),
      { numRuns: runs(100) },
    );
  });

  it('the order of the files does not change the model', () => {
    fc.assert(
      fc.property(filesArbitrary.chain((f) => fc.tuple(fc.constant(f), fc.shuffledSubarray(f, { minLength: f.length, maxLength: f.length }))), ([files, shuffled]) => {
        expect(consolidateExchanges({ referential: REFERENTIAL, files: shuffled })).toEqual(consolidateExchanges({ referential: REFERENTIAL, files }));
      }),
      { numRuns: runs(80) },
    );
  });

  it('a département’s figures equal its own dashboard’s (buildReportModel) for the same data', () => {
    fc.assert(
      fc.property(docArbitrary('93'), (document) => {
        const periodCode = document.periods.at(-1)!.code;
        const model = consolidateExchanges({ referential: REFERENTIAL, files: [{ fileName: 'f.qrr', document }], periodCode });
        const ids = new Map(document.qrrs.map((q, i) => [q.key, i + 1]));
        const known = <T extends { qrrKey: string; periodCode: string }>(rows: readonly T[]) => rows.filter((r) => ids.has(r.qrrKey) && r.periodCode === periodCode);
        const report = buildReportModel({
          departement: { code: '93', nom: 'Seine-Saint-Denis', typeLiaison: 3 },
          settings: { prefetName: '', coordinatorName: '' },
          referentialVersion: 1,
          engagements: ENGAGEMENTS,
          qrrs: document.qrrs.map((q) => ({ id: ids.get(q.key)!, name: q.name, communes: [], qpvCodes: [], population: null, archived: false })),
          period: { code: periodCode, state: 'open', transmittedAt: null },
          current: {
            values: known(document.indicatorValues).map((v) => ({ ...v, qrrId: ids.get(v.qrrKey)! })),
            statuses: known(document.actionStatuses).map((s) => ({ ...s, qrrId: ids.get(s.qrrKey)! })),
            assessments: known(document.assessments).map((a) => ({ ...a, qrrId: ids.get(a.qrrKey)! })),
          },
          previous: null,
        });
        expect(model.departements[0]!.completeness).toEqual(report.completeness);
        expect(model.departements[0]!.implementation).toEqual(report.implementation);
        expect(model.qrrs.map((q) => [q.completeness, q.implementation, q.meteoCounts])).toEqual(report.qrrs.map((q) => [q.completeness, q.implementation, q.meteoCounts]));
        expect(model.engagements.map((e) => [e.completeness, e.implementation])).toEqual(report.engagements.map((e) => [e.completeness, e.implementation]));
        expect(model.qrrs.flatMap((q) => q.engagements.map((e) => e.meteo))).toEqual(report.qrrs.flatMap((q) => q.engagements.map((e) => e.assessment.meteo)));
      }),
      { numRuns: runs(150) },
    );
  });
});
