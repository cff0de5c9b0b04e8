import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_DATABASE_URL, describeEachBackend } from '../support/databases';
import { electionDefinition } from '../support/election-definitions';
import { makeTrustees } from '../support/key-ceremony';
import { json } from '../support/scenario';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from './identity/support';

/**
 * migrations/1795590000000-LeastPrivilege.ts: the application's role `evote_app` may read and append to
 * the board (board_entries, board_tree_heads, ballots) but never UPDATE, DELETE or TRUNCATE it — refused
 * by the grants, before the append-only triggers are even reached.
 */
const BOARD = ['board_entries', 'board_tree_heads', 'ballots'];

describeEachBackend('least privilege: evote_app can append to the board but not change it', (db) => {
  it('the migration applies and grants exactly INSERT/SELECT on the board tables', async () => {
    const t = await startIdentityApp(db());
    try {
      for (const table of BOARD) {
        const [row] = await t.db.query(
          `SELECT has_table_privilege('evote_app', $1, 'SELECT') AS s, has_table_privilege('evote_app', $1, 'INSERT') AS i,
                  has_table_privilege('evote_app', $1, 'UPDATE') AS u, has_table_privilege('evote_app', $1, 'DELETE') AS d,
                  has_table_privilege('evote_app', $1, 'TRUNCATE') AS t,
                  has_table_privilege('public', $1, 'UPDATE') AS pu, has_table_privilege('public', $1, 'DELETE') AS pd`,
          [table],
        );
        expect({ table, ...row }).toEqual({ table, s: true, i: true, u: false, d: false, t: false, pu: false, pd: false });
      }
      // Normal rights elsewhere (re-voting updates counted_ballots; sessions are deleted at logout).
      for (const table of ['counted_ballots', 'identity_sessions', 'board_logs']) {
        const [row] = await t.db.query(`SELECT has_table_privilege('evote_app', $1, 'UPDATE') AND has_table_privilege('evote_app', $1, 'DELETE') AS ok`, [table]);
        expect({ table, ok: row.ok }).toEqual({ table, ok: true });
      }
    } finally {
      await t.close();
    }
  }, 60_000);

  it('[postgres] the server runs as a member of evote_app; that role INSERTs into board_entries but UPDATE/DELETE/TRUNCATE are denied', async () => {
    if (db().backend !== 'postgres') return; // PGlite has one user: privileges are checked above, not enforced between users.
    const role = `evote_lp_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE evote_app`);
    const url = new URL(db().url!);
    url.username = role;
    url.password = password;
    let t: IdentityTestApp | undefined;
    const restricted = new Client({ connectionString: url.toString() });
    try {
      // The real server, connected as the restricted role (migrations already applied by the owner above).
      t = await startIdentityApp(db(), { DATABASE_URL: url.toString() });
      const official = new CookieJar();
      await login(t.url, official, 'official');
      const created = await go(official, `${t.url}/elections`, json(electionDefinition(makeTrustees(3))));
      expect(created.status).toBe(201);
      const { id } = await created.json();
      const entries = await (await fetch(`${t.url}/elections/${id}/board/entries`)).json();
      expect(entries.length).toBeGreaterThan(0);

      await restricted.connect();
      expect((await restricted.query('SELECT current_user AS u')).rows[0].u).toBe(role);
      const seq = entries.length + 1000;
      await restricted.query(`INSERT INTO board_entries (election_id, seq, kind, entry, leaf_hash) VALUES ($1, $2, 'note', '{}', $3)`, [id, seq, randomBytes(32)]);
      expect((await restricted.query(`SELECT count(*)::int AS n FROM board_entries WHERE election_id = $1 AND seq = $2`, [id, seq])).rows[0].n).toBe(1);
      for (const [sql, table] of [
        [`UPDATE board_entries SET entry = '{"forged":true}' WHERE election_id = '${id}'`, 'board_entries'],
        [`DELETE FROM board_entries WHERE election_id = '${id}'`, 'board_entries'],
        [`TRUNCATE board_entries`, 'board_entries'],
        [`UPDATE board_tree_heads SET signed_at = 0`, 'board_tree_heads'],
        [`DELETE FROM board_tree_heads`, 'board_tree_heads'],
        [`UPDATE ballots SET election_id = election_id`, 'ballots'],
        [`DELETE FROM ballots`, 'ballots'],
      ]) {
        const err = await restricted.query(sql).then(() => undefined, (e: { code?: string; message: string }) => e);
        expect({ sql, code: err?.code, message: err?.message }).toEqual({ sql, code: '42501', message: `permission denied for table ${table}` });
      }
    } finally {
      await restricted.end().catch(() => undefined);
      await t?.close();
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.end();
      // The role is cluster-wide: dropped once this database no longer references it (at db().drop()).
      setRoleToDrop(role);
    }
  }, 90_000);

  afterAll(async () => {
    if (!roleToDrop) return;
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${roleToDrop}`).catch(() => undefined);
    await admin.end();
  });
});

let roleToDrop: string | undefined;
function setRoleToDrop(role: string): void {
  roleToDrop = role;
}
