import { parsePeriodCode } from '../../shared/domain/period';
import type { SubsidyDocument } from '../../shared/domain/fipd';
import type { ChannelName, RequestOf, ResponseOf } from '../../shared/ipc/contract';

/*
 * FIPD credits of the département demonstration, written through the same
 * requests as the Crédits FIPD screen: per QRR and budget year an envelope
 * delegated in January and one subsidy decided in each quarter of the
 * demonstration (so indicator 05-02, computed from them, has a value every
 * quarter), paid in advance after a month, balanced the next spring with the
 * financial report; in the current year a request still being examined and a
 * refused one. Amounts stay within the envelope. Fictional associations, RNA
 * numbers without SIRET (a made-up SIRET could be a real company's).
 */

export type DemoCall = <C extends ChannelName>(channel: C, request: RequestOf<C>) => Promise<ResponseOf<C>>;

interface Rng {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export interface DemoCreditsSummary {
  readonly envelopes: number;
  readonly subsidies: number;
  readonly payments: number;
}

const ASSOCIATIONS = [
  'Association Réussite pour tous (démonstration)',
  'Club sportif des Cités (démonstration)',
  'Compagnie Les Tréteaux du quartier (démonstration)',
  'Maison des parents (démonstration)',
  'Médiation et vivre-ensemble (démonstration)',
  'Atelier numérique solidaire (démonstration)',
  'Femmes relais du quartier (démonstration)',
  'Prévention jeunesse 93 (démonstration)',
];
const TITLES = [
  'Accompagnement à la scolarité',
  'Chantier éducatif d’été',
  'Médiation sociale de soirée',
  'Atelier théâtre et citoyenneté',
  'Tournoi sportif inter-quartiers',
  'Permanence d’accès aux droits',
  'Sorties familles et parentalité',
  'Prévention du décrochage scolaire',
];

const iso = (d: Date): string => d.toISOString().slice(0, 10);
const addDays = (date: string, days: number): string => iso(new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000));
const euros = (n: number): number => n * 100;
const QUARTER_START = ['01-01', '04-01', '07-01', '10-01'] as const;
const ALL_DOCUMENTS: SubsidyDocument[] = ['cerfa_12156', 'budget_previsionnel', 'rib', 'statuts', 'attestation_honneur'];

export async function generateDemoCredits(
  call: DemoCall,
  rng: Rng,
  qrrIds: readonly number[],
  quarters: readonly string[],
  actionCodes: readonly string[],
  now: Date,
): Promise<DemoCreditsSummary> {
  // Two days of margin: nothing dated today or later, whatever the time zone.
  const lastDay = addDays(iso(now), -2);
  const currentYear = Number(lastDay.slice(0, 4));
  const years = [...new Set(quarters.map((q) => parsePeriodCode(q)!.year))].sort((a, b) => a - b);
  const lines: RequestOf<'saveSubsidies'>['lines'][number][] = [];
  const payments: { index: number; paidOn: string; share: number; kind: 'avance' | 'solde' }[] = [];
  let envelopes = 0;
  let number = 0;

  for (const qrrId of qrrIds) {
    for (const year of years) {
      const envelope = rng.int(60, 90) * 1000;
      await call('setEnvelope', {
        qrrId,
        budgetYear: year,
        source: 'fipd',
        amountCents: euros(envelope),
        ...(`${year}-01-15` <= lastDay ? { decidedOn: `${year}-01-15` } : {}),
        comment: `Délégation FIPD ${year} (démonstration)`,
      });
      envelopes++;
      let committed = 0;
      for (const quarter of quarters.filter((q) => parsePeriodCode(q)!.year === year)) {
        const start = `${year}-${QUARTER_START[parsePeriodCode(quarter)!.quarter - 1]}`;
        const decisionDate = [addDays(start, rng.int(10, 50)), lastDay].sort()[0]!;
        if (decisionDate < start) continue; // the quarter has only just begun
        const granted = Math.min(rng.int(8, 18) * 1000, envelope - committed);
        if (granted <= 0) continue;
        committed += granted;
        number++;
        const balanced = year < currentYear && `${year + 1}-03-15` <= lastDay;
        lines.push({
          budgetYear: year,
          qrrId,
          source: 'fipd',
          actionCodes: [rng.pick(actionCodes), rng.pick(actionCodes)],
          beneficiaryName: rng.pick(ASSOCIATIONS),
          rna: `W93${String(1_000_000 + number * 7919).slice(-7)}`,
          title: rng.pick(TITLES),
          requestedCents: euros(granted + rng.int(0, 5) * 1000),
          grantedCents: euros(granted),
          decisionKind: granted >= 23_000 ? 'convention' : 'arrete',
          decisionNumber: `DEMO-${year}-${String(number).padStart(3, '0')}`,
          decisionDate,
          status: 'attribuee',
          documents: balanced ? [...ALL_DOCUMENTS, 'compte_rendu_15059'] : ALL_DOCUMENTS,
          ...(balanced ? { reportReceivedDate: `${year + 1}-03-01` } : {}),
        });
        const index = lines.length - 1;
        const advance = addDays(decisionDate, 30);
        if (advance <= lastDay) payments.push({ index, paidOn: advance, share: 0.6, kind: 'avance' });
        if (balanced) payments.push({ index, paidOn: `${year + 1}-03-15`, share: 0.4, kind: 'solde' });
      }
    }
  }
  // The current year: a request being examined, and a refused one.
  const first = qrrIds[0];
  if (first !== undefined && years.includes(currentYear)) {
    lines.push({ budgetYear: currentYear, qrrId: first, source: 'fipd', beneficiaryName: rng.pick(ASSOCIATIONS), title: 'Fresque participative', requestedCents: euros(6000), status: 'instruite' });
    lines.push({ budgetYear: currentYear, qrrId: first, source: 'fipd', beneficiaryName: rng.pick(ASSOCIATIONS), title: 'Voyage de fin d’année', requestedCents: euros(15_000), status: 'refusee' });
  }

  const saved = await call('saveSubsidies', { lines });
  for (const p of payments.sort((a, b) => a.paidOn.localeCompare(b.paidOn) || a.index - b.index)) {
    const subsidy = saved[p.index]!;
    // The balance is what remains, so the payments add up to the grant exactly.
    const amountCents = p.kind === 'solde' ? subsidy.grantedCents - Math.round(subsidy.grantedCents * 0.6) : Math.round(subsidy.grantedCents * p.share);
    await call('addPayment', { subsidyId: subsidy.id, paidOn: p.paidOn, amountCents, kind: p.kind });
  }
  return { envelopes, subsidies: lines.length, payments: payments.length };
}
