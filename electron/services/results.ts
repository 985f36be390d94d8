/**
 * « Sans objet » decisions and baselines / targets per QRR (issue 13): read
 * with the référentiel's proposals (shared/domain/sans-objet.ts,
 * shared/domain/targets.ts), written in one transaction with the audit trail.
 *
 * Plain Node, never imports electron.
 */
import { DomainError } from '../../shared/ipc/result';
import { indexSansObjet, sansObjetStates, type SansObjetIndex, type SansObjetItemType, type SansObjetState } from '../../shared/domain/sans-objet';
import { circularTarget, type IndicatorTarget } from '../../shared/domain/targets';
import type { IndicatorValuePayload } from '../../shared/domain/types';
import { isIndicatorValueComplete } from '../../shared/domain/indicator-values';
import { recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { readDb, writeTransaction } from './db/query';
import { selectEnteredValues } from './db/tables/indicator-value';
import { selectTargets, upsertTarget, type TargetRow } from './db/tables/indicator-target';
import { selectActiveQrrIds, selectQrrCharacteristics, selectQrrCharacteristicsOf, selectQrrState } from './db/tables/qrr';
import { fromRow as decisionFromRow, selectSansObjetDecisions, selectSansObjetDecisionsOf, upsertSansObjet } from './db/tables/sans-objet';
import { readReferential } from './referential';

/** The « sans objet » states of the listed QRRs only (a grid's quartiers, not every quartier of a national base). */
export function listSansObjetOf(ctx: ServiceContext, qrrIds: readonly number[]): SansObjetState[] {
  const db = readDb(ctx);
  const ids = JSON.stringify(qrrIds);
  return sansObjetStates(readReferential(ctx.db).engagements, db.all(selectQrrCharacteristicsOf, ids), db.all(selectSansObjetDecisionsOf, ids).map(decisionFromRow));
}

/** Every QRR's « sans objet » items (proposed or decided), and the decisions lifting a proposal. */
export function listSansObjet(ctx: ServiceContext): SansObjetState[] {
  const db = readDb(ctx);
  return sansObjetStates(readReferential(ctx.db).engagements, db.all(selectQrrCharacteristics), db.all(selectSansObjetDecisions).map(decisionFromRow));
}

export const sansObjetIndex = (ctx: ServiceContext): SansObjetIndex => indexSansObjet(listSansObjet(ctx));

const requireQrr = (ctx: ServiceContext, qrrId: number): { name: string; archivedAt: string | null } => {
  const row = readDb(ctx).get(selectQrrState, qrrId);
  if (!row) throw new DomainError('NOT_FOUND', `Le quartier n° ${qrrId} n'existe pas.`);
  if (row.archivedAt) throw new DomainError('VALIDATION', `Le quartier « ${row.name} » est archivé : ses données ne peuvent plus être modifiées.`);
  return row;
};

export interface SansObjetChange {
  readonly qrrId: number;
  readonly itemType: SansObjetItemType;
  readonly code: string;
  readonly sansObjet: boolean;
  readonly reason: string;
}

/**
 * Records the user's decision: « sans objet » (a reason is required) or « applies »
 * (lifts a proposal; the reason is optional). Returns the QRR's states.
 */
export function saveSansObjet(ctx: ServiceContext, change: SansObjetChange): SansObjetState[] {
  return writeTransaction(ctx, (db) => {
    requireQrr(ctx, change.qrrId);
    const engagements = readReferential(ctx.db).engagements;
    const exists =
      change.itemType === 'indicator'
        ? engagements.some((e) => e.indicators.some((i) => i.code === change.code))
        : engagements.some((e) => e.actions.some((a) => a.code === change.code));
    const what = change.itemType === 'indicator' ? "L'indicateur" : "L'action";
    if (!exists) throw new DomainError('VALIDATION', `${what} « ${change.code} » n'existe pas dans le référentiel.`);
    const reason = change.reason.trim();
    if (change.sansObjet && reason === '') throw new DomainError('VALIDATION', 'Indiquez le motif pour lequel cet élément est sans objet.');
    const before = listSansObjet(ctx).find((s) => s.qrrId === change.qrrId && s.itemType === change.itemType && s.code === change.code);
    const oldValue = before ? { sansObjet: before.sansObjet, reason: before.reason, origin: before.origin } : { sansObjet: false };
    db.run(upsertSansObjet, change.qrrId, change.itemType, change.code, change.sansObjet ? 1 : 0, reason, isoNow(ctx), ctx.osUser);
    recordAudit(ctx, [
      {
        entity: 'sans_objet',
        entityId: `${change.qrrId}|${change.itemType}|${change.code}`,
        action: before?.origin === 'saisi' ? 'update' : 'create',
        field: 'sansObjet',
        oldValue,
        newValue: { sansObjet: change.sansObjet, reason },
      },
    ]);
    return listSansObjet(ctx).filter((s) => s.qrrId === change.qrrId);
  });
}

/**
 * Every QRR × indicator with a target: those stored, then the circular's own
 * targets proposed for the others (from each QRR's first complete value).
 */
export function listTargets(ctx: ServiceContext): IndicatorTarget[] {
  const indicators = readReferential(ctx.db).engagements.flatMap((e) => e.indicators);
  const db = readDb(ctx);
  const stored = db.all(selectTargets);
  const out: IndicatorTarget[] = stored.map((t) => ({
    ...t,
    quote: indicators.find((i) => i.code === t.indicatorCode)?.measure?.target?.quote ?? null,
    stored: true,
  }));
  const have = new Set(stored.map((t) => `${t.qrrId}|${t.indicatorCode}`));
  const withTarget = indicators.filter((i) => i.measure?.target);
  if (withTarget.length === 0) return out;
  for (const qrrId of db.all(selectActiveQrrIds)) {
    for (const indicator of withTarget) {
      if (have.has(`${qrrId}|${indicator.code}`)) continue;
      const first = db
        .all(selectEnteredValues, qrrId, indicator.code)
        .map((r) => ({ periodCode: r.periodCode, value: JSON.parse(r.value) as IndicatorValuePayload }))
        .find((r) => isIndicatorValueComplete(indicator, r.value));
      const proposal = circularTarget(indicator, qrrId, first ?? null);
      if (proposal) out.push(proposal);
    }
  }
  return out;
}

export type TargetChange = Omit<TargetRow, 'origin'>;

/** Saves a baseline and target entered (or a circular proposal accepted as is). */
export function saveTarget(ctx: ServiceContext, change: TargetChange): IndicatorTarget {
  return writeTransaction(ctx, (db) => {
    requireQrr(ctx, change.qrrId);
    const indicator = readReferential(ctx.db)
      .engagements.flatMap((e) => e.indicators)
      .find((i) => i.code === change.indicatorCode);
    if (!indicator) throw new DomainError('VALIDATION', `L'indicateur « ${change.indicatorCode} » n'existe pas dans le référentiel.`);
    if (indicator.kind === 'presence' || indicator.kind === 'text') {
      throw new DomainError('VALIDATION', `L'indicateur ${indicator.code} n'a pas de chiffre sur lequel fixer une cible.`);
    }
    if (change.initialDate && change.targetDeadline && change.targetDeadline < change.initialDate) {
      throw new DomainError('VALIDATION', "L'échéance de la cible doit suivre la date de la valeur initiale.");
    }
    const before = listTargets(ctx).find((t) => t.qrrId === change.qrrId && t.indicatorCode === change.indicatorCode);
    // Accepting the circular's proposal unchanged keeps its origin.
    const same = (a: IndicatorTarget | undefined): boolean =>
      !!a &&
      a.origin === 'circulaire' &&
      a.initialValue === change.initialValue &&
      a.initialDate === change.initialDate &&
      a.targetValue === change.targetValue &&
      a.targetDeadline === change.targetDeadline;
    const origin = same(before) ? 'circulaire' : 'saisie';
    db.run(upsertTarget, { ...change, origin, at: isoNow(ctx), by: ctx.osUser });
    const pick = (t: Partial<TargetChange> | undefined) =>
      t ? { initialValue: t.initialValue, initialDate: t.initialDate, targetValue: t.targetValue, targetDeadline: t.targetDeadline } : null;
    recordAudit(ctx, [
      {
        entity: 'indicator_target',
        entityId: `${change.qrrId}|${change.indicatorCode}`,
        action: before?.stored ? 'update' : 'create',
        oldValue: pick(before),
        newValue: { ...pick(change), origin },
      },
    ]);
    return listTargets(ctx).find((t) => t.qrrId === change.qrrId && t.indicatorCode === change.indicatorCode)!;
  });
}
