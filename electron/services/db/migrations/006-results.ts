import type { Migration } from '../migrate';

/**
 * Results for Matignon (issue 13):
 * - what each indicator measures and when an action is « sans objet »
 *   (the référentiel's `measure`, JSON, rewritten by referential-sync);
 * - « sans objet » decisions per QRR × indicator / action. A missing row means
 *   « as proposed from the QRR's characteristics »; a row records the user's
 *   decision (applies = 1 or 0) with its reason, so a proposal the user lifted
 *   is never proposed again;
 * - baselines and targets per QRR × indicator, PILOTE-style (not per quarter);
 * - typed comments next to an engagement's synthesis.
 */
export const m006: Migration = {
  version: 6,
  name: 'sans objet, valeurs initiales et cibles, commentaires typés',
  up(db) {
    db.exec(`
      ALTER TABLE indicator ADD COLUMN measure TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE action ADD COLUMN measure TEXT NOT NULL DEFAULT '{}';

      CREATE TABLE sans_objet (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id),
        item_type TEXT NOT NULL CHECK (item_type IN ('indicator', 'action')),
        code TEXT NOT NULL,
        applies INTEGER NOT NULL CHECK (applies IN (0, 1)),
        reason TEXT NOT NULL CHECK (length(reason) <= 500),
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (qrr_id, item_type, code),
        CHECK (applies = 0 OR length(trim(reason)) > 0)
      ) STRICT;

      CREATE TABLE indicator_target (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id),
        indicator_code TEXT NOT NULL REFERENCES indicator (code),
        initial_value REAL,
        initial_date TEXT CHECK (initial_date IS NULL OR initial_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        target_value REAL,
        target_deadline TEXT CHECK (target_deadline IS NULL OR target_deadline GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        origin TEXT NOT NULL CHECK (origin IN ('circulaire', 'saisie')),
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (qrr_id, indicator_code)
      ) STRICT;

      ALTER TABLE assessment ADD COLUMN obstacles TEXT NOT NULL DEFAULT '';
      ALTER TABLE assessment ADD COLUMN next_steps TEXT NOT NULL DEFAULT '';
      ALTER TABLE assessment ADD COLUMN successes TEXT NOT NULL DEFAULT '';
    `);
  },
};
