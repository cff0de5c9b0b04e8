import { DataSource } from 'typeorm';
import { BoardNodes1795610000000 } from '../../migrations/1795610000000-BoardNodes';
import { bytesToHex } from '../../src/crypto/encoding';
import { consistencyProof, inclusionProof, treeRoot } from '../../src/crypto/record/merkle';
import { BoardService } from '../../src/modules/board/board.service';
import { describeEachBackend } from '../support/databases';
import { insertElection } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 8: proofs from stored subtrees (board_nodes) instead of every leaf, and the streamed record.
 * The reference is always the in-memory RFC 9162 code of src/crypto/record/merkle.ts over all leaves.
 */
describeEachBackend('bulletin board at scale: stored subtrees and the streamed record', (db) => {
  const N = 70; // crosses 32 and 64, with incomplete right edges on both sides
  const SIZES = [1, 2, 3, 5, 8, 13, 32, 33, 64, 70];
  let t: TestApp;
  let ds: DataSource;
  let board: BoardService;
  let electionId: string;

  const leaves = async (id: string): Promise<Uint8Array[]> =>
    (await ds.query(`SELECT leaf_hash FROM board_entries WHERE election_id = $1 ORDER BY seq`, [id])).map((r: { leaf_hash: Buffer }) => new Uint8Array(r.leaf_hash));
  const nodes = async (id?: string): Promise<string[]> =>
    (await ds.query(`SELECT election_id, level, idx, hash FROM board_nodes ${id ? 'WHERE election_id = $1' : ''} ORDER BY election_id, level, idx`, id ? [id] : []))
      .map((r: { election_id: string; level: number; idx: string; hash: Buffer }) => `${r.election_id} ${r.level} ${r.idx} ${r.hash.toString('hex')}`);
  const appendMany = async (id: string, n: number) => {
    for (let i = 0; i < n; i++) await ds.transaction((m) => board.append(m, id, 'ballot', { n: i, text: 'line\nbreak "quoted" é' }));
  };
  /**
   * Every inclusion proof at every size of SIZES, and every consistency proof into those sizes, against
   * the leaves; and whether the service had to read all leaves (its fallback) to answer.
   */
  const expectProofsMatchLeaves = async (id: string, fallback: boolean) => {
    const all = await leaves(id);
    const leafReads = jest.spyOn(BoardService.prototype as unknown as { leafHashes: () => Promise<Uint8Array[]> }, 'leafHashes');
    const hex = (path: Uint8Array[]) => path.map(bytesToHex);
    for (const n of SIZES) {
      for (let m = 0; m < n; m++) {
        const p = await board.inclusion(id, m, n);
        expect([n, m, p.path]).toEqual([n, m, hex(inclusionProof(all, m, n))]);
        expect(p.leafHash).toBe(bytesToHex(all[m]));
      }
      for (let m = 1; m <= n; m++) expect([m, n, (await board.consistency(id, m, n)).path]).toEqual([m, n, hex(consistencyProof(all, m, n))]);
    }
    expect(leafReads.mock.calls.length > 0).toBe(fallback);
    leafReads.mockRestore();
  };

  beforeAll(async () => {
    t = await startTestApp(db());
    ds = t.app.get(DataSource);
    board = t.app.get(BoardService);
    electionId = await insertElection(ds);
    await appendMany(electionId, N);
  }, 120_000);
  afterAll(() => t?.close());

  it('each append stored exactly the subtrees it completed, with their RFC 9162 hashes', async () => {
    const all = await leaves(electionId);
    const rows = await nodes(electionId);
    expect(rows.length).toBe(N - N.toString(2).replace(/0/g, '').length); // 70 leaves: 67 subtrees
    for (const row of rows) {
      const [, level, idx, hash] = row.split(' ');
      const width = 2 ** Number(level);
      expect(hash).toBe(bytesToHex(treeRoot(all.slice(Number(idx) * width, (Number(idx) + 1) * width))));
    }
  });

  it('node-based inclusion and consistency proofs equal the leaf-based ones for every index at several sizes', async () => {
    await expectProofsMatchLeaves(electionId, false);
  }, 120_000);

  it('board_nodes is append-only: UPDATE, DELETE and TRUNCATE are refused, and only the owner holds those rights', async () => {
    for (const sql of [
      `UPDATE board_nodes SET hash = hash WHERE election_id = '${electionId}'`,
      `DELETE FROM board_nodes WHERE election_id = '${electionId}'`,
      `TRUNCATE board_nodes`,
    ]) {
      await expect(ds.query(sql)).rejects.toThrow(/append-only/);
    }
    expect((await nodes(electionId)).length).toBe(67);
    const [row] = await ds.query(
      `SELECT has_table_privilege('evote_app', 'board_nodes', 'SELECT') AS s, has_table_privilege('evote_app', 'board_nodes', 'INSERT') AS i,
              has_table_privilege('evote_app', 'board_nodes', 'UPDATE') AS u, has_table_privilege('evote_app', 'board_nodes', 'DELETE') AS d,
              has_table_privilege('evote_app', 'board_nodes', 'TRUNCATE') AS t, has_table_privilege('public', 'board_nodes', 'UPDATE') AS pu,
              has_table_privilege('public', 'board_nodes', 'DELETE') AS pd`,
    );
    expect(row).toEqual({ s: true, i: true, u: false, d: false, t: false, pu: false, pd: false });
  });

  it('the migration backfills existing logs with exactly the subtrees the appends would have stored', async () => {
    const other = await insertElection(ds);
    await appendMany(other, 37);
    const before = await nodes();
    expect(before.length).toBe(67 + 34);
    const migration = new BoardNodes1795610000000();
    const qr = ds.createQueryRunner();
    try {
      await qr.startTransaction();
      await migration.down(qr);
      await migration.up(qr); // the logs now hold entries but no subtrees: the backfill's case
      await qr.commitTransaction();
    } finally {
      await qr.release();
    }
    expect(await nodes()).toEqual(before);
    // Appends go on after the backfill, proofs still match.
    await appendMany(other, 3);
    expect((await nodes(other)).length).toBe(40 - 2);
    const all = await leaves(other);
    expect((await board.inclusion(other, 39)).path).toEqual(inclusionProof(all, 39, 40).map(bytesToHex));
    expect((await board.consistency(other, 37, 40)).path).toEqual(consistencyProof(all, 37, 40).map(bytesToHex));
  }, 120_000);

  it('falls back to the leaves where subtrees are missing (entries appended by an older server during an upgrade)', async () => {
    const legacy = await insertElection(ds);
    await appendMany(legacy, 70);
    // What a server without board_nodes leaves behind: no subtrees below the current peaks.
    await ds.transaction(async (m) => {
      await m.query(`ALTER TABLE board_nodes DISABLE TRIGGER board_nodes_append_only`);
      await m.query(`DELETE FROM board_nodes WHERE election_id = $1 AND level < 3`, [legacy]);
      await m.query(`ALTER TABLE board_nodes ENABLE TRIGGER board_nodes_append_only`);
    });
    expect((await nodes(legacy)).length).toBeLessThan(67);
    await expectProofsMatchLeaves(legacy, true);
  }, 120_000);

  it('streams a record byte-identical to the in-memory one (JSON over HTTP, and in small pages)', async () => {
    const expected = JSON.stringify(await board.record(electionId));
    const res = await fetch(`${t.url}/elections/${electionId}/record`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe(expected);
    for (const pageSize of [1, 7, 70, 1000]) {
      let text = '';
      for await (const chunk of await board.recordStream(electionId, 'json', pageSize)) text += chunk;
      expect([pageSize, text]).toEqual([pageSize, expected]);
    }
  });

  it('serves NDJSON on request: the header line, then each entry text on a line of its own', async () => {
    const record = await board.record(electionId);
    const res = await fetch(`${t.url}/elections/${electionId}/record`, { headers: { accept: 'application/x-ndjson' } });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const [header, ...lines] = text.slice(0, -1).split('\n');
    const { entries, ...rest } = record;
    expect(JSON.parse(header)).toEqual(rest);
    expect(lines).toEqual(entries);
  });

  it('answers 404 and 400 in the error shape before streaming anything', async () => {
    const unknown = await fetch(`${t.url}/elections/00000000-0000-4000-8000-000000000000/record`);
    expect([unknown.status, (await unknown.json()).error]).toEqual([404, 'election_not_found']);
    const empty = await fetch(`${t.url}/elections/${await insertElection(ds)}/record`);
    expect([empty.status, (await empty.json()).error]).toEqual([404, 'election_not_found']);
    const bad = await fetch(`${t.url}/elections/not-a-uuid/record`);
    expect(bad.status).toBe(400);
  });
});
