import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import type { ModuleImport } from '../../../src/app.module';
import { loadConfig } from '../../../src/config/app-config';
import { createApp } from '../../../src/create-app';
import type { TestDatabase } from '../../support/databases';

/**
 * Jest runs each test file in its own vm realm, but the host's structuredClone returns objects of the
 * host realm, whose `constructor` is not this realm's `Object`: oidc-provider clones its client metadata
 * and then refuses it ("client JSON Web Key Set is invalid"). Outside Jest there is one realm and no
 * problem. Rebuild plain objects and arrays in this realm after cloning.
 */
const hostStructuredClone = globalThis.structuredClone;
function toThisRealm(v: unknown): unknown {
  if (Array.isArray(v)) return Array.from(v, toThisRealm);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(Object.getPrototypeOf(v) ?? {}) === null && v.constructor?.name === 'Object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toThisRealm(x);
    return out;
  }
  return v;
}
globalThis.structuredClone = ((value: unknown, options?: StructuredSerializeOptions) => toThisRealm(hostStructuredClone(value, options))) as typeof structuredClone;

/**
 * Like test/support startTestApp, but on a port chosen before start-up: the sandbox issuer and the
 * redirect URI are derived from PUBLIC_URL, which must name the real port.
 */
export interface IdentityTestApp {
  app: NestExpressApplication;
  url: string;
  dataDir: string;
  db: DataSource;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startIdentityApp(
  db: TestDatabase,
  env: Record<string, string> = {},
  extraImports: ModuleImport[] = [],
  logDestination?: DestinationStream,
): Promise<IdentityTestApp> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Secrets go to a folder of this app's own (PGlite's DATA_DIR is already one; PostgreSQL's default is ./data).
  const keysDir = db.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'evote-identity-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', CAST_WORKERS: '0', DATA_DIR: keysDir, ...db.env, PORT: String(port), PUBLIC_URL: url, ...env });
  const app = await createApp(config, { extraImports, logDestination });
  await app.listen(port, '127.0.0.1');
  return {
    app,
    url,
    dataDir: keysDir,
    db: app.get(DataSource),
    close: async () => {
      await app.close();
      if (!db.env.DATA_DIR) rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

export { CookieJar, go, location } from '../../support/http-session';
import { CookieJar, go, location } from '../../support/http-session';

/** Follows redirects until the URL matches `stop` (not fetched) or a non-redirect answer. */
export async function follow(jar: CookieJar, url: string, stop: (u: string) => boolean): Promise<{ url: string; res?: Response }> {
  let current = url;
  for (let i = 0; i < 10; i++) {
    if (stop(current)) return { url: current };
    const res = await go(jar, current);
    if (res.status < 300 || res.status >= 400) return { url: current, res };
    current = location(res, current);
  }
  throw new Error('too many redirects');
}

/** Our redirect URIs: the login service's and the Confirmation service's (step-up). */
export const isOurCallback = (u: string): boolean => ['/auth/callback', '/auth/confirm/callback'].includes(new URL(u).pathname);

export interface ApproveOptions {
  identity: string;
  confirm?: boolean;
  decision?: 'approve' | 'deny';
}

/**
 * From an authorization URL, plays the user at the sandbox: opens the login page, picks the identity,
 * approves; returns the URL the provider redirects to (our callback with code and state), not fetched.
 */
export async function approveAtSandbox(jar: CookieJar, authorizationUrl: string, o: ApproveOptions): Promise<{ callbackUrl: string; page: string }> {
  const toPage = await follow(jar, authorizationUrl, (u) => new URL(u).pathname.includes('/sandbox-idp/interaction/'));
  const pageRes = await go(jar, toPage.url);
  const page = await pageRes.text();
  if (pageRes.status !== 200) throw new Error(`login page answered ${pageRes.status}: ${page}`);
  const form = new URLSearchParams({ decision: o.decision ?? 'approve', identity: o.identity });
  if (o.confirm) form.set('confirm', 'yes');
  const posted = await go(jar, toPage.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (posted.status < 300 || posted.status >= 400) throw new Error(`approval answered ${posted.status}: ${await posted.text()}`);
  const back = await follow(jar, location(posted, toPage.url), isOurCallback);
  if (back.res) throw new Error(`expected our callback, got ${back.res.status} at ${back.url}: ${await back.res.text()}`);
  return { callbackUrl: back.url, page };
}

/** The whole login: /auth/login → sandbox → approve → /auth/callback. Returns the callback's answer. */
export async function login(base: string, jar: CookieJar, identity: string, returnTo?: string): Promise<Response> {
  const start = await go(jar, `${base}/auth/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`);
  if (start.status !== 303) throw new Error(`/auth/login answered ${start.status}: ${await start.text()}`);
  const { callbackUrl } = await approveAtSandbox(jar, location(start, base), { identity });
  return go(jar, callbackUrl);
}

export async function countRows(db: DataSource, table: string): Promise<number> {
  const [row] = (await db.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{ n: number }>;
  return row.n;
}
