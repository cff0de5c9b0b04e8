import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/create-app';
import type { ModuleImport } from '../../src/app.module';
import type { TestDatabase } from './databases';

export interface TestApp {
  app: NestExpressApplication;
  /** Base URL of the listening server (real HTTP on 127.0.0.1, random port). */
  url: string;
  close(): Promise<void>;
}

/** Starts the real application on a test database, listening on a random loopback port. */
export async function startTestApp(db: TestDatabase, env: Record<string, string> = {}, extraImports: ModuleImport[] = []): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', CAST_WORKERS: '0', PORT: '0', ...db.env, ...env });
  const app = await createApp(config, { extraImports });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
