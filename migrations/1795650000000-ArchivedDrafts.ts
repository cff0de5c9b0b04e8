import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A draft election may be archived (set aside for good, out of the lists) instead of going on. An
 * archived election never had a key: the "open needs a key" rule allows it too.
 */
export class ArchivedDrafts1795650000000 implements MigrationInterface {
  name = 'ArchivedDrafts1795650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE elections DROP CONSTRAINT elections_status_ck`);
    await q.query(`ALTER TABLE elections ADD CONSTRAINT elections_status_ck CHECK (status IN ('draft', 'key_ceremony', 'open', 'closed', 'tallied', 'published', 'archived'))`);
    await q.query(`ALTER TABLE elections DROP CONSTRAINT elections_open_needs_key_ck`);
    await q.query(`ALTER TABLE elections ADD CONSTRAINT elections_open_needs_key_ck CHECK (status IN ('draft', 'key_ceremony', 'archived') OR base_hash IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE elections SET status = 'draft' WHERE status = 'archived'`);
    await q.query(`ALTER TABLE elections DROP CONSTRAINT elections_open_needs_key_ck`);
    await q.query(`ALTER TABLE elections ADD CONSTRAINT elections_open_needs_key_ck CHECK (status IN ('draft', 'key_ceremony') OR base_hash IS NOT NULL)`);
    await q.query(`ALTER TABLE elections DROP CONSTRAINT elections_status_ck`);
    await q.query(`ALTER TABLE elections ADD CONSTRAINT elections_status_ck CHECK (status IN ('draft', 'key_ceremony', 'open', 'closed', 'tallied', 'published'))`);
  }
}
