/**
 * Record-scale benchmark: verification of a whole election record, and the tally + decryption, at 10k and
 * 100k ballots (1M with --million), on all cores (worker threads).
 *
 *   npm run bench:record                  # 10k and 100k ballots
 *   npm run bench:record -- --sizes 2000  # other sizes; --million adds 1,000,000; --workers N; --backend noble|sodium
 *
 * The record is synthetic but in exactly the server's format (test/support/synthetic-record.ts: real DKG,
 * ballots, proofs, tally, decryption shares; tokens signed without the blinding round trip). Ballots are
 * generated once on all cores and cached in .bench-cache/ (one payload per line), so a rerun measures only
 * the verifier. Prints, per size: the tally (parallel homomorphic sum, decryption shares, combination with
 * the discrete logarithm), then verification — ballots/s, total time, and peak memory (RSS of the process,
 * workers included).
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadGroupFor } from '../src/crypto/backends';
import { sumBallotEntriesParallel } from '../src/parallel/aggregate-parallel';
import type { GroupBackend } from '../src/parallel/backend';
import { verifyElectionRecordParallel } from '../src/parallel/verify-parallel';
import { assembleSyntheticRecord, createSyntheticElection, type SyntheticElectionSpec, syntheticBallotPayloads } from '../test/support/synthetic-record';

const CACHE = join(__dirname, '..', '.bench-cache', 'records');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Worker: generates payloads [from, from + count) and streams them back in batches. */
async function generatorWorker(): Promise<void> {
  const { spec, from, count } = workerData as { spec: SyntheticElectionSpec; from: number; count: number };
  const g = await loadGroupFor('prepare');
  for (let i = 0; i < count; i += 200) parentPort!.postMessage(syntheticBallotPayloads(spec, from + i, Math.min(200, count - i), g));
  parentPort!.postMessage(null);
}

async function loadSpec(): Promise<SyntheticElectionSpec> {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, 'election.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const spec = await createSyntheticElection();
  writeFileSync(file, JSON.stringify(spec));
  return spec;
}

async function readLines(file: string, max: number): Promise<string[]> {
  const out: string[] = [];
  if (!existsSync(file)) return out;
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    if (line) out.push(line);
    if (out.length >= max) break;
  }
  return out;
}

/** The first `n` ballot payloads, generating (on every core) and caching the missing ones. */
async function ballots(spec: SyntheticElectionSpec, n: number): Promise<string[]> {
  const file = join(CACHE, 'ballots.ndjson');
  const have = await readLines(file, n);
  if (have.length >= n) return have;
  const missing = n - have.length;
  const workers = availableParallelism();
  process.stdout.write(`  generating ${missing} ballots on ${workers} cores (cached in ${file})...\n`);
  const out = createWriteStream(file, { flags: 'a' });
  const started = performance.now();
  let made = 0;
  const per = Math.ceil(missing / workers);
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const from = have.length + w * per;
      const count = Math.max(0, Math.min(per, n - from));
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(__filename, { execArgv: ['-r', '@swc-node/register'], workerData: { spec, from, count, generator: true } });
        worker.on('message', (batch: string[] | null) => {
          if (batch === null) return resolve();
          for (const p of batch) out.write(`${p}\n`);
          made += batch.length;
          if (made % 2000 < batch.length) process.stdout.write(`  ${made}/${missing} (${((made / (performance.now() - started)) * 1000).toFixed(0)} ballots/s)\n`);
        });
        worker.on('error', reject);
      });
    }),
  );
  await new Promise<void>((resolve) => out.end(resolve));
  process.stdout.write(`  generated ${missing} ballots in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return readLines(file, n);
}

function peakRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(t), Math.max(peak, process.memoryUsage().rss)) };
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const sizes = (arg('sizes') ?? '10000,100000').split(',').map(Number);
  if (process.argv.includes('--million')) sizes.push(1_000_000);
  const workers = Number(arg('workers') ?? availableParallelism());
  const backend = arg('backend') as GroupBackend | undefined;
  process.stdout.write(`record benchmark: node ${process.version}, ${availableParallelism()} cores, ${workers} workers, backend ${backend ?? 'default'}\n`);
  const spec = await loadSpec();
  for (const n of sizes) {
    process.stdout.write(`\n${n} ballots (5-option one-of-m, 2-of-3 trustees, 2-of-3 issuers)\n`);
    const payloads = await ballots(spec, n);
    const { record, timings } = await assembleSyntheticRecord(spec, payloads, (m, entries) => sumBallotEntriesParallel(m, entries, { workers, backend }));
    payloads.length = 0;
    const tallyMs = timings.aggregateMs + timings.sharesMs + timings.combineMs;
    process.stdout.write(
      `  tally + decryption: ${secs(tallyMs)} (aggregate ${secs(timings.aggregateMs)} = ${((n / timings.aggregateMs) * 1000).toFixed(0)} ballots/s; shares ${timings.sharesMs.toFixed(0)} ms; combination + dlog ${timings.combineMs.toFixed(0)} ms)\n`,
    );
    global.gc?.();
    const mem = peakRss();
    const started = performance.now();
    const v = await verifyElectionRecordParallel(record, { workers, backend });
    const ms = performance.now() - started;
    const peak = mem.stop();
    if (!v.ok) throw new Error(`the benchmark record did not verify: ${JSON.stringify(v.checks.filter((c) => c.status !== 'pass'))}`);
    process.stdout.write(`  verification (all 15 checks): ${secs(ms)}, ${((n / ms) * 1000).toFixed(0)} ballots/s, peak RSS ${mib(peak)}\n`);
    process.stdout.write(`  per check: ${v.checks.map((c) => `${c.id}=${((c.ms ?? 0) / 1000).toFixed(1)}s`).join(' ')}\n`);
  }
}

if (isMainThread) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
} else if ((workerData as { generator?: boolean }).generator) void generatorWorker();
