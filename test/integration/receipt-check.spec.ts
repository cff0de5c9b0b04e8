// A voter's kept receipt checked against the board after the close (src/client/receipt-check.ts), over real
// HTTP: against the honest server (on the closed board, then counted, or replaced by the voter's re-vote),
// and against a dishonest one that holds the real board key and serves a board without the voter's ballot,
// or a head under another key. The voter's device trusts only the board key anchored by the fingerprint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { checkReceiptOnBoard } from '../../src/client/receipt-check';
import { fetchElection } from '../../src/client/voter-client';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { consistencyProof, inclusionProof, leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { parseReceiptFile, type ReceiptFile, receiptFile } from '../../src/crypto/record/receipt-file';
import { type SignedTreeHead, signTreeHead } from '../../src/crypto/record/tree-head';
import { BoardKey } from '../../src/modules/board/board-key';
import { describeEachBackend } from '../support/databases';
import { closedElection, type ClosedElection, decryptWith } from '../support/tally-election';
import { startIdentityApp, type IdentityTestApp } from './identity/support';

/** A dishonest board: serves `entries` with heads signed by `secret` (the real board key, or another). */
async function boardServer(electionId: string, entries: string[], secret: Uint8Array) {
  const leaves = entries.map((x) => leafHash(utf8ToBytes(x)));
  const headAt = (size: number): SignedTreeHead => signTreeHead({ electionId, size, root: bytesToHex(treeRoot(leaves, size)), timestamp: 1_790_000_040_000 }, secret);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const base = `/elections/${electionId}/board`;
    const n = entries.length;
    if (url.pathname === `${base}/head`) return send(200, headAt(n));
    if (url.pathname === `${base}/consistency`) {
      const [from, to] = [Number(url.searchParams.get('from')), Number(url.searchParams.get('to'))];
      return send(200, { from: headAt(from), to: headAt(to), path: consistencyProof(leaves, from, to).map(bytesToHex) });
    }
    if (url.pathname === `${base}/entries`) {
      const from = Number(url.searchParams.get('from'));
      return send(200, entries.slice(from).map((entry, i) => ({ seq: from + i, kind: JSON.parse(entry).kind, entry, leafHash: bytesToHex(leaves[from + i]) })));
    }
    const inc = url.pathname.match(new RegExp(`^${base}/entries/(\\d+)/inclusion$`));
    if (inc) return send(200, { seq: Number(inc[1]), leafHash: bytesToHex(leaves[Number(inc[1])]), head: headAt(n), path: inclusionProof(leaves, Number(inc[1]), n).map(bytesToHex) });
    send(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describeEachBackend('a voter checks a kept receipt against the board after the close', (db) => {
  let t: IdentityTestApp;
  let e: ClosedElection;
  let boardKey: string;
  let receipts: Array<{ voter: number; receipt: ReceiptFile }>;
  const send = (u: string, i?: RequestInit) => fetch(u, i);

  beforeAll(async () => {
    t = await startIdentityApp(db());
    e = await closedElection(t, 8); // voter 7 votes again
    const verified = await fetchElection(t.url, e.id, send, { baseHash: bytesToHex(e.election.electionHash) });
    boardKey = verified.setup.boardPublicKey;
    receipts = e.answers.map(({ voter, answer }) => ({ voter, receipt: receiptFile(answer, { electionId: e.id, fingerprint: bytesToHex(e.election.electionHash), boardPublicKey: boardKey }) }));
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (e) rmSync(e.keyDir, { recursive: true, force: true });
  });

  const of = (voter: number) => receipts.filter((r) => r.voter === voter).map((r) => r.receipt);

  it('honest board: on the closed board before the tally; in the count after; a re-voter is told the later ballot counted', async () => {
    for (const { receipt } of receipts) expect(parseReceiptFile(JSON.parse(JSON.stringify(receipt))).receipt).toEqual(receipt);
    const before = await checkReceiptOnBoard(t.url, of(1)[0], boardKey, send);
    expect(before).toMatchObject({ ok: true, closed: true, count: { status: 'not-tallied' } });

    await decryptWith(t, e, [1, 2]);
    expect(await checkReceiptOnBoard(t.url, of(1)[0], boardKey, send)).toMatchObject({ ok: true, closed: true, count: { status: 'counted' } });
    const [first, second] = of(7);
    expect(await checkReceiptOnBoard(t.url, first, boardKey, send, [second])).toMatchObject({ ok: true, count: { status: 'superseded', by: second.seq } });
    expect(await checkReceiptOnBoard(t.url, second, boardKey, send, [])).toMatchObject({ ok: true, count: { status: 'counted' } });
    // Without the later receipt the device cannot tell a replaced ballot from a dropped one, and says so.
    expect((await checkReceiptOnBoard(t.url, first, boardKey, send)).count).toEqual({ status: 'not-counted' });
  });

  it('attack: the server, with the real board key, serves a board without the voter\'s ballot: two signed heads of one size are the evidence', async () => {
    const record = (await (await fetch(`${t.url}/elections/${e.id}/record`)).json()) as { entries: string[] };
    const victim = of(1)[0];
    const real = record.entries.map((x) => JSON.parse(x));
    // The voter's entry is replaced by the next voter's ballot; the rest renumbered and the board re-signed.
    const kept = real.filter((x, seq) => seq !== victim.seq);
    const entries = kept.map((x, seq) => JSON.stringify({ v: 1, electionId: e.id, seq, kind: x.kind, payload: x.payload }));
    const secret = t.app.get(BoardKey).secretKey;
    const fork = await boardServer(e.id, entries, secret);
    try {
      const r = await checkReceiptOnBoard(fork.url, victim, boardKey, send);
      expect(r.ok).toBe(false);
      expect(r.fork?.size).toBe(victim.head.size);
      expect(r.fork?.a.root).toBe(victim.head.root);
      expect(r.fork?.b.root).not.toBe(victim.head.root);
      expect(r.failures[0]).toMatch(/two heads of size \d+ signed by the board key with different roots: the board forked/);
    } finally {
      await fork.close();
    }
  });

  it('attack: a board whose heads another key signed is refused, whatever it contains', async () => {
    const record = (await (await fetch(`${t.url}/elections/${e.id}/record`)).json()) as { entries: string[] };
    const fake = await boardServer(e.id, record.entries, hexToBytes('11'.repeat(32)));
    try {
      const r = await checkReceiptOnBoard(fake.url, of(2)[0], boardKey, send);
      expect(r.ok).toBe(false);
      expect(r.failures.join(' ')).toMatch(/not signed by the election's board key/);
    } finally {
      await fake.close();
    }
  });

  it('a receipt under another board key, or doctored, proves nothing and is not held against the board', async () => {
    const r = of(3)[0];
    expect((await checkReceiptOnBoard(t.url, r, 'ab'.repeat(32), send)).failures[0]).toMatch(/another board key/);
    const doctored = { ...r, entry: r.entry.replace('"kind":"ballot"', '"kind":"audit"') };
    expect((await checkReceiptOnBoard(t.url, doctored, boardKey, send)).failures[0]).toMatch(/the receipt proves nothing/);
  });
});
