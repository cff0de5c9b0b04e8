import { join } from 'node:path';
import { Client } from 'pg';
import { hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { verifyBoardLog } from '../../src/crypto/record/board-log';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/crypto/record/merkle';
import { verifyTreeHead } from '../../src/crypto/record/tree-head';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { createPostgresDatabase, postgresAvailable, type TestDatabase } from '../support/databases';
import { freePort } from '../integration/identity/support';
import { killProcess, prepareCrowdBallots, startServerProcess, type ServerProcess } from '../support/server-process';

/**
 * Durability (issue 9): the real server process on PostgreSQL is killed with SIGKILL while voters cast
 * under load, and restarted. Every ballot the platform gave a receipt for must survive: on the board
 * (found by tracking code, with a valid inclusion proof in a signed head), counted, and the board log
 * still verifies. PostgreSQL only: PGlite is an embedded, single-process database.
 */
const root = join(__dirname, '..', '..');
const VOTERS = 40;
const run = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) {
  process.stderr.write('\n!!! test/e2e/durability.spec.ts SKIPPED: PostgreSQL is not reachable (EVOTE_PG_REACHABLE != 1)\n\n');
}

function startServer(db: TestDatabase, port: number): Promise<ServerProcess> {
  return startServerProcess(root, { ...db.env, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_CAST_PER_MINUTE: '0' });
}

interface Receipt {
  trackingCode: string;
  seq: number;
  entry: string;
  leafHash: string;
  head: { electionId: string; size: number; root: string; timestamp: number; signature: string };
  path: string[];
}

run('durability: SIGKILL of the server under load loses no receipted ballot [postgres]', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  let port: number;
  const base = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    port = await freePort();
  }, 30_000);
  afterAll(async () => {
    if (server) await killProcess(server.child, 'SIGKILL');
    await db?.drop();
  }, 30_000);

  it('every receipt survives a kill -9 at a random moment and the restarted board verifies', async () => {
    const started = Date.now();
    server = await startServer(db, port);
    const view = await (await fetch(`${base()}/elections/${DEMO_ELECTION_ID}`)).json();
    expect(view.status).toBe('open');
    const prepared = await prepareCrowdBallots(base(), VOTERS);

    // All casts at once; the server is killed at a random moment while they are in flight.
    const receipts = new Map<number, Receipt>();
    const cast = async (i: number) => {
      try {
        const res = await fetch(`${base()}/elections/${DEMO_ELECTION_ID}/ballots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(prepared[i].castBody),
        });
        if (res.status === 201) receipts.set(i, (await res.json()) as Receipt);
      } catch {
        // Connection reset by the kill: no receipt, so no promise was made.
      }
    };
    // The moment: after a random number (1 … VOTERS/2) of receipts, plus a random 0–30 ms.
    const killAfter = 1 + Math.floor(Math.random() * (VOTERS / 2));
    const delay = Math.floor(Math.random() * 30);
    let signalKill!: () => void;
    const killed = new Promise<void>((r) => (signalKill = r)).then(() => new Promise((r) => setTimeout(r, delay))).then(() => killProcess(server!.child, 'SIGKILL'));
    const fallback = setTimeout(() => signalKill(), 20_000);
    const castAndWatch = async (i: number) => {
      await cast(i);
      if (receipts.size >= killAfter) signalKill();
    };
    await Promise.all([...prepared.map((_, i) => castAndWatch(i)), killed]);
    clearTimeout(fallback);
    const receiptedBeforeKill = receipts.size;
    process.stdout.write(`durability: killed ${delay} ms after receipt ${killAfter}; ${receiptedBeforeKill}/${VOTERS} casts had a receipt\n`);
    expect(receiptedBeforeKill).toBeGreaterThanOrEqual(killAfter);

    // Restart on the same database; the voters without a receipt cast again (the same request).
    server = await startServer(db, port);
    for (let i = 0; i < prepared.length; i++) if (!receipts.has(i)) await cast(i);
    expect(receipts.size).toBe(VOTERS);

    const boardKey = hexToBytes((await (await fetch(`${base()}/board/key`)).json()).publicKey);
    const record = await (await fetch(`${base()}/elections/${DEMO_ELECTION_ID}/record`)).json();
    const log = verifyBoardLog(DEMO_ELECTION_ID, record.entries, record.head, hexToBytes(record.boardPublicKey));
    expect(log.failures).toEqual([]);
    expect(log.ok).toBe(true);
    expect(record.boardPublicKey).toBe(Buffer.from(boardKey).toString('hex'));

    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      for (const [i, receipt] of receipts) {
        // The receipt itself: signed head, inclusion proof of the entry it quotes.
        expect(verifyTreeHead(receipt.head, boardKey)).toBe(true);
        expect(Buffer.from(leafHash(utf8ToBytes(receipt.entry))).toString('hex')).toBe(receipt.leafHash);
        // The board after the restart: the same entry at the same place, provably in the latest signed head.
        expect(record.entries[receipt.seq]).toBe(receipt.entry);
        const found = await (await fetch(`${base()}/elections/${DEMO_ELECTION_ID}/ballots/${receipt.trackingCode}`)).json();
        expect(found.inclusion.seq).toBe(receipt.seq);
        expect(found.inclusion.leafHash).toBe(receipt.leafHash);
        expect(verifyTreeHead(found.inclusion.head, boardKey)).toBe(true);
        expect(
          verifyInclusion(hexToBytes(receipt.leafHash), receipt.seq, found.inclusion.head.size, found.inclusion.path.map((h: string) => hexToBytes(h)), hexToBytes(found.inclusion.head.root)),
        ).toBe(true);
        // Counted: this ballot is the pseudonym's counted one.
        const rows = await pg.query(`SELECT seq FROM counted_ballots WHERE election_id = $1 AND pseudonym = $2`, [DEMO_ELECTION_ID, Buffer.from(prepared[i].castBody.token.pseudonym, 'hex')]);
        expect(rows.rows.map((r) => Number(r.seq))).toEqual([receipt.seq]);
      }
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM counted_ballots WHERE election_id = $1`, [DEMO_ELECTION_ID]);
      expect(rows[0].n).toBe(VOTERS);
    } finally {
      await pg.end();
    }
    // Each signed head a receipt quoted is consistent with today's head: the log was only appended to.
    const heads = [...new Map([...receipts.values()].map((r) => [r.head.size, r.head])).values()];
    for (const head of heads) {
      const res = await fetch(`${base()}/elections/${DEMO_ELECTION_ID}/board/consistency?from=${head.size}&to=${record.head.size}`);
      expect(res.status).toBe(200);
      const proof = await res.json();
      expect(proof.from.root).toBe(head.root);
      expect(verifyConsistency(head.size, record.head.size, hexToBytes(head.root), hexToBytes(record.head.root), proof.path.map((h: string) => hexToBytes(h)))).toBe(true);
    }
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 120_000);
});
