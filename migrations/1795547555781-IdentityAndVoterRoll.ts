import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity: login sessions, transient OpenID Connect login state, step-up confirmations, and the voter
 * roll. No national number is stored in clear: sessions and the roll hold HMAC-SHA256(ROLL_HMAC_KEY, NN).
 * Session ids are stored as SHA-256 hashes only, so a database dump cannot be replayed as cookies.
 * The roll is keyed by election_id without a foreign key (the elections module adds it).
 */
export class IdentityAndVoterRoll1795547555781 implements MigrationInterface {
  name = 'IdentityAndVoterRoll1795547555781';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity_sessions (
        id_hash bytea NOT NULL,
        subject text NOT NULL,
        national_number_hmac bytea NOT NULL,
        roles text[] NOT NULL,
        acr text NOT NULL,
        auth_time timestamptz NOT NULL,
        claims jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT identity_sessions_pk PRIMARY KEY (id_hash),
        CONSTRAINT identity_sessions_id_hash_ck CHECK (octet_length(id_hash) = 32),
        CONSTRAINT identity_sessions_nn_hmac_ck CHECK (octet_length(national_number_hmac) = 32),
        CONSTRAINT identity_sessions_roles_ck CHECK (roles <@ ARRAY['voter', 'official', 'trustee']::text[]),
        CONSTRAINT identity_sessions_expiry_ck CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX identity_sessions_expires_idx ON identity_sessions (expires_at)`);

    await q.query(`
      CREATE TABLE identity_login_flows (
        flow_hash bytea NOT NULL,
        purpose text NOT NULL,
        state text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        return_to text NOT NULL,
        session_id_hash bytea,
        action_hash bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT identity_login_flows_pk PRIMARY KEY (flow_hash),
        CONSTRAINT identity_login_flows_purpose_ck CHECK (
          (purpose = 'login' AND session_id_hash IS NULL AND action_hash IS NULL)
          OR (purpose = 'step_up' AND octet_length(session_id_hash) = 32 AND octet_length(action_hash) = 32)
        )
      )`);

    await q.query(`
      CREATE TABLE identity_step_ups (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        session_id_hash bytea NOT NULL,
        subject text NOT NULL,
        action_hash bytea NOT NULL,
        acr text NOT NULL,
        auth_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz,
        CONSTRAINT identity_step_ups_pk PRIMARY KEY (id),
        CONSTRAINT identity_step_ups_session_fk FOREIGN KEY (session_id_hash) REFERENCES identity_sessions (id_hash) ON DELETE CASCADE,
        CONSTRAINT identity_step_ups_action_hash_ck CHECK (octet_length(action_hash) = 32)
      )`);
    await q.query(`CREATE INDEX identity_step_ups_lookup_idx ON identity_step_ups (session_id_hash, action_hash)`);

    await q.query(`
      CREATE TABLE voter_roll_entries (
        election_id uuid NOT NULL,
        national_number_hmac bytea NOT NULL,
        constituency text NOT NULL,
        basis text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT voter_roll_entries_pk PRIMARY KEY (election_id, national_number_hmac),
        CONSTRAINT voter_roll_entries_nn_hmac_ck CHECK (octet_length(national_number_hmac) = 32),
        CONSTRAINT voter_roll_entries_constituency_ck CHECK (length(constituency) BETWEEN 1 AND 100),
        CONSTRAINT voter_roll_entries_basis_ck CHECK (basis IN ('belgian', 'eu_citizen', 'non_eu_citizen'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE voter_roll_entries`);
    await q.query(`DROP TABLE identity_step_ups`);
    await q.query(`DROP TABLE identity_login_flows`);
    await q.query(`DROP TABLE identity_sessions`);
  }
}
