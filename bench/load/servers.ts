/**
 * Server processes, databases and secrets for the load benchmark and the two-instance test: several
 * evote processes on one PostgreSQL database, sharing their secrets through configuration (as a real
 * deployment does; see docs/deployment.md), started together.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

export const ROOT = resolve(__dirname, '..', '..');
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

const safeName = (name: string) => {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`bad database name ${name}`);
  return name;
};

/** Creates a database, empty or as a copy of `template` (PostgreSQL copies the files: fast). */
export function createDatabase(name: string, template?: string): Promise<void> {
  return admin(async (c) => {
    await c.query(`CREATE DATABASE ${safeName(name)}${template ? ` TEMPLATE ${safeName(template)}` : ''}`);
  });
}

export function dropDatabase(name: string): Promise<void> {
  return admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${safeName(name)} WITH (FORCE)`);
  });
}

export function databaseExists(name: string): Promise<boolean> {
  return admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

/**
 * The secrets every instance must share, written once into `dir` (mode 0600) and passed by
 * configuration: the board's signing key, the roll's HMAC key and the issuers' RSA keys. Left to each
 * process's DATA_DIR, two instances starting together would each generate their own.
 */
export function provisionSecrets(dir: string, issuerCount = 2): Record<string, string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string, make: () => string) => {
    const path = join(dir, name);
    if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
    return path;
  };
  const board = file('board-signing.hex', () => randomBytes(32).toString('hex'));
  const roll = file('roll-hmac.hex', () => randomBytes(32).toString('hex'));
  const issuers = Array.from({ length: issuerCount }, (_, i) =>
    file(`issuer-${i + 1}.pem`, () =>
      generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 65537 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ),
  );
  return {
    BOARD_SIGNING_KEY: readFileSync(board, 'utf8').trim(),
    ROLL_HMAC_KEY: readFileSync(roll, 'utf8').trim(),
    ISSUER_KEYS: issuers.map((p) => `file:${p}`).join(','),
  };
}

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

/**
 * Builds the server with tsc into `outDir` (not the shared dist/) when a source is newer than the last
 * build. tsc still emits when files others are editing do not type-check; that is reported, not fatal.
 */
export function buildServer(outDir: string): string {
  const main = join(outDir, 'src', 'main.js');
  const sources = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((s) => join(ROOT, s));
  if (existsSync(main) && Math.max(...sources.map(newest)) < statSync(main).mtimeMs) return main;
  process.stdout.write(`building the server into ${outDir} (tsc)...\n`);
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'pipe' });
  } catch (e) {
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    process.stdout.write(`tsc reported type errors (building anyway):\n${out.split('\n').slice(0, 8).join('\n')}\n`);
  }
  if (!existsSync(main)) throw new Error(`the build produced no ${main}`);
  return main;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** Node arguments that run the server, e.g. ['dist/src/main.js'] or ['-r', '@swc-node/register', 'src/main.ts']. */
  command: string[];
  /** Environment shared by all instances (database, secrets, limits); PORT and PUBLIC_URL are per instance. */
  env: Record<string, string>;
  count: number;
  timeoutMs?: number;
}

/** Starts `count` instances at the same moment and waits until each says it is running. */
export async function startServers(o: StartOptions): Promise<ServerProcess[]> {
  const ports = await Promise.all(Array.from({ length: o.count }, () => freePort()));
  const servers = ports.map((port) => spawnServer(o, port));
  const results = await Promise.allSettled(servers.map((s) => s.ready));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.server.stop('SIGKILL')));
    throw (failed as PromiseRejectedResult).reason;
  }
  return servers.map((s) => s.server);
}

function spawnServer(o: StartOptions, port: number): { server: ServerProcess; ready: Promise<void> } {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, o.command, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...o.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-200_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-200_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const server: ServerProcess = {
    url,
    port,
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance on port ${port} did not start within ${(o.timeoutMs ?? 120_000) / 1000} s:\n${out}`)), o.timeoutMs ?? 120_000);
    const onData = () => {
      if (out.includes('evote is running at')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolveReady();
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`instance on port ${port} exited with ${code} during start-up:\n${out}`));
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return { server, ready };
}
