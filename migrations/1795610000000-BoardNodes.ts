import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored subtree hashes of the bulletin board (issue 8), so that inclusion and consistency proofs read
 * O(log n) rows instead of every leaf. Row (election, level, idx) is the RFC 9162 hash of the perfect
 * subtree over entries [idx·2^level, (idx+1)·2^level), level ≥ 1 (level 0, the leaf hashes, stays in
 * board_entries). Each append writes the subtrees it completes, in its own transaction; a subtree never
 * changes once complete, so the table is append-only like the rest of the board (triggers, and no
 * UPDATE/DELETE/TRUNCATE right for anyone but the owner).
 *
 * Existing logs are backfilled here, level by level in SQL (sha256() is built into PostgreSQL ≥ 11 and
 * PGlite), under a lock that keeps appends out until the migration commits.
 */
export class BoardNodes1795610000000 implements MigrationInterface {
  name = 'BoardNodes1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE board_nodes (
        election_id uuid NOT NULL,
        level smallint NOT NULL,
        idx bigint NOT NULL,
        hash bytea NOT NULL,
        CONSTRAINT board_nodes_pk PRIMARY KEY (election_id, level, idx),
        CONSTRAINT board_nodes_election_fk FOREIGN KEY (election_id) REFERENCES elections (id),
        CONSTRAINT board_nodes_level_ck CHECK (level BETWEEN 1 AND 62),
        CONSTRAINT board_nodes_idx_ck CHECK (idx >= 0),
        CONSTRAINT board_nodes_hash_ck CHECK (octet_length(hash) = 32)
      )`);
    await q.query(`CREATE TRIGGER board_nodes_append_only BEFORE UPDATE OR DELETE ON board_nodes FOR EACH ROW EXECUTE FUNCTION board_refuse_change()`);
    await q.query(`CREATE TRIGGER board_nodes_no_truncate BEFORE TRUNCATE ON board_nodes FOR EACH STATEMENT EXECUTE FUNCTION board_refuse_change()`);
    // As 1795590000000-LeastPrivilege does for the other board tables.
    await q.query(`
      DO $$
      BEGIN
        REVOKE UPDATE, DELETE, TRUNCATE ON board_nodes FROM PUBLIC;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'evote_app') THEN
          GRANT SELECT, INSERT ON board_nodes TO evote_app;
          REVOKE UPDATE, DELETE, TRUNCATE ON board_nodes FROM evote_app;
        END IF;
      END
      $$`);
    // Backfill. SHARE mode conflicts with the row updates an append makes to board_logs, so no entry
    // arrives between the backfill and the commit (an append waits, then writes its own nodes).
    await q.query(`LOCK TABLE board_logs IN SHARE MODE`);
    await q.query(`
      DO $$
      DECLARE
        lvl int := 1;
        added bigint;
      BEGIN
        INSERT INTO board_nodes (election_id, level, idx, hash)
          SELECT l.election_id, 1, l.seq / 2, sha256(decode('01', 'hex') || l.leaf_hash || r.leaf_hash)
          FROM board_entries l JOIN board_entries r ON r.election_id = l.election_id AND r.seq = l.seq + 1
          WHERE l.seq % 2 = 0;
        GET DIAGNOSTICS added = ROW_COUNT;
        WHILE added > 0 LOOP
          INSERT INTO board_nodes (election_id, level, idx, hash)
            SELECT l.election_id, lvl + 1, l.idx / 2, sha256(decode('01', 'hex') || l.hash || r.hash)
            FROM board_nodes l JOIN board_nodes r ON r.election_id = l.election_id AND r.level = lvl AND r.idx = l.idx + 1
            WHERE l.level = lvl AND l.idx % 2 = 0;
          GET DIAGNOSTICS added = ROW_COUNT;
          lvl := lvl + 1;
        END LOOP;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE board_nodes`);
  }
}
