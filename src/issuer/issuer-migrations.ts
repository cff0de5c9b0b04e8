import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The separate issuer's own database (never the platform's): the elections it signs for, with its key
 * for each (wrapped, erased at the close), its copy of each roll (keyed by its own hash of the national
 * number, so its rows cannot be joined with the platform's), and one row per voter it signed for. No
 * row carries a time; the close rewrites the issuance rows in random order (see IssuerService.close).
 */
export class IssuerDatabase1796000000000 implements MigrationInterface {
  name = 'IssuerDatabase1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE issuer_elections (
        election_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'setup',
        kind text NOT NULL,
        election_day date NOT NULL,
        constituency text,
        key_id text NOT NULL,
        public_jwk text NOT NULL,
        wrapped_key bytea,
        base_hash bytea,
        CONSTRAINT issuer_elections_pk PRIMARY KEY (election_id),
        CONSTRAINT issuer_elections_status_ck CHECK (status IN ('setup', 'open', 'closed')),
        CONSTRAINT issuer_elections_kind_ck CHECK (kind IN ('federal', 'regional', 'european', 'municipal')),
        CONSTRAINT issuer_elections_key_id_ck CHECK (key_id ~ '^[A-Za-z0-9_-]{43}$'),
        CONSTRAINT issuer_elections_key_erased_ck CHECK (status = 'closed' OR wrapped_key IS NOT NULL),
        CONSTRAINT issuer_elections_base_hash_ck CHECK (status <> 'open' OR base_hash IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE issuer_roll_entries (
        election_id uuid NOT NULL,
        national_number_hmac bytea NOT NULL,
        constituency text NOT NULL,
        basis text NOT NULL,
        CONSTRAINT issuer_roll_entries_pk PRIMARY KEY (election_id, national_number_hmac),
        CONSTRAINT issuer_roll_entries_hmac_ck CHECK (octet_length(national_number_hmac) = 32),
        CONSTRAINT issuer_roll_entries_basis_ck CHECK (basis IN ('belgian', 'eu_citizen', 'non_eu_citizen'))
      )`);
    await q.query(`
      CREATE TABLE issuer_issuances (
        election_id uuid NOT NULL,
        voter_key bytea NOT NULL,
        blinded_hash bytea NOT NULL,
        blind_signature bytea NOT NULL,
        CONSTRAINT issuer_issuances_pk PRIMARY KEY (election_id, voter_key),
        CONSTRAINT issuer_issuances_election_fk FOREIGN KEY (election_id) REFERENCES issuer_elections (election_id),
        CONSTRAINT issuer_issuances_voter_key_ck CHECK (octet_length(voter_key) = 32),
        CONSTRAINT issuer_issuances_blinded_hash_ck CHECK (octet_length(blinded_hash) = 32)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE issuer_issuances`);
    await q.query(`DROP TABLE issuer_roll_entries`);
    await q.query(`DROP TABLE issuer_elections`);
  }
}

export const issuerMigrations = [IssuerDatabase1796000000000];
