import type { Migration } from '../migrate';

/*
 * Stable identities for the FIPD lines exchanged between databases. A
 * subsidy or a payment typed in one database and imported into another must
 * be recognised when the file comes back (a colleague's next quarter): row ids
 * are local, so each line gets a random 128-bit uid, kept by imports.
 *
 * SQLite cannot add a column with a non-constant default, so existing rows get
 * theirs here and new rows from a trigger — the services' INSERTs need not
 * know about it; an import sets the incoming uid right after the insert.
 */

const RANDOM_UID = 'lower(hex(randomblob(16)))';

export const m005: Migration = {
  version: 5,
  name: "identifiants d'échange des subventions et versements",
  up(db) {
    db.exec(`
      ALTER TABLE subsidy ADD COLUMN uid TEXT CHECK (uid IS NULL OR (length(uid) = 32 AND uid NOT GLOB '*[^0-9a-f]*'));
      UPDATE subsidy SET uid = ${RANDOM_UID};
      CREATE UNIQUE INDEX subsidy_uid ON subsidy (uid);
      CREATE TRIGGER subsidy_uid_on_insert AFTER INSERT ON subsidy WHEN NEW.uid IS NULL
      BEGIN
        UPDATE subsidy SET uid = ${RANDOM_UID} WHERE id = NEW.id;
      END;

      ALTER TABLE subsidy_payment ADD COLUMN uid TEXT CHECK (uid IS NULL OR (length(uid) = 32 AND uid NOT GLOB '*[^0-9a-f]*'));
      UPDATE subsidy_payment SET uid = ${RANDOM_UID};
      CREATE UNIQUE INDEX subsidy_payment_uid ON subsidy_payment (uid);
      CREATE TRIGGER subsidy_payment_uid_on_insert AFTER INSERT ON subsidy_payment WHEN NEW.uid IS NULL
      BEGIN
        UPDATE subsidy_payment SET uid = ${RANDOM_UID} WHERE id = NEW.id;
      END;
    `);
  },
};
