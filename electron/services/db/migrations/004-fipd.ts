import type { Migration } from '../migrate';

/*
 * FIPD credits (and the other State credits of indicator 05-02), kept like a
 * budget ledger: envelopes delegated per QRR, year and source (their history
 * is the audit trail), subsidies (one line per funded action) and their
 * payments. Amounts are integer cents, checked here as a last line of defence:
 * the services refuse bad input first, in French.
 *
 * Subsidies and envelopes reference their QRR without cascade: a QRR holding
 * credits cannot be deleted, only archived. A subsidy with payments cannot be
 * deleted (no cascade either). Two triggers keep « paid ≤ granted » true
 * whatever writes the tables.
 */

const SOURCES = `('fipd', 'bop147', 'fdva', 'mildeca', 'ans', 'caf', 'collectivites', 'autre')`;
const isoDate = (column: string) =>
  `(${column} IS NULL OR (${column} GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' AND date(${column}) IS ${column}))`;
const year = (column: string) => `${column} BETWEEN 2018 AND 2100`;
const cents = (column: string, min: '>= 0' | '> 0') => `typeof(${column}) = 'integer' AND ${column} ${min} AND ${column} <= 10000000000`;

export const m004: Migration = {
  version: 4,
  name: 'crédits FIPD : enveloppes, subventions et versements',
  up(db) {
    db.exec(`
      CREATE TABLE fipd_envelope (
        qrr_id INTEGER NOT NULL REFERENCES qrr (id),
        budget_year INTEGER NOT NULL CHECK (${year('budget_year')}),
        source TEXT NOT NULL CHECK (source IN ${SOURCES}),
        amount_cents INTEGER NOT NULL CHECK (${cents('amount_cents', '>= 0')}),
        decided_on TEXT CHECK ${isoDate('decided_on')},
        comment TEXT NOT NULL DEFAULT '',
        over_envelope_reason TEXT,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (qrr_id, budget_year, source)
      ) STRICT;
      CREATE INDEX fipd_envelope_year ON fipd_envelope (budget_year, qrr_id);

      CREATE TABLE subsidy (
        id INTEGER PRIMARY KEY,
        budget_year INTEGER NOT NULL CHECK (${year('budget_year')}),
        qrr_id INTEGER NOT NULL REFERENCES qrr (id),
        source TEXT NOT NULL CHECK (source IN ${SOURCES}),
        action_codes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(action_codes) AND json_type(action_codes) = 'array'),
        beneficiary_name TEXT NOT NULL CHECK (length(beneficiary_name) BETWEEN 1 AND 200),
        siret TEXT CHECK (siret IS NULL OR (length(siret) = 14 AND siret NOT GLOB '*[^0-9]*')),
        rna TEXT CHECK (rna IS NULL OR rna GLOB 'W[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
          OR rna GLOB 'W2[AB][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
        requested_cents INTEGER NOT NULL DEFAULT 0 CHECK (${cents('requested_cents', '>= 0')}),
        granted_cents INTEGER NOT NULL DEFAULT 0 CHECK (${cents('granted_cents', '>= 0')}),
        cofinancing_cents INTEGER NOT NULL DEFAULT 0 CHECK (${cents('cofinancing_cents', '>= 0')}),
        decision_kind TEXT CHECK (decision_kind IS NULL OR decision_kind IN ('arrete', 'convention')),
        decision_number TEXT NOT NULL DEFAULT '',
        decision_date TEXT CHECK ${isoDate('decision_date')},
        chorus_ej TEXT NOT NULL DEFAULT '',
        report_due_date TEXT CHECK ${isoDate('report_due_date')},
        report_received_date TEXT CHECK ${isoDate('report_received_date')},
        documents TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(documents) AND json_type(documents) = 'array'),
        status TEXT NOT NULL DEFAULT 'demandee'
          CHECK (status IN ('demandee', 'instruite', 'attribuee', 'versee', 'soldee', 'refusee', 'annulee')),
        over_envelope_reason TEXT,
        comment TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        -- A committed subsidy commits something.
        CHECK (status NOT IN ('attribuee', 'versee', 'soldee') OR granted_cents > 0)
      ) STRICT;
      CREATE INDEX subsidy_ledger ON subsidy (budget_year, qrr_id, source);
      CREATE INDEX subsidy_qrr ON subsidy (qrr_id);

      CREATE TABLE subsidy_payment (
        id INTEGER PRIMARY KEY,
        subsidy_id INTEGER NOT NULL REFERENCES subsidy (id),
        paid_on TEXT NOT NULL CHECK ${isoDate('paid_on')},
        amount_cents INTEGER NOT NULL CHECK (${cents('amount_cents', '> 0')}),
        kind TEXT NOT NULL CHECK (kind IN ('avance', 'solde', 'autre')),
        comment TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX subsidy_payment_subsidy ON subsidy_payment (subsidy_id);

      CREATE TRIGGER subsidy_payment_within_grant BEFORE INSERT ON subsidy_payment
      WHEN (SELECT coalesce(sum(amount_cents), 0) FROM subsidy_payment WHERE subsidy_id = NEW.subsidy_id) + NEW.amount_cents
           > (SELECT granted_cents FROM subsidy WHERE id = NEW.subsidy_id)
      BEGIN
        SELECT RAISE(ABORT, 'Le total versé dépasserait le montant attribué.');
      END;

      CREATE TRIGGER subsidy_payment_update_within_grant BEFORE UPDATE OF amount_cents, subsidy_id ON subsidy_payment
      WHEN (SELECT coalesce(sum(amount_cents), 0) FROM subsidy_payment WHERE subsidy_id = NEW.subsidy_id AND id <> OLD.id) + NEW.amount_cents
           > (SELECT granted_cents FROM subsidy WHERE id = NEW.subsidy_id)
      BEGIN
        SELECT RAISE(ABORT, 'Le total versé dépasserait le montant attribué.');
      END;

      CREATE TRIGGER subsidy_granted_covers_payments BEFORE UPDATE OF granted_cents ON subsidy
      WHEN NEW.granted_cents < (SELECT coalesce(sum(amount_cents), 0) FROM subsidy_payment WHERE subsidy_id = NEW.id)
      BEGIN
        SELECT RAISE(ABORT, 'Le montant attribué serait inférieur au total déjà versé.');
      END;
    `);
  },
};
