import { BoardService } from '../../src/modules/board/board.service';
import { SANDBOX_IDENTITIES, sandboxIdentity } from '../../src/modules/sandbox-idp/identities';
import { describeEachBackend } from '../support/databases';
import { electionDefinition } from '../support/election-definitions';
import { completeKeyCeremony, makeTrustees } from '../support/key-ceremony';
import { confirmAction, json, openElection, OTHER_OFFICIAL, twoOfficialsEnv, type OpenElection } from '../support/scenario';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';

/**
 * Authorisation matrix (issue 9): every state-changing endpoint of the OpenAPI description × the roles
 * anonymous, voter, official (of the election acted on), another election's official (a platform
 * official who created another election), trustee. Only the intended roles get past authorisation
 * (401/403 otherwise). Trustees act by signed requests (Evote-Signature), never by session: a trustee's
 * session opens none of their endpoints.
 */
type Role = 'anonymous' | 'voter' | 'official' | 'other_official' | 'trustee';
const ROLES: Role[] = ['anonymous', 'voter', 'official', 'other_official', 'trustee'];
const ALL: Role[] = ROLES;
const LOGGED_IN: Role[] = ['voter', 'official', 'other_official', 'trustee'];
/** Who logs in as each role (sandbox identities). */
const IDENTITY: Record<Exclude<Role, 'anonymous'>, string> = {
  voter: 'voter',
  official: 'official',
  other_official: OTHER_OFFICIAL,
  trustee: SANDBOX_IDENTITIES.find((i) => i.roles.includes('trustee'))!.key,
};

/** Intended access, per OpenAPI operation ("METHOD path"). Every logged-in user holds the role voter. */
const INTENDED: Record<string, Role[]> = {
  'POST /elections': ['official', 'other_official'], // creating needs the platform role only
  'POST /elections/{id}/officials': ['official'],
  'DELETE /elections/{id}/officials': ['official'],
  'POST /elections/{id}/key-ceremony': ['official'],
  'POST /elections/{id}/open': ['official'],
  'POST /elections/{id}/close': ['official'],
  'POST /elections/{id}/publish': ['official'],
  'POST /elections/{id}/archive': ['official'],
  'POST /elections/{id}/abandon-ceremony': ['official'],
  'PUT /elections/{electionId}/roll': ['official'],
  'PUT /elections/{electionId}/roll/csv': ['official'],
  'POST /elections/{id}/tokens': LOGGED_IN,
  'POST /auth/step-up': LOGGED_IN,
  'POST /auth/token-login': LOGGED_IN, // the booth's itsme login for separate issuers (role voter)
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
const AUTHZ_CODES = new Set(['not_authenticated', 'forbidden_role', 'not_election_official', 'trustee_auth_missing', 'trustee_auth_unknown', 'trustee_auth_stale', 'cross_site_request']);

describeEachBackend(
  'authorisation: every state-changing endpoint × role, step-up, cross-site requests',
  (db) => {
    let t: IdentityTestApp;
    let e: OpenElection;
    const jars: Partial<Record<Role, CookieJar>> = {};
    let operations: Array<{ method: string; path: string }> = [];

    beforeAll(async () => {
      t = await startIdentityApp(db(), twoOfficialsEnv());
      e = await openElection(t);
      await logInAll();
      // The other official is an official of an election of their own, not of e.
      expect((await go(jars.other_official!, `${t.url}/elections`, json(electionDefinition(makeTrustees(3), { slug: 'authz-gent' })))).status).toBe(201);
      const doc = await (await fetch(`${t.url}/api/docs-json`)).json();
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        if (path.startsWith('/sandbox-idp')) continue;
        for (const method of Object.keys(item)) if (['post', 'put', 'patch', 'delete'].includes(method)) operations.push({ method: method.toUpperCase(), path });
      }
      // Logout last: it ends the session it is called with.
      operations = operations.sort((a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'));
    }, 120_000);
    afterAll(() => t?.close());

    async function logInAll(): Promise<void> {
      for (const [role, identity] of Object.entries(IDENTITY)) {
        jars[role as Role] = new CookieJar();
        expect((await login(t.url, jars[role as Role]!, identity)).status).toBe(303);
      }
    }

    /** What an official action on an election could change: status, board, roll, officials, unspent confirmations. */
    async function stateOf(id: string) {
      const [row] = await t.db.query(
        `SELECT status, (SELECT count(*)::int FROM board_entries WHERE election_id = $1) AS board,
                (SELECT count(*)::int FROM voter_roll_entries WHERE election_id = $1) AS roll,
                (SELECT count(*)::int FROM election_officials WHERE election_id = $1) AS officials,
                (SELECT count(*)::int FROM identity_step_ups WHERE consumed_at IS NULL) AS unspent_step_ups
           FROM elections WHERE id = $1`,
        [id],
      );
      return row;
    }

    const concrete = (path: string) => path.replace(/\{(id|electionId)\}/g, e.id);

    it('the OpenAPI description lists exactly the state-changing endpoints the matrix covers', () => {
      expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(Object.keys(INTENDED).sort());
    });

    it('only the intended roles get past authorisation; the others get 401/403', async () => {
      const table: string[] = [];
      const wrong: string[] = [];
      const before = await stateOf(e.id);
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
          // Another election's official passes the role check and is stopped by the election's own.
          if (role === 'other_official' && !intended && INTENDED[`${op.method} ${op.path}`]?.includes('official') && !(res.status === 403 && body.error === 'not_election_official')) {
            wrong.push(`${op.method} ${op.path} as other_official: ${res.status} ${body.error} (intended: 403 not_election_official)`);
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(table.length).toBe(operations.length * ROLES.length);
      expect(await stateOf(e.id)).toEqual(before);
      // POST /auth/logout ended the sessions: log in again for the tests below.
      await logInAll();
    }, 60_000);

    it("another election's official is refused (403 not_election_official) with valid requests that its own official could make, and nothing changes", async () => {
      const [official, other] = [jars.official!, jars.other_official!];
      const trustees = makeTrustees(3);
      const { id } = await (await go(official, `${t.url}/elections`, json(electionDefinition(trustees, { slug: 'authz-leuven-draft' })))).json();
      const entries = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => ({ nationalNumber: i.nationalNumber, constituency: i.roll!.constituency, basis: i.roll!.basis }));
      const csv = entries.map((x) => `${x.nationalNumber},${x.constituency},${x.basis}`).join('\n');
      const attempts: Array<[string, RequestInit]> = [
        [`/elections/${id}/roll`, json({ entries }, 'PUT')],
        [`/elections/${id}/roll/csv`, json({ csv }, 'PUT')],
        [`/elections/${id}/roll`, { method: 'GET' }],
        [`/elections/${id}/officials`, json({ nationalNumber: sandboxIdentity(OTHER_OFFICIAL).nationalNumber })], // making oneself an official
        [`/elections/${id}/officials`, json({ nationalNumber: sandboxIdentity('official').nationalNumber }, 'DELETE')], // removing its official
        [`/elections/${id}/key-ceremony`, { method: 'POST' }],
      ];
      // Even holding step-up confirmations of exactly these actions on this election (which stay unspent).
      for (const action of ['add_official', 'remove_official', 'start_key_ceremony']) await confirmAction(t, other, id, action, OTHER_OFFICIAL);
      const before = await stateOf(id);
      for (const [path, init] of attempts) {
        const res = await go(other, `${t.url}${path}`, init);
        expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 403, body: { error: 'not_election_official', message: expect.stringMatching(/official of this election/) } });
      }
      expect(await stateOf(id)).toEqual(before);
      // The same requests by the election's official do change it (so the refusals above were not vacuous).
      expect((await go(official, `${t.url}/elections/${id}/roll`, json({ entries }, 'PUT'))).status).toBe(200);
      await confirmAction(t, official, id, 'start_key_ceremony');
      expect((await go(official, `${t.url}/elections/${id}/key-ceremony`, { method: 'POST' })).status).toBe(200);
      expect(await stateOf(id)).toEqual({ ...before, status: 'key_ceremony', roll: entries.length });

      // Open, close, publish: even holding a step-up confirmation of exactly that action, the other
      // official is refused, and the confirmation stays unspent.
      await completeKeyCeremony(t.db, t.app.get(BoardService), id, trustees);
      for (const [action, status] of [['open', 'key_ceremony'], ['close', 'open']] as const) {
        await confirmAction(t, other, id, action, OTHER_OFFICIAL);
        const keyed = await stateOf(id);
        expect(keyed.status).toBe(status);
        const res = await go(other, `${t.url}/elections/${id}/${action}`, { method: 'POST' });
        expect(res.status).toBe(403);
        expect((await res.json()).error).toBe('not_election_official');
        expect(await stateOf(id)).toEqual(keyed);
        await confirmAction(t, official, id, action);
        expect((await go(official, `${t.url}/elections/${id}/${action}`, { method: 'POST' })).status).toBe(200);
      }
      const publish = await go(other, `${t.url}/elections/${id}/publish`, { method: 'POST' });
      expect(publish.status).toBe(403);
      expect((await publish.json()).error).toBe('not_election_official');
      expect((await stateOf(id)).status).toBe('closed');
    }, 60_000);

    it('an official cannot start the key ceremony, open or close without a step-up confirmation of that exact action (403 step_up_required)', async () => {
      const official = jars.official!;
      // Open: an election whose key ceremony is complete.
      const trustees = makeTrustees(3);
      const created = await go(official, `${t.url}/elections`, json(electionDefinition(trustees, { slug: 'authz-step-up' })));
      expect(created.status).toBe(201);
      const { id } = await created.json();
      const entries = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => ({ nationalNumber: i.nationalNumber, constituency: i.roll!.constituency, basis: i.roll!.basis }));
      expect((await go(official, `${t.url}/elections/${id}/roll`, json({ entries }, 'PUT'))).status).toBe(200);
      const start = await go(official, `${t.url}/elections/${id}/key-ceremony`, { method: 'POST' });
      expect(start.status).toBe(403);
      expect((await start.json()).error).toBe('step_up_required');
      expect((await (await fetch(`${t.url}/elections/${id}`)).json()).status).toBe('draft');
      await confirmAction(t, official, id, 'start_key_ceremony');
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
