import type { DataSourceOptions } from 'typeorm';
import { allMigrations } from '../../migrations';
import type { AppConfig } from '../config/app-config';
import type { EmbeddedPostgres } from './embedded-postgres';

/** How long connecting to PostgreSQL, or waiting for a pooled connection, may take before the request fails. */
export const DATABASE_CONNECT_TIMEOUT_MS = 5_000;

/** TypeORM options shared by the server, the migration command and the tests. */
export function typeormOptions(config: AppConfig, embedded: EmbeddedPostgres | undefined): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrationsRun: false, // run explicitly at start-up so failures stop the process with a clear message
    migrations: allMigrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each' as const,
    installExtensions: false,
    logging: false,
  };
  if (config.DATABASE_URL) {
    return {
      ...common,
      url: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      connectTimeoutMS: DATABASE_CONNECT_TIMEOUT_MS,
      applicationName: 'evote',
      extra: {
        max: config.DATABASE_POOL_SIZE,
        // During an outage a request must fail fast (503) rather than hang: both a new connection and the
        // wait for a free pooled one give up after this long. pg's pool drops clients whose connection
        // broke, so after a database restart it reconnects by itself; nothing else is needed for that.
        connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
        // A connection whose peer vanished without a reset (a network cut) is probed after 10 s idle,
        // not after the kernel's default two hours.
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      },
    };
  }
  if (!embedded) throw new Error('The embedded database is not open');
  return { ...common, extra: embedded.poolOptions() };
}
