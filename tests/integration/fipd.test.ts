import fc from 'fast-check';
import { runs, propertyTimeout } from '../support/property';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../electron/services/audit';
import type { ServiceContext } from '../../electron/services/context';
import { m004 } from '../../electron/services/db/migrations/004-fipd';
import { listEnvelopes, setEnvelope } from '../../electron/services/fipd/envelopes';
import { createFipdHandlers } from '../../electron/services/fipd/handlers';
import { fipdIndicator0502, getLedger } from '../../electron/services/fipd/ledger';
import { addPayment, deletePayment } from '../../electron/services/fipd/payments';
import { deleteSubsidy, listSubsidies, saveSubsidies, saveSubsidy } from '../../electron/services/fipd/subsidies';
import { PAID_STATUSES, isCommitted, type SubsidyLineInput, type SubsidyRecord } from '../../shared/domain/fipd';
import { fipdContract, type FipdChannelName } from '../../shared/ipc/contract-fipd';
import { DomainError, fail, ok, type Result } from '../../shared/ipc/result';
import { openCore, snapshot } from '../support/db';

type Core = Awaited<ReturnType<typeof openCore>>;

const NOW = new Date('2026-11-26T10:00:00Z');
const NNBSP = '\u202f';
const NBSP = '\u00a0';
const VALID_SIRET = '73282932000074';
const OTHER_SIRET = '44306184100047';
const ALL_APPLICATION_DOCUMENTS = ['cerfa_12156', 'budget_previsionnel', 'rib', 'statuts', 'attestation_honneur'] as const;

/** A database at the current schema with the FIPD tables (m004 applied here until the lead adds it to MIGRATIONS). */
async function openFipd(): Promise<{ core: Core; ctx: ServiceContext; qrr: { nord: number; centre: number; archived: number } }> {
  const core = await openCore(undefined, { now: () => NOW });
  const hasTables = core.db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'subsidy'`).get();
  if (!hasTables) core.db.transaction(() => m004.up(core.db))();
  await core.dispatch('saveSettings', { departementCode: '93', prefetName: 'Préfet', coordinatorName: 'Camille Martin' });
  const id = async (name: string) => ((await core.dispatch('createQrr', { name, communes: [] })) as { ok: true; value: { id: number } }).value.id;
  const qrr = { nord: await id('QRR Nord'), centre: await id('QRR Centre'), archived: await id('QRR Ancien') };
  await core.dispatch('archiveQrr', { id: qrr.archived });
  return { core, ctx: { db: core.db, now: () => NOW, osUser: 'test-user', origin: 'ui' }, qrr };
}

/** The IPC path for the FIPD channels, as dispatch.ts does it: schema first, then the handler, errors as data. */
async function fipdDispatch(ctx: ServiceContext, channel: FipdChannelName, payload: unknown): Promise<Result<unknown>> {
  const parsed = fipdContract[channel].request.safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    return fail('VALIDATION', issues.length === 1 ? issues[0]!.message : `Saisie refusée : ${issues.length} champs sont invalides.`, issues);
  }
  try {
    const handler = createFipdHandlers(ctx)[channel] as (r: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof DomainError) return fail(error.code, error.message, error.issues);
    throw error;
  }
}

/** Runs a write expected to be refused: returns the French refusal, and proves nothing was written. */
function refused(core: Core, write: () => unknown): DomainError {
  const before = snapshot(core.db);
  let error: unknown = null;
  try {
    write();
  } catch (e) {
    error = e;
  }
  expect(error, 'the write should have been refused').toBeInstanceOf(DomainError);
  expect(snapshot(core.db)).toEqual(before);
  return error as DomainError;
}

const line = (qrrId: number, over: Partial<SubsidyLineInput> = {}): SubsidyLineInput => ({
  budgetYear: 2026,
  qrrId,
  source: 'fipd',
  actionCodes: ['05-02'],
  beneficiaryName: 'Association Sport et Citoyenneté',
  siret: VALID_SIRET,
  rna: 'W931234567',
  title: 'Ateliers sportifs du mercredi',
  requestedCents: 3_000_000,
  ...over,
});

describe('FIPD credits', () => {
  let core: Core;
  let ctx: ServiceContext;
  let qrr: { nord: number; centre: number; archived: number };
  beforeEach(async () => {
    ({ core, ctx, qrr } = await openFipd());
  });
  afterEach(() => core.close());

  it('creates the tables as STRICT, with cents checked by the database too', () => {
    const tables = core.db
      .prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name IN ('fipd_envelope', 'subsidy', 'subsidy_payment')`)
      .all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name).sort()).toEqual(['fipd_envelope', 'subsidy', 'subsidy_payment']);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
    const insert = (amount: unknown) => () =>
      core.db
        .prepare(`INSERT INTO fipd_envelope (qrr_id, budget_year, source, amount_cents, updated_at, updated_by) VALUES (?, 2026, 'fipd', ?, 'x', 'x')`)
        .run(qrr.nord, amount);
    expect(insert(-1)).toThrow(/CHECK constraint failed/);
    expect(insert(1.5)).toThrow();
    expect(insert('1 000')).toThrow();
    const decided = (date: string) => () =>
      core.db
        .prepare(`INSERT INTO fipd_envelope (qrr_id, budget_year, source, amount_cents, decided_on, updated_at, updated_by) VALUES (?, 2026, 'fipd', 1, ?, 'x', 'x')`)
        .run(qrr.nord, date);
    expect(decided('2026-02-32')).toThrow(/CHECK constraint failed/);
    expect(decided('24/06/2026')).toThrow(/CHECK constraint failed/);
  });

  it('refuses every bad envelope in French, writing nothing', () => {
    const env = (over: object) => () =>
      setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 5_000_000, ...over } as never);
    expect(refused(core, env({ amountCents: -100 })).message).toBe("Le montant de l'enveloppe ne peut pas être négatif.");
    expect(refused(core, env({ amountCents: 100.5 })).message).toBe("Le montant de l'enveloppe doit être un nombre entier de centimes.");
    expect(refused(core, env({ amountCents: '50 000' })).message).toBe("Le montant de l'enveloppe doit être un nombre (en centimes).");
    expect(refused(core, env({ qrrId: 999 })).message).toBe("Le quartier n° 999 n'existe pas dans ce département.");
    expect(refused(core, env({ qrrId: qrr.archived })).message).toBe('Le quartier « QRR Ancien » est archivé : ses crédits ne peuvent plus être modifiés.');
    expect(refused(core, env({ budgetYear: 2017 })).message).toBe("L'année budgétaire ne peut pas précéder 2018 (création des QRR).");
    expect(refused(core, env({ budgetYear: 2029 })).message).toBe("L'année budgétaire 2029 est trop loin dans le futur (au plus 2027).");
    expect(refused(core, env({ source: 'loto' })).code).toBe('VALIDATION');
    expect(refused(core, env({ decidedOn: '2026-02-30' })).message).toBe("La date de délégation de l'enveloppe « 2026-02-30 » n'existe pas dans le calendrier.");
    expect(refused(core, env({ decidedOn: '2027-01-02' })).message).toMatch(/ne correspond pas à l'année budgétaire 2026/);
    expect(listEnvelopes(ctx)).toEqual([]);
  });

  it('keeps envelopes per QRR, year and source, with their history in the audit trail', () => {
    setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 5_000_000, decidedOn: '2026-02-01', comment: 'Délégation initiale' });
    setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 7_500_000 });
    setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'bop147', amountCents: 1_000_000 });
    expect(listEnvelopes(ctx, { budgetYear: 2026 }).map((e) => [e.source, e.amountCents, e.decidedOn, e.comment])).toEqual([
      ['fipd', 7_500_000, '2026-02-01', 'Délégation initiale'],
      ['bop147', 1_000_000, null, ''],
    ]);
    const history = listAudit(core.db, { entity: 'fipd_envelope' }).filter((e) => e.entityId === `${qrr.nord}|2026|fipd` && e.field === 'amountCents');
    expect(history.map((e) => [e.oldValue, e.newValue, e.osUser])).toEqual([
      [5_000_000, 7_500_000, 'test-user'],
      [0, 5_000_000, 'test-user'],
    ]);
  });

  it('refuses every bad subsidy line in French, writing nothing', () => {
    const bad = (over: Record<string, unknown>) => refused(core, () => saveSubsidy(ctx, line(qrr.nord, over as Partial<SubsidyLineInput>)));
    expect(bad({ siret: '73282932000075' }).message).toBe(
      'Le SIRET 732 829 320 00075 est invalide : sa clé de contrôle ne correspond pas (vérifiez une faute de frappe).',
    );
    expect(bad({ siret: '732829320' }).issues).toEqual([{ path: 'siret', message: 'Le SIRET compte 14 chiffres ; « 732829320 » en compte 9.' }]);
    expect(bad({ rna: 'W12345' }).message).toBe("« W12345 » n'est pas un numéro RNA : attendu W suivi de 9 chiffres (par exemple W931234567).");
    expect(bad({ requestedCents: -1 }).message).toBe('Le montant demandé ne peut pas être négatif.');
    expect(bad({ grantedCents: 1234.5 }).message).toBe('Le montant attribué doit être un nombre entier de centimes.');
    expect(bad({ grantedCents: 'mille' }).message).toBe('Le montant attribué doit être un nombre (en centimes).');
    expect(bad({ cofinancingCents: Number.NaN }).message).toBe('Le cofinancement doit être un nombre (en centimes).');
    expect(bad({ beneficiaryName: '  ' }).message).toBe("Le nom de l'association est obligatoire.");
    expect(bad({ title: undefined }).message).toBe("L'intitulé de l'action est obligatoire.");
    expect(bad({ actionCodes: ['05-02', '11-01'] }).issues).toEqual([{ path: 'actionCodes.1', message: "L'action « 11-01 » n'existe pas dans le référentiel." }]);
    expect(bad({ qrrId: 999 }).message).toBe("Le quartier n° 999 n'existe pas dans ce département.");
    expect(bad({ qrrId: qrr.archived }).code).toBe('CONFLICT');
    expect(bad({ budgetYear: 2017 }).code).toBe('VALIDATION');
    expect(bad({ status: 'attribuee', grantedCents: 0 }).message).toBe('Une subvention « attribuée » doit avoir un montant attribué supérieur à 0.');
    expect(bad({ status: 'versee', grantedCents: 100 }).message).toBe(
      'Le statut « Versée » suppose au moins un versement : enregistrez le versement, le statut suivra.',
    );
    expect(bad({ decisionDate: '2025-12-31' }).message).toBe(
      "La date de la décision (31/12/2025) doit être dans l'année budgétaire 2026 : les crédits d'une année s'engagent dans l'année.",
    );
    expect(bad({ decisionDate: '2026-02-30' }).message).toBe("La date de la décision « 2026-02-30 » n'existe pas dans le calendrier.");
    expect(bad({ reportReceivedDate: '2026-12-01' }).message).toBe('La date de réception du compte-rendu financier (01/12/2026) est dans le futur.');
    expect(bad({ documents: ['rib', 'photo'] }).issues).toEqual([{ path: 'documents.1', message: 'Pièce justificative inconnue.' }]);
    expect(bad({ status: 'terminee' }).code).toBe('VALIDATION');
    expect(refused(core, () => saveSubsidy(ctx, { id: 4242, grantedCents: 1 })).code).toBe('NOT_FOUND');
    expect(listSubsidies(ctx)).toEqual([]);
  });

  it('refuses a pasted batch with one bad line, naming the line, writing none', () => {
    const e = refused(core, () =>
      saveSubsidies(ctx, [
        line(qrr.nord),
        line(qrr.nord, { beneficiaryName: 'Maison des jeunes', siret: OTHER_SIRET }),
        line(qrr.centre, { beneficiaryName: 'Boxe éducative', siret: '12345678901234' }),
      ]),
    );
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(/^Ligne 3 : le SIRET 123 456 789 01234 est invalide/);
    expect(e.issues).toEqual([{ path: 'lines.2.siret', message: expect.stringMatching(/^Le SIRET 123 456 789 01234 est invalide/) }]);
    const saved = saveSubsidies(ctx, [line(qrr.nord), line(qrr.nord, { beneficiaryName: 'Maison des jeunes', siret: OTHER_SIRET, rna: null })]);
    expect(saved.map((s) => [s.beneficiaryName, s.status, s.reportDueDate])).toEqual([
      ['Association Sport et Citoyenneté', 'demandee', '2027-06-30'],
      ['Maison des jeunes', 'demandee', '2027-06-30'],
    ]);
  });

  it('refuses through the IPC schema too, with the cell path', async () => {
    const result = await fipdDispatch(ctx, 'saveSubsidies', {
      via: 'collage',
      lines: [line(qrr.nord), line(qrr.nord, { siret: '7328 2932 0000 75', grantedCents: -3 })],
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        issues: [
          { path: 'lines.1.siret', message: expect.stringMatching(/clé de contrôle/) },
          { path: 'lines.1.grantedCents', message: 'Le montant attribué ne peut pas être négatif.' },
        ],
      },
    });
    const okResult = await fipdDispatch(ctx, 'saveSubsidies', { via: 'collage', lines: [line(qrr.nord, { siret: '732 829 320 00074' })] });
    expect(okResult).toMatchObject({ ok: true, value: [{ siret: VALID_SIRET }] });
    // The way the lines came is in the audit trail.
    expect(listAudit(core.db, { entity: 'subsidy' })[0]?.origin).toBe('ui:collage');
  });

  it('refuses to commit FIPD credits beyond the envelope unless a reason is given, then logs it', () => {
    setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 5_000_000 });
    const first = saveSubsidy(ctx, line(qrr.nord, { status: 'attribuee', grantedCents: 3_000_000 }));
    const maison = { beneficiaryName: 'Maison des jeunes', siret: OTHER_SIRET, status: 'attribuee', grantedCents: 2_500_000 } as const;
    const over = refused(core, () => saveSubsidy(ctx, line(qrr.nord, maison)));
    expect(over.code).toBe('CONFLICT');
    expect(over.message).toBe(
      `Engagement au-delà de l'enveloppe FIPD (programme 216) 2026 du quartier « QRR Nord » : enveloppe 50${NNBSP}000,00${NBSP}€, ` +
        `déjà engagé 30${NNBSP}000,00${NBSP}€, avec cette subvention 55${NNBSP}000,00${NBSP}€ (dépassement de 5${NNBSP}000,00${NBSP}€). ` +
        `Pour l'engager quand même, indiquez le motif du dépassement (au moins 10 caractères).`,
    );
    expect(over.issues?.[0]?.path).toBe('overEnvelopeReason');
    expect(refused(core, () => saveSubsidy(ctx, line(qrr.nord, { ...maison, overEnvelopeReason: 'oui' }))).code).toBe('CONFLICT');

    const motive = 'Arbitrage du préfet : priorité aux rixes de l’été';
    const second = saveSubsidy(ctx, line(qrr.nord, { ...maison, overEnvelopeReason: motive }));
    expect(second.overEnvelopeReason).toBe(motive);
    const created = listAudit(core.db, { entity: 'subsidy' }).find((e) => e.entityId === String(second.id) && e.action === 'create');
    expect(created?.newValue).toMatchObject({ grantedCents: 2_500_000, overEnvelopeReason: motive });

    // Raising an amount further while over the envelope needs a new confirmation; lowering one does not.
    expect(refused(core, () => saveSubsidy(ctx, { id: first.id, grantedCents: 3_100_000 })).code).toBe('CONFLICT');
    const raised = saveSubsidy(ctx, { id: first.id, grantedCents: 3_100_000, overEnvelopeReason: 'Complément voté en comité' });
    expect(raised.overEnvelopeReason).toBe('Complément voté en comité');
    expect(
      listAudit(core.db, { entity: 'subsidy' })
        .filter((e) => e.entityId === String(first.id) && e.action === 'update')
        .map((e) => [e.field, e.newValue]),
    ).toEqual([
      ['overEnvelopeReason', 'Complément voté en comité'],
      ['grantedCents', 3_100_000],
    ]);
    expect(saveSubsidy(ctx, { id: first.id, grantedCents: 2_900_000 }).grantedCents).toBe(2_900_000);
    // Editing anything else on an over-envelope line needs no reason.
    expect(saveSubsidy(ctx, { id: second.id, comment: 'Convention en signature' }).comment).toBe('Convention en signature');
    // A demand (not committed) is never capped; nor are other sources.
    expect(saveSubsidy(ctx, line(qrr.nord, { title: 'Autre action', grantedCents: 9_000_000 })).status).toBe('demandee');
    expect(saveSubsidy(ctx, line(qrr.nord, { title: 'BOP 147', source: 'bop147', status: 'attribuee', grantedCents: 9_000_000 })).status).toBe('attribuee');
    // Moving an attributed line into a QRR without envelope is committing there.
    expect(refused(core, () => saveSubsidy(ctx, { id: second.id, qrrId: qrr.centre })).code).toBe('CONFLICT');

    // Lowering the envelope under what is committed needs its own reason.
    const lowered = refused(core, () => setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 4_000_000 }));
    expect(lowered.code).toBe('CONFLICT');
    expect(lowered.message).toMatch(/ramenée à 40\u202f000,00\u00a0€ serait inférieure aux 54\u202f000,00\u00a0€ déjà engagés/);
    const env = setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 4_000_000, overEnvelopeReason: 'Reprise de crédits par la région' });
    expect(env).toMatchObject({ amountCents: 4_000_000, overEnvelopeReason: 'Reprise de crédits par la région' });

    const ledger = getLedger(ctx, { budgetYear: 2026 });
    const fipd = ledger.totals.byQrr.find((q) => q.qrrId === qrr.nord)!.bySource.find((s) => s.source === 'fipd')!;
    expect(fipd).toMatchObject({ delegatedCents: 4_000_000, committedCents: 5_400_000, remainingCents: -1_400_000, paidCents: 0, consumptionRate: 1.35 });
  });

  it('records payments within the grant, moves the status, and flags a balance without the report', () => {
    setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 10_000_000 });
    const s = saveSubsidy(
      ctx,
      line(qrr.nord, {
        status: 'attribuee',
        grantedCents: 2_000_000,
        decisionKind: 'arrete',
        decisionNumber: 'A-12',
        decisionDate: '2026-03-10',
        chorusEj: '2103456789',
        documents: [...ALL_APPLICATION_DOCUMENTS],
      }),
    );
    const pay = (over: object) => () => addPayment(ctx, { subsidyId: s.id, paidOn: '2026-04-01', amountCents: 100, kind: 'avance', ...over } as never);
    expect(refused(core, pay({ amountCents: 2_000_001 })).message).toBe(
      `Ce versement de 20${NNBSP}000,01${NBSP}€ porterait le total versé à 20${NNBSP}000,01${NBSP}€, au-delà du montant attribué (20${NNBSP}000,00${NBSP}€) : il reste 20${NNBSP}000,00${NBSP}€ à verser.`,
    );
    expect(refused(core, pay({ amountCents: 0 })).message).toBe('Le montant du versement doit être supérieur à 0.');
    expect(refused(core, pay({ amountCents: -5 })).message).toBe('Le montant du versement ne peut pas être négatif.');
    expect(refused(core, pay({ amountCents: 99.5 })).message).toBe('Le montant du versement doit être un nombre entier de centimes.');
    expect(refused(core, pay({ paidOn: '2025-12-31' })).message).toBe("La date du versement (31/12/2025) précède l'année budgétaire 2026 de la subvention.");
    expect(refused(core, pay({ paidOn: '2026-12-01' })).message).toMatch(/est dans le futur/);
    expect(refused(core, pay({ paidOn: '2026-4-1' })).message).toMatch(/format attendu : AAAA-MM-JJ/);
    expect(refused(core, pay({ kind: 'acompte' })).message).toBe('Type de versement inconnu (avance, solde ou autre).');
    expect(refused(core, pay({ subsidyId: 999 })).code).toBe('NOT_FOUND');

    const advance = addPayment(ctx, { subsidyId: s.id, paidOn: '2026-04-01', amountCents: 1_200_000, kind: 'avance' });
    expect(advance).toMatchObject({ status: 'versee', paidCents: 1_200_000 });
    expect(refused(core, () => saveSubsidy(ctx, { id: s.id, grantedCents: 1_000_000 })).message).toBe(
      `Le montant attribué (10${NNBSP}000,00${NBSP}€) ne peut pas être inférieur au total déjà versé (12${NNBSP}000,00${NBSP}€).`,
    );
    expect(refused(core, () => saveSubsidy(ctx, { id: s.id, status: 'annulee' })).message).toMatch(/Supprimez d'abord ses versements/);
    expect(refused(core, pay({ paidOn: '2026-10-01', amountCents: 800_001, kind: 'solde' })).code).toBe('CONFLICT');

    const balance = addPayment(ctx, { subsidyId: s.id, paidOn: '2026-10-01', amountCents: 800_000, kind: 'solde' });
    expect(balance).toMatchObject({ status: 'soldee', paidCents: 2_000_000 });
    expect(balance.flags).toEqual([{ code: 'balance_without_report', message: 'Solde versé le 01/10/2026 sans le compte-rendu financier (CERFA 15059).' }]);
    expect(refused(core, pay({ paidOn: '2026-10-02', amountCents: 1, kind: 'autre' })).message).toMatch(/est soldée/);
    expect(getLedger(ctx, { budgetYear: 2026 }).flags).toEqual([{ subsidyId: s.id, flags: balance.flags }]);

    // Deleting the balance moves the subsidy back to « versée », then « attribuée ».
    expect(deletePayment(ctx, balance.payments[1]!.id).status).toBe('versee');
    expect(deletePayment(ctx, balance.payments[0]!.id)).toMatchObject({ status: 'attribuee', paidCents: 0, payments: [] });
    expect(refused(core, () => deletePayment(ctx, balance.payments[0]!.id)).code).toBe('NOT_FOUND');
    expect(
      listAudit(core.db, { entity: 'subsidy' })
        .filter((e) => e.field === 'status')
        .map((e) => e.newValue)
        .reverse(),
    ).toEqual(['versee', 'soldee', 'versee', 'attribuee']);
    expect(listAudit(core.db, { entity: 'subsidy_payment' }).map((e) => e.action)).toEqual(['delete', 'delete', 'create', 'create']);
  });

  it('refuses to delete a subsidy with payments, deletes it once they are gone', () => {
    setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 10_000_000 });
    const s = saveSubsidy(ctx, line(qrr.nord, { status: 'attribuee', grantedCents: 1_000_000 }));
    const p = addPayment(ctx, { subsidyId: s.id, paidOn: '2026-05-02', amountCents: 500_000, kind: 'avance' });
    const e = refused(core, () => deleteSubsidy(ctx, s.id));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe(
      `La subvention à « Association Sport et Citoyenneté » a un versement enregistré (5${NNBSP}000,00${NBSP}€) : elle ne peut pas être supprimée. Supprimez d'abord ses versements s'ils sont erronés.`,
    );
    deletePayment(ctx, p.payments[0]!.id);
    expect(deleteSubsidy(ctx, s.id)).toEqual({ deleted: s.id });
    expect(listSubsidies(ctx)).toEqual([]);
    expect(listAudit(core.db, { entity: 'subsidy' })[0]).toMatchObject({
      action: 'delete',
      oldValue: { grantedCents: 1_000_000, beneficiaryName: 'Association Sport et Citoyenneté' },
    });
    expect(refused(core, () => deleteSubsidy(ctx, s.id)).code).toBe('NOT_FOUND');
  });

  it('patches only the fields sent, audits each, and flags possible duplicates', () => {
    const s = saveSubsidy(ctx, line(qrr.nord, { comment: 'Premier dossier' }));
    const patched = saveSubsidy(ctx, { id: s.id, title: 'Ateliers sportifs du mercredi et du samedi', documents: ['rib', 'cerfa_12156', 'rib'] });
    expect(patched).toMatchObject({ comment: 'Premier dossier', siret: VALID_SIRET, documents: ['cerfa_12156', 'rib'] });
    expect(
      listAudit(core.db, { entity: 'subsidy' })
        .filter((e) => e.action === 'update')
        .map((e) => e.field)
        .sort(),
    ).toEqual(['documents', 'title']);
    // Saving the same values again changes nothing and logs nothing.
    const before = snapshot(core.db);
    saveSubsidy(ctx, { id: s.id, title: 'Ateliers sportifs du mercredi et du samedi', comment: ' Premier dossier ' });
    expect(snapshot(core.db)).toEqual(before);
    // The default due date follows the budget year.
    expect(saveSubsidy(ctx, { id: s.id, budgetYear: 2025 }).reportDueDate).toBe('2026-06-30');
    const twin = saveSubsidy(ctx, line(qrr.nord, { budgetYear: 2025, title: ' ateliers  sportifs du mercredi et du samedi', siret: '73282932000082' }));
    expect(twin.flags).toEqual([
      { code: 'possible_duplicate', message: `Doublon possible : même association, même action, même quartier et même année que la ligne n° ${s.id}.` },
    ]);
  });

  it('computes indicator 05-02 from the lines of the quarter', () => {
    setEnvelope(ctx, { qrrId: qrr.nord, budgetYear: 2026, source: 'fipd', amountCents: 10_000_000 });
    saveSubsidies(ctx, [
      line(qrr.nord, { status: 'attribuee', grantedCents: 1_000_000, decisionKind: 'arrete', decisionDate: '2026-07-15' }),
      line(qrr.nord, { title: 'Soutien scolaire', status: 'attribuee', grantedCents: 500_000, decisionDate: '2026-08-15' }),
      line(qrr.centre, { beneficiaryName: 'Maison des jeunes', siret: OTHER_SIRET, rna: null, source: 'fdva', status: 'attribuee', grantedCents: 250_000, decisionDate: '2026-09-01' }),
      line(qrr.centre, { siret: null, rna: 'W931234567', source: 'bop147', status: 'attribuee', grantedCents: 100_000, decisionDate: '2026-09-02' }),
      line(qrr.centre, { title: 'Hors trimestre', status: 'attribuee', grantedCents: 100_000, decisionDate: '2026-06-30', overEnvelopeReason: 'Pas d’enveloppe au Centre' }),
    ]);
    expect(fipdIndicator0502(ctx, '2026-T3')).toEqual({
      byQrr: [
        { qrrId: qrr.nord, count: 1, amountCents: 1_500_000 },
        { qrrId: qrr.centre, count: 2, amountCents: 350_000 },
      ],
      departement: { count: 2, amountCents: 1_850_000 },
    });
  });
});

// ---------------------------------------------------------------------------
// Property: any sequence of creations, edits, payments and deletions

const YEARS = [2025, 2026] as const;
const STATUSES = ['demandee', 'instruite', 'attribuee', 'versee', 'soldee', 'refusee', 'annulee'] as const;
const amount = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 4_000_000 }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constantFrom(-100, 150.5, Number.NaN, 20_000_000_000) },
);
const reasonArb = fc.option(fc.constantFrom('court', 'Arbitrage du préfet en comité', 'Arbitrage du préfet en comité'), { nil: undefined, freq: 2 });
const sourceArb = fc.constantFrom('fipd' as const, 'fipd' as const, 'bop147' as const);

const command = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('envelope' as const),
      qrr: fc.nat(2),
      year: fc.constantFrom(...YEARS),
      source: sourceArb,
      amountCents: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 10_000_000 }) }, fc.constantFrom(-1, 0.5)),
      reason: reasonArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      qrr: fc.nat(2),
      year: fc.constantFrom(...YEARS),
      source: sourceArb,
      status: fc.constantFrom('demandee' as const, 'instruite' as const, 'attribuee' as const, 'attribuee' as const, 'attribuee' as const, 'refusee' as const),
      grantedCents: fc.option(amount, { nil: undefined, freq: 5 }),
      siret: fc.constantFrom(VALID_SIRET, OTHER_SIRET, VALID_SIRET, '73282932000075', null),
      reason: reasonArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      pick: fc.nat(20),
      grantedCents: fc.option(amount, { nil: undefined }),
      status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }),
      qrr: fc.option(fc.nat(2), { nil: undefined, freq: 4 }),
      year: fc.option(fc.constantFrom(...YEARS), { nil: undefined, freq: 4 }),
      source: fc.option(sourceArb, { nil: undefined, freq: 4 }),
      reason: reasonArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      pick: fc.nat(20),
      amountCents: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 800_000 }) }, fc.constantFrom(0, -5, 10.25, 6_000_000)),
      payKind: fc.constantFrom('avance' as const, 'solde' as const, 'autre' as const),
      paidOn: fc.constantFrom('2025-06-15', '2026-05-01', '2026-09-01', '2026-11-26', '2026-05-01', '2024-12-31', '2026-12-15'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deletePayment' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteSubsidy' as const), pick: fc.nat(20) }) },
);

describe('FIPD ledger under any sequence of writes', () => {
  it('keeps totals equal to the sums of the lines, amounts exact, every rule true, refusals harmless', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 30, maxLength: 60, size: 'max' }), async (commands) => {
        const { core, ctx, qrr } = await openFipd();
        const qrrs = [qrr.nord, qrr.centre, qrr.archived];
        // The model: what each successful write asked for, amounts only.
        const envelopes = new Map<string, number>();
        const granted = new Map<number, number>();
        const payments = new Map<number, Map<number, number>>();
        const pickSubsidy = (n: number) => [...granted.keys()].sort((a, b) => a - b)[n % Math.max(1, granted.size)] ?? 4242;
        // Payments go mostly to subsidies that can receive them, so that sequences reach deep states.
        const pickPayable = (n: number) => {
          const payable = listSubsidies(ctx)
            .filter((s) => s.status === 'attribuee' || s.status === 'versee')
            .map((s) => s.id);
          return n % 6 === 0 || payable.length === 0 ? pickSubsidy(n) : payable[n % payable.length]!;
        };
        try {
          for (const c of commands) {
            const before = snapshot(core.db);
            const auditBefore = listAudit(core.db, { limit: 1_000_000 }).length;
            type Outcome = { ok: true; value: unknown } | { ok: false; error: DomainError };
            const run = (write: () => unknown): Outcome => {
              try {
                return { ok: true, value: write() };
              } catch (error) {
                if (!(error instanceof DomainError)) throw error; // a raw SQLite error is a bug
                return { ok: false, error };
              }
            };
            let outcome: Outcome;
            if (c.kind === 'envelope') {
              outcome = run(() => setEnvelope(ctx, { qrrId: qrrs[c.qrr]!, budgetYear: c.year, source: c.source, amountCents: c.amountCents, overEnvelopeReason: c.reason }));
              if (outcome.ok) envelopes.set(`${qrrs[c.qrr]}|${c.year}|${c.source}`, c.amountCents);
            } else if (c.kind === 'create') {
              const input = line(qrrs[c.qrr]!, {
                budgetYear: c.year,
                source: c.source,
                status: c.status,
                siret: c.siret,
                overEnvelopeReason: c.reason,
                title: `Action ${granted.size}`,
              });
              outcome = run(() => saveSubsidy(ctx, c.grantedCents === undefined ? input : { ...input, grantedCents: c.grantedCents }));
              if (outcome.ok) {
                const s = outcome.value as SubsidyRecord;
                granted.set(s.id, c.grantedCents ?? 0);
                payments.set(s.id, new Map());
              }
            } else if (c.kind === 'update') {
              const id = pickSubsidy(c.pick);
              const patch: SubsidyLineInput = {
                id,
                ...(c.grantedCents !== undefined ? { grantedCents: c.grantedCents } : {}),
                ...(c.status !== undefined ? { status: c.status } : {}),
                ...(c.qrr !== undefined ? { qrrId: qrrs[c.qrr]! } : {}),
                ...(c.year !== undefined ? { budgetYear: c.year } : {}),
                ...(c.source !== undefined ? { source: c.source } : {}),
                ...(c.reason !== undefined ? { overEnvelopeReason: c.reason } : {}),
              };
              outcome = run(() => saveSubsidy(ctx, patch));
              if (outcome.ok && c.grantedCents !== undefined) granted.set(id, c.grantedCents);
            } else if (c.kind === 'pay') {
              const id = pickPayable(c.pick);
              const known = new Set(payments.get(id)?.keys() ?? []);
              outcome = run(() => addPayment(ctx, { subsidyId: id, paidOn: c.paidOn, amountCents: c.amountCents, kind: c.payKind }));
              if (outcome.ok) {
                const added = (outcome.value as SubsidyRecord).payments.filter((p) => !known.has(p.id));
                expect(added).toHaveLength(1);
                payments.get(id)!.set(added[0]!.id, c.amountCents);
              }
            } else if (c.kind === 'deletePayment') {
              const all = [...payments.entries()].flatMap(([sid, ps]) => [...ps.keys()].map((pid) => [sid, pid] as const)).sort((a, b) => a[1] - b[1]);
              const [sid, pid] = all[c.pick % Math.max(1, all.length)] ?? [0, 4242];
              outcome = run(() => deletePayment(ctx, pid));
              if (outcome.ok) payments.get(sid)!.delete(pid);
            } else {
              const id = pickSubsidy(c.pick);
              outcome = run(() => deleteSubsidy(ctx, id));
              if (outcome.ok) {
                granted.delete(id);
                payments.delete(id);
              }
            }

            const after = snapshot(core.db);
            if (!outcome.ok) {
              expect(after, `refused ${c.kind} wrote something`).toEqual(before);
              expect(outcome.error.message).toMatch(/^[A-ZÀ-Ý«0-9].*[.)]$/); // a French sentence
            }
            // Every change is audited.
            if (JSON.stringify(after) !== JSON.stringify(before)) expect(listAudit(core.db, { limit: 1_000_000 }).length).toBeGreaterThan(auditBefore);

            // No amount drifts: the database holds exactly what the successful writes asked for.
            const subsidies = listSubsidies(ctx);
            expect(new Map(subsidies.map((s) => [s.id, s.grantedCents]))).toEqual(granted);
            for (const s of subsidies) expect(new Map(s.payments.map((p) => [p.id, p.amountCents]))).toEqual(payments.get(s.id));
            const storedEnvelopes = listEnvelopes(ctx);
            const positive = (entries: Iterable<[string, number]>) => new Map([...entries].filter(([, v]) => v > 0));
            expect(positive(storedEnvelopes.map((e) => [`${e.qrrId}|${e.budgetYear}|${e.source}`, e.amountCents]))).toEqual(positive(envelopes));

            // No state breaks a rule.
            for (const s of subsidies) {
              expect(s.paidCents).toBeLessThanOrEqual(s.grantedCents);
              expect(s.payments.length > 0, `status ${s.status} with ${s.payments.length} payments`).toBe(PAID_STATUSES.includes(s.status));
              if (isCommitted(s.status)) expect(s.grantedCents).toBeGreaterThan(0);
              for (const p of s.payments) expect(p.paidOn >= `${s.budgetYear}-01-01` && p.paidOn <= '2026-11-26').toBe(true);
              for (const n of [s.grantedCents, s.requestedCents, s.cofinancingCents, s.paidCents]) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
            }
            for (const q of qrrs) {
              for (const y of YEARS) {
                const group = subsidies.filter((s) => s.qrrId === q && s.budgetYear === y && s.source === 'fipd' && isCommitted(s.status));
                const committed = group.reduce((sum, s) => sum + s.grantedCents, 0);
                const envelope = storedEnvelopes.find((e) => e.qrrId === q && e.budgetYear === y && e.source === 'fipd');
                if (committed > (envelope?.amountCents ?? 0)) {
                  // Beyond the envelope only with a confirmed reason, kept on a line or on the envelope.
                  expect(group.some((s) => s.overEnvelopeReason !== null) || (envelope?.overEnvelopeReason ?? null) !== null).toBe(true);
                }
              }
            }

            // Totals equal the sums of the lines, for all years and for each.
            const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
            const committedOf = (xs: SubsidyRecord[]) => sum(xs.filter((s) => isCommitted(s.status)).map((s) => s.grantedCents));
            const paidOf = (xs: SubsidyRecord[]) => sum(xs.flatMap((s) => s.payments.map((p) => p.amountCents)));
            for (const year of [undefined, ...YEARS]) {
              const lines = subsidies.filter((s) => year === undefined || s.budgetYear === year);
              const envs = storedEnvelopes.filter((e) => year === undefined || e.budgetYear === year);
              const { totals } = getLedger(ctx, { budgetYear: year });
              expect(totals.departement.delegatedCents).toBe(sum(envs.map((e) => e.amountCents)));
              expect(totals.departement.committedCents).toBe(committedOf(lines));
              expect(totals.departement.paidCents).toBe(paidOf(lines));
              expect(totals.departement.paidCents).toBe(sum(lines.map((s) => sum([...(payments.get(s.id)?.values() ?? [])]))));
              expect(totals.departement.remainingCents).toBe(totals.departement.delegatedCents - totals.departement.committedCents);
              expect(totals.departement.toPayCents).toBe(totals.departement.committedCents - totals.departement.paidCents);
              for (const t of totals.byQrr) {
                const own = lines.filter((s) => s.qrrId === t.qrrId);
                expect([t.delegatedCents, t.committedCents, t.paidCents]).toEqual([
                  sum(envs.filter((e) => e.qrrId === t.qrrId).map((e) => e.amountCents)),
                  committedOf(own),
                  paidOf(own),
                ]);
              }
              expect(sum(totals.byQrr.map((t) => t.committedCents))).toBe(totals.departement.committedCents);
              expect(sum(totals.bySource.map((t) => t.paidCents))).toBe(totals.departement.paidCents);
            }
          }
        } finally {
          core.close();
        }
      }),
      { numRuns: runs(20) },
    );
    // Each run creates a real database: allow for a loaded 2-core machine.
  }, propertyTimeout(240_000));
});
