import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform metadata: which deployment this database belongs to and when it was created. Records
 * exported from this database name the instance, so two deployments' records cannot be confused.
 */
export class PlatformMetadata1764010000000 implements MigrationInterface {
  name = 'PlatformMetadata1764010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform_metadata (
        singleton boolean NOT NULL DEFAULT true,
        instance_id uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT platform_metadata_pk PRIMARY KEY (singleton),
        CONSTRAINT platform_metadata_singleton_ck CHECK (singleton)
      )`);
    await q.query(`INSERT INTO platform_metadata DEFAULT VALUES`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform_metadata`);
  }
}
