import type { DataSource } from 'typeorm';

/** Advisory lock keys (pg_advisory_lock's one-bigint form) for start-up work several instances may race on. */
export const ADVISORY_LOCK = {
  migrations: 0x65766f7465_01n, // 'evote' + 1
  demoSeeding: 0x65766f7465_02n,
} as const;

/**
 * Runs `work` while holding a PostgreSQL session advisory lock, so that several server instances
 * starting together on one database do it one after the other. The lock lives on a connection of its
 * own, held for the duration. With a pool of one connection (the embedded PGlite, which is single-process
 * anyway) that connection would be the one `work` needs, so there the work runs without the lock.
 */
export async function withAdvisoryLock<T>(dataSource: DataSource, key: bigint, work: () => Promise<T>): Promise<T> {
  if ((dataSource.options.extra as { max?: number } | undefined)?.max === 1) return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key.toString()]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key.toString()]);
    }
  } finally {
    await runner.release();
  }
}
