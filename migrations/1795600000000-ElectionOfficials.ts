import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-election officials (issue 9): who may manage an election. The creator is added with the election;
 * a co-official may be added by an official of that election. An official is identified the way the
 * role lists compare them, HMAC-SHA256(ROLL_HMAC_KEY, national number), never the number in clear.
 * Nothing here names a ballot. Elections created before this migration have no official: an operator
 * adds one by hand (docs/identity.md, "Election officials").
 */
export class ElectionOfficials1795600000000 implements MigrationInterface {
  name = 'ElectionOfficials1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE election_officials (
        election_id uuid NOT NULL,
        national_number_hmac bytea NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT election_officials_pk PRIMARY KEY (election_id, national_number_hmac),
        CONSTRAINT election_officials_election_fk FOREIGN KEY (election_id) REFERENCES elections (id) ON DELETE CASCADE,
        CONSTRAINT election_officials_nn_hmac_ck CHECK (octet_length(national_number_hmac) = 32)
      )`);
    // The least-privilege migration's default privileges cover this table only when the same role
    // migrates; grant explicitly so the application role can always read and add officials.
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'evote_app') THEN
          GRANT SELECT, INSERT, UPDATE, DELETE ON election_officials TO evote_app;
        END IF;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE election_officials`);
  }
}
