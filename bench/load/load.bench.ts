/**
 * Casting and token issuance under load, against real PostgreSQL and the built server (issue 8).
 *
 *   node -r @swc-node/register bench/load/load.bench.ts [--mode cast|issue] [--duration 60]
 *        [--connections 200] [--instances 1|2] [--voters 20000] [--pool 10] [--fresh] [--keep-db]
 *        [--threads N] [--login-concurrency 32] [--log-level warn] [--server-node-args "--prof ..."]
 *
 * Each run gets a fresh PostgreSQL database (127.0.0.1:5432, user postgres; BENCH_DATABASE_URL to
 * change) and starts 1 or 2 server processes on it, started together; with 2, the load goes through a
 * round-robin proxy (proxy.ts). Rate limits are raised by configuration for the run (the defaults are
 * untouched): login per address and the global cast limit to 1,000,000 a minute; the per-pseudonym and
 * per-session limits stay at their defaults, which one cast per pseudonym and one token request per
 * issuer never reach.
 *
 * Tokens are obtained honestly: SANDBOX_CROWD_SIZE sandbox voters log in through the real OIDC flow and
 * ask each issuer for a blind signature at POST /elections/:id/tokens; their devices' work (pseudonyms,
 * blinding, finalizing, ballot encryption and proofs, signatures) runs on worker threads on every core.
 *
 * --mode issue: the voters log in (login throughput is printed), then request their blind signatures
 *   under load. If the cache below is missing, the rest of the voters then get theirs (untimed) and the
 *   ballots are built, so that the cast bench can start at once.
 * --mode cast (default): casts the cached ballots under load, then checks the board: every 2xx receipt's
 *   entry is on the board at its seq and proven in its signed head, the board is contiguous, its latest
 *   head covers every entry, no 5xx. The cache (.bench-cache/load/voters-N/: the secrets, the keys'
 *   folder, the ballots, and a PostgreSQL template database holding the open election with the tokens
 *   issued) is built first when missing; each run starts from a fresh copy of the template.
 * A run ends when the duration elapses or the ballots (or token requests) run out; it says which.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { electionFromSetup } from '../../src/client/voter-client';
import { hexToBytes, utf8ToBytes, bytesToHex } from '../../src/crypto/encoding';
import { leafHash, treeRoot, verifyInclusion } from '../../src/crypto/record/merkle';
import { verifyTreeHead, type SignedTreeHead } from '../../src/crypto/record/tree-head';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import type { BenchElection, VoterSecret } from './ballot-worker';
import { cpuBetween, sampleCpu } from './cpu';
import { runChunked } from './pool';
import { startRoundRobinProxy, type Proxy } from './proxy';
import { buildServer, createDatabase, databaseExists, databaseUrl, dropDatabase, provisionSecrets, ROOT, startServers, type ServerProcess } from './servers';
import { loginCrowd } from './voters';

// autocannon has no type declarations; the part used here.
interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  duration: number;
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  requests: { total: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  stop(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'cast' },
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '200' },
    instances: { type: 'string', default: '1' },
    voters: { type: 'string', default: '20000' },
    pool: { type: 'string', default: '10' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'login-concurrency': { type: 'string', default: '32' },
    'log-level': { type: 'string', default: 'warn' },
    fresh: { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    'server-node-args': { type: 'string', default: '' },
  },
});
const o = {
  mode: args.mode as 'cast' | 'issue',
  duration: Number(args.duration),
  connections: Number(args.connections),
  instances: Number(args.instances),
  voters: Number(args.voters),
  pool: Number(args.pool),
  threads: Number(args.threads),
  loginConcurrency: Number(args['login-concurrency']),
  logLevel: args['log-level']!,
  fresh: args.fresh!,
  keepDb: args['keep-db']!,
  /** Extra node arguments for the servers, e.g. "--prof --logfile=/tmp/evote.v8.log" to see what bounds them. */
  serverNodeArgs: args['server-node-args']!.split(' ').filter(Boolean),
};
if (!['cast', 'issue'].includes(o.mode)) throw new Error('--mode is cast or issue');
if (![1, 2].includes(o.instances)) throw new Error('--instances is 1 or 2');

const CACHE_ROOT = join(ROOT, '.bench-cache', 'load');
const cacheDir = join(CACHE_ROOT, `voters-${o.voters}`);
const templateDb = `evote_bench_tpl_v${o.voters}`;
const log = (s: string) => process.stdout.write(`${s}\n`);
const ms = (x: number) => `${x.toFixed(0)} ms`;

interface Workspace {
  dir: string;
  secrets: Record<string, string>;
  dataDir: string;
}

function workspace(dir: string): Workspace {
  mkdirSync(join(dir, 'data'), { recursive: true, mode: 0o700 });
  return { dir, secrets: provisionSecrets(join(dir, 'secrets')), dataDir: join(dir, 'data') };
}

function serverEnv(ws: Workspace, db: string): Record<string, string> {
  return {
    ...ws.secrets,
    DATABASE_URL: databaseUrl(db),
    DATABASE_POOL_SIZE: String(o.pool),
    DATA_DIR: ws.dataDir,
    NODE_ENV: 'development',
    DEMO_ELECTION: 'true',
    LOG_LEVEL: o.logLevel,
    SANDBOX_CROWD_SIZE: String(o.voters),
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_CAST_GLOBAL_PER_MINUTE: '1000000',
  };
}

interface Platform {
  servers: ServerProcess[];
  proxy?: Proxy;
  /** Where the load goes: the proxy with two instances, else the one instance. */
  url: string;
  stop(): Promise<void>;
}

async function startPlatform(ws: Workspace, db: string, serverMain: string): Promise<Platform> {
  const t = performance.now();
  const servers = await startServers({ command: [...o.serverNodeArgs, serverMain], env: serverEnv(ws, db), count: o.instances, timeoutMs: 180_000 });
  log(`${o.instances} instance(s) started together in ${((performance.now() - t) / 1000).toFixed(1)} s: ${servers.map((s) => s.url).join(', ')}`);
  const proxy = o.instances > 1 ? await startRoundRobinProxy(servers.map((s) => s.port)) : undefined;
  return {
    servers,
    proxy,
    url: proxy?.url ?? servers[0].url,
    async stop() {
      await proxy?.close();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

async function getJson<T>(url: string): Promise<T> {
  // A keep-alive socket the server closed while idle (during the invariant checks) fails once: retry.
  const res = await fetch(url).catch(() => fetch(url));
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function electionAndIssuers(base: string): Promise<{ view: BenchElection; issuers: Array<{ id: string; publicKey: unknown }> }> {
  const status = await getJson<{ status: string }>(`${base}/elections/${DEMO_ELECTION_ID}`);
  if (status.status !== 'open') throw new Error(`the demo election is ${status.status}, not open`);
  const setup = await getJson<unknown>(`${base}/elections/${DEMO_ELECTION_ID}/board/setup`);
  const verified = electionFromSetup(setup, DEMO_ELECTION_ID);
  const view: BenchElection = { id: DEMO_ELECTION_ID, baseHash: Buffer.from(verified.election.electionHash).toString('hex'), setup };
  return { view, issuers: verified.issuers.map((i) => ({ id: i.id, publicKey: i.publicJwk })) };
}

/**
 * Runs autocannon over `count` distinct requests (request k from `build(k)`), `connections` at a time,
 * until they are all answered or `durationS` elapses (then in-flight requests are cut off).
 */
async function load(
  platform: Platform,
  database: string | undefined,
  count: number,
  durationS: number,
  build: (k: number) => AutocannonRequest,
  onAnswer: (k: number, status: number, body: string) => void,
): Promise<LoadRun> {
  const url = platform.url;
  const pids = platform.servers.flatMap((s) => (s.child.pid === undefined ? [] : [s.child.pid]));
  const cpuBefore = sampleCpu(pids, database);
  let cursor = 0;
  let answered = 0;
  const connections = Math.min(o.connections, count);
  const instance = autocannon({
    url,
    connections,
    amount: count, // each request is used once; the duration is enforced by the timer below
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: AutocannonRequest, context: { k?: number }) => {
          const k = cursor++;
          context.k = k;
          return { ...req, ...build(k) };
        },
        onResponse: (status: number, body: string, context: { k: number }) => {
          answered += 1;
          onAnswer(context.k, status, body);
        },
      },
    ],
  });
  const timer = Number.isFinite(durationS) ? setTimeout(() => instance.stop(), durationS * 1000) : undefined;
  const result = await instance;
  clearTimeout(timer);
  return { result, sent: cursor, answered, ranOut: answered >= count, cpu: cpuBetween(cpuBefore, sampleCpu(pids, database)) };
}

interface LoadRun {
  result: AutocannonResult;
  sent: number;
  answered: number;
  ranOut: boolean;
  /** CPU ms of the server processes and of the database's backends during the run (bench/load/cpu.ts). */
  cpu: { serverMs: number; databaseMs: number };
}

function printLoad(what: string, unit: string, r: LoadRun, ok: number) {
  const x = r.result;
  const codes = Object.entries(x.statusCodeStats)
    .map(([c, v]) => `${c}: ${v.count}`)
    .join(', ');
  log(`\n== ${what}: ${o.instances} instance(s), ${Math.min(o.connections, r.sent)} connections, pool ${o.pool}/instance, ${availableParallelism()} cores ==`);
  log(`requests sent         ${r.sent} (answered ${r.answered}; ${r.sent - r.answered} in flight when the run ended)`);
  log(`duration              ${x.duration.toFixed(1)} s (${r.ranOut ? 'the prepared requests ran out' : 'the duration elapsed'})`);
  log(`${unit.padEnd(22)}${(ok / x.duration).toFixed(1)} (${ok} in ${x.duration.toFixed(1)} s)`);
  // Per successful item: the work of refused or cut-off requests is in the total too, so this is an upper bound.
  const per = (x: number) => (ok > 0 ? (x / ok).toFixed(2) : '-');
  log(`CPU per item          server ${per(r.cpu.serverMs)} ms, database ${per(r.cpu.databaseMs)} ms; wall per item ${per(x.duration * 1000)} ms (CPU totals ${(r.cpu.serverMs / 1000).toFixed(1)} s / ${(r.cpu.databaseMs / 1000).toFixed(1)} s in ${x.duration.toFixed(1)} s wall)`);
  log(`latency               p50 ${ms(x.latency.p50)}, p90 ${ms(x.latency.p90)}, p99 ${ms(x.latency.p99)}, max ${ms(x.latency.max)}`);
  log(`status codes          ${codes || '-'}`);
  log(`non-2xx ${x.non2xx}, errors ${x.errors} (timeouts ${x.timeouts})`);
}

interface Prepared {
  cookies: string[];
  secrets: VoterSecret[];
  view: BenchElection;
  issuers: Array<{ id: string; publicKey: unknown }>;
}

/** Logs the crowd in and blinds their token requests (device work on worker threads). */
async function prepareVoters(platform: Platform): Promise<Prepared> {
  const { view, issuers } = await electionAndIssuers(platform.servers[0].url);
  log(`logging in ${o.voters} sandbox voters through the OIDC flow (${o.loginConcurrency} at a time, spread over the instances)...`);
  const login = await loginCrowd(
    platform.servers.map((s) => s.url),
    1,
    o.voters,
    o.loginConcurrency,
    (n) => n % 5000 === 0 && log(`  ${n} logged in`),
  );
  log(`login: ${o.voters} voters in ${login.seconds.toFixed(1)} s = ${(o.voters / login.seconds).toFixed(1)} logins/s (${login.failures} retried)`);
  const t = performance.now();
  const secrets = await runChunked<VoterSecret>(o.voters, 200, (s, e) => ({ kind: 'blind', view, issuers, count: e - s }), o.threads);
  log(`blinding: ${o.voters} voters × ${issuers.length} issuers in ${((performance.now() - t) / 1000).toFixed(1)} s on ${o.threads} threads`);
  return { cookies: login.cookies, secrets, view, issuers };
}

/** Token requests: item k is voter ⌊k / issuers⌋ asking issuer k mod issuers. */
async function issue(platform: Platform, p: Prepared, todo: number[], durationS: number, signatures: (string | undefined)[], report: boolean) {
  const n = p.issuers.length;
  const statuses = new Map<number, number>();
  const r = await load(
    platform,
    undefined,
    todo.length,
    durationS,
    (k) => {
      const item = todo[k];
      const b = p.secrets[Math.floor(item / n)].blinded[item % n];
      return {
        method: 'POST',
        path: `/elections/${DEMO_ELECTION_ID}/tokens`,
        headers: { 'content-type': 'application/json', cookie: p.cookies[Math.floor(item / n)] },
        body: JSON.stringify({ issuerId: b.issuerId, blindedMessage: b.blindedMsg }),
      };
    },
    (k, status, body) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) signatures[todo[k]] = (JSON.parse(body) as { blindSignature: string }).blindSignature;
    },
  );
  if (report) {
    const ok = statuses.get(200) ?? 0;
    printLoad('token issuance (POST /elections/:id/tokens, one blind RSA-3072 signature each)', 'signatures/s', r, ok);
    let tokens = 0;
    for (let v = 0; v < p.secrets.length; v++) if (Array.from({ length: n }, (_, i) => signatures[v * n + i]).every(Boolean)) tokens += 1;
    log(`complete tokens       ${tokens} (${n} of ${n} issuers) = ${(tokens / r.result.duration).toFixed(1)} tokens/s`);
    const fiveXX = [...statuses].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
    log(`5xx                   ${fiveXX}`);
  }
  return r;
}

/** Builds the cast cache: untimed issuance of what is missing, ballots on workers, template database. */
async function buildCache(platform: Platform, p: Prepared, signatures: (string | undefined)[], runDb: string): Promise<void> {
  const n = p.issuers.length;
  const missing = Array.from(signatures, (s, i) => (s ? -1 : i)).filter((i) => i >= 0);
  if (missing.length > 0) {
    log(`cache: issuing the ${missing.length} missing blind signatures (untimed)...`);
    await issue(platform, p, missing, Infinity, signatures, false);
  }
  const ready = p.secrets.map((_, v) => v).filter((v) => Array.from({ length: n }, (_, i) => signatures[v * n + i]).every(Boolean));
  if (ready.length < p.secrets.length) log(`cache: ${p.secrets.length - ready.length} voters have no complete token (a request cut off by the end of a timed run may have been signed); left out`);
  const t = performance.now();
  const ballots = await runChunked<string>(
    ready.length,
    100,
    (s, e) => ({
      kind: 'ballots',
      view: p.view,
      issuers: p.issuers,
      voters: ready.slice(s, e).map((v) => ({ n: v, secret: p.secrets[v], blindSignatures: Array.from({ length: n }, (_, i) => signatures[v * n + i]!) })),
    }),
    o.threads,
    (d) => d % 2000 === 0 && log(`  ${d} ballots`),
  );
  log(`ballots: ${ballots.length} encrypted, proven and signed in ${((performance.now() - t) / 1000).toFixed(1)} s on ${o.threads} threads`);
  writeFileSync(join(cacheDir, 'ballots.ndjson'), `${ballots.join('\n')}\n`);
  await platform.stop();
  await dropDatabase(templateDb);
  await createDatabase(templateDb, runDb);
  writeFileSync(join(cacheDir, 'meta.json'), JSON.stringify({ voters: o.voters, ballots: ballots.length, templateDb, baseHash: p.view.baseHash, createdAt: new Date().toISOString() }, null, 2));
  log(`cache written: ${cacheDir} (template database ${templateDb})`);
}

async function cacheReady(): Promise<boolean> {
  return !o.fresh && existsSync(join(cacheDir, 'meta.json')) && existsSync(join(cacheDir, 'ballots.ndjson')) && (await databaseExists(templateDb));
}

function runDbName(): string {
  return `evote_bench_run_${Date.now().toString(36)}`;
}

async function issueBench(serverMain: string): Promise<void> {
  const makeCache = !(await cacheReady());
  // Without a cache this run's workspace becomes it; otherwise it is thrown away afterwards.
  const dir = makeCache ? cacheDir : join(CACHE_ROOT, `tmp-${Date.now().toString(36)}`);
  if (makeCache) rmSync(cacheDir, { recursive: true, force: true });
  const ws = workspace(dir);
  const db = runDbName();
  await createDatabase(db);
  let platform: Platform | undefined;
  try {
    platform = await startPlatform(ws, db, serverMain);
    const p = await prepareVoters(platform);
    const signatures: (string | undefined)[] = new Array(p.secrets.length * p.issuers.length);
    const all = Array.from({ length: signatures.length }, (_, i) => i);
    await issue(platform, p, all, o.duration, signatures, true);
    const issued = await countRows(db, 'token_issuances');
    log(`token_issuances rows  ${issued} (≥ the 200 answers: a request cut off at the end may still have been signed)`);
    if (makeCache) await buildCache(platform, p, signatures, db);
  } finally {
    await platform?.stop();
    if (!o.keepDb) await dropDatabase(db);
    if (!makeCache) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Samples pg_stat_activity of the run's database every 100 ms: how many server connections are running
 * a statement, waiting for a lock (the board row), or idle inside a transaction (waiting for the Node
 * process to send its next statement: a lock holder in that state is held up by its event loop).
 */
async function sampleSessions(db: string): Promise<{ stop(): Promise<string> }> {
  const c = new Client({ connectionString: databaseUrl(db) });
  await c.connect();
  const sums = { active: 0, lock: 0, idleInTx: 0, n: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await c.query(
        `SELECT count(*) FILTER (WHERE state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock')::int AS active,
                count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS lock,
                count(*) FILTER (WHERE state = 'idle in transaction')::int AS idle_in_tx
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      sums.active += rows[0].active;
      sums.lock += rows[0].lock;
      sums.idleInTx += rows[0].idle_in_tx;
      sums.n += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await c.end();
      const m = (x: number) => (x / Math.max(1, sums.n)).toFixed(1);
      return `${m(sums.active)} running a statement, ${m(sums.lock)} waiting for a lock, ${m(sums.idleInTx)} idle in a transaction (waiting for Node)`;
    },
  };
}

async function databaseSize(db: string): Promise<number> {
  const c = new Client({ connectionString: databaseUrl(db) });
  await c.connect();
  try {
    return Number((await c.query(`SELECT pg_database_size(current_database()) AS n`)).rows[0].n);
  } finally {
    await c.end();
  }
}

async function countRows(db: string, table: string): Promise<number> {
  const c = new Client({ connectionString: databaseUrl(db) });
  await c.connect();
  try {
    return Number((await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
  } finally {
    await c.end();
  }
}

interface Receipt {
  seq: number;
  entry: string;
  leafHash: string;
  head: SignedTreeHead;
  path: string[];
}

async function castBench(serverMain: string): Promise<void> {
  if (!(await cacheReady())) {
    log(`no cast cache for ${o.voters} voters: building it (one time; the login and issuance below are untimed)...`);
    rmSync(cacheDir, { recursive: true, force: true });
    const db = runDbName();
    await createDatabase(db);
    const platform = await startPlatform(workspace(cacheDir), db, serverMain);
    try {
      const p = await prepareVoters(platform);
      await buildCache(platform, p, new Array(p.secrets.length * p.issuers.length), db);
    } finally {
      await platform.stop();
      await dropDatabase(db);
    }
  }
  const ws = workspace(cacheDir);
  const ballots = readFileSync(join(cacheDir, 'ballots.ndjson'), 'utf8').split('\n').filter(Boolean);
  if (ballots.length === 0) throw new Error(`the cache ${cacheDir} holds no ballots: run again with --fresh`);
  const db = runDbName();
  await createDatabase(db, templateDb);
  log(`fresh database ${db} from the template; ${ballots.length} ballots ready`);
  const platform = await startPlatform(ws, db, serverMain);
  try {
    const before = await getJson<SignedTreeHead>(`${platform.servers[0].url}/elections/${DEMO_ELECTION_ID}/board/head`);
    const sizeBefore = await databaseSize(db);
    const receipts: Receipt[] = [];
    const statuses = new Map<number, number>();
    const path = `/elections/${DEMO_ELECTION_ID}/ballots`;
    const headers = { 'content-type': 'application/json' };
    const sampler = await sampleSessions(db);
    const r = await load(
      platform,
      db,
      ballots.length,
      o.duration,
      (k) => ({ method: 'POST', path, headers, body: ballots[k] }),
      (_k, status, body) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 201) {
          const x = JSON.parse(body) as Receipt;
          receipts.push({ seq: x.seq, entry: x.entry, leafHash: x.leafHash, head: x.head, path: x.path });
        }
      },
    );
    const sessions = await sampler.stop();
    printLoad('casting (POST /elections/:id/ballots: token, ballot proofs and signature checked, board append)', 'ballots/s', r, receipts.length);
    log(`db sessions (mean)    ${sessions}`);
    if (platform.proxy) log(`proxy connections     ${platform.proxy.counts.join(' / ')} per instance`);
    // Requests cut off at the end still run on the server: wait until the board stops growing.
    for (let last = -1, i = 0; i < 60; i++) {
      const size = (await getJson<SignedTreeHead>(`${platform.servers[0].url}/elections/${DEMO_ELECTION_ID}/board/head`)).size;
      if (size === last) break;
      last = size;
      await new Promise((res) => setTimeout(res, 1000));
    }
    await checkBoard(platform, db, before, receipts, r.sent - r.answered, statuses);
    if ([...statuses.keys()].some((st) => st >= 500)) {
      // What the servers said about them (pino lines at warn and above).
      for (const sv of platform.servers) {
        const lines = sv.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l));
        log(`server ${sv.url}: ${lines.length} warn/error lines, the last ones:\n${lines.slice(-3).map((l) => `  ${l.slice(0, 400)}`).join('\n')}`);
      }
    }
    const appended = (await getJson<SignedTreeHead>(`${platform.servers[0].url}/elections/${DEMO_ELECTION_ID}/board/head`)).size - before.size;
    if (appended > 0) log(`storage               ${(((await databaseSize(db)) - sizeBefore) / appended / 1024).toFixed(1)} KiB of database per cast ballot (pg_database_size, before vacuum)`);
  } finally {
    await platform.stop();
    if (!o.keepDb) await dropDatabase(db);
  }
}

/** The invariants after a cast run; throws (non-zero exit) when one does not hold. */
async function checkBoard(platform: Platform, db: string, before: SignedTreeHead, receipts: Receipt[], cutOff: number, statuses: Map<number, number>): Promise<void> {
  const t = performance.now();
  const problems: string[] = [];
  const boardKey = hexToBytes((await getJson<{ publicKey: string }>(`${platform.servers[0].url}/board/key`)).publicKey);
  const head = await getJson<SignedTreeHead>(`${platform.servers[0].url}/elections/${DEMO_ELECTION_ID}/board/head`);
  const c = new Client({ connectionString: databaseUrl(db) });
  await c.connect();
  let rows: Array<{ seq: string; kind: string; leaf: Buffer }>;
  let logSize: number;
  try {
    rows = (await c.query(`SELECT seq, kind, leaf_hash AS leaf FROM board_entries WHERE election_id = $1 ORDER BY seq`, [DEMO_ELECTION_ID])).rows;
    logSize = Number((await c.query(`SELECT size FROM board_logs WHERE election_id = $1`, [DEMO_ELECTION_ID])).rows[0].size);
  } finally {
    await c.end();
  }
  const fiveXX = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
  if (fiveXX > 0) problems.push(`${fiveXX} answers were 5xx`);
  if (!rows.every((row, i) => Number(row.seq) === i)) problems.push('board seqs are not contiguous from 0');
  if (logSize !== rows.length || head.size !== rows.length) problems.push(`board size: log ${logSize}, head ${head.size}, entries ${rows.length}`);
  if (!verifyTreeHead(head, boardKey)) problems.push('the latest tree head signature does not verify');
  if (bytesToHex(treeRoot(rows.map((row) => new Uint8Array(row.leaf)))) !== head.root) problems.push('the latest head root is not the root of the entries');
  const seen = new Set<number>();
  let badReceipts = 0;
  for (const x of receipts) {
    const ok =
      !seen.has(x.seq) &&
      x.seq < rows.length &&
      bytesToHex(leafHash(utf8ToBytes(x.entry))) === x.leafHash &&
      bytesToHex(new Uint8Array(rows[x.seq].leaf)) === x.leafHash &&
      verifyInclusion(hexToBytes(x.leafHash), x.seq, x.head.size, x.path.map((h) => hexToBytes(h)), hexToBytes(x.head.root)) &&
      verifyTreeHead(x.head, boardKey);
    seen.add(x.seq);
    if (!ok) badReceipts += 1;
  }
  if (badReceipts > 0) problems.push(`${badReceipts} receipts are not on the board as they say`);
  const newBallots = rows.slice(before.size).filter((row) => row.kind === 'ballot').length;
  const unreceipted = newBallots - receipts.length;
  if (rows.length - before.size !== newBallots) problems.push('entries other than ballots were appended during the run');
  if (unreceipted < 0 || unreceipted > cutOff) problems.push(`${newBallots} ballots on the board for ${receipts.length} receipts and ${cutOff} requests cut off`);
  log(`\n== invariants (${((performance.now() - t) / 1000).toFixed(1)} s) ==`);
  log(`board                 ${before.size} → ${rows.length} entries, seq contiguous, latest signed head covers all (root recomputed)`);
  log(`receipts              ${receipts.length}, each entry on the board at its seq, inclusion proof and head signature valid: ${badReceipts === 0 ? 'yes' : `NO (${badReceipts})`}`);
  log(`ballots appended      ${newBallots} = ${receipts.length} receipted + ${unreceipted} cut off at the end but committed`);
  log(`5xx                   ${fiveXX}`);
  if (problems.length > 0) {
    log(`INVARIANTS FAILED:\n  - ${problems.join('\n  - ')}`);
    process.exitCode = 1;
  } else log('all invariants hold');
}

async function main(): Promise<void> {
  mkdirSync(CACHE_ROOT, { recursive: true });
  const serverMain = buildServer(join(ROOT, '.bench-cache', 'dist'));
  log(`evote load bench: mode ${o.mode}, ${o.instances} instance(s), ${o.connections} connections, ${o.duration} s, ${o.voters} voters, node ${process.version}`);
  if (o.mode === 'issue') await issueBench(serverMain);
  else await castBench(serverMain);
}

main().catch((e: unknown) => {
  process.stderr.write(`load bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

