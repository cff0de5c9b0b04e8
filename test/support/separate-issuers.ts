import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DataSource } from 'typeorm';
import { createIssuerApp } from '../../src/issuer/issuer-app';
import { loadIssuerConfig } from '../../src/issuer/issuer-config';
import { ISSUER_DATA_SOURCE } from '../../src/issuer/issuer.service';
import { createPgliteDatabase, createPostgresDatabase, type TestDatabase } from './databases';

export const ISSUER_ADMIN_TOKEN = 'separate-issuers-test-admin-token-0123456789';

export interface RunningIssuer {
  app: NestExpressApplication;
  url: string;
  db: TestDatabase;
  ds: DataSource;
}

/**
 * `count` separate issuer applications (src/issuer), each with a database of its own (a PostgreSQL
 * database or a PGlite folder, never the platform's), trusting the sandbox identity provider of the
 * platform that will listen at `platformUrl`.
 */
export async function startIssuers(backend: 'pglite' | 'postgres', platformUrl: string, count = 3): Promise<RunningIssuer[]> {
  const out: RunningIssuer[] = [];
  for (let i = 0; i < count; i++) {
    const own = backend === 'postgres' ? await createPostgresDatabase() : await createPgliteDatabase();
    const app = await createIssuerApp(
      loadIssuerConfig({
        NODE_ENV: 'test',
        ISSUER_PORT: '0',
        ISSUER_DATA_DIR: own.env.DATA_DIR,
        ISSUER_DATABASE_URL: own.url,
        ISSUER_ADMIN_TOKEN,
        ISSUER_OIDC_ISSUER: `${platformUrl}/sandbox-idp`,
        ISSUER_OIDC_AUDIENCE: 'evote',
        ISSUER_PLATFORM_URL: platformUrl,
        ISSUER_ALLOWED_ORIGINS: platformUrl,
        ISSUER_LOG_LEVEL: 'silent',
      }),
    );
    await app.listen(0, '127.0.0.1');
    out.push({ app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), db: own, ds: app.get(ISSUER_DATA_SOURCE) });
  }
  return out;
}

export async function stopIssuers(issuers: RunningIssuer[]): Promise<void> {
  for (const i of issuers) {
    await i.app.close();
    await i.db.drop();
  }
}

/** The platform's environment for these issuers. */
export const separateIssuersEnv = (issuers: RunningIssuer[]): Record<string, string> => ({
  ISSUERS: 'separate',
  ISSUER_URLS: issuers.map((i) => i.url).join(','),
  ISSUER_ADMIN_TOKEN,
});
