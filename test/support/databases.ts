import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * The two database backends every integration test runs on: the embedded PGlite and a real
 * PostgreSQL server (TEST_DATABASE_URL). Each test file gets a database of its own, dropped afterwards.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  backend: 'pglite' | 'postgres';
  /** Environment for loadConfig: DATABASE_URL for PostgreSQL, DATA_DIR for PGlite. */
  env: Record<string, string>;
  /** For PostgreSQL: the URL of the per-test database. */
  url?: string;
  drop(): Promise<void>;
}

let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const c = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return reachable;
}

export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `evote_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  // Keys generated in development go to DATA_DIR: a folder of its own, never the repository's ./data.
  const dataDir = mkdtempSync(join(tmpdir(), 'evote-pg-data-'));
  return {
    backend: 'postgres',
    url: url.toString(),
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function createPgliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'evote-pglite-'));
  return { backend: 'pglite', env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

type Body = (db: () => TestDatabase) => void;

/** Set by test/support/global-setup.ts, which checks the server once for the whole run. */
export const postgresAvailable = (): boolean => process.env.EVOTE_PG_REACHABLE === '1';

/**
 * Runs `body` once per backend, inside `describe('<title> [pglite|postgres]')`. The database is created
 * before the tests of that block and dropped after them. Where no PostgreSQL server is reachable the
 * PostgreSQL block is skipped, and the global setup said so loudly (in CI it fails the run instead).
 */
export function describeEachBackend(title: string, body: Body, backends: Array<'pglite' | 'postgres'> = ['pglite', 'postgres']): void {
  for (const backend of backends) {
    const run = backend === 'postgres' && !postgresAvailable() ? describe.skip : describe;
    run(`${title} [${backend}]`, () => {
      let db: TestDatabase | undefined;
      beforeAll(async () => {
        db = backend === 'postgres' ? await createPostgresDatabase() : await createPgliteDatabase();
      }, 60_000);
      afterAll(async () => {
        await db?.drop();
      }, 60_000);
      body(() => {
        if (!db) throw new Error('test database not created');
        return db;
      });
    });
  }
}
