import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../integration/identity/support';

/**
 * A private PostgreSQL cluster in a temporary directory, for tests that stop and start the database
 * server itself (the shared server at 127.0.0.1:5432 is used by every other test and is never touched).
 * Uses the Debian binaries under /usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run as root,
 * so as root every command runs as the `postgres` OS user (runuser) on a directory that user owns.
 */

/** The newest installed server binaries with initdb and pg_ctl, or undefined (EVOTE_POSTGRES_BIN_ROOT overrides the Debian layout). */
export function postgresBinDir(root = process.env.EVOTE_POSTGRES_BIN_ROOT ?? '/usr/lib/postgresql'): string | undefined {
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Why a private cluster cannot be created here, or undefined if it can. */
export function pgClusterUnavailableReason(): string | undefined {
  if (!postgresBinDir()) return `no PostgreSQL server binaries (initdb, pg_ctl) under ${process.env.EVOTE_POSTGRES_BIN_ROOT ?? '/usr/lib/postgresql'}/*/bin`;
  if (isRoot()) {
    if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser') && !existsSync('/usr/bin/runuser')) return 'running as root but runuser is missing';
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'pipe' });
    } catch {
      return 'running as root but there is no postgres OS user';
    }
  }
  return undefined;
}

export interface PgCluster {
  port: number;
  /** Connection URL of `database` on this cluster (trust auth, user postgres). */
  url(database?: string): string;
  /** Fast shutdown: active sessions are terminated (57P01), open transactions rolled back. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
  /** Stops the server (if running) and removes the directory. Never throws. */
  destroy(): Promise<void>;
}

/** The command line that runs `argv` as the postgres OS user. */
const asPostgres = (argv: string[]): [string, string[]] => (isRoot() ? ['runuser', ['-u', 'postgres', '--', ...argv]] : [argv[0], argv.slice(1)]);

function run(argv: string[], timeoutMs: number): Promise<string> {
  const [cmd, args] = asPostgres(argv);
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.map((a) => a.split('/').pop()).join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

const live = new Set<() => void>();
// A test process that dies without afterAll must not leave a postmaster behind.
process.once('exit', () => {
  for (const stop of live) stop();
});

/** initdb + start on a free loopback port; the `evote` database is created. Throws if anything fails. */
export async function createPgCluster(): Promise<PgCluster> {
  const reason = pgClusterUnavailableReason();
  if (reason) throw new Error(`cannot create a private PostgreSQL cluster: ${reason}`);
  const bin = postgresBinDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'evote-pgcluster-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  // Unix socket in the private directory too: nothing is shared with the system's clusters.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=50`;
  const pgCtl = (...args: string[]) => [join(bin, 'pg_ctl'), '-D', data, ...args];
  let running = false;
  const stopSync = () => {
    try {
      execFileSync(...asPostgres(pgCtl('-m', 'immediate', '-w', 'stop')), { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // already stopped
    }
  };
  const cluster: PgCluster = {
    port,
    url: (database = 'evote') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await run(pgCtl('-l', logFile, '-o', options, '-w', '-t', '30', 'start'), 40_000);
      running = true;
    },
    async stop(mode = 'fast') {
      await run(pgCtl('-m', mode, '-w', '-t', '30', 'stop'), 40_000);
      running = false;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async destroy() {
      if (running) await cluster.stop('immediate').catch(stopSync);
      live.delete(stopSync);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    live.add(stopSync);
    // --no-sync: the cluster is thrown away; durability of the test's writes comes from the server's own fsync.
    await run([join(bin, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], 60_000);
    await cluster.start();
    const c = new Client({ connectionString: cluster.url('postgres'), connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      await c.query('CREATE DATABASE evote');
    } finally {
      await c.end();
    }
    return cluster;
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
}
