import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Submission counters (protocol version 2): the pseudonym signs each cast or audit with a counter that must
 * exceed every earlier one of that pseudonym, so the server cannot replay or reorder a voter's
 * submissions. The server keeps the counter of each stored submission to refuse a stale one under the
 * board's lock. Rows from before (protocol version 1) get 0.
 */
export class SubmissionCounters1795630000000 implements MigrationInterface {
  name = 'SubmissionCounters1795630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ballots ADD COLUMN counter bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE ballots ADD CONSTRAINT ballots_counter_ck CHECK (counter BETWEEN 0 AND 4294967295)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ballots DROP CONSTRAINT ballots_counter_ck`);
    await q.query(`ALTER TABLE ballots DROP COLUMN counter`);
  }
}
