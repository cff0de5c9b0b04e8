import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { EmbeddedPostgres } from './embedded-postgres';
import { ADVISORY_LOCK, withAdvisoryLock } from './advisory-lock';
import { typeormOptions } from './typeorm-options';

export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

/** Opens the embedded database when no DATABASE_URL is configured, and closes it after TypeORM. */
@Global()
@Module({
  providers: [
    {
      provide: EMBEDDED_POSTGRES,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => (config.usesEmbeddedDatabase ? EmbeddedPostgres.open(config.DATA_DIR) : null),
    },
  ],
  exports: [EMBEDDED_POSTGRES],
})
class EmbeddedPostgresModule implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    // TypeORM's own shutdown hook may run after this one: the pool must be closed before PGlite is.
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    await this.embedded.close();
  }
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedPostgresModule],
      inject: [AppConfig, EMBEDDED_POSTGRES],
      useFactory: (config: AppConfig, embedded: EmbeddedPostgres | null) => ({
        ...typeormOptions(config, embedded ?? undefined),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
    EmbeddedPostgresModule,
  ],
})
export class DatabaseModule {}

/**
 * Applies pending migrations; called once at start-up before the server listens, and by `npm run migrate`.
 * Under an advisory lock: two instances starting together would otherwise both try the same migration.
 */
export async function runMigrations(dataSource: DataSource, logger = new Logger('Migrations')): Promise<void> {
  const applied = await withAdvisoryLock(dataSource, ADVISORY_LOCK.migrations, () => dataSource.runMigrations({ transaction: 'each' }));
  if (applied.length > 0) logger.log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
}
