import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';

/**
 * The embedded PostgreSQL (PGlite) used when no DATABASE_URL is given. It is reached through the real
 * `pg` driver over PGlite's node-postgres adapter with a pool of exactly one connection: PGlite is one
 * session, and sharing that session between concurrent TypeORM query runners (as typeorm-pglite does)
 * interleaves transactions. One connection means transactions are serialised, and isolation is real.
 *
 * PGlite has no lock of its own on its folder, so a lock file keeps a second process out.
 */
export class EmbeddedPostgres {
  private constructor(
    readonly db: PGlite,
    readonly directory: string,
    private readonly lockFile: string | undefined,
  ) {}

  /** Opens (creating if needed) the database folder `<dataDir>/pg`, or an in-memory one for `memory://`. */
  static async open(dataDir: string): Promise<EmbeddedPostgres> {
    if (dataDir === 'memory://') return new EmbeddedPostgres(await PGlite.create(), dataDir, undefined);
    const root = resolve(dataDir);
    mkdirSync(root, { recursive: true });
    const lockFile = join(root, 'pg.lock');
    takeLock(lockFile);
    try {
      const directory = join(root, 'pg');
      mkdirSync(directory, { recursive: true });
      const db = await PGlite.create(directory);
      return new EmbeddedPostgres(db, directory, lockFile);
    } catch (e) {
      releaseLock(lockFile);
      throw e;
    }
  }

  /** Options for pg's Pool (TypeORM `extra`): the adapter's connection object instead of a socket. */
  poolOptions(): Record<string, unknown> {
    const config = createPgConfig(this.db);
    return { connection: config.connection, max: 1, host: config.host, port: config.port, user: config.user, database: config.database, password: config.password };
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
    if (this.lockFile) releaseLock(this.lockFile);
  }
}

export class DataDirectoryLockedError extends Error {
  constructor(lockFile: string, pid: number) {
    super(`The data folder is in use by process ${pid} (lock file ${lockFile}). Stop that process, or set DATA_DIR to another folder.`);
    this.name = 'DataDirectoryLockedError';
  }
}

function takeLock(lockFile: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirectoryLockedError(lockFile, pid);
      unlinkSync(lockFile); // stale: its process is gone (e.g. killed)
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}

function releaseLock(lockFile: string): void {
  try {
    if (existsSync(lockFile) && readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
  } catch {
    /* already gone */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
