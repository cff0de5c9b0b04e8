import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-election issuer keys (protocol version 2, issue 13). Each of the platform's issuers makes a fresh
 * RSA-3072 key pair for every election; its thumbprint is the issuer's id in that election only, so a
 * blind signature obtained through one election's token endpoint can never count in another's.
 *
 * The private key is stored wrapped (AES-256-GCM under a key derived from the issuer's long-term secret,
 * which never enters the database; associated data: election, issuer, key id), so a copy of the database
 * alone mints nothing. At the close the wrapped key is erased (`wrapped_key` NULL, `destroyed` true):
 * no token of the election can be signed afterwards, by anyone.
 *
 * Elections created before this migration keep their old, shared issuer ids and have no row here: they
 * can no longer issue tokens (protocol version 1 is not served any more).
 */
export class PerElectionIssuerKeys1795620000000 implements MigrationInterface {
  name = 'PerElectionIssuerKeys1795620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE issuer_election_keys (
        election_id uuid NOT NULL,
        issuer_name text NOT NULL,
        key_id text NOT NULL,
        public_jwk text NOT NULL,
        wrapped_key bytea,
        destroyed boolean NOT NULL DEFAULT false,
        CONSTRAINT issuer_election_keys_pk PRIMARY KEY (election_id, key_id),
        CONSTRAINT issuer_election_keys_issuer_uq UNIQUE (election_id, issuer_name),
        CONSTRAINT issuer_election_keys_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT issuer_election_keys_key_id_ck CHECK (key_id ~ '^[A-Za-z0-9_-]{43}$'),
        CONSTRAINT issuer_election_keys_issuer_name_ck CHECK (issuer_name ~ '^[A-Za-z0-9_-]{43}$'),
        CONSTRAINT issuer_election_keys_destroyed_ck CHECK ((wrapped_key IS NULL) = destroyed)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE issuer_election_keys`);
  }
}
