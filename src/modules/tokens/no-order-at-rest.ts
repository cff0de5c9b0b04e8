import type { EntityManager } from 'typeorm';

/**
 * Rewrites an election's rows of `table` in random order, inside the caller's transaction (the close):
 * afterwards every row carries that transaction's id and a random physical position, so neither `xmin`
 * nor the table's order says when each was written. Dead row versions stay until vacuum. Shared by the
 * in-process issuers (token_issuances) and the separate issuer (issuer_issuances).
 */
export async function rewriteInRandomOrder(m: EntityManager, table: 'token_issuances' | 'issuer_issuances', electionId: string): Promise<void> {
  await m.query(`CREATE TEMPORARY TABLE retired_rows ON COMMIT DROP AS SELECT * FROM ${table} WHERE election_id = $1`, [electionId]);
  await m.query(`DELETE FROM ${table} WHERE election_id = $1`, [electionId]);
  await m.query(`INSERT INTO ${table} SELECT * FROM retired_rows ORDER BY random()`);
}
