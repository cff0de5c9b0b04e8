import { BoardService } from '../../src/modules/board/board.service';
import { SANDBOX_IDENTITIES } from '../../src/modules/sandbox-idp/identities';
import { describeEachBackend } from '../support/databases';
import { electionDefinition } from '../support/election-definitions';
import { completeKeyCeremony, makeTrustees } from '../support/key-ceremony';
import { json, openElection, type OpenElection } from '../support/scenario';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';

/**
 * Authorisation matrix (issue 9): every state-changing endpoint of the OpenAPI description × the roles
 * anonymous, voter, official, trustee. Only the intended roles get past authorisation (401/403
 * otherwise). Officials are global today: there is no per-election official, so "another election's
 * official" is the same role and is not a separate column. Trustees act by signed requests
 * (Evote-Signature), never by session: a trustee's session opens none of their endpoints.
 */
type Role = 'anonymous' | 'voter' | 'official' | 'trustee';
const ROLES: Role[] = ['anonymous', 'voter', 'official', 'trustee'];
const ALL: Role[] = ROLES;
const LOGGED_IN: Role[] = ['voter', 'official', 'trustee'];

/** Intended access, per OpenAPI operation ("METHOD path"). Every logged-in user holds the role voter. */
const INTENDED: Record<string, Role[]> = {
  'POST /elections': ['official'],
  'POST /elections/{id}/key-ceremony': ['official'],
  'POST /elections/{id}/open': ['official'],
  'POST /elections/{id}/close': ['official'],
  'POST /elections/{id}/publish': ['official'],
  'PUT /elections/{electionId}/roll': ['official'],
  'PUT /elections/{electionId}/roll/csv': ['official'],
  'POST /elections/{id}/tokens': LOGGED_IN,
  'POST /auth/step-up': LOGGED_IN,
  'POST /auth/logout': ALL,
  // Anonymous by design: the ballot token is the authority, not a session.
  'POST /elections/{id}/ballots': ALL,
  'POST /elections/{id}/audits': ALL,
  // Signed by a trustee key: no session role suffices.
  'POST /elections/{id}/key-ceremony/dealings': [],
  'POST /elections/{id}/key-ceremony/verdicts': [],
  'POST /elections/{id}/tally/shares': [],
};

/** Refused by authorisation (not by a later check such as eligibility or step-up). */
const AUTHZ_CODES = new Set(['not_authenticated', 'forbidden_role', 'trustee_auth_missing', 'trustee_auth_unknown', 'trustee_auth_stale', 'cross_site_request']);

describeEachBackend(
  'authorisation: every state-changing endpoint × role, step-up, cross-site requests',
  (db) => {
    let t: IdentityTestApp;
    let e: OpenElection;
    const jars: Partial<Record<Role, CookieJar>> = {};
    let operations: Array<{ method: string; path: string }> = [];

    beforeAll(async () => {
      t = await startIdentityApp(db());
      e = await openElection(t);
      const trusteeKey = SANDBOX_IDENTITIES.find((i) => i.roles.includes('trustee'))!.key;
      for (const [role, identity] of [['voter', 'voter'], ['official', 'official'], ['trustee', trusteeKey]] as const) {
        jars[role] = new CookieJar();
        expect((await login(t.url, jars[role]!, identity)).status).toBe(303);
      }
      const doc = await (await fetch(`${t.url}/api/docs-json`)).json();
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        if (path.startsWith('/sandbox-idp')) continue;
        for (const method of Object.keys(item)) if (['post', 'put', 'patch', 'delete'].includes(method)) operations.push({ method: method.toUpperCase(), path });
      }
      // Logout last: it ends the session it is called with.
      operations = operations.sort((a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'));
    }, 120_000);
    afterAll(() => t?.close());

    const concrete = (path: string) => path.replace(/\{(id|electionId)\}/g, e.id);

    it('the OpenAPI description lists exactly the state-changing endpoints the matrix covers', () => {
      expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(Object.keys(INTENDED).sort());
    });

    it('only the intended roles get past authorisation; the others get 401/403', async () => {
      const table: string[] = [];
      const wrong: string[] = [];
      for (const op of operations) {
        for (const role of ROLES) {
          const jar = role === 'anonymous' ? new CookieJar() : jars[role]!.clone();
          const res = await go(jar, `${t.url}${concrete(op.path)}`, { method: op.method, headers: { 'content-type': 'application/json' }, body: '{}' });
          const body = res.status === 204 ? {} : await res.json();
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(body).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String) }));
          const denied = (res.status === 401 || res.status === 403) && AUTHZ_CODES.has(body.error);
          const intended = INTENDED[`${op.method} ${op.path}`]?.includes(role) ?? false;
          table.push(`${op.method} ${op.path} ${role}: ${res.status} ${body.error ?? ''}`);
          if (denied === intended) wrong.push(`${op.method} ${op.path} as ${role}: ${res.status} ${body.error} (intended: ${intended ? 'allowed' : 'denied'})`);
        }
      }
      expect(wrong).toEqual([]);
      expect(table.length).toBe(operations.length * ROLES.length);
      // POST /auth/logout ended the sessions: log in again for the tests below.
      for (const [role, identity] of [['voter', 'voter'], ['official', 'official']] as const) {
        jars[role] = new CookieJar();
        expect((await login(t.url, jars[role]!, identity)).status).toBe(303);
      }
    }, 60_000);

    it('an official cannot open or close without a step-up confirmation of that exact action (403 step_up_required)', async () => {
      const official = jars.official!;
      // Open: an election whose key ceremony is complete.
      const trustees = makeTrustees(3);
      const created = await go(official, `${t.url}/elections`, json(electionDefinition(trustees, { slug: 'authz-step-up' })));
      expect(created.status).toBe(201);
      const { id } = await created.json();
      const entries = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => ({ nationalNumber: i.nationalNumber, constituency: i.roll!.constituency, basis: i.roll!.basis }));
      expect((await go(official, `${t.url}/elections/${id}/roll`, json({ entries }, 'PUT'))).status).toBe(200);
      expect((await go(official, `${t.url}/elections/${id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
      await completeKeyCeremony(t.db, t.app.get(BoardService), id, trustees);
      const open = await go(official, `${t.url}/elections/${id}/open`, { method: 'POST' });
      expect(open.status).toBe(403);
      expect((await open.json()).error).toBe('step_up_required');
      expect((await (await fetch(`${t.url}/elections/${id}`)).json()).status).toBe('key_ceremony');
      // Close: the open election.
      const close = await go(official, `${t.url}/elections/${e.id}/close`, { method: 'POST' });
      expect(close.status).toBe(403);
      expect((await close.json()).error).toBe('step_up_required');
      expect((await (await fetch(`${t.url}/elections/${e.id}`)).json()).status).toBe('open');
    }, 60_000);

    it('cross-site: cookie-authenticated state-changing requests from another site are refused (403 cross_site_request)', async () => {
      const official = jars.official!;
      const url = `${t.url}/elections/${e.id}/close`;
      for (const headers of <Array<Record<string, string>>>[{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: 'https://sub.example' }, { 'sec-fetch-site': 'cross-site', origin: 'null' }]) {
        const res = await go(official.clone(), url, { method: 'POST', headers });
        expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
        expect(await res.json()).toEqual({ error: 'cross_site_request', message: expect.any(String) });
      }
      // Same origin (as the console sends it) reaches the action's own checks.
      const same = await go(official.clone(), url, { method: 'POST', headers: { origin: t.url, 'sec-fetch-site': 'same-origin' } });
      expect((await same.json()).error).toBe('step_up_required');
      // A same-origin form POST under Referrer-Policy: no-referrer carries Origin: null (Chromium).
      const form = await go(official.clone(), url, { method: 'POST', headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } });
      expect((await form.json()).error).toBe('step_up_required');
      // Without our cookie there is no ambient authority: anonymous casting from anywhere is judged on its content.
      const cast = await fetch(`${t.url}/elections/${e.id}/ballots`, { method: 'POST', headers: { origin: 'https://elsewhere.example', 'content-type': 'application/json' }, body: '{}' });
      expect(cast.status).toBe(400);
      // Safe methods are not concerned.
      expect((await go(official.clone(), `${t.url}/auth/me`, { headers: { origin: 'https://evil.example' } })).status).toBe(200);
      // And the session cookie itself is SameSite=Lax and HttpOnly (a second, browser-side defence).
      const jar = new CookieJar();
      const start = await go(jar, `${t.url}/auth/login`);
      const setCookie = start.headers.getSetCookie().join('\n');
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).toMatch(/HttpOnly/i);
    }, 60_000);
  },
  ['pglite'],
);
