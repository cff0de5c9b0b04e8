import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issuers that run apart from the platform (ISSUERS=separate, protocol §20 "Separate issuers").
 *
 * - `issuer_election_keys.issuer_url`: an election's key held by a separate issuer at that URL. The
 *   platform keeps only the public key: such a row never has a wrapped private key.
 * - Login flows of purpose `token`: the itsme login a booth asks for to get ballot tokens from separate
 *   issuers. Its nonce is the booth's (the hash of its blinded requests), and it belongs to a session.
 * - `identity_token_assertions`: the signed ID token of such a login, for the booth of that session to
 *   fetch and hand to the issuers; deleted when it expires (ten minutes, as the flow).
 */
export class SeparateIssuers1795640000000 implements MigrationInterface {
  name = 'SeparateIssuers1795640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issuer_election_keys ADD COLUMN issuer_url text`);
    await q.query(`ALTER TABLE issuer_election_keys DROP CONSTRAINT issuer_election_keys_destroyed_ck`);
    await q.query(`
      ALTER TABLE issuer_election_keys ADD CONSTRAINT issuer_election_keys_destroyed_ck CHECK (
        (issuer_url IS NULL AND (wrapped_key IS NULL) = destroyed) OR (issuer_url IS NOT NULL AND wrapped_key IS NULL)
      )`);
    await q.query(`ALTER TABLE issuer_election_keys ADD CONSTRAINT issuer_election_keys_url_ck CHECK (issuer_url IS NULL OR issuer_url ~ '^https?://[^\\s]{1,200}$')`);

    await q.query(`ALTER TABLE identity_login_flows DROP CONSTRAINT identity_login_flows_purpose_ck`);
    await q.query(`
      ALTER TABLE identity_login_flows ADD CONSTRAINT identity_login_flows_purpose_ck CHECK (
        (purpose = 'login' AND session_id_hash IS NULL AND action_hash IS NULL)
        OR (purpose = 'step_up' AND octet_length(session_id_hash) = 32 AND octet_length(action_hash) = 32)
        OR (purpose = 'token' AND octet_length(session_id_hash) = 32 AND action_hash IS NULL)
      )`);
    await q.query(`
      CREATE TABLE identity_token_assertions (
        session_id_hash bytea NOT NULL,
        nonce text NOT NULL,
        id_token text NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT identity_token_assertions_pk PRIMARY KEY (session_id_hash, nonce),
        CONSTRAINT identity_token_assertions_session_ck CHECK (octet_length(session_id_hash) = 32),
        CONSTRAINT identity_token_assertions_nonce_ck CHECK (nonce ~ '^[A-Za-z0-9_-]{43}$')
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE identity_token_assertions`);
    await q.query(`DELETE FROM identity_login_flows WHERE purpose = 'token'`);
    await q.query(`ALTER TABLE identity_login_flows DROP CONSTRAINT identity_login_flows_purpose_ck`);
    await q.query(`
      ALTER TABLE identity_login_flows ADD CONSTRAINT identity_login_flows_purpose_ck CHECK (
        (purpose = 'login' AND session_id_hash IS NULL AND action_hash IS NULL)
        OR (purpose = 'step_up' AND octet_length(session_id_hash) = 32 AND octet_length(action_hash) = 32)
      )`);
    await q.query(`DELETE FROM issuer_election_keys WHERE issuer_url IS NOT NULL`);
    await q.query(`ALTER TABLE issuer_election_keys DROP CONSTRAINT issuer_election_keys_url_ck`);
    await q.query(`ALTER TABLE issuer_election_keys DROP CONSTRAINT issuer_election_keys_destroyed_ck`);
    await q.query(`ALTER TABLE issuer_election_keys ADD CONSTRAINT issuer_election_keys_destroyed_ck CHECK ((wrapped_key IS NULL) = destroyed)`);
    await q.query(`ALTER TABLE issuer_election_keys DROP COLUMN issuer_url`);
  }
}
