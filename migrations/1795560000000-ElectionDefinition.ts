import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an official defines for an election (kind, day, constituency, rules, trustees, issuers, schedule),
 * what the key ceremony produces (setup hash, joint key, base hash), and the cast ballots.
 *
 * `ballots` is append-only like the board it indexes. `counted_ballots` says, per pseudonym, which ballot
 * counts (the last or the first, per the election's re-voting policy); the verifier recomputes it from
 * the board. Neither table holds anything about the voter beyond the anonymous pseudonym.
 */
export class ElectionDefinition1795560000000 implements MigrationInterface {
  name = 'ElectionDefinition1795560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE elections
        ADD COLUMN kind text NOT NULL,
        ADD COLUMN election_day date NOT NULL,
        ADD COLUMN constituency text NULL,
        ADD COLUMN revoting text NOT NULL,
        ADD COLUMN trustee_threshold integer NOT NULL,
        ADD COLUMN trustee_count integer NOT NULL,
        ADD COLUMN issuer_threshold integer NOT NULL,
        ADD COLUMN issuer_ids text[] NOT NULL,
        ADD COLUMN opens_at timestamptz NULL,
        ADD COLUMN closes_at timestamptz NULL,
        ADD COLUMN manifest_hash bytea NOT NULL,
        ADD COLUMN setup_hash bytea NULL,
        ADD COLUMN key_set text NULL,
        ADD COLUMN base_hash bytea NULL,
        ADD CONSTRAINT elections_kind_ck CHECK (kind IN ('federal', 'regional', 'european', 'municipal')),
        ADD CONSTRAINT elections_revoting_ck CHECK (revoting IN ('last', 'first')),
        ADD CONSTRAINT elections_trustees_ck CHECK (trustee_threshold BETWEEN 1 AND trustee_count AND trustee_count <= 255),
        ADD CONSTRAINT elections_issuers_ck CHECK (issuer_threshold BETWEEN 1 AND cardinality(issuer_ids)),
        ADD CONSTRAINT elections_schedule_ck CHECK (opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at),
        ADD CONSTRAINT elections_manifest_hash_ck CHECK (octet_length(manifest_hash) = 32),
        ADD CONSTRAINT elections_key_ck CHECK (
          (setup_hash IS NULL AND key_set IS NULL AND base_hash IS NULL)
          OR (octet_length(setup_hash) = 32 AND key_set IS NOT NULL AND octet_length(base_hash) = 32)),
        ADD CONSTRAINT elections_open_needs_key_ck CHECK (status IN ('draft', 'key_ceremony') OR base_hash IS NOT NULL)`);
    await q.query(`
      CREATE TABLE election_trustees (
        election_id uuid NOT NULL,
        idx integer NOT NULL,
        name text NOT NULL,
        public_key bytea NOT NULL,
        CONSTRAINT election_trustees_pk PRIMARY KEY (election_id, idx),
        CONSTRAINT election_trustees_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT election_trustees_key_uq UNIQUE (election_id, public_key),
        CONSTRAINT election_trustees_idx_ck CHECK (idx BETWEEN 1 AND 255),
        CONSTRAINT election_trustees_key_ck CHECK (octet_length(public_key) = 32),
        CONSTRAINT election_trustees_name_ck CHECK (length(name) BETWEEN 1 AND 200)
      )`);
    await q.query(`
      CREATE TABLE ballots (
        election_id uuid NOT NULL,
        ballot_hash bytea NOT NULL,
        seq bigint NOT NULL,
        pseudonym bytea NOT NULL,
        tracking_code text NOT NULL,
        audited boolean NOT NULL,
        CONSTRAINT ballots_pk PRIMARY KEY (election_id, ballot_hash),
        CONSTRAINT ballots_entry_fk FOREIGN KEY (election_id, seq) REFERENCES board_entries (election_id, seq),
        CONSTRAINT ballots_seq_uq UNIQUE (election_id, seq),
        CONSTRAINT ballots_hash_ck CHECK (octet_length(ballot_hash) = 32),
        CONSTRAINT ballots_pseudonym_ck CHECK (octet_length(pseudonym) = 32)
      )`);
    await q.query(`CREATE INDEX ballots_pseudonym_ix ON ballots (election_id, pseudonym)`);
    await q.query(`CREATE TRIGGER ballots_append_only BEFORE UPDATE OR DELETE ON ballots FOR EACH ROW EXECUTE FUNCTION board_refuse_change()`);
    await q.query(`CREATE TRIGGER ballots_no_truncate BEFORE TRUNCATE ON ballots FOR EACH STATEMENT EXECUTE FUNCTION board_refuse_change()`);
    await q.query(`
      CREATE TABLE counted_ballots (
        election_id uuid NOT NULL,
        pseudonym bytea NOT NULL,
        seq bigint NOT NULL,
        CONSTRAINT counted_ballots_pk PRIMARY KEY (election_id, pseudonym),
        CONSTRAINT counted_ballots_ballot_fk FOREIGN KEY (election_id, seq) REFERENCES ballots (election_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE counted_ballots`);
    await q.query(`DROP TABLE ballots`);
    await q.query(`DROP TABLE election_trustees`);
    await q.query(`
      ALTER TABLE elections
        DROP COLUMN kind, DROP COLUMN election_day, DROP COLUMN constituency, DROP COLUMN revoting,
        DROP COLUMN trustee_threshold, DROP COLUMN trustee_count, DROP COLUMN issuer_threshold, DROP COLUMN issuer_ids,
        DROP COLUMN opens_at, DROP COLUMN closes_at, DROP COLUMN manifest_hash, DROP COLUMN setup_hash,
        DROP COLUMN key_set, DROP COLUMN base_hash`);
  }
}
