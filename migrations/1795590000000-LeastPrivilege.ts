import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege in the database (issue 9). Besides the append-only triggers on the board, the rights:
 *
 * - nobody but the owner (the role that runs migrations) holds UPDATE, DELETE or TRUNCATE on the board
 *   tables (board_entries, board_tree_heads, ballots);
 * - the role `evote_app` (created if missing, NOLOGIN: a group role) may SELECT and INSERT on those
 *   tables, and SELECT/INSERT/UPDATE/DELETE on every other table of the schema (sessions, counted
 *   ballots, …), also on tables later migrations create (default privileges of the migrating role).
 *
 * Running the server as that role: as the owner, `npm run migrate`; then
 *   CREATE ROLE evote_server LOGIN PASSWORD '…' IN ROLE evote_app;
 * and start the server with DATABASE_URL=postgres://evote_server:…@host/db (it finds nothing to migrate).
 * A migrating role without CREATEROLE skips the role creation (a NOTICE); the REVOKEs still apply.
 * The embedded PGlite accepts the same statements (one user, so it changes nothing in practice).
 */
export class LeastPrivilege1795590000000 implements MigrationInterface {
  name = 'LeastPrivilege1795590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      DECLARE
        s text := quote_ident(current_schema());
        board text := 'board_entries, board_tree_heads, ballots';
      BEGIN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM PUBLIC', board);
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'evote_app') THEN
            CREATE ROLE evote_app NOLOGIN;
          END IF;
        EXCEPTION
          WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently (another database of the cluster)
          WHEN insufficient_privilege THEN
            RAISE NOTICE 'evote_app not created: the migrating role lacks CREATEROLE';
            RETURN;
        END;
        EXECUTE format('GRANT USAGE ON SCHEMA %s TO evote_app', s);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO evote_app', s);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %s TO evote_app', s);
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM evote_app', board);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO evote_app', s);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT USAGE, SELECT ON SEQUENCES TO evote_app', s);
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      DECLARE s text := quote_ident(current_schema());
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'evote_app') THEN
          EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %s REVOKE ALL ON TABLES FROM evote_app', s);
          EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %s REVOKE ALL ON SEQUENCES FROM evote_app', s);
          EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM evote_app', s);
          EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %s FROM evote_app', s);
          EXECUTE format('REVOKE USAGE ON SCHEMA %s FROM evote_app', s);
        END IF;
      END
      $$`);
  }
}
