import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { provisionSecrets, startServers, type ServerProcess } from '../../bench/load/servers';
import { crowdKey, loginVoter } from '../../bench/load/voters';
import { fetchElection, obtainBallotToken, prepareBallot, type PreparedBallot } from '../../src/client/voter-client';
import { hexToBytes } from '../../src/crypto/encoding';
import { verifyBoardLog } from '../../src/crypto/record/board-log';
import { verifyInclusion } from '../../src/crypto/record/merkle';
import { verifyTreeHead } from '../../src/crypto/record/tree-head';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { SANDBOX_IDENTITIES } from '../../src/modules/sandbox-idp/identities';
import { createPostgresDatabase, postgresAvailable, type TestDatabase } from '../support/databases';

/**
 * Scale-out (issue 8): the server keeps no state that PostgreSQL does not, so two server processes on
 * one database serve one election. They start at the same moment (migrations and demo seeding take
 * advisory locks), voters use both, and the board stays one totally ordered log. PostgreSQL only:
 * PGlite is an embedded, single-process database.
 */
const VOTERS = 24;
const run = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) process.stderr.write('\n!!! test/integration/two-instances.spec.ts SKIPPED: PostgreSQL is not reachable (EVOTE_PG_REACHABLE != 1)\n\n');

interface Receipt {
  trackingCode: string;
  seq: number;
  leafHash: string;
}

run('two server instances on one PostgreSQL database [postgres]', () => {
  let db: TestDatabase;
  let secretsDir: string;
  let servers: ServerProcess[] = [];
  const json = async <T>(url: string): Promise<T> => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    db = await createPostgresDatabase();
    secretsDir = mkdtempSync(join(tmpdir(), 'evote-two-secrets-'));
  }, 30_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await db?.drop();
    rmSync(secretsDir, { recursive: true, force: true });
  }, 30_000);

  it('start together on a fresh database: migrations applied once, one demo election, one key ceremony', async () => {
    servers = await startServers({
      command: ['-r', '@swc-node/register', 'src/main.ts'],
      // Shared secrets come by configuration, as in a deployment; DATA_DIR (keys generated atomically, demo trustees) is shared too.
      env: { ...db.env, ...provisionSecrets(secretsDir), NODE_ENV: 'development', DEMO_ELECTION: 'true', LOG_LEVEL: 'warn', RATE_LIMIT_LOGIN_PER_MINUTE: '100000' },
      count: 2,
      timeoutMs: 150_000,
    });
    for (const s of servers) expect(s.output()).not.toMatch(/error/i);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const migrations = (await pg.query(`SELECT count(*)::int AS n, count(DISTINCT name)::int AS d FROM schema_migrations`)).rows[0];
      expect(migrations.n).toBeGreaterThan(0);
      expect(migrations.n).toBe(migrations.d);
      expect((await pg.query(`SELECT count(*)::int AS n FROM elections`)).rows[0].n).toBe(1);
      // The sandbox's demo roll was seeded once, whole.
      expect((await pg.query(`SELECT count(*)::int AS n FROM voter_roll_entries WHERE election_id = $1`, [DEMO_ELECTION_ID])).rows[0].n).toBe(SANDBOX_IDENTITIES.filter((i) => i.roll).length);
      const kinds = (await pg.query(`SELECT kind, count(*)::int AS n FROM board_entries WHERE election_id = $1 GROUP BY kind`, [DEMO_ELECTION_ID])).rows;
      expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))['election-key']).toBe(1);
    } finally {
      await pg.end();
    }
    const views = await Promise.all(servers.map((s) => json<{ status: string; baseHash: string }>(`${s.url}/elections/${DEMO_ELECTION_ID}`)));
    expect(views.map((v) => v.status)).toEqual(['open', 'open']);
    expect(views[0].baseHash).toBe(views[1].baseHash);
  }, 180_000);

  it('voters use both instances; concurrent casts through both keep the board one contiguous, provable log', async () => {
    expect(servers).toHaveLength(2);
    const [a, b] = servers;
    // The election as the board of instance b serves it, checked, used with tokens from both.
    const { election, issuers } = await fetchElection(b.url, DEMO_ELECTION_ID);
    const before = await json<{ size: number }>(`${a.url}/elections/${DEMO_ELECTION_ID}/board/head`);

    // Each voter logs in at one instance (its sandbox provider keeps its flow in memory) and asks for
    // the token at the other: the session is in PostgreSQL.
    const prepared: PreparedBallot[] = await Promise.all(
      Array.from({ length: VOTERS }, async (_, i) => {
        const [loginAt, tokenAt] = i % 2 ? [a, b] : [b, a];
        const cookie = await loginVoter(loginAt.url, crowdKey(i + 1));
        const send = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
        const { token, pseudonym } = await obtainBallotToken(tokenAt.url, election, DEMO_ELECTION_ID, issuers, send);
        return prepareBallot(election, DEMO_ELECTION_ID, token, pseudonym, { council: [`list-${(i % 4) + 1}`], 'car-free-centre': [i % 3 ? 'yes' : 'no'] });
      }),
    );

    // All casts at once, alternating instances.
    const receipts = await Promise.all(
      prepared.map(async (p, i) => {
        const res = await fetch(`${servers[i % 2].url}/elections/${DEMO_ELECTION_ID}/ballots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(p.castBody),
        });
        expect(res.status).toBe(201);
        return (await res.json()) as Receipt;
      }),
    );

    // Total order: the casts took the seqs right after the board's previous end, each exactly once.
    expect(receipts.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: VOTERS }, (_, i) => before.size + i));
    const headA = await json<{ size: number; root: string }>(`${a.url}/elections/${DEMO_ELECTION_ID}/board/head`);
    const headB = await json<{ size: number; root: string }>(`${b.url}/elections/${DEMO_ELECTION_ID}/board/head`);
    expect(headB).toEqual(headA);
    expect(headA.size).toBe(before.size + VOTERS);

    // Every receipt is proven in the final head, by the instance that did not take the cast.
    const boardKey = hexToBytes((await json<{ publicKey: string }>(`${b.url}/board/key`)).publicKey);
    for (const [i, r] of receipts.entries()) {
      const proof = await json<{ leafHash: string; head: Parameters<typeof verifyTreeHead>[0]; path: string[] }>(
        `${servers[(i + 1) % 2].url}/elections/${DEMO_ELECTION_ID}/board/entries/${r.seq}/inclusion?size=${headA.size}`,
      );
      expect(proof.leafHash).toBe(r.leafHash);
      expect(proof.head.root).toBe(headA.root);
      expect(verifyTreeHead(proof.head, boardKey)).toBe(true);
      expect(verifyInclusion(hexToBytes(r.leafHash), r.seq, headA.size, proof.path.map((h) => hexToBytes(h)), hexToBytes(headA.root))).toBe(true);
    }

    // And the whole record, from either instance, verifies as one log.
    const record = await json<{ entries: string[]; head: Parameters<typeof verifyTreeHead>[0]; boardPublicKey: string }>(`${b.url}/elections/${DEMO_ELECTION_ID}/record`);
    const verdict = verifyBoardLog(DEMO_ELECTION_ID, record.entries, record.head, hexToBytes(record.boardPublicKey));
    expect(verdict.failures).toEqual([]);
    expect(record.entries).toHaveLength(headA.size);
  }, 180_000);
});
