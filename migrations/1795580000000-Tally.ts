import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tally (docs/protocol.md §70): the homomorphic aggregate the server computed from the board after the
 * close (one row per election), and the trustees' decryption shares (one per trustee, stored only once its
 * proofs verify). The result goes to the board; `election_tallies.result` keeps a copy.
 */
export class Tally1795580000000 implements MigrationInterface {
  name = 'Tally1795580000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE election_tallies (
        election_id uuid NOT NULL,
        tally_seq integer NOT NULL,
        board_size integer NOT NULL,
        aggregate text NOT NULL,
        counted integer[] NOT NULL,
        result text NULL,
        result_seq integer NULL,
        CONSTRAINT election_tallies_pk PRIMARY KEY (election_id),
        CONSTRAINT election_tallies_election_fk FOREIGN KEY (election_id) REFERENCES elections (id)
      )`);
    await q.query(`
      CREATE TABLE decryption_shares (
        election_id uuid NOT NULL,
        trustee integer NOT NULL,
        share text NOT NULL,
        seq integer NOT NULL,
        CONSTRAINT decryption_shares_pk PRIMARY KEY (election_id, trustee),
        CONSTRAINT decryption_shares_trustee_fk FOREIGN KEY (election_id, trustee) REFERENCES election_trustees (election_id, idx),
        CONSTRAINT decryption_shares_tally_fk FOREIGN KEY (election_id) REFERENCES election_tallies (election_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE decryption_shares`);
    await q.query(`DROP TABLE election_tallies`);
  }
}
