import type { Indicator } from '../../../../shared/referential/types';
import { command, query, scalar } from '../query';

/*
 * Tables `engagement`, `action`, `indicator` and `referential_meta`: the
 * référentiel as loaded from seeds/referential.json. Lists and measures are
 * stored as JSON text; codes that left the référentiel are retired, never deleted.
 */

/** The loaded version (null before the first start, or in a file older than the table). */
export const selectReferentialVersion = scalar<number, []>('SELECT version FROM referential_meta WHERE id = 1');

export const upsertReferentialVersion = command<[version: number, loadedAt: string]>(
  `INSERT INTO referential_meta (id, version, loaded_at) VALUES (1, ?, ?)
   ON CONFLICT (id) DO UPDATE SET version = excluded.version, loaded_at = excluded.loaded_at`,
);

export interface EngagementRow {
  readonly code: string;
  readonly title: string;
  /** JSON list of texts. */
  readonly objectives: string;
  /** JSON list of texts. */
  readonly levers: string;
}

export const selectEngagements = query<EngagementRow, []>('SELECT code, title, objectives, levers FROM engagement ORDER BY position');

export const upsertEngagement = command<[EngagementRow & { readonly position: number }]>(
  `INSERT INTO engagement (code, position, title, objectives, levers) VALUES (@code, @position, @title, @objectives, @levers)
   ON CONFLICT (code) DO UPDATE SET position = excluded.position, title = excluded.title,
     objectives = excluded.objectives, levers = excluded.levers`,
);

export interface ActionRow {
  readonly code: string;
  readonly engagementCode: string;
  readonly label: string;
  /** JSON object, `{}` when the action has no measure. */
  readonly measure: string;
}

export const selectActiveActions = query<ActionRow, []>(
  'SELECT code, engagement_code AS engagementCode, label, measure FROM action WHERE retired_in_version IS NULL ORDER BY position',
);

export const upsertAction = command<[Omit<ActionRow, 'engagementCode'> & { readonly engagement: string; readonly position: number }]>(
  `INSERT INTO action (code, engagement_code, position, label, measure, retired_in_version)
   VALUES (@code, @engagement, @position, @label, @measure, NULL)
   ON CONFLICT (code) DO UPDATE SET engagement_code = excluded.engagement_code, position = excluded.position,
     label = excluded.label, measure = excluded.measure, retired_in_version = NULL`,
);

/** Retires the actions not listed (their codes as a JSON array). */
export const retireActionsNotIn = command<[version: number, keptCodesJson: string]>(
  `UPDATE action SET retired_in_version = ? WHERE retired_in_version IS NULL
   AND code NOT IN (SELECT value FROM json_each(?))`,
);

export interface IndicatorRow {
  readonly code: string;
  readonly engagementCode: string;
  readonly label: string;
  readonly kind: Indicator['kind'];
  readonly unit: string | null;
  /** JSON list of the indicator's parts. */
  readonly parts: string;
  /** JSON object, `{}` when the indicator has no measure. */
  readonly measure: string;
}

export const selectActiveIndicators = query<IndicatorRow, []>(
  `SELECT code, engagement_code AS engagementCode, label, kind, unit, parts, measure FROM indicator
   WHERE retired_in_version IS NULL ORDER BY position`,
);

export const upsertIndicator = command<[Omit<IndicatorRow, 'engagementCode'> & { readonly engagement: string; readonly position: number }]>(
  `INSERT INTO indicator (code, engagement_code, position, label, kind, unit, parts, measure, retired_in_version)
   VALUES (@code, @engagement, @position, @label, @kind, @unit, @parts, @measure, NULL)
   ON CONFLICT (code) DO UPDATE SET engagement_code = excluded.engagement_code, position = excluded.position,
     label = excluded.label, kind = excluded.kind, unit = excluded.unit, parts = excluded.parts,
     measure = excluded.measure, retired_in_version = NULL`,
);

/** Retires the indicators not listed (their codes as a JSON array). */
export const retireIndicatorsNotIn = command<[version: number, keptCodesJson: string]>(
  `UPDATE indicator SET retired_in_version = ? WHERE retired_in_version IS NULL
   AND code NOT IN (SELECT value FROM json_each(?))`,
);
