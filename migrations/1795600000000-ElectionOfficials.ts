import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder: filled in by the issue-8/9 work that owns it. */
export class ElectionOfficials1795600000000 implements MigrationInterface {
  name = 'ElectionOfficials1795600000000';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
