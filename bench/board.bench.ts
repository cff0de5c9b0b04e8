/**
 * The bulletin board at scale (issue 8), on a fresh PostgreSQL database (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres; the bench creates and drops its own database).
 * Run: `npm run bench:board` (`-- 100000` for another number of entries, `-- 10000 2000` for another
 * payload size in bytes). Prints appends/s through BoardService.append (one transaction each, as a cast),
 * inclusion-proof latency from stored subtrees vs from all leaves (the former code path), consistency
 * latency, the streamed record's throughput, and the migration's backfill time at that size.
 */
import { DataSource } from 'typeorm';
import { BoardNodes1795610000000 } from '../migrations/1795610000000-BoardNodes';
import { inclusionProof } from '../src/crypto/record/merkle';
import { BoardService } from '../src/modules/board/board.service';
import { createPostgresDatabase, postgresReachable } from '../test/support/databases';
import { insertElection } from '../test/support/fixtures';
import { startTestApp } from '../test/support/test-app';

const N = Number(process.argv[2] ?? 10_000);
const PAYLOAD_BYTES = Number(process.argv[3] ?? 1000);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const row = (name: string, xs: number[]) =>
  `${name.padEnd(40)} median ${percentile(xs, 50).toFixed(2).padStart(9)} ms   p95 ${percentile(xs, 95).toFixed(2).padStart(9)} ms   (${xs.length} runs)`;
const out = (s: string) => process.stdout.write(`${s}\n`);

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) throw new Error('no PostgreSQL server reachable (TEST_DATABASE_URL)');
  const db = await createPostgresDatabase();
  const t = await startTestApp(db);
  try {
    const ds = t.app.get(DataSource);
    const board = t.app.get(BoardService);
    const id = await insertElection(ds);
    const pad = 'x'.repeat(PAYLOAD_BYTES);
    out(`board bench: ${N} entries of ~${PAYLOAD_BYTES} B payload, PostgreSQL, node ${process.version}`);

    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      await ds.transaction((m) => board.append(m, id, 'ballot', { i, pad }));
      if (i > 0 && i % 10_000 === 0) out(`  ${i} appended…`);
    }
    const appendMs = performance.now() - t0;
    out(`appends (one transaction each, sequential)  ${((N / appendMs) * 1000).toFixed(0).padStart(7)} appends/s   ${(appendMs / N).toFixed(2)} ms/append`);
    const [{ nodes }] = await ds.query(`SELECT count(*)::int AS nodes FROM board_nodes WHERE election_id = $1`, [id]);
    out(`stored subtrees                             ${nodes} rows (${(nodes / N).toFixed(3)} per append)`);

    const seqs = Array.from({ length: 200 }, (_, i) => Math.floor(((i * 7919) % 200) * (N / 200)));
    const nodeMs: number[] = [];
    for (const seq of seqs) nodeMs.push((await timed(() => board.inclusion(id, seq)))[1]);
    // The former code path: the head, then every leaf hash, then the proof in memory.
    const leafMs: number[] = [];
    for (const seq of seqs.slice(0, 20)) {
      leafMs.push(
        (
          await timed(async () => {
            const head = await board.latestHead(id);
            const rows: Array<{ leaf_hash: Buffer }> = await ds.query(`SELECT leaf_hash FROM board_entries WHERE election_id = $1 AND seq < $2 ORDER BY seq`, [id, head.size]);
            return inclusionProof(rows.map((r) => new Uint8Array(r.leaf_hash)), seq, head.size);
          })
        )[1],
      );
    }
    out(row('inclusion proof, stored subtrees', nodeMs));
    out(row('inclusion proof, all leaves (former)', leafMs));
    const consMs: number[] = [];
    for (const from of seqs.slice(0, 50)) consMs.push((await timed(() => board.consistency(id, from + 1, N)))[1]);
    out(row('consistency proof, stored subtrees', consMs));

    let bytes = 0;
    const [, streamMs] = await timed(async () => {
      for await (const chunk of await board.recordStream(id)) bytes += Buffer.byteLength(chunk);
    });
    out(`record streamed (pages of 1000)             ${(bytes / 1e6).toFixed(1)} MB in ${streamMs.toFixed(0)} ms (${((bytes / 1e6 / streamMs) * 1000).toFixed(1)} MB/s)`);

    const migration = new BoardNodes1795610000000();
    const qr = ds.createQueryRunner();
    try {
      await qr.startTransaction();
      await migration.down(qr);
      const [, backfillMs] = await timed(() => migration.up(qr));
      await qr.commitTransaction();
      out(`migration backfill of ${N} entries          ${backfillMs.toFixed(0)} ms`);
    } finally {
      await qr.release();
    }
  } finally {
    await t.close();
    await db.drop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
