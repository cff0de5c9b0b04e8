import 'reflect-metadata';
import { type LogLevel, Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { DataSource } from 'typeorm';
import { strictValidationPipe } from '../common/http/validation-errors';
import { AllExceptionsFilter } from '../common/http/all-exceptions.filter';
import { jsonDepthLimit } from '../common/http/json-depth';
import { DATABASE_CONNECT_TIMEOUT_MS } from '../database/typeorm-options';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import { IdTokenVerifier } from './id-token-verifier';
import { PublishedSetupCheck } from './published-setup';
import { IssuerConfig } from './issuer-config';
import { IssuerController } from './issuer.controller';
import { ISSUER_IDENTITY, loadIssuerIdentity } from './issuer-identity';
import { issuerMigrations } from './issuer-migrations';
import { ISSUER_DATA_SOURCE, IssuerService } from './issuer.service';

const EMBEDDED = Symbol('ISSUER_EMBEDDED_POSTGRES');

/** The issuer's own database: ISSUER_DATABASE_URL, or PGlite in ISSUER_DATA_DIR; its own migrations, nothing of the platform's. */
async function openDatabase(config: IssuerConfig, embedded: EmbeddedPostgres | null): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    ...(config.ISSUER_DATABASE_URL
      ? { url: config.ISSUER_DATABASE_URL, poolSize: 10, connectTimeoutMS: DATABASE_CONNECT_TIMEOUT_MS, applicationName: 'evote-issuer', extra: { max: 10, connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS } }
      : { extra: embedded!.poolOptions() }),
    synchronize: false,
    migrations: issuerMigrations,
    migrationsTableName: 'issuer_schema_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

@Module({})
class IssuerAppModule implements OnApplicationShutdown {
  constructor(
    @Inject(ISSUER_DATA_SOURCE) private readonly db: DataSource,
    @Inject(EMBEDDED) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  static forRoot(config: IssuerConfig): DynamicModule {
    return {
      module: IssuerAppModule,
      controllers: [IssuerController],
      providers: [
        { provide: IssuerConfig, useValue: config },
        { provide: ISSUER_IDENTITY, useFactory: () => loadIssuerIdentity(config) },
        { provide: EMBEDDED, useFactory: () => (config.ISSUER_DATABASE_URL ? null : EmbeddedPostgres.open(config.ISSUER_DATA_DIR)) },
        { provide: ISSUER_DATA_SOURCE, inject: [EMBEDDED], useFactory: (embedded: EmbeddedPostgres | null) => openDatabase(config, embedded) },
        IdTokenVerifier,
        PublishedSetupCheck,
        IssuerService,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
    await this.embedded?.close();
  }
}

const LEVELS: Record<string, LogLevel[] | false> = {
  silent: false,
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/**
 * A ballot-token issuer as its own application (protocol §20 "Separate issuers"): its endpoints, CORS
 * for the booth's origins only (the booth calls it directly), strict validation and the platform's error
 * shape. Not yet listening.
 */
export async function createIssuerApp(config: IssuerConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(IssuerAppModule.forRoot(config), {
    bodyParser: false,
    abortOnError: false,
    logger: LEVELS[config.ISSUER_LOG_LEVEL] ?? LEVELS.info,
  });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.use(helmet());
  app.enableCors({ origin: config.allowedOrigins, methods: ['GET', 'POST'], allowedHeaders: ['content-type'], maxAge: 600 });
  app.useBodyParser('json', { limit: 64 * 1024, strict: true });
  app.use(jsonDepthLimit());
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  return app;
}
