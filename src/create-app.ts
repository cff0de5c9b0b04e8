import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule, type ModuleImport } from './app.module';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { csrfProtection } from './common/http/csrf';
import { jsonDepthLimit } from './common/http/json-depth';
import { flattenValidationErrors, strictValidationPipe } from './common/http/validation-errors';
import { RateLimitGuard } from './common/rate-limit';
import type { AppConfig } from './config/app-config';
import { runMigrations } from './database/database.module';
import { installNodeAccelerators } from './parallel/node-accelerators';
import { SANDBOX_MOUNT_PATH } from './modules/sandbox-idp/sandbox-provider';

/**
 * Builds the configured application (not yet listening): security headers, body limits, validation,
 * the error filter, OpenAPI, and migrations applied. Shared by `main.ts` and the tests.
 */
export async function createApp(
  config: AppConfig,
  options: { extraImports?: ModuleImport[]; logDestination?: DestinationStream } = {},
): Promise<NestExpressApplication> {
  installNodeAccelerators(); // token and pseudonym signatures through OpenSSL (same verdicts, ~10× faster)
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.extraImports, options.logDestination), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'form-action': ["'self'"],
          // The booth calls separate issuers directly (ISSUERS=separate).
          'connect-src': ["'self'", ...config.issuerUrls.map((u) => new URL(u).origin)] },
      },
    }),
  );
  app.use(csrfProtection(config.publicUrl));
  // The sandbox identity provider (oidc-provider, mounted under SANDBOX_MOUNT_PATH) parses its own
  // requests; a body parsed before it only earns a warning per request. Its login page is ours (Nest).
  const json = express.json({ limit: config.BODY_LIMIT_BYTES, strict: true });
  const form = express.urlencoded({ limit: config.BODY_LIMIT_BYTES, extended: false });
  const providerOwn = (path: string) => path.startsWith(`${SANDBOX_MOUNT_PATH}/`) && !path.startsWith(`${SANDBOX_MOUNT_PATH}/interaction/`);
  app.use((req: Request, res: Response, next: NextFunction) => (providerOwn(req.path) ? next() : json(req, res, (e?: unknown) => (e ? next(e) : form(req, res, next)))));
  app.use(jsonDepthLimit());
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalGuards(new RateLimitGuard(config));

  if (config.API_DOCS) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle('evote API').setDescription('Open, verifiable online voting').setVersion('1').build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  }

  await runMigrations(app.get(DataSource));
  return app;
}

export { flattenValidationErrors };
