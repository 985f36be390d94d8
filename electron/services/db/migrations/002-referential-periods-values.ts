import type { Migration } from '../migrate';

/**
 * The référentiel (engagements, actions, indicators: filled from
 * seeds/referential.json by referential-sync at start-up), the complete QRR
 * record, quarterly periods, and what is followed each quarter: indicator
 * values, action statuses and engagement assessments.
 *
 * Values reference référentiel codes, never row ids: a référentiel upgrade
 * rewrites labels without touching a single entered value.
 */
export const m002: Migration = {
  version: 2,
  name: 'référentiel, périodes, valeurs des indicateurs, statuts des actions, appréciations',
  up(db) {
    db.exec(`
      CREATE TABLE referential_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        loaded_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE engagement (
        code TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        objectives TEXT NOT NULL,
        levers TEXT NOT NULL
      ) STRICT;

      CREATE TABLE action (
        code TEXT PRIMARY KEY,
        engagement_code TEXT NOT NULL REFERENCES engagement (code),
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        retired_in_version INTEGER
      ) STRICT;

      CREATE TABLE indicator (
        code TEXT PRIMARY KEY,
        engagement_code TEXT NOT NULL REFERENCES engagement (code),
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        kind TEXT NOT NULL,
        unit TEXT,
        parts TEXT NOT NULL,
        retired_in_version INTEGER
      ) STRICT;

      ALTER TABLE qrr ADD COLUMN security_zone TEXT CHECK (security_zone IN ('police', 'gendarmerie'));
      ALTER TABLE qrr ADD COLUMN wave TEXT CHECK (wave IN ('2018', '2019', '2020-2021'));
      ALTER TABLE qrr ADD COLUMN delegue_prefet TEXT NOT NULL DEFAULT '';
      ALTER TABLE qrr ADD COLUMN referents TEXT NOT NULL DEFAULT '';
      ALTER TABLE qrr ADD COLUMN population INTEGER CHECK (population IS NULL OR population >= 0);
      ALTER TABLE qrr ADD COLUMN notes TEXT NOT NULL DEFAULT '';

      CREATE TABLE qrr_qpv (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id) ON DELETE CASCADE,
        qpv_code TEXT NOT NULL,
        PRIMARY KEY (qrr_id, qpv_code)
      ) STRICT;

      CREATE TABLE period (
        code TEXT PRIMARY KEY CHECK (code GLOB '[0-9][0-9][0-9][0-9]-T[1-4]'),
        state TEXT NOT NULL CHECK (state IN ('open', 'transmitted', 'reopened')),
        created_at TEXT NOT NULL,
        transmitted_at TEXT,
        reopened_at TEXT,
        reopen_reason TEXT
      ) STRICT;

      CREATE TABLE indicator_value (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id),
        indicator_code TEXT NOT NULL REFERENCES indicator (code),
        period_code TEXT NOT NULL REFERENCES period (code),
        value TEXT,
        target TEXT,
        comment TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (qrr_id, indicator_code, period_code)
      ) STRICT;
      CREATE INDEX indicator_value_period ON indicator_value (period_code, qrr_id);

      CREATE TABLE action_status (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id),
        action_code TEXT NOT NULL REFERENCES action (code),
        period_code TEXT NOT NULL REFERENCES period (code),
        status TEXT CHECK (status IN ('non_engagee', 'en_cours', 'realisee', 'sans_objet')),
        comment TEXT NOT NULL DEFAULT '',
        referent TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (qrr_id, action_code, period_code)
      ) STRICT;
      CREATE INDEX action_status_period ON action_status (period_code, qrr_id);

      CREATE TABLE assessment (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id),
        engagement_code TEXT NOT NULL REFERENCES engagement (code),
        period_code TEXT NOT NULL REFERENCES period (code),
        meteo TEXT NOT NULL DEFAULT 'non_renseignee'
          CHECK (meteo IN ('soleil', 'couvert', 'nuage', 'orage', 'non_renseignee')),
        trend TEXT CHECK (trend IN ('hausse', 'baisse', 'stagnation')),
        comment TEXT NOT NULL DEFAULT '',
        comment_author TEXT NOT NULL DEFAULT '',
        comment_date TEXT,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (qrr_id, engagement_code, period_code)
      ) STRICT;

      CREATE INDEX audit_log_entity_field ON audit_log (entity, entity_id, field);
    `);
  },
};
