/**
 * The serial bound of one election's board: appends per second through the real BoardService, each in
 * its own transaction as a cast does (row lock on board_logs, entry, Merkle nodes, signed tree head,
 * commit), with no ballot verification around them. Every cast of an election passes through this
 * section one at a time, whatever the number of instances, so this is the ceiling of ballots/s per
 * election on this database server.
 *
 *   node -r @swc-node/register bench/load/append.bench.ts [--seconds 15] [--concurrency 16] [--voters 20000] [--bytes 6000]
 *
 * Needs the cast cache of bench/load/load.bench.ts (its template database holds the open demo election).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/create-app';
import { BoardService } from '../../src/modules/board/board.service';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { createDatabase, databaseExists, databaseUrl, dropDatabase, provisionSecrets, ROOT } from './servers';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '16' },
    voters: { type: 'string', default: '20000' },
    bytes: { type: 'string', default: '6000' },
    pool: { type: 'string', default: '20' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const template = `evote_bench_tpl_v${values.voters}`;

async function main(): Promise<void> {
  if (!(await databaseExists(template))) throw new Error(`no template database ${template}: run bench/load/load.bench.ts --voters ${values.voters} first`);
  const cache = join(ROOT, '.bench-cache', 'load', `voters-${values.voters}`);
  const db = `evote_bench_append_${Date.now().toString(36)}`;
  await createDatabase(db, template);
  const config = loadConfig({
    ...provisionSecrets(join(cache, 'secrets')),
    DATABASE_URL: databaseUrl(db),
    DATABASE_POOL_SIZE: values.pool,
    DATA_DIR: join(cache, 'data'),
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config);
  try {
    await app.init();
    const board = app.get(BoardService);
    const dataSource = app.get(DataSource);
    // A payload the size of a real ballot entry (its text is hashed and stored like one).
    const pad = randomBytes(Number(values.bytes) / 2).toString('hex');
    let appended = 0;
    const latencies: number[] = [];
    const end = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        for (let i = 0; performance.now() < end; i++) {
          const t = performance.now();
          await dataSource.transaction((m) => board.append(m, DEMO_ELECTION_ID, 'ballot', { bench: `${w}-${i}`, pad }, `bench-${w}-${i}-${randomBytes(4).toString('hex')}`));
          latencies.push(performance.now() - t);
          appended += 1;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
    process.stdout.write(
      `board appends, one election, one process, ${concurrency} concurrent transactions, pool ${values.pool}, ${values.bytes}-byte entries\n` +
        `${appended} appends in ${elapsed.toFixed(1)} s = ${(appended / elapsed).toFixed(0)} appends/s; latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms\n`,
    );
  } finally {
    await app.close();
    await dropDatabase(db);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`append bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
