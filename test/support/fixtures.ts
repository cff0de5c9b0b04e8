import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Inserts a bare election with an empty board, for tests of modules that only need one to exist. */
export async function insertElection(ds: DataSource, status = 'draft'): Promise<string> {
  const id = randomUUID();
  await ds.transaction(async (m) => {
    await m.query(`INSERT INTO elections (id, slug, title, status, manifest) VALUES ($1, $2, 'Test election', $3, '{}')`, [id, `t-${id.slice(0, 8)}`, status]);
    await m.query(`INSERT INTO board_logs (election_id) VALUES ($1)`, [id]);
  });
  return id;
}
