import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Elections and their bulletin boards. A board is an append-only transparency log (RFC 9162): entries,
 * the log's compact state (size and the roots of its perfect subtrees) and every signed tree head.
 * Entries and tree heads can never be updated or deleted: triggers refuse it (least-privilege grants
 * come on top of this on PostgreSQL). Entries carry no timestamps, so the database does not record
 * when a ballot arrived beyond its order.
 */
export class ElectionsAndBulletinBoard1764020000000 implements MigrationInterface {
  name = 'ElectionsAndBulletinBoard1764020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE elections (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        title text NOT NULL,
        status text NOT NULL DEFAULT 'draft',
        manifest text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT elections_pk PRIMARY KEY (id),
        CONSTRAINT elections_slug_uq UNIQUE (slug),
        CONSTRAINT elections_slug_ck CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        CONSTRAINT elections_status_ck CHECK (status IN ('draft', 'key_ceremony', 'open', 'closed', 'tallied', 'published'))
      )`);
    await q.query(`
      CREATE TABLE board_logs (
        election_id uuid NOT NULL,
        size bigint NOT NULL DEFAULT 0,
        peaks bytea[] NOT NULL DEFAULT '{}',
        CONSTRAINT board_logs_pk PRIMARY KEY (election_id),
        CONSTRAINT board_logs_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT board_logs_size_ck CHECK (size >= 0)
      )`);
    await q.query(`
      CREATE TABLE board_entries (
        election_id uuid NOT NULL,
        seq bigint NOT NULL,
        kind text NOT NULL,
        entry text NOT NULL,
        leaf_hash bytea NOT NULL,
        tracking_code text NULL,
        CONSTRAINT board_entries_pk PRIMARY KEY (election_id, seq),
        CONSTRAINT board_entries_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT board_entries_seq_ck CHECK (seq >= 0),
        CONSTRAINT board_entries_leaf_hash_ck CHECK (octet_length(leaf_hash) = 32),
        CONSTRAINT board_entries_tracking_code_uq UNIQUE (election_id, tracking_code)
      )`);
    await q.query(`
      CREATE TABLE board_tree_heads (
        election_id uuid NOT NULL,
        size bigint NOT NULL,
        root bytea NOT NULL,
        signed_at bigint NOT NULL,
        signature bytea NOT NULL,
        CONSTRAINT board_tree_heads_pk PRIMARY KEY (election_id, size),
        CONSTRAINT board_tree_heads_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT board_tree_heads_root_ck CHECK (octet_length(root) = 32),
        CONSTRAINT board_tree_heads_signature_ck CHECK (octet_length(signature) = 64)
      )`);
    await q.query(`
      CREATE FUNCTION board_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the bulletin board is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['board_entries', 'board_tree_heads']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION board_refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION board_refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE board_tree_heads`);
    await q.query(`DROP TABLE board_entries`);
    await q.query(`DROP FUNCTION board_refuse_change()`);
    await q.query(`DROP TABLE board_logs`);
    await q.query(`DROP TABLE elections`);
  }
}
