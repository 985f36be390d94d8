import type { Database } from 'better-sqlite3';
import seed from '../../seeds/referential.json';
import type { ActionMeasure, Engagement, Indicator, IndicatorMeasure, Referential } from '../../shared/referential/types';
import { DomainError } from '../../shared/ipc/result';
import { recordAudit } from './audit';
import { isoNow, type ServiceContext } from './context';
import { prepared } from './db/statement-cache';

/** The référentiel shipped with this version of the application (seeds/referential.json). */
export const SEED_REFERENTIAL = seed as unknown as Referential;

// Prepared once per connection: every save asks (readReferential), an import thousands of times.
export const storedReferentialVersion = (db: Database): number | null =>
  (prepared(db, 'SELECT version FROM referential_meta WHERE id = 1', { pluck: true }).get() as number | undefined) ?? null;

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
  const { db } = ctx;
  return db.transaction(() => {
    const stored = storedReferentialVersion(db);
    if (stored !== null && stored > referential.version) {
      throw new DomainError(
        'DATABASE_TOO_NEW',
        `Cette base de données utilise le référentiel version ${stored}, plus récent que celui de l'application ` +
          `(version ${referential.version}). Installez la dernière version de l'application.`,
      );
    }
    if (stored === referential.version) return 'current';

    const upsertEngagement = db.prepare(
      `INSERT INTO engagement (code, position, title, objectives, levers) VALUES (@code, @position, @title, @objectives, @levers)
       ON CONFLICT (code) DO UPDATE SET position = excluded.position, title = excluded.title,
         objectives = excluded.objectives, levers = excluded.levers`,
    );
    const upsertAction = db.prepare(
      `INSERT INTO action (code, engagement_code, position, label, measure, retired_in_version)
       VALUES (@code, @engagement, @position, @label, @measure, NULL)
       ON CONFLICT (code) DO UPDATE SET engagement_code = excluded.engagement_code, position = excluded.position,
         label = excluded.label, measure = excluded.measure, retired_in_version = NULL`,
    );
    const upsertIndicator = db.prepare(
      `INSERT INTO indicator (code, engagement_code, position, label, kind, unit, parts, measure, retired_in_version)
       VALUES (@code, @engagement, @position, @label, @kind, @unit, @parts, @measure, NULL)
       ON CONFLICT (code) DO UPDATE SET engagement_code = excluded.engagement_code, position = excluded.position,
         label = excluded.label, kind = excluded.kind, unit = excluded.unit, parts = excluded.parts,
         measure = excluded.measure, retired_in_version = NULL`,
    );
    const actionCodes: string[] = [];
    const indicatorCodes: string[] = [];
    let actionPosition = 0;
    let indicatorPosition = 0;
    referential.engagements.forEach((e, index) => {
      upsertEngagement.run({
        code: e.code,
        position: index + 1,
        title: e.title,
        objectives: JSON.stringify(e.objectives),
        levers: JSON.stringify(e.levers),
      });
      for (const a of e.actions) {
        upsertAction.run({
          code: a.code,
          engagement: e.code,
          position: ++actionPosition,
          label: a.label,
          measure: JSON.stringify(a.measure ?? {}),
        });
        actionCodes.push(a.code);
      }
      for (const i of e.indicators) {
        upsertIndicator.run({
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
    const retire = (table: 'action' | 'indicator', kept: string[]) =>
      db
        .prepare(
          `UPDATE ${table} SET retired_in_version = ? WHERE retired_in_version IS NULL
           AND code NOT IN (SELECT value FROM json_each(?))`,
        )
        .run(referential.version, JSON.stringify(kept));
    retire('action', actionCodes);
    retire('indicator', indicatorCodes);

    db.prepare(
      `INSERT INTO referential_meta (id, version, loaded_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, loaded_at = excluded.loaded_at`,
    ).run(referential.version, isoNow(ctx));
    recordAudit(ctx, [
      { entity: 'referential', entityId: 1, action: 'migrate', field: 'version', oldValue: stored, newValue: referential.version },
    ]);
    return stored === null ? 'loaded' : 'upgraded';
  }).immediate();
}

interface IndicatorRow {
  code: string;
  engagementCode: string;
  label: string;
  kind: Indicator['kind'];
  unit: string | null;
  parts: string;
  measure: string;
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
  const engagements = db
    .prepare('SELECT code, title, objectives, levers FROM engagement ORDER BY position')
    .all() as { code: string; title: string; objectives: string; levers: string }[];
  const actions = db
    .prepare(`SELECT code, engagement_code AS engagementCode, label, measure FROM action WHERE retired_in_version IS NULL ORDER BY position`)
    .all() as { code: string; engagementCode: string; label: string; measure: string }[];
  const indicators = db
    .prepare(
      `SELECT code, engagement_code AS engagementCode, label, kind, unit, parts, measure FROM indicator
       WHERE retired_in_version IS NULL ORDER BY position`,
    )
    .all() as IndicatorRow[];
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
