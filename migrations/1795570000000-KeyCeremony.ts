import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key ceremony on the server (docs/protocol.md §35): the trustees' dealings, their verdicts on each
 * other's dealings (ok or a complaint, with the server's judgment), the ceremony's outcome, and the nonces
 * of signed trustee requests (replay protection). The key itself goes to `elections` (setup_hash, key_set,
 * base_hash) when the ceremony completes.
 */
export class KeyCeremony1795570000000 implements MigrationInterface {
  name = 'KeyCeremony1795570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dkg_dealings (
        election_id uuid NOT NULL,
        dealer integer NOT NULL,
        dealing text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT dkg_dealings_pk PRIMARY KEY (election_id, dealer),
        CONSTRAINT dkg_dealings_trustee_fk FOREIGN KEY (election_id, dealer) REFERENCES election_trustees (election_id, idx),
        CONSTRAINT dkg_dealings_dealer_ck CHECK (dealer BETWEEN 1 AND 255)
      )`);
    await q.query(`
      CREATE TABLE dkg_verdicts (
        election_id uuid NOT NULL,
        trustee integer NOT NULL,
        dealer integer NOT NULL,
        verdict text NOT NULL,
        complaint text NULL,
        judgment text NULL,
        reason text NULL,
        CONSTRAINT dkg_verdicts_pk PRIMARY KEY (election_id, trustee, dealer),
        CONSTRAINT dkg_verdicts_trustee_fk FOREIGN KEY (election_id, trustee) REFERENCES election_trustees (election_id, idx),
        CONSTRAINT dkg_verdicts_dealing_fk FOREIGN KEY (election_id, dealer) REFERENCES dkg_dealings (election_id, dealer),
        CONSTRAINT dkg_verdicts_distinct_ck CHECK (trustee <> dealer),
        CONSTRAINT dkg_verdicts_verdict_ck CHECK (
          (verdict = 'ok' AND complaint IS NULL AND judgment IS NULL AND reason IS NULL)
          OR (verdict = 'complaint' AND complaint IS NOT NULL AND judgment IN ('dealer-faulty', 'complaint-rejected') AND reason IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE dkg_outcomes (
        election_id uuid NOT NULL,
        state text NOT NULL,
        qualified integer[] NOT NULL,
        reason text NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT dkg_outcomes_pk PRIMARY KEY (election_id),
        CONSTRAINT dkg_outcomes_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT dkg_outcomes_state_ck CHECK ((state = 'complete' AND reason IS NULL) OR (state = 'failed' AND reason IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE trustee_request_nonces (
        election_id uuid NOT NULL,
        trustee integer NOT NULL,
        nonce bytea NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT trustee_request_nonces_pk PRIMARY KEY (election_id, trustee, nonce),
        CONSTRAINT trustee_request_nonces_trustee_fk FOREIGN KEY (election_id, trustee) REFERENCES election_trustees (election_id, idx),
        CONSTRAINT trustee_request_nonces_nonce_ck CHECK (octet_length(nonce) = 16)
      )`);
    await q.query(`CREATE INDEX trustee_request_nonces_seen_ix ON trustee_request_nonces (seen_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE trustee_request_nonces`);
    await q.query(`DROP TABLE dkg_outcomes`);
    await q.query(`DROP TABLE dkg_verdicts`);
    await q.query(`DROP TABLE dkg_dealings`);
  }
}
