import { DataSource } from 'typeorm';
import { hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/crypto/record/merkle';
import { verifyTreeHead } from '../../src/crypto/record/tree-head';
import { BoardKey } from '../../src/modules/board/board-key';
import { BoardService, TREE_HEAD_TIME_GRANULARITY_MS } from '../../src/modules/board/board.service';
import { describeEachBackend } from '../support/databases';
import { insertElection } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

describeEachBackend('bulletin board', (db) => {
  let t: TestApp;
  let ds: DataSource;
  let board: BoardService;
  let key: BoardKey;
  let electionId: string;

  beforeAll(async () => {
    t = await startTestApp(db());
    ds = t.app.get(DataSource);
    board = t.app.get(BoardService);
    key = t.app.get(BoardKey);
    electionId = await insertElection(ds);
  });
  afterAll(() => t?.close());

  it('appends in order; every signed head, inclusion and consistency proof verifies', async () => {
    for (let i = 0; i < 7; i++) {
      const appended = await ds.transaction((m) => board.append(m, electionId, 'ballot', { n: i }, undefined));
      expect(appended.seq).toBe(i);
      expect(appended.head.size).toBe(i + 1);
      expect(verifyTreeHead(appended.head, key.publicKey)).toBe(true);
      expect(appended.head.timestamp % TREE_HEAD_TIME_GRANULARITY_MS).toBe(0);
      // The proof that comes with the append (a receipt's) verifies against the head it comes with.
      expect(verifyInclusion(hexToBytes(appended.leafHash), i, i + 1, appended.path.map((h) => hexToBytes(h)), hexToBytes(appended.head.root))).toBe(true);
    }
    const entries = await board.entries(electionId, 0, 100);
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const e of entries) {
      expect(e.leafHash).toBe(Buffer.from(leafHash(utf8ToBytes(e.entry))).toString('hex'));
      expect(JSON.parse(e.entry)).toEqual({ v: 1, electionId, seq: e.seq, kind: 'ballot', payload: { n: e.seq } });
      const p = await board.inclusion(electionId, e.seq);
      expect(verifyInclusion(hexToBytes(p.leafHash), e.seq, p.head.size, p.path.map((h) => hexToBytes(h)), hexToBytes(p.head.root))).toBe(true);
    }
    const c = await board.consistency(electionId, 3, 7);
    expect(verifyConsistency(3, 7, hexToBytes(c.from.root), hexToBytes(c.to.root), c.path.map((h) => hexToBytes(h)))).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and tree heads, even to the application', async () => {
    for (const sql of [
      `UPDATE board_entries SET kind = 'audit' WHERE election_id = '${electionId}'`,
      `DELETE FROM board_entries WHERE election_id = '${electionId}'`,
      `TRUNCATE board_entries CASCADE`,
      `UPDATE board_tree_heads SET signed_at = 0 WHERE election_id = '${electionId}'`,
      `DELETE FROM board_tree_heads WHERE election_id = '${electionId}'`,
    ]) {
      await expect(ds.query(sql)).rejects.toThrow(/append-only/);
    }
    expect((await board.entries(electionId, 0, 100)).length).toBe(7);
  });

  it('a rolled-back append leaves no trace', async () => {
    await expect(
      ds.transaction(async (m) => {
        await board.append(m, electionId, 'ballot', { n: 'never' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const head = await board.latestHead(electionId);
    expect(head.size).toBe(7);
    const next = await ds.transaction((m) => board.append(m, electionId, 'ballot', { n: 7 }));
    expect(next.seq).toBe(7);
  });

  it('serves the board over HTTP and rejects malformed parameters with 400', async () => {
    const head = await (await fetch(`${t.url}/elections/${electionId}/board/head`)).json();
    expect(verifyTreeHead(head, hexToBytes((await (await fetch(`${t.url}/board/key`)).json()).publicKey))).toBe(true);
    const page = await (await fetch(`${t.url}/elections/${electionId}/board/entries?from=2&limit=3`)).json();
    expect(page.map((e: { seq: number }) => e.seq)).toEqual([2, 3, 4]);
    for (const bad of ['entries?limit=0', 'entries?limit=100000', 'entries?from=-1', 'entries?from=abc', 'entries?x=1', 'consistency?from=2', 'entries/abc/inclusion']) {
      const r = await fetch(`${t.url}/elections/${electionId}/board/${bad}`);
      expect([bad, r.status]).toEqual([bad, 400]);
    }
    expect((await fetch(`${t.url}/elections/not-a-uuid/board/head`)).status).toBe(400);
    expect((await fetch(`${t.url}/elections/${electionId}/board/entries/99/inclusion`)).status).toBe(400);
    expect((await fetch(`${t.url}/elections/00000000-0000-4000-8000-000000000000/board/head`)).status).toBe(404);
  });

  it('concurrent appends are totally ordered without gaps or duplicates', async () => {
    const other = await insertElection(ds);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => ds.transaction((m) => board.append(m, other, 'ballot', { i }))));
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const head = await board.latestHead(other);
    expect(head.size).toBe(40);
    for (const seq of [0, 17, 39]) {
      const p = await board.inclusion(other, seq);
      expect(verifyInclusion(hexToBytes(p.leafHash), seq, 40, p.path.map((h) => hexToBytes(h)), hexToBytes(head.root))).toBe(true);
    }
  });
});
