/**
 * Voters logging in through the real OpenID Connect flow against the sandbox identity provider:
 * /auth/login → the provider's interaction page → approve as crowd-NNN → /auth/callback, which sets
 * the session cookie. Each instance runs its own sandbox provider (its state is in memory), so a voter
 * logs in at one instance directly; the session itself is in PostgreSQL and valid at every instance.
 */

import { CookieJar, go, location } from '../../test/support/http-session';

async function followUntil(jar: CookieJar, url: string, stop: (u: URL) => boolean): Promise<string> {
  let current = url;
  for (let i = 0; i < 10; i++) {
    if (stop(new URL(current))) return current;
    const res = await go(jar, current);
    await res.arrayBuffer();
    if (res.status < 300 || res.status >= 400) throw new Error(`login stopped at ${new URL(current).pathname} with ${res.status}`);
    current = location(res, current);
  }
  throw new Error('too many redirects');
}

/** Logs `identity` in at `base`; returns the Cookie header value that carries the session. */
export async function loginVoter(base: string, identity: string): Promise<string> {
  const jar = new CookieJar();
  const start = await go(jar, `${base}/auth/login`);
  await start.arrayBuffer();
  if (start.status !== 303) throw new Error(`/auth/login answered ${start.status}`);
  const page = await followUntil(jar, location(start, base), (u) => u.pathname.includes('/sandbox-idp/interaction/'));
  const shown = await go(jar, page);
  await shown.arrayBuffer();
  if (shown.status !== 200) throw new Error(`the login page answered ${shown.status}`);
  const form = new URLSearchParams({ decision: 'approve', identity });
  const posted = await go(jar, page, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  await posted.arrayBuffer();
  if (posted.status < 300 || posted.status >= 400) throw new Error(`approval answered ${posted.status}`);
  const callback = await followUntil(jar, location(posted, page), (u) => u.pathname === '/auth/callback');
  const done = await go(jar, callback);
  await done.arrayBuffer();
  const session = jar.get('evote_session') ?? jar.get('__Host-evote_session');
  if (done.status !== 303 || !session) throw new Error(`the callback answered ${done.status} without a session`);
  return `${jar.get('evote_session') ? 'evote_session' : '__Host-evote_session'}=${session}`;
}

export const crowdKey = (n: number) => `crowd-${String(n).padStart(3, '0')}`;

/**
 * Logs voters crowd-<first> … in, `concurrency` at a time, spreading them over the instances.
 * Returns the session cookies in voter order and the figures of the phase.
 */
export async function loginCrowd(
  bases: string[],
  first: number,
  count: number,
  concurrency: number,
  onProgress?: (done: number) => void,
): Promise<{ cookies: string[]; seconds: number; failures: number }> {
  const cookies = new Array<string>(count);
  let next = 0;
  let done = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      for (let attempt = 1; ; attempt++) {
        try {
          cookies[i] = await loginVoter(bases[i % bases.length], crowdKey(first + i));
          break;
        } catch (e) {
          failures += 1;
          if (attempt >= 3) throw new Error(`login of ${crowdKey(first + i)} failed: ${(e as Error).message}`);
        }
      }
      if (++done % 500 === 0) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { cookies, seconds: (performance.now() - started) / 1000, failures };
}
