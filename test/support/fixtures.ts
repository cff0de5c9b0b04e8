import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Inserts a bare election row with an empty board, for tests of modules that only need one to exist.
 * Statuses past the key ceremony need a key: a placeholder one is set (enough for the row's constraints,
 * not for verifying ballots).
 */
export async function insertElection(ds: DataSource, status = 'draft'): Promise<string> {
  const id = randomUUID();
  const keyed = !['draft', 'key_ceremony'].includes(status);
  const hash = Buffer.alloc(32, 7);
  await ds.transaction(async (m) => {
    await m.query(
      `INSERT INTO elections (id, slug, title, status, manifest, kind, election_day, revoting, trustee_threshold, trustee_count,
         issuer_threshold, issuer_ids, manifest_hash, setup_hash, key_set, base_hash)
       VALUES ($1, $2, 'Test election', $3, '{}', 'municipal', '2027-05-09', 'last', 1, 1, 1, ARRAY['test-issuer'], $4, $5, $6, $7)`,
      [id, `t-${id.slice(0, 8)}`, status, hash, keyed ? hash : null, keyed ? '{}' : null, keyed ? hash : null],
    );
    await m.query(`INSERT INTO board_logs (election_id) VALUES ($1)`, [id]);
  });
  return id;
}
