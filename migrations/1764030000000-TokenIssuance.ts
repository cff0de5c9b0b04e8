import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ballot-token issuance: at most one blind signature per (election, issuer, voter), enforced by the
 * primary key. The row holds the voter's keyed hash and the BLINDED request and signature only: RSA
 * blinding makes them independent of the finalized token, so nothing here links a voter to a token or a
 * ballot. No timestamp is stored, and the published issuance log is sorted by hash, not by time.
 */
export class TokenIssuance1764030000000 implements MigrationInterface {
  name = 'TokenIssuance1764030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE token_issuances (
        election_id uuid NOT NULL,
        issuer_id text NOT NULL,
        voter_key bytea NOT NULL,
        blinded_hash bytea NOT NULL,
        blind_signature bytea NOT NULL,
        CONSTRAINT token_issuances_pk PRIMARY KEY (election_id, issuer_id, voter_key),
        CONSTRAINT token_issuances_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT token_issuances_voter_key_ck CHECK (octet_length(voter_key) = 32),
        CONSTRAINT token_issuances_blinded_hash_ck CHECK (octet_length(blinded_hash) = 32),
        CONSTRAINT token_issuances_issuer_id_ck CHECK (issuer_id ~ '^[A-Za-z0-9_-]{43}$')
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE token_issuances`);
  }
}
