import type { Migration } from '../migrate';

/**
 * First schema: the département's settings, its QRRs with their communes,
 * and the audit trail every later change writes to.
 */
export const m001: Migration = {
  version: 1,
  name: 'paramètres, quartiers et journal des modifications',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        departement_code TEXT NOT NULL,
        prefet_name TEXT NOT NULL DEFAULT '',
        coordinator_name TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE qrr (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        archived_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX qrr_name_unique ON qrr (name COLLATE NOCASE);

      CREATE TABLE qrr_commune (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id) ON DELETE CASCADE,
        insee_code TEXT NOT NULL,
        PRIMARY KEY (qrr_id, insee_code)
      ) STRICT;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        os_user TEXT NOT NULL,
        origin TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'archive', 'restore', 'migrate')),
        field TEXT,
        old_value TEXT,
        new_value TEXT
      ) STRICT;
      CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
      CREATE INDEX audit_log_at ON audit_log (at);
    `);
  },
};
