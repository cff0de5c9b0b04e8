import type { DataSourceOptions } from 'typeorm';
import { allMigrations } from '../../migrations';
import type { AppConfig } from '../config/app-config';
import type { EmbeddedPostgres } from './embedded-postgres';

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
    return { ...common, url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, connectTimeoutMS: 5000, extra: { max: config.DATABASE_POOL_SIZE } };
  }
  if (!embedded) throw new Error('The embedded database is not open');
  return { ...common, extra: embedded.poolOptions() };
}
