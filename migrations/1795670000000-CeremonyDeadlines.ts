import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines for the key ceremony's two rounds, so one absent trustee cannot stall it (docs/protocol.md §35.6).
 * `dealings_closed_at` is when the dealing round closed (every trustee dealt, or its deadline passed): from
 * then on the dealings are public and no dealing is taken. A ceremony that failed may be archived.
 */
export class CeremonyDeadlines1795670000000 implements MigrationInterface {
  name = 'CeremonyDeadlines1795670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE elections ADD COLUMN dealing_deadline timestamptz NULL`);
    await q.query(`ALTER TABLE elections ADD COLUMN verdict_deadline timestamptz NULL`);
    await q.query(`ALTER TABLE elections ADD COLUMN dealings_closed_at timestamptz NULL`);
    await q.query(
      `ALTER TABLE elections ADD CONSTRAINT elections_ceremony_deadlines_ck CHECK ((dealing_deadline IS NULL AND verdict_deadline IS NULL) OR (dealing_deadline IS NOT NULL AND verdict_deadline > dealing_deadline))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE elections DROP CONSTRAINT elections_ceremony_deadlines_ck`);
    await q.query(`ALTER TABLE elections DROP COLUMN dealings_closed_at`);
    await q.query(`ALTER TABLE elections DROP COLUMN verdict_deadline`);
    await q.query(`ALTER TABLE elections DROP COLUMN dealing_deadline`);
  }
}
