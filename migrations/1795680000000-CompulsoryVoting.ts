import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether voting is compulsory in an election, shown to voters in the booth. Belgian law makes it the rule
 * (Constitution art. 62); the Flemish Region dropped it for local elections from 2024 (docs/identity.md,
 * "Election law").
 */
export class CompulsoryVoting1795680000000 implements MigrationInterface {
  name = 'CompulsoryVoting1795680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE elections ADD COLUMN compulsory_voting boolean NOT NULL DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE elections DROP COLUMN compulsory_voting`);
  }
}
