import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * itsme never sends a Belgian national number for an account enrolled with another country's document
 * (EU residents among them). Such a person still logs in, so eligibility can tell them why the roll
 * cannot be consulted ("ask your municipality"): their session has no national number hash. Such a
 * session holds only the voter role, matches no roll entry and no official, and gets no ballot token.
 */
export class SessionsWithoutNationalNumber1795631000000 implements MigrationInterface {
  name = 'SessionsWithoutNationalNumber1795631000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE identity_sessions ALTER COLUMN national_number_hmac DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM identity_sessions WHERE national_number_hmac IS NULL`);
    await q.query(`ALTER TABLE identity_sessions ALTER COLUMN national_number_hmac SET NOT NULL`);
  }
}
