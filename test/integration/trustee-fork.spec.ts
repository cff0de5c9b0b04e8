// The fork attack on the trustees (issue 14), from the server's side: a server that holds the real board key
// serves a trustee a fork of the board that contains one voter's ballot only (it passes checks 1–11 and
// 15, as any record before the tally does), to learn that vote from the combined shares, and then asks the
// same trustees to decrypt the real board too. The trustee program pins the board key and every head it saw,
// and decrypts one aggregate per election, ever.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { trusteeDecrypt } from '../../src/cli/decrypt';
import { readBoardState, trusteeObserve, writeBoardState } from '../../src/cli/trustee-board';
import { ApiClient } from '../../src/cli/http';
import { tallyToJSON } from '../../src/crypto/ballot';
import { bytesToHex, utf8ToBytes } from '../../src/crypto/encoding';
import { ristretto255Group as g } from '../../src/crypto/group';
import { aggregateCounted } from '../../src/crypto/record/counting';
import { consistencyProof, leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { signTreeHead } from '../../src/crypto/record/tree-head';
import { pseudonymPublicKey } from '../../src/crypto/tokens/pseudonym';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { BoardKey } from '../../src/modules/board/board-key';
import { describeEachBackend } from '../support/databases';
import { closedElection, type ClosedElection } from '../support/tally-election';
import { startIdentityApp, type IdentityTestApp } from './identity/support';

/** A fork of the record: the real entries up to the open, one ballot, the real issuance logs, a close and a tally of that one ballot. */
function forkRecord(record: { electionId: string; entries: string[] }, e: ClosedElection, boardSecret: Uint8Array) {
  const real = record.entries.map((x) => JSON.parse(x));
  const openAt = real.findIndex((x) => x.kind === 'open');
  const victim = real.find((x) => x.kind === 'ballot');
  const kept = [...real.slice(0, openAt + 1), victim, ...real.filter((x) => x.kind === 'issuance-log')];
  const entries = kept.map((x, seq) => JSON.stringify({ v: 1, electionId: record.electionId, seq, kind: x.kind, payload: x.payload }));
  const text = (seq: number, kind: string, payload: unknown) => JSON.stringify({ v: 1, electionId: record.electionId, seq, kind, payload });
  entries.push(text(entries.length, 'close', { ballotsCast: 1, scheduled: false }));
  const parsed = entries.map((x) => JSON.parse(x));
  const counted = [openAt + 1];
  const aggregate = tallyToJSON(g, aggregateCounted(g, e.election.manifest, parsed, counted));
  entries.push(text(entries.length, 'tally', { aggregate, counted, boardSize: entries.length }));
  const leaves = entries.map((x) => leafHash(utf8ToBytes(x)));
  const headAt = (size: number) => signTreeHead({ electionId: record.electionId, size, root: bytesToHex(treeRoot(leaves, size)), timestamp: 1_790_000_040_000 }, boardSecret);
  return { entries, leaves, headAt, tallySeq: entries.length - 1 };
}

/** The dishonest server: serves the fork (signed with the real board key), collects the shares posted to it. */
async function forkServer(electionId: string, fork: ReturnType<typeof forkRecord>, boardPublicKey: string) {
  const posted: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const base = `/elections/${electionId}`;
    if (req.method === 'GET' && url.pathname === `${base}/tally`) return send(200, { electionId, status: 'closed', tallySeq: fork.tallySeq, shares: [], result: null });
    if (req.method === 'GET' && url.pathname === `${base}/record`) return send(200, { format: 'evote-election-record', version: 3, electionId, boardPublicKey, head: fork.headAt(fork.entries.length), entries: fork.entries });
    if (req.method === 'GET' && url.pathname === `${base}/board/head`) return send(200, fork.headAt(fork.entries.length));
    if (req.method === 'GET' && url.pathname === `${base}/board/consistency`) {
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      if (!(from <= to && to <= fork.entries.length)) return send(404, { error: 'no_tree_head' });
      return send(200, { from: fork.headAt(from), to: fork.headAt(to), path: consistencyProof(fork.leaves, from, to).map(bytesToHex) });
    }
    if (req.method === 'POST' && url.pathname === `${base}/tally/shares`) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        posted.push(JSON.parse(body));
        send(201, { trustee: posted.length, created: true, seq: fork.entries.length, shares: posted.length, result: null });
      });
      return;
    }
    send(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posted, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describeEachBackend('trustees against a server that forks the board', (db) => {
  let t: IdentityTestApp;
  let e: ClosedElection;

  beforeAll(async () => {
    t = await startIdentityApp(db());
    e = await closedElection(t, 4);
  }, 180_000);
  afterAll(async () => {
    if (e) rmSync(e.keyDir, { recursive: true, force: true });
    await t?.close();
  });

  it('a trustee who saw the real board refuses the fork (no share leaves); one who did not decrypts the fork once, then refuses the real board; the others decrypt it', async () => {
    // Trustee 3 saw the real board after the close (`evote trustee observe`); trustees 1 and 2 only at the ceremony.
    await trusteeObserve(new ApiClient(t.url), e.keyPaths[2], e.id);
    await fetch(`${t.url}/elections/${e.id}/tally`); // the real tally is computed
    const record = await (await fetch(`${t.url}/elections/${e.id}/record`)).json();
    const key = t.app.get(BoardKey);
    const fork = forkRecord(record, e, key.secretKey);
    const evil = await forkServer(e.id, fork, key.publicKeyHex);
    try {
      // The fork is a well-formed record signed with the real board key: everything up to the tally passes.
      const v = verifyElectionRecord({ format: 'evote-election-record', version: 3, electionId: e.id, boardPublicKey: key.publicKeyHex, head: fork.headAt(fork.entries.length), entries: fork.entries });
      expect(v.checks.filter((c) => (Number(c.id) <= 11 || c.id === '15') && c.status !== 'pass')).toEqual([]);

      await expect(trusteeDecrypt({ server: evil.url, electionId: e.id, keyPath: e.keyPaths[2] })).rejects.toThrow(/smaller than one this trustee saw|not an extension of the one this trustee saw|different roots/);
      expect(evil.posted).toHaveLength(0);

      // Trustee 1 has no later head than the ceremony's, which the fork extends: it cannot tell, and decrypts the fork…
      await trusteeDecrypt({ server: evil.url, electionId: e.id, keyPath: e.keyPaths[0] });
      expect(evil.posted).toHaveLength(1);
      // Asked again by the forking server, it posts the very same share (nothing new is learned).
      await trusteeDecrypt({ server: evil.url, electionId: e.id, keyPath: e.keyPaths[0] });
      expect(evil.posted).toHaveLength(2);
      expect(evil.posted[1]).toEqual(evil.posted[0]);
      // …but then the real board is refused, with the evidence: it saved the fork's signed head, and the real
      // board has a head of the same size with another root (signed proof of equivocation). Had the heads
      // not met, the second aggregate would be refused (one aggregate per election, ever).
      await expect(trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[0] })).rejects.toThrow(/two signed heads of size \d+ with different roots|not an extension|already decrypted another aggregate/);
      const state = readBoardState(e.keyPaths[0], e.id)!;
      expect(state.decrypted?.tallySeq).toBe(fork.tallySeq);
      // With its saved heads cleared to the ceremony's (a restored backup, say), the rule on aggregates alone still refuses.
      writeBoardState(e.keyPaths[0], { ...state, heads: state.heads.slice(0, 1) });
      await expect(trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[0] })).rejects.toThrow(/already decrypted another aggregate/);
    } finally {
      await evil.close();
    }
    // The real board is decrypted by trustees 2 and 3.
    await trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[1] });
    const r3 = await trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[2] });
    expect(r3.result).toMatchObject({ trustees: [2, 3], results: e.expected });
  });

  it('a record signed with another board key is refused, even when it verifies on its own', async () => {
    const record = await (await fetch(`${t.url}/elections/${e.id}/record`)).json();
    const other = new Uint8Array(32).fill(9);
    const fork = forkRecord(record, e, other);
    const evil = await forkServer(e.id, fork, bytesToHex(pseudonymPublicKey(other)));
    try {
      await expect(trusteeDecrypt({ server: evil.url, electionId: e.id, keyPath: e.keyPaths[1] })).rejects.toThrow(/not the one pinned at the ceremony/);
      expect(evil.posted).toHaveLength(0);
    } finally {
      await evil.close();
    }
  });
});
