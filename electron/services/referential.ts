import type { Database } from 'better-sqlite3';
import seed from '../../seeds/referential.json';
import type { ActionMeasure, Engagement, Indicator, IndicatorMeasure, Referential } from '../../shared/referential/types';
import { DomainError } from '../../shared/ipc/result';
import { recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { readDb, writeTransaction } from './db/query';
import {
  retireActionsNotIn,
  retireIndicatorsNotIn,
  selectActiveActions,
  selectActiveIndicators,
  selectEngagements,
  selectReferentialVersion,
  upsertAction,
  upsertEngagement,
  upsertIndicator,
  upsertReferentialVersion,
} from './db/tables/referential';

/** The référentiel shipped with this version of the application (seeds/referential.json). */
export const SEED_REFERENTIAL = seed as unknown as Referential;

export const storedReferentialVersion = (db: Database): number | null => readDb(db).get(selectReferentialVersion) ?? null;

/** True when start-up will rewrite the référentiel tables (so a backup is due first). */
export function referentialUpgradePending(db: Database, referential: Referential = SEED_REFERENTIAL): boolean {
  const stored = storedReferentialVersion(db);
  return stored === null || stored < referential.version;
}

/**
 * Loads the référentiel into the database at first start, and upgrades it when
 * the shipped file's version is newer: labels and texts are rewritten, codes that
 * disappeared are marked retired (never deleted: values may point at them),
 * and entered values are not touched. One transaction, one audit entry.
 */
export function syncReferential(ctx: ServiceContext, referential: Referential = SEED_REFERENTIAL): 'loaded' | 'upgraded' | 'current' {
  return writeTransaction(ctx, (db) => {
    const stored = storedReferentialVersion(ctx.db);
    if (stored !== null && stored > referential.version) {
      throw new DomainError(
        'DATABASE_TOO_NEW',
        `Cette base de données utilise le référentiel version ${stored}, plus récent que celui de l'application ` +
          `(version ${referential.version}). Installez la dernière version de l'application.`,
      );
    }
    if (stored === referential.version) return 'current';

    const actionCodes: string[] = [];
    const indicatorCodes: string[] = [];
    let actionPosition = 0;
    let indicatorPosition = 0;
    referential.engagements.forEach((e, index) => {
      db.run(upsertEngagement, {
        code: e.code,
        position: index + 1,
        title: e.title,
        objectives: JSON.stringify(e.objectives),
        levers: JSON.stringify(e.levers),
      });
      for (const a of e.actions) {
        db.run(upsertAction, {
          code: a.code,
          engagement: e.code,
          position: ++actionPosition,
          label: a.label,
          measure: JSON.stringify(a.measure ?? {}),
        });
        actionCodes.push(a.code);
      }
      for (const i of e.indicators) {
        db.run(upsertIndicator, {
          code: i.code,
          engagement: e.code,
          position: ++indicatorPosition,
          label: i.label,
          kind: i.kind,
          unit: i.unit ?? null,
          parts: JSON.stringify(i.parts),
          measure: JSON.stringify(i.measure ?? {}),
        });
        indicatorCodes.push(i.code);
      }
    });
    db.run(retireActionsNotIn, referential.version, JSON.stringify(actionCodes));
    db.run(retireIndicatorsNotIn, referential.version, JSON.stringify(indicatorCodes));
    db.run(upsertReferentialVersion, referential.version, isoNow(ctx));
    recordAudit(ctx, [
      { entity: 'referential', entityId: 1, action: 'migrate', field: 'version', oldValue: stored, newValue: referential.version },
    ]);
    return stored === null ? 'loaded' : 'upgraded';
  });
}

const cache = new WeakMap<Database, { version: number; referential: { version: number; engagements: Engagement[] } }>();

/**
 * The active référentiel as stored, in the table's order (what the screens and
 * reports use). Read once per connection and version: every save consults it.
 */
export function readReferential(db: Database): { version: number; engagements: Engagement[] } {
  const version = storedReferentialVersion(db) ?? 0;
  const cached = cache.get(db);
  if (cached && cached.version === version) return cached.referential;
  const referential = loadReferential(db);
  cache.set(db, { version, referential });
  return referential;
}

function loadReferential(db: Database): { version: number; engagements: Engagement[] } {
  const read = readDb(db);
  const engagements = read.all(selectEngagements);
  const actions = read.all(selectActiveActions);
  const indicators = read.all(selectActiveIndicators);
  return {
    version: storedReferentialVersion(db) ?? 0,
    engagements: engagements.map((e) => ({
      code: e.code,
      title: e.title,
      objectives: JSON.parse(e.objectives) as string[],
      levers: JSON.parse(e.levers) as string[],
      actions: actions
        .filter((a) => a.engagementCode === e.code)
        .map(({ code, label, measure }) => ({ code, label, ...measureOf<ActionMeasure>(measure, 'sansObjet') })),
      indicators: indicators
        .filter((i) => i.engagementCode === e.code)
        .map((i) => ({
          code: i.code,
          label: i.label,
          kind: i.kind,
          ...(i.unit ? { unit: i.unit } : {}),
          parts: JSON.parse(i.parts) as Indicator['parts'],
          ...measureOf<IndicatorMeasure>(i.measure, 'nature'),
        })),
    })),
  };
}

/** A stored `measure` column: `{}` (a référentiel of version 1) reads as absent. */
function measureOf<T extends object>(json: string, requiredKey: keyof T): { measure?: T } {
  const parsed = JSON.parse(json) as T;
  return requiredKey in parsed ? { measure: parsed } : {};
}
