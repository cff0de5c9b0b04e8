import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder: filled in by the issue-8/9 work that owns it. */
export class BoardNodes1795610000000 implements MigrationInterface {
  name = 'BoardNodes1795610000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
