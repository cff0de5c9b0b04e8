import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/app-config';
import { createPgliteDatabase, type TestDatabase } from '../../test/support/databases';
import { startIdentityApp, type IdentityTestApp } from '../../test/integration/identity/support';
import { FixedWindowLimiter } from './rate-limit';

describe('FixedWindowLimiter', () => {
  it('allows `limit` hits per key and window, then refuses until the window resets', () => {
    let now = 1_000;
    const l = new FixedWindowLimiter(2, 60_000, () => now);
    expect(l.hit('a').allowed).toBe(true);
    expect(l.hit('a').allowed).toBe(true);
    const third = l.hit('a');
    expect(third.allowed).toBe(false);
    expect(third.retryAfterSeconds).toBe(60);
    expect(l.hit('b').allowed).toBe(true);
    now += 60_000;
    expect(l.hit('a').allowed).toBe(true);
  });

  it('configuration: limits default on, 0 turns a limit off, bad values name the variable', () => {
    const c = loadConfig({});
    expect([c.RATE_LIMIT_LOGIN_PER_MINUTE, c.RATE_LIMIT_TOKENS_PER_MINUTE, c.RATE_LIMIT_CAST_PER_MINUTE, c.RATE_LIMIT_WINDOW_SECONDS]).toEqual([300, 300, 300, 60]);
    expect(loadConfig({ RATE_LIMIT_CAST_PER_MINUTE: '0' }).RATE_LIMIT_CAST_PER_MINUTE).toBe(0);
    expect(() => loadConfig({ RATE_LIMIT_LOGIN_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_LOGIN_PER_MINUTE must be an integer/);
    expect(() => loadConfig({ RATE_LIMIT_WINDOW_SECONDS: 'soon' })).toThrow(/RATE_LIMIT_WINDOW_SECONDS must be an integer/);
  });
});

describe('rate limits over HTTP: 429 {error: too_many_requests} when exceeded, and reset', () => {
  let db: TestDatabase;
  let t: IdentityTestApp;
  const WINDOW = 2;

  beforeAll(async () => {
    db = await createPgliteDatabase();
    t = await startIdentityApp(db, {
      RATE_LIMIT_LOGIN_PER_MINUTE: '3',
      RATE_LIMIT_TOKENS_PER_MINUTE: '2',
      RATE_LIMIT_CAST_PER_MINUTE: '2',
      RATE_LIMIT_CAST_GLOBAL_PER_MINUTE: '5',
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW),
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const nextWindow = () => new Promise((r) => setTimeout(r, WINDOW * 1000 + 200));
  async function expect429(res: Response) {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await res.json();
    expect(body).toEqual({ error: 'too_many_requests', message: expect.any(String) });
  }

  it('login: per client address', async () => {
    await nextWindow();
    const login = () => fetch(`${t.url}/auth/login`, { redirect: 'manual' });
    for (let i = 0; i < 3; i++) expect((await login()).status).toBe(303);
    await expect429(await login());
    // /auth/callback and /auth/step-up count in the same bucket.
    await expect429(await fetch(`${t.url}/auth/callback?code=x&state=y`, { redirect: 'manual' }));
    await expect429(await fetch(`${t.url}/auth/step-up`, { method: 'POST' }));
    await nextWindow();
    expect((await login()).status).toBe(303);
  }, 30_000);

  it('token issuance: per session, else per address', async () => {
    await nextWindow();
    const id = randomUUID();
    const issue = (cookie?: string) =>
      fetch(`${t.url}/elections/${id}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: '{}' });
    expect((await issue()).status).toBe(401);
    expect((await issue()).status).toBe(401);
    await expect429(await issue());
    // Another session (here an unknown one) has its own count.
    expect((await issue('evote_session=other')).status).toBe(401);
    await nextWindow();
    expect((await issue()).status).toBe(401);
  }, 30_000);

  it('casting and audits: per token pseudonym and globally, never by address', async () => {
    await nextWindow();
    const id = randomUUID();
    const body = (p: string) => JSON.stringify({ token: { pseudonym: p.repeat(64) }, ballot: {}, signature: '0'.repeat(128) });
    const cast = (p: string, path = 'ballots') => fetch(`${t.url}/elections/${id}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(p) });
    expect((await cast('a')).status).not.toBe(429);
    expect((await cast('a', 'audits')).status).not.toBe(429);
    await expect429(await cast('a')); // third under pseudonym a (global count 3)
    expect((await cast('b')).status).not.toBe(429); // same address, other pseudonym: allowed (4)
    expect((await cast('b')).status).not.toBe(429); // (5)
    await expect429(await cast('c')); // global limit reached
    await nextWindow();
    expect((await cast('a')).status).not.toBe(429);
  }, 30_000);
});
