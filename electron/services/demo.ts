/**
 * The demonstration dataset: a realistic, clearly fictional département (or a
 * national-size load test) written THROUGH the IPC dispatcher, exactly as a
 * coordinator's entries would be, so every rule of the services applies and
 * every change lands in the audit trail with the core's origin (the CLI uses
 * {@link DEMO_ORIGIN}).
 *
 * Deterministic: the same seed and the same `now` give the same requests in the
 * same order (a seeded PRNG, never Math.random). Refuses a database that already
 * holds anything, so fictional data can never mix with real data.
 *
 * Plain Node, never imports electron.
 */
import fs from 'node:fs';
import type { Database } from 'better-sqlite3';
import { comparePeriods, parsePeriodCode, periodCode, periodOfDate, type PeriodParts } from '../../shared/domain/period';
import type { ActionStatus, Meteo, QrrWave, Trend } from '../../shared/domain/types';
import type { ChannelName, RequestOf, ResponseOf } from '../../shared/ipc/contract';
import { formatInteger, plural } from '../../shared/format/fr';
import { DomainError, type Result } from '../../shared/ipc/result';
import { readDb } from './db/query';
import { countActionStatuses, countAssessments, countAuditEntries, countIndicatorValues } from './db/tables/row-counts';
import { generateDemoCredits } from './demo-credits';
import { COMPUTED_INDICATOR } from './followup';
import type { Engagement } from '../../shared/referential/types';
import { VALUE_COMMENTS, clamp, generateTarget, generateValue, makeProfile, makeRng, type Profile, type Rng } from './demo-values';

export {
  DEFAULT_DEMO_SEED,
  DEMO_COORDINATOR_NAME,
  DEMO_DEPARTEMENT,
  DEMO_MARKER,
  DEMO_NOT_EMPTY_MESSAGE,
  DEMO_ORIGIN,
  DEMO_PREFET_NAME,
  DEMO_SCALES,
  type DemoScale,
} from './demo-options';
import {
  DEFAULT_DEMO_SEED,
  DEMO_COORDINATOR_NAME,
  DEMO_DEPARTEMENT,
  DEMO_NOT_EMPTY_MESSAGE,
  DEMO_PREFET_NAME,
  DEMO_SCALES,
  type DemoScale,
} from './demo-options';

const NATIONAL_QRRS = 1600;
const QUARTERS: Readonly<Record<DemoScale, number>> = { departement: 8, national: 8 };
/** How many `onProgress` messages a département-scale demonstration sends (settings, quartiers, credits, then one per quarter). */
export const DEMO_DEPARTEMENT_STEPS = 3 + QUARTERS.departement;

/** Anything that answers the IPC contract like `createAppCore`'s dispatch. */
export interface DemoCore {
  dispatch(channel: string, payload: unknown): Promise<Result<unknown>>;
}

export interface DemoOptions {
  readonly scale: DemoScale;
  readonly seed?: number;
  /** Decides the current quarter; should agree with the core's clock (openPeriod refuses quarters too far ahead of it). */
  readonly now: Date;
  readonly onProgress?: (message: string) => void;
}

export interface DemoSummary {
  readonly qrrs: number;
  readonly periods: number;
  /** Typed values (05-02 is computed from the FIPD credits, and stored when a quarter is transmitted). */
  readonly indicatorValues: number;
  readonly actionStatuses: number;
  readonly assessments: number;
  /** FIPD credits (département scale only). */
  readonly subsidies: number;
  readonly payments: number;
}

// ---------------------------------------------------------------------------
// The fictional département

interface QrrPlan {
  readonly name: string;
  readonly communes: readonly string[];
  readonly qpvCodes: readonly string[];
  readonly wave: QrrWave;
  readonly population: number;
  readonly deleguePrefet: string;
  readonly referents: string;
  readonly notes: string;
}

const FICTION_NOTE =
  'Quartier FICTIF créé par la démonstration : toutes les données (valeurs, statuts, appréciations, noms) sont inventées. Ne pas utiliser.';

/**
 * Real communes of Seine-Saint-Denis; QPV codes that pass validation but are meant to be fictional
 * (order numbers 91–94 and 901, chosen high; not checked against the official list).
 */
const DEPARTEMENT_QRRS: readonly QrrPlan[] = [
  {
    name: 'QRR Nord (démonstration)',
    communes: ['93066', '93039'], // Saint-Denis, L'Île-Saint-Denis
    qpvCodes: ['QN09391D', 'QN09392D'],
    wave: '2018',
    population: 24_500,
    deleguePrefet: 'Délégué du préfet (démonstration)',
    referents: 'Référents fictifs : commissariat, DSDEN, bailleur social, centre social.',
    notes: FICTION_NOTE,
  },
  {
    name: 'QRR Est (démonstration)',
    communes: ['93014', '93047'], // Clichy-sous-Bois, Montfermeil
    qpvCodes: ['QN09393D'],
    wave: '2019',
    population: 31_200,
    deleguePrefet: 'Déléguée du préfet (démonstration)',
    referents: 'Référents fictifs : mairie, France Travail, prévention spécialisée.',
    notes: FICTION_NOTE,
  },
  {
    name: 'QRR Centre (démonstration)',
    communes: ['93008', '93053'], // Bobigny, Noisy-le-Sec
    qpvCodes: ['QN09394D', 'QP093901'],
    wave: '2020-2021',
    population: 18_700,
    deleguePrefet: 'Délégué du préfet (démonstration)',
    referents: 'Référents fictifs : cité éducative, association de quartier, police nationale.',
    notes: FICTION_NOTE,
  },
];

const DEPARTEMENT_COMMUNES = ['93001', '93005', '93006', '93007', '93008', '93010', '93014', '93027', '93029', '93031', '93047', '93048', '93055', '93066', '93070', '93071', '93072', '93078', '93079'];
const WAVES: readonly QrrWave[] = ['2018', '2019', '2020-2021'];

function nationalQrrs(rng: Rng): QrrPlan[] {
  return Array.from({ length: NATIONAL_QRRS }, (_, i) => ({
    name: `Quartier de démonstration n° ${String(i + 1).padStart(4, '0')}`,
    communes: [DEPARTEMENT_COMMUNES[i % DEPARTEMENT_COMMUNES.length]!],
    qpvCodes: [],
    wave: WAVES[i % WAVES.length]!,
    population: rng.int(40, 400) * 100,
    deleguePrefet: '',
    referents: '',
    notes: 'Quartier FICTIF créé pour un essai de charge.',
  }));
}

// ---------------------------------------------------------------------------
// French texts (all fictional)


const SOURCES: Readonly<Record<string, string>> = {
  '01': 'DSDEN',
  '02': 'DDT – renouvellement urbain',
  '03': 'Préfecture – politique de la ville',
  '04': 'DSDEN',
  '05': 'SDJES',
  '06': 'Conseil départemental',
  '07': 'France Travail',
  '08': 'Commissariat',
  '09': 'SDJES',
  '10': 'Préfecture',
};

const ACTION_COMMENTS: Readonly<Record<ActionStatus, readonly string[]>> = {
  non_engagee: ['Partenaire à identifier.', 'Prévu au prochain comité de pilotage.', 'En attente du financement.'],
  en_cours: ['Premières réunions tenues.', 'Convention en cours de signature.', 'Déploiement progressif sur le quartier.', 'Recrutement en cours.'],
  realisee: ['Action réalisée conformément au calendrier.', 'Bilan positif présenté en comité de pilotage.', 'Réalisée ; reconduction envisagée.'],
  sans_objet: ['Dispositif non applicable sur ce quartier.', 'Sans objet : compétence exercée à l’échelle intercommunale.'],
};

const ACTION_REFERENTS = [
  'Délégué du préfet',
  'Chef de projet politique de la ville',
  'Commissariat – référent QRR',
  'DSDEN – référent éducation prioritaire',
  'Mairie – service jeunesse',
  'France Travail – agence locale',
  'Bailleur social',
];

const METEO_PHRASES: Readonly<Record<Meteo, readonly string[]>> = {
  soleil: ['Dynamique partenariale très satisfaisante.', 'Les objectifs du trimestre sont atteints.', 'Mobilisation forte des acteurs du quartier.'],
  couvert: ['Avancées réelles, quelques actions à relancer.', 'Résultats encourageants, à consolider.', 'Le rythme doit être maintenu.'],
  nuage: ['Retards sur plusieurs actions ; point d’étape prévu.', 'Mobilisation inégale des partenaires.', 'Difficultés de recrutement signalées.'],
  orage: ['Blocages importants : arbitrage préfectoral nécessaire.', 'Actions à l’arrêt ce trimestre.', 'Situation dégradée ; plan de relance à construire.'],
  non_renseignee: [''],
};

const TREND_PHRASES: Readonly<Record<Trend, string>> = {
  hausse: 'Progression par rapport au trimestre précédent.',
  baisse: 'Recul par rapport au trimestre précédent.',
  stagnation: 'Situation stable depuis le trimestre précédent.',
};

// ---------------------------------------------------------------------------
// The generator

interface ActionPlan {
  readonly sansObjet: boolean;
  readonly enCours: number;
  readonly realisee: number;
  readonly referent: string;
}

const statusAt = (plan: ActionPlan, t: number): ActionStatus =>
  plan.sansObjet ? 'sans_objet' : t >= plan.realisee ? 'realisee' : t >= plan.enCours ? 'en_cours' : 'non_engagee';

type ValueChange = RequestOf<'saveIndicatorValues'>['changes'][number];
type StatusChange = RequestOf<'saveActionStatuses'>['changes'][number];

/**
 * Groups the changes of several QRRs into one request, each QRR's changes kept
 * together, below the contract's limits (5 000 changes, 256 Kio per request).
 * Fewer, larger requests matter: each save re-reads the whole period (see the
 * report on followup.ts), so one request per QRR makes a national-size run
 * quadratic.
 */
class Batch<T> {
  static readonly MAX_CHANGES = 4000;
  static readonly MAX_BYTES = 200_000;
  private changes: T[] = [];
  private bytes = 0;
  constructor(private readonly send: (changes: T[]) => Promise<void>) {}

  async add(group: readonly T[]): Promise<void> {
    if (group.length === 0) return;
    const size = JSON.stringify(group).length;
    if (this.changes.length + group.length > Batch.MAX_CHANGES || this.bytes + size > Batch.MAX_BYTES) await this.flush();
    this.changes.push(...group);
    this.bytes += size;
  }

  async flush(): Promise<void> {
    if (this.changes.length === 0) return;
    const changes = this.changes;
    this.changes = [];
    this.bytes = 0;
    await this.send(changes);
  }
}

/** The quarters to fill, oldest first, the last one being the quarter of `now`. */
export function demoQuarters(now: Date, count: number): string[] {
  const current = parsePeriodCode(periodOfDate(now))!;
  const index = current.year * 4 + (current.quarter - 1);
  return Array.from({ length: count }, (_, i) => {
    const k = index - (count - 1 - i);
    return periodCode({ year: Math.floor(k / 4), quarter: ((k % 4) + 1) as PeriodParts['quarter'] });
  }).sort(comparePeriods);
}

export async function generateDemo(core: DemoCore, options: DemoOptions): Promise<DemoSummary> {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isSafeInteger(seed)) throw new DomainError('VALIDATION', 'La graine de la démonstration doit être un nombre entier.');
  if (!(DEMO_SCALES as readonly string[]).includes(options.scale)) {
    throw new DomainError('VALIDATION', `Échelle inconnue « ${String(options.scale)} » (departement ou national).`);
  }
  const progress = options.onProgress ?? (() => undefined);
  const call = async <C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
    const result = await core.dispatch(channel, request);
    if (!result.ok) {
      throw new DomainError(result.error.code, `La démonstration s'est interrompue (${channel}) : ${result.error.message}`, result.error.issues);
    }
    return result.value as ResponseOf<C>;
  };

  // Never beside real data.
  const [settings, existingQrrs, existingPeriods] = [
    await call('getSettings', undefined),
    await call('listQrrs', { includeArchived: true }),
    await call('listPeriods', undefined),
  ];
  if (settings !== null || existingQrrs.length > 0 || existingPeriods.length > 0) {
    throw new DomainError('CONFLICT', DEMO_NOT_EMPTY_MESSAGE);
  }

  const rng = makeRng(seed);
  const referential = await call('getReferential', undefined);
  const engagements: readonly Engagement[] = referential.engagements;
  const indicators = engagements.flatMap((e) => e.indicators.map((indicator) => ({ engagement: e.code, indicator })));
  const actions = engagements.flatMap((e) => e.actions.map((action) => ({ engagement: e.code, code: action.code })));
  const quarters = demoQuarters(options.now, QUARTERS[options.scale]);
  const national = options.scale === 'national';

  progress(`Paramètres : Seine-Saint-Denis (${DEMO_DEPARTEMENT}), données fictives.`);
  await call('saveSettings', { departementCode: DEMO_DEPARTEMENT, prefetName: DEMO_PREFET_NAME, coordinatorName: DEMO_COORDINATOR_NAME });

  const plans = national ? nationalQrrs(rng) : DEPARTEMENT_QRRS;
  const qrrs: { id: number; plan: QrrPlan; profiles: Map<string, Profile>; actions: Map<string, ActionPlan> }[] = [];
  for (const plan of plans) {
    const created = await call('createQrr', {
      name: plan.name,
      communes: [...plan.communes],
      qpvCodes: [...plan.qpvCodes],
      securityZone: 'police', // the whole petite couronne is a police zone
      wave: plan.wave,
      deleguePrefet: plan.deleguePrefet,
      referents: plan.referents,
      population: plan.population,
      notes: plan.notes,
    });
    qrrs.push({
      id: created.id,
      plan,
      profiles: new Map(indicators.map(({ indicator }) => [indicator.code, makeProfile(rng, indicator, plan.population)])),
      actions: new Map(
        actions.map(({ code }) => {
          const enCours = rng.int(-3, 5);
          return [code, { sansObjet: rng.chance(0.04), enCours, realisee: enCours + rng.int(2, 8), referent: rng.pick(ACTION_REFERENTS) }];
        }),
      ),
    });
    if (qrrs.length % 400 === 0) progress(`Quartiers créés : ${formatInteger(qrrs.length)} / ${formatInteger(plans.length)}.`);
  }
  progress(`${plural(qrrs.length, 'quartier créé', 'quartiers créés')}.`);

  // FIPD credits (département scale): created first, so that each quarter's transmission freezes
  // indicator 05-02 as computed from them. Their own random sequence keeps the rest of the
  // demonstration the same as without them.
  const credits = national
    ? { envelopes: 0, subsidies: 0, payments: 0 }
    : await generateDemoCredits(call, makeRng(seed + 1), qrrs.map((q) => q.id), quarters, actions.map((a) => a.code), options.now);
  if (!national) progress(`Crédits FIPD : ${plural(credits.subsidies, 'subvention', 'subventions')}, ${plural(credits.payments, 'versement', 'versements')}.`);

  let indicatorValues = 0;
  let actionStatuses = 0;
  let assessments = 0;
  const lastScores = new Map<string, number>();
  for (const [q, period] of quarters.entries()) {
    const current = q === quarters.length - 1;
    // Position on an 8-quarter timeline: a short run shows the programme's latest quarters.
    const t = 8 - quarters.length + q;
    await call('openPeriod', { code: period });
    // Values and statuses of several QRRs travel in one request (see Batch): all or nothing, like a pasted grid.
    const values = new Batch<ValueChange>(async (changes) => {
      indicatorValues += (await call('saveIndicatorValues', { periodCode: period, changes })).length;
    });
    const statuses = new Batch<StatusChange>(async (changes) => {
      actionStatuses += (await call('saveActionStatuses', { periodCode: period, changes })).length;
    });
    for (const [n, qrr] of qrrs.entries()) {
      // Indicator values: most of them, a few missing (more in the quarter still being entered).
      const missingRate = national ? 0 : current ? 0.22 : 0.07;
      const valueChanges: ValueChange[] = [];
      for (const { engagement, indicator } of indicators) {
        const profile = qrr.profiles.get(indicator.code)!;
        const skip = rng.chance(missingRate);
        const value = generateValue(rng, indicator, profile, t);
        if (skip) continue;
        // The quarter still being entered: a few values only partly typed.
        if (current && !national && indicator.parts.length > 1 && rng.chance(0.06)) value[indicator.parts[indicator.parts.length - 1]!.key] = null;
        const target = profile.hasTarget ? generateTarget(indicator, profile) : null;
        const change: ValueChange = {
          qrrId: qrr.id,
          indicatorCode: indicator.code,
          value,
          ...(target ? { target } : {}),
          ...(rng.chance(0.12) ? { comment: rng.pick(VALUE_COMMENTS) } : {}),
          ...(rng.chance(0.6) ? { source: `${SOURCES[engagement] ?? 'Préfecture'} (démonstration)` } : {}),
        };
        // 05-02 comes from the FIPD credits when there are some (not typed: main would refuse it).
        if (!(credits.subsidies > 0 && indicator.code === COMPUTED_INDICATOR)) valueChanges.push(change);
      }
      await values.add(valueChanges);

      // Action statuses: all 64 actions.
      await statuses.add(
        actions.map(({ code }) => {
          const plan = qrr.actions.get(code)!;
          const status = statusAt(plan, t);
          return {
            qrrId: qrr.id,
            actionCode: code,
            status,
            ...(status !== 'non_engagee' || rng.chance(0.5) ? { referent: plan.referent } : {}),
            ...(rng.chance(0.15) ? { comment: rng.pick(ACTION_COMMENTS[status]) } : {}),
          };
        }),
      );

      // One assessment per engagement, from how its actions progress.
      for (const engagement of engagements) {
        const plansOf = engagement.actions.map((a) => qrr.actions.get(a.code)!).filter((a) => !a.sansObjet);
        const done = plansOf.filter((a) => statusAt(a, t) === 'realisee').length;
        const ongoing = plansOf.filter((a) => statusAt(a, t) === 'en_cours').length;
        const score = clamp((plansOf.length === 0 ? 0.5 : (done + 0.5 * ongoing) / plansOf.length) + rng.between(-0.15, 0.15), 0, 1);
        const meteo: Meteo = score >= 0.7 ? 'soleil' : score >= 0.45 ? 'couvert' : score >= 0.2 ? 'nuage' : 'orage';
        const key = `${qrr.id}|${engagement.code}`;
        const previous = lastScores.get(key);
        lastScores.set(key, score);
        const trend: Trend | null =
          previous === undefined ? null : score - previous > 0.05 ? 'hausse' : previous - score > 0.05 ? 'baisse' : 'stagnation';
        const withComment = rng.chance(current ? 0.6 : 0.8);
        const comment = [
          `${done} action${done > 1 ? 's' : ''} réalisée${done > 1 ? 's' : ''} sur ${engagement.actions.length}, ${ongoing} en cours.`,
          rng.pick(METEO_PHRASES[meteo]),
          trend ? TREND_PHRASES[trend] : '',
        ]
          .filter(Boolean)
          .join(' ');
        const saved = await call('saveAssessment', {
          periodCode: period,
          qrrId: qrr.id,
          engagementCode: engagement.code,
          meteo,
          trend,
          ...(withComment ? { comment } : {}),
        });
        if (saved) assessments++;
      }
      if (national && (n + 1) % 200 === 0) {
        progress(`Trimestre ${period} : ${formatInteger(n + 1)} / ${formatInteger(qrrs.length)} quartiers.`);
      }
    }
    await values.flush();
    await statuses.flush();
    // The demonstration is deliberately incomplete: its past quarters are transmitted as confirmed so.
    if (!current) await call('transmitPeriod', { code: period, confirmIncomplete: true });
    progress(`Trimestre ${period} ${current ? 'saisi (reste ouvert)' : 'saisi et transmis'} (${q + 1}/${quarters.length}).`);
  }

  return { qrrs: qrrs.length, periods: quarters.length, indicatorValues, actionStatuses, assessments, subsidies: credits.subsidies, payments: credits.payments };
}

// ---------------------------------------------------------------------------
// What a database holds (the CLI's `info`)

export interface DatabaseDescription {
  readonly schemaVersion: number;
  readonly referentialVersion: number;
  readonly departementCode: string | null;
  readonly departementNom: string | null;
  readonly qrrs: number;
  readonly archivedQrrs: number;
  readonly periods: number;
  readonly openPeriods: number;
  readonly transmittedPeriods: number;
  readonly reopenedPeriods: number;
  readonly indicatorValues: number;
  readonly actionStatuses: number;
  readonly assessments: number;
  readonly auditEntries: number;
  /** The database file plus its WAL, in bytes. */
  readonly sizeBytes: number;
}

export async function describeDatabase(core: DemoCore & { readonly db: Database }, databasePath: string): Promise<DatabaseDescription> {
  const value = async <C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
    const result = await core.dispatch(channel, request);
    if (!result.ok) throw new DomainError(result.error.code, result.error.message, result.error.issues);
    return result.value as ResponseOf<C>;
  };
  const info = await value('getAppInfo', undefined);
  const settings = await value('getSettings', undefined);
  const referential = await value('getReferential', undefined);
  const qrrs = await value('listQrrs', { includeArchived: true });
  const periods = await value('listPeriods', undefined);
  const counts = { indicator_value: countIndicatorValues, action_status: countActionStatuses, assessment: countAssessments, audit_log: countAuditEntries };
  const count = (table: keyof typeof counts): number => readDb(core.db).get(counts[table]) ?? 0;
  const size = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);
  return {
    schemaVersion: info.schemaVersion,
    referentialVersion: referential.version,
    departementCode: settings?.departementCode ?? null,
    departementNom: settings?.departementNom ?? null,
    qrrs: qrrs.length,
    archivedQrrs: qrrs.filter((q) => q.archivedAt !== null).length,
    periods: periods.length,
    openPeriods: periods.filter((p) => p.state === 'open').length,
    transmittedPeriods: periods.filter((p) => p.state === 'transmitted').length,
    reopenedPeriods: periods.filter((p) => p.state === 'reopened').length,
    indicatorValues: count('indicator_value'),
    actionStatuses: count('action_status'),
    assessments: count('assessment'),
    auditEntries: count('audit_log'),
    sizeBytes: size(databasePath) + size(`${databasePath}-wal`),
  };
}
