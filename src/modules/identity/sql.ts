import type { DataSource, EntityManager } from 'typeorm';

/** Runs one parameterised statement and returns its rows (also for UPDATE/DELETE ... RETURNING). */
export async function sql<T = Record<string, unknown>>(db: DataSource | EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  const runner = 'createQueryRunner' in db ? db.createQueryRunner() : db.queryRunner;
  if (!runner) return (await (db as EntityManager).query(text, params)) as T[];
  try {
    const result = await runner.query(text, params, true);
    return (result.records ?? []) as T[];
  } finally {
    if ('createQueryRunner' in db) await runner.release();
  }
}
