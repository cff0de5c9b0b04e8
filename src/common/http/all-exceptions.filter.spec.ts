import { Controller, Get, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { Client, DatabaseError, Pool } from 'pg';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { postgresAvailable, TEST_DATABASE_URL } from '../../../test/support/databases';
import { ConflictError } from '../errors/domain-error';
import { AllExceptionsFilter, DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './all-exceptions.filter';

/** A TCP port that accepts connections and never says a word: a database that hangs while connecting. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** A port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as { port: number };
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

const caught = async (p: Promise<unknown>): Promise<unknown> => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);

/** What the pg driver produces for an ErrorResponse with this SQLSTATE (pg-protocol sets the fields). */
function sqlstate(code: string, message: string): DatabaseError {
  const e = new DatabaseError(message, 0, 'error');
  e.code = code;
  e.severity = code.startsWith('57P') ? 'FATAL' : 'ERROR';
  return e;
}
const wrapped = (e: Error) => new QueryFailedError('SELECT 1', [], e);

describe('isDatabaseUnavailable: which errors mean "the database cannot be reached now"', () => {
  // The real driver errors of an outage, produced by the real pg client and pool against local sockets.
  let refused: unknown;
  let connectTimeout: unknown;
  let poolTimeout: unknown;
  beforeAll(async () => {
    const port = await closedPort();
    refused = await caught(new Client({ host: '127.0.0.1', port, user: 'x', database: 'x' }).connect());
    const silent = await silentServer();
    try {
      // One slot, taken by a connect that hangs until its timeout; the second caller waits for a client
      // and gives up first (the server reaches the database only through the pool).
      const pool = new Pool({ host: '127.0.0.1', port: silent.port, user: 'x', database: 'x', max: 1, connectionTimeoutMillis: 300 });
      pool.on('error', () => undefined);
      const first = caught(pool.connect());
      poolTimeout = await caught(pool.connect());
      connectTimeout = await first;
      await pool.end().catch(() => undefined);
    } finally {
      await silent.close();
    }
  });

  it('recognises connection refused, connect timeouts and pool timeouts from the real driver', () => {
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(String((connectTimeout as Error).message)).toMatch(/^Connection terminated/);
    expect(isDatabaseUnavailable(connectTimeout)).toBe(true);
    expect((poolTimeout as Error).message).toBe('timeout exceeded when trying to connect');
    expect(isDatabaseUnavailable(poolTimeout)).toBe(true);
  });

  it('recognises a broken connection mid-query, bare or wrapped by TypeORM', () => {
    for (const message of ['Connection terminated unexpectedly', 'Connection terminated', 'Client has encountered a connection error and is not queryable', 'Client was closed and is not queryable']) {
      expect(isDatabaseUnavailable(new Error(message))).toBe(true);
      expect(isDatabaseUnavailable(wrapped(new Error(message)))).toBe(true);
    }
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
    expect(isDatabaseUnavailable(wrapped(reset))).toBe(true);
    // A connection lost between two queries of a transaction: TypeORM released its query runner.
    expect(isDatabaseUnavailable(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isDatabaseUnavailable(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
    // Happy-eyeballs connects fail with an AggregateError of the per-address errors.
    expect(isDatabaseUnavailable(new AggregateError([reset, reset], 'connect failed'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('pool gave up', { cause: reset }))).toBe(true);
  });

  it('recognises SQLSTATE 57P01/57P02/57P03 and class 08, bare or wrapped', () => {
    for (const code of ['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '08P01']) {
      expect([code, isDatabaseUnavailable(sqlstate(code, 'x'))]).toEqual([code, true]);
      expect([code, isDatabaseUnavailable(wrapped(sqlstate(code, 'x')))]).toEqual([code, true]);
    }
  });

  it('leaves every other error alone', () => {
    for (const code of ['23505', '42601', '40001', '57014', '53300', '57P0', '0800', 'XX000', 'ENOENT', 'EACCES']) {
      expect([code, isDatabaseUnavailable(sqlstate(code, 'x'))]).toEqual([code, false]);
      expect([code, isDatabaseUnavailable(wrapped(sqlstate(code, 'x')))]).toEqual([code, false]);
    }
    for (const e of [new Error('boom'), new Error('the Connection terminated'), new TypeError('x is undefined'), 'ECONNREFUSED', null, undefined, 42, { code: 57 }]) {
      expect(isDatabaseUnavailable(e)).toBe(false);
    }
    const cyclic = new Error('cycle') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    expect(isDatabaseUnavailable(cyclic)).toBe(false);
  });

  (postgresAvailable() ? it : it.skip)('recognises the real 57P01 of a terminated PostgreSQL backend [postgres]', async () => {
    // Only this test's own connection is terminated.
    const c = new Client({ connectionString: TEST_DATABASE_URL });
    c.on('error', () => undefined);
    await c.connect();
    const e = await caught(c.query('SELECT pg_terminate_backend(pg_backend_pid())'));
    await c.end().catch(() => undefined);
    expect((e as { code?: string }).code).toBe('57P01');
    expect(isDatabaseUnavailable(e)).toBe(true);
    expect(isDatabaseUnavailable(wrapped(e as Error))).toBe(true);
  });
});

describe('AllExceptionsFilter over HTTP: an outage is 503 {error: service_unavailable} with Retry-After', () => {
  const errors: Record<string, () => unknown> = {
    refused: () => wrapped(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    shutdown: () => wrapped(sqlstate('57P01', 'terminating connection due to administrator command')),
    starting: () => sqlstate('57P03', 'the database system is starting up'),
    unique: () => wrapped(Object.assign(sqlstate('23505', 'duplicate key'), { constraint: 'ballots_pk' })),
    syntax: () => wrapped(sqlstate('42601', 'syntax error')),
    bug: () => new TypeError('x is undefined'),
    domain: () => new ConflictError('already_voted', 'Already voted'),
  };

  @Controller()
  class ThrowingController {
    @Get('throw')
    throw(@Query('kind') kind: string): never {
      throw errors[kind]();
    }
  }
  @Module({ controllers: [ThrowingController] })
  class ThrowingModule {}

  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    app = await NestFactory.create(ThrowingModule, { logger: false });
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => app?.close());

  const get = async (kind: string) => {
    const res = await fetch(`${base}/throw?kind=${kind}`);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  };

  it('maps database-unavailable errors to 503 with Retry-After', async () => {
    for (const kind of ['refused', 'shutdown', 'starting']) {
      const r = await get(kind);
      expect([kind, r.status, r.retryAfter]).toEqual([kind, 503, String(DATABASE_RETRY_AFTER_SECONDS)]);
      expect(r.body).toEqual({ error: 'service_unavailable', message: expect.any(String) });
    }
  });

  it('keeps the mapping of every other error, without Retry-After', async () => {
    const expected: Record<string, [number, string]> = { unique: [409, 'conflict'], syntax: [500, 'internal'], bug: [500, 'internal'], domain: [409, 'already_voted'] };
    for (const [kind, [status, error]] of Object.entries(expected)) {
      const r = await get(kind);
      expect([kind, r.status, r.body.error, r.retryAfter]).toEqual([kind, status, error, null]);
    }
  });
});
