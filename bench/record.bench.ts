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
 * the discrete logarithm), then verification as an observer runs it — `evote verify`'s streaming verifier
 * (src/parallel/verify-stream.ts) on the record's NDJSON file, in a child process — ballots/s, total time,
 * and that process's peak memory (maximum RSS, its worker threads included).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadGroupFor } from '../src/crypto/backends';
import { sumBallotEntriesParallel } from '../src/parallel/aggregate-parallel';
import type { GroupBackend } from '../src/parallel/backend';
import { verifyRecordFile } from '../src/parallel/verify-stream';
import { buildSyntheticRecord, createSyntheticElection, type SyntheticElectionSpec, syntheticBallotPayloads } from '../test/support/synthetic-record';

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

/** As many empty strings as the file has lines (up to max): the count without the text. */
async function countLines(file: string, max: number): Promise<string[]> {
  let n = 0;
  if (existsSync(file)) for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) if (line && ++n >= max) break;
  return new Array<string>(n).fill('');
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
async function ballots(spec: SyntheticElectionSpec, n: number, countOnly = false): Promise<string[]> {
  const file = join(CACHE, 'ballots.ndjson');
  const have = countOnly ? await countLines(file, n) : await readLines(file, n);
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
  return countOnly ? [] : readLines(file, n);
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Ballot payloads from the cache, in chunks (never all in memory). */
async function* payloadChunks(n: number, size = 20_000): AsyncGenerator<string[]> {
  let chunk: string[] = [];
  let seen = 0;
  for await (const line of createInterface({ input: createReadStream(join(CACHE, 'ballots.ndjson'), 'utf8'), crlfDelay: Infinity })) {
    if (!line) continue;
    chunk.push(line);
    if (++seen === n || chunk.length === size) {
      yield chunk;
      chunk = [];
    }
    if (seen === n) return;
  }
}

/** Child process: verifies one NDJSON record file as an observer would and prints JSON with its own peak memory. */
async function verifyChild(file: string, workers: number, backend: GroupBackend | undefined): Promise<void> {
  const started = performance.now();
  const v = await verifyRecordFile(file, { workers, backend });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ok: v.ok, ms, maxRssKiB: process.resourceUsage().maxRSS, checks: v.checks.map((c) => ({ id: c.id, status: c.status, ms: c.ms, reason: c.reason })) }));
}

async function main(): Promise<void> {
  if (arg('verify-child')) return verifyChild(arg('verify-child')!, Number(arg('workers')), arg('backend') as GroupBackend | undefined);
  const sizes = (arg('sizes') ?? '10000,100000').split(',').map(Number);
  if (process.argv.includes('--million')) sizes.push(1_000_000);
  const workers = Number(arg('workers') ?? availableParallelism());
  const backend = arg('backend') as GroupBackend | undefined;
  process.stdout.write(`record benchmark: node ${process.version}, ${availableParallelism()} cores, ${workers} workers, backend ${backend ?? 'default'}\n`);
  const spec = await loadSpec();
  for (const n of sizes) {
    process.stdout.write(`\n${n} ballots (5-option one-of-m, 2-of-3 trustees, 2-of-3 issuers)\n`);
    await ballots(spec, n, true);
    // The record is written as NDJSON entry by entry (a million ballots are ~6 GB of text).
    const file = join(CACHE, `record-${n}.ndjson`);
    const body = createWriteStream(`${file}.entries`);
    const write = async (line: string) => {
      if (!body.write(`${line}\n`)) await once(body, 'drain');
    };
    const { header, timings } = await buildSyntheticRecord(spec, n, payloadChunks(n), (m, entries) => sumBallotEntriesParallel(m, entries, { workers, backend }), write);
    await new Promise<void>((resolve) => body.end(resolve));
    writeFileSync(file, `${JSON.stringify(header)}\n`);
    await pipeline(createReadStream(`${file}.entries`), createWriteStream(file, { flags: 'a' }));
    rmSync(`${file}.entries`);
    const tallyMs = timings.aggregateMs + timings.sharesMs + timings.combineMs;
    process.stdout.write(
      `  tally + decryption: ${secs(tallyMs)} (aggregate ${secs(timings.aggregateMs)} = ${((n / timings.aggregateMs) * 1000).toFixed(0)} ballots/s; decryption shares ${timings.sharesMs.toFixed(0)} ms; combination + discrete log ${timings.combineMs.toFixed(0)} ms)\n`,
    );
    const child = spawnSync(process.execPath, ['-r', '@swc-node/register', __filename, '--verify-child', file, '--workers', String(workers), ...(backend ? ['--backend', backend] : [])], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (child.status !== 0) throw new Error(`the verifier failed: ${child.stderr}`);
    const v = JSON.parse(child.stdout) as { ok: boolean; ms: number; maxRssKiB: number; checks: Array<{ id: string; status: string; ms?: number; reason?: string }> };
    if (!v.ok) throw new Error(`the benchmark record did not verify: ${JSON.stringify(v.checks.filter((c) => c.status !== 'pass'))}`);
    process.stdout.write(`  verification (all 15 checks, streamed from the ${mib(statSync(file).size)} NDJSON file): ${secs(v.ms)}, ${((n / v.ms) * 1000).toFixed(0)} ballots/s, peak RSS ${mib(v.maxRssKiB * 1024)}\n`);
    process.stdout.write(`  per check (after the worker passes): ${v.checks.map((c) => `${c.id}=${((c.ms ?? 0) / 1000).toFixed(1)}s`).join(' ')}\n`);
    if (!process.argv.includes('--keep')) rmSync(file);
  }
}

if (isMainThread) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
} else if ((workerData as { generator?: boolean }).generator) void generatorWorker();
