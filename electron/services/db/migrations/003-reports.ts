import type { Migration } from '../migrate';

/** Every report produced: which quarter, which file, its hash, whether and by whom it was signed, whether it transmitted the quarter. */
export const m003: Migration = {
  version: 3,
  name: 'rapports produits, index des appréciations',
  up(db) {
    db.exec(`
      CREATE TABLE report (
        id INTEGER PRIMARY KEY,
        period_code TEXT NOT NULL REFERENCES period (code),
        generated_at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        size_bytes INTEGER NOT NULL,
        signed INTEGER NOT NULL CHECK (signed IN (0, 1)),
        signer TEXT NOT NULL DEFAULT '',
        transmitted INTEGER NOT NULL CHECK (transmitted IN (0, 1)),
        generated_by TEXT NOT NULL
      ) STRICT;
      CREATE INDEX report_period ON report (period_code);
      -- Assessments are listed per quarter (and QRR), like values and statuses.
      CREATE INDEX assessment_period ON assessment (period_code, qrr_id);
    `);
  },
};
