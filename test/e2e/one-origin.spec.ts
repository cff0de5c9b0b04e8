import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, postgresAvailable, type TestDatabase } from '../support/databases';
import { killProcess, startServerProcess, type ServerProcess } from '../support/server-process';
import { approveAtSandbox, CookieJar, freePort, go, location } from '../integration/identity/support';

const ROOT = join(__dirname, '..', '..');

/**
 * Issue 18, "one origin": the server started with its defaults (no PUBLIC_URL, no HOST) prints the URL
 * it also uses as PUBLIC_URL, and a login started at either name of the listener comes back to it.
 */
(postgresAvailable() ? describe : describe.skip)('e2e: one origin (npm start defaults)', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let port = 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'evote-origin-'));

  beforeAll(async () => {
    db = await createPostgresDatabase();
    port = await freePort();
    // Only what a test must set: the port (free), the database and a data folder of its own.
    server = await startServerProcess(ROOT, { PORT: String(port), DATABASE_URL: db.url!, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, 120_000);
  }, 150_000);
  afterAll(async () => {
    if (server) await killProcess(server.child, 'SIGTERM');
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('prints http://localhost:PORT, and that is PUBLIC_URL: the sandbox issuer and the redirect URI are on it', async () => {
    const printed = /evote is running at (\S+)/.exec(server.output())?.[1] ?? '';
    expect(printed).toBe(`http://localhost:${port}`);
    const discovery = await (await fetch(`${printed}/sandbox-idp/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(`${printed}/sandbox-idp`);
    const start = await go(new CookieJar(), `${printed}/auth/login?returnTo=%2Fbooth%2F`);
    expect(start.status).toBe(303);
    expect(new URL(location(start, printed)).searchParams.get('redirect_uri')).toBe(`${printed}/auth/callback`);
  });

  for (const host of ['localhost', '127.0.0.1']) {
    it(`a login started at http://${host}:PORT returns to that origin, and the session works there`, async () => {
      const base = `http://${host}:${port}`;
      const jar = new CookieJar();
      const start = await go(jar, `${base}/auth/login?returnTo=%2Fbooth%2F`);
      expect(start.status).toBe(303);
      const { callbackUrl } = await approveAtSandbox(jar, location(start, base), { identity: 'voter' });
      expect(new URL(callbackUrl).origin).toBe(base);
      const back = await go(jar, callbackUrl);
      expect(back.status).toBe(303);
      expect(location(back, base)).toBe(`${base}/booth/`);
      expect((await (await go(jar, `${base}/auth/me`)).json()).authenticated).toBe(true);
    }, 60_000);
  }
});
