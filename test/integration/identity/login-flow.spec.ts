import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxIdentity } from '../../../src/modules/sandbox-idp/identities';
import { describeEachBackend } from '../../support/databases';
import { approveAtSandbox, CookieJar, countRows, follow, go, location, login, startIdentityApp, type IdentityTestApp } from './support';

const ACR_BASIC = 'http://itsme.services/v2/claim/acr_basic';

describeEachBackend('identity: login with the sandbox identity provider', (db) => {
  let t: IdentityTestApp;
  beforeAll(async () => {
    t = await startIdentityApp(db());
  });
  afterAll(() => t?.close());

  /** Starts a login in a fresh jar and returns the jar and the provider's authorization URL. */
  async function startLogin(jar = new CookieJar()) {
    const res = await go(jar, `${t.url}/auth/login`);
    expect(res.status).toBe(303);
    return { jar, authorizationUrl: location(res, t.url) };
  }

  it('publishes the relying party JWKS: one sig and one enc RSA key, public parts only', async () => {
    const res = await fetch(`${t.url}/auth/jwks.json`);
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys.map((k) => [k.kty, k.use, k.alg])).toEqual([
      ['RSA', 'sig', 'RS256'],
      ['RSA', 'enc', 'RSA-OAEP-256'],
    ]);
    for (const k of jwks.keys) {
      expect(k.kid).toEqual(expect.any(String));
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k[priv]).toBeUndefined();
    }
    // Generated into DATA_DIR on first start, readable by the owner only.
    for (const f of ['oidc-rp-jwks.json', 'roll-hmac.key']) expect(statSync(join(t.dataDir, f)).mode & 0o777).toBe(0o600);
  });

  it('sends an itsme-profile authorization request', async () => {
    const { authorizationUrl } = await startLogin();
    const u = new URL(authorizationUrl);
    expect(u.origin + u.pathname).toBe(`${t.url}/sandbox-idp/auth`);
    const p = u.searchParams;
    expect(p.get('response_type')).toBe('code');
    // Data minimisation: no scope beyond openid and the service; each claim is named in `claims`.
    expect(p.get('scope')).toBe('openid service:EVOTE');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')).toBeTruthy();
    expect(p.get('nonce')).toBeTruthy();
    expect(p.get('acr_values')).toBe(ACR_BASIC);
    expect(p.get('redirect_uri')).toBe(`${t.url}/auth/callback`);
    expect(Object.keys(JSON.parse(p.get('claims')!).id_token).sort()).toEqual(
      [
        'http://itsme.services/v2/claim/BENationalNumber',
        'birthdate',
        'http://itsme.services/v2/claim/birthdate_as_string',
        'http://itsme.services/v2/claim/claim_citizenship',
        'http://itsme.services/v2/claim/claim_citizenship_as_iso',
        'given_name',
        'family_name',
      ].sort(),
    );
  });

  it("asks the identity provider for the page's language first (?lang=), and ignores a bad one", async () => {
    const uiLocales = async (query: string) => {
      const res = await go(new CookieJar(), `${t.url}/auth/login${query}`);
      expect(res.status).toBe(303);
      return new URL(location(res, t.url)).searchParams.get('ui_locales');
    };
    expect(await uiLocales('?lang=fr')).toBe('fr nl de en');
    expect(await uiLocales('?lang=de&returnTo=%2Fbooth%2F')).toBe('de nl fr en');
    expect(await uiLocales('')).toBe('nl fr de en');
    // Not one of ours: ignored, never an error (a login must not fail over its language).
    for (const bad of ['?lang=xx', '?lang=FR-be', '?lang=', '?lang=fr&lang=de', `?lang=${'a'.repeat(600)}`]) expect(await uiLocales(bad)).toBe('nl fr de en');
  });

  it("the token login (separate issuers) too asks for the page's language first, and ignores a bad one", async () => {
    const jar = new CookieJar();
    expect((await login(t.url, jar, 'voter')).status).toBe(303);
    const start = async (lang: unknown) => {
      const res = await go(jar, `${t.url}/auth/token-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nonce: 'n'.repeat(43), returnTo: '/booth/', lang }) });
      expect(res.status).toBe(200);
      return new URL(((await res.json()) as { authorizationUrl: string }).authorizationUrl).searchParams.get('ui_locales');
    };
    expect(await start('fr')).toBe('fr nl de en');
    expect(await start('fr-BE')).toBe('nl fr de en');
    expect(await start(42)).toBe('nl fr de en');
  });

  it('the sandbox login page speaks the first language of ui_locales it has (lang="fr"), Dutch without a page language', async () => {
    const page = async (query: string) => {
      const jar = new CookieJar();
      const start = await go(jar, `${t.url}/auth/login${query}`);
      const toPage = await follow(jar, location(start, t.url), (u) => new URL(u).pathname.includes('/sandbox-idp/interaction/'));
      const res = await go(jar, toPage.url);
      expect(res.status).toBe(200);
      return res.text();
    };
    const fr = await page('?lang=fr');
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('>Approuver</button>');
    expect(fr).not.toContain('>Approve</button>');
    expect(fr).toMatch(/name="identity" value="voter"/);
    const nl = await page('?lang=nonsense');
    expect(nl).toContain('<html lang="nl">'); // no page language: the platform's own order, nl first
    expect(nl).toContain('>Goedkeuren</button>');
  });

  it('serves the discovery document of the itsme profile', async () => {
    const d = await (await fetch(`${t.url}/sandbox-idp/.well-known/openid-configuration`)).json();
    expect(d.issuer).toBe(`${t.url}/sandbox-idp`);
    expect(d.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.response_types_supported).toEqual(['code']);
    expect(d.acr_values_supported).toEqual([ACR_BASIC, 'http://itsme.services/v2/claim/acr_advanced']);
    expect(d.scopes_supported).toEqual(expect.arrayContaining(['openid', 'service:EVOTE', 'profile', 'eid', 'address']));
    expect(d.id_token_encryption_alg_values_supported).toEqual(['RSA-OAEP-256']);
    expect(d.id_token_encryption_enc_values_supported).toEqual(['A128CBC-HS256']);
    expect(d.claims_parameter_supported).toBe(true);
  });

  it('logs in over real HTTP: a session cookie, a hashed session row, no national number stored', async () => {
    const before = await countRows(t.db, 'identity_sessions');
    const flowsBefore = await countRows(t.db, 'identity_login_flows');
    const jar = new CookieJar();
    const res = await login(t.url, jar, 'voter', '/after');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/after');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('evote_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // PUBLIC_URL is http here
    expect(jar.get('evote_login')).toBeUndefined(); // the transient login cookie is cleared
    const sid = jar.get('evote_session')!;
    expect(sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await countRows(t.db, 'identity_sessions')).toBe(before + 1);

    const rows: Array<{ id_hash: Buffer; dump: string }> = await t.db.query(`SELECT id_hash, row_to_json(s)::text AS dump FROM identity_sessions s`);
    const mine = rows.find((r) => r.id_hash.equals(createHash('sha256').update(sid).digest()));
    expect(mine).toBeDefined();
    const nn = sandboxIdentity('voter').nationalNumber;
    for (const r of rows) {
      expect(r.dump).not.toContain(nn);
      expect(r.dump).not.toContain(sid);
    }
    expect(await countRows(t.db, 'identity_login_flows')).toBe(flowsBefore); // the flow row is gone

    const me = await (await go(jar, `${t.url}/auth/me`)).json();
    expect(me).toEqual(expect.objectContaining({ authenticated: true, roles: ['voter'], acr: ACR_BASIC, givenName: 'Jan', familyName: 'Janssens', subject: sandboxIdentity('voter').sub }));
    expect(JSON.stringify(me)).not.toContain(nn);
    // The booth's device key: stable for the person, not the subject itself (test/browser/shared-device.spec.ts).
    expect(me.deviceKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(me.deviceKey).not.toContain(me.subject);
    const deviceKeyOf = async (identity: string) => {
      const other = new CookieJar();
      await login(t.url, other, identity);
      return (await (await go(other, `${t.url}/auth/me`)).json()).deviceKey;
    };
    expect(await deviceKeyOf('voter')).toBe(me.deviceKey);
    expect(await deviceKeyOf('official')).not.toBe(me.deviceKey);
  });

  it('grants the official role to the configured official (the sandbox fixture by default)', async () => {
    const jar = new CookieJar();
    expect((await login(t.url, jar, 'official')).status).toBe(303);
    expect((await (await go(jar, `${t.url}/auth/me`)).json()).roles).toEqual(['voter', 'official']);
    const trustee = new CookieJar();
    await login(t.url, trustee, 'trustee-1');
    expect((await (await go(trustee, `${t.url}/auth/me`)).json()).roles).toEqual(['voter', 'trustee']);
  });

  it('answers anonymous visitors as observers, and logs out', async () => {
    expect(await (await fetch(`${t.url}/auth/me`)).json()).toEqual({ authenticated: false, roles: ['observer'] });
    const jar = new CookieJar();
    await login(t.url, jar, 'voter');
    const before = await countRows(t.db, 'identity_sessions');
    const out = await go(jar, `${t.url}/auth/logout`, { method: 'POST' });
    expect(out.status).toBe(204);
    expect(jar.get('evote_session')).toBeUndefined();
    expect(await countRows(t.db, 'identity_sessions')).toBe(before - 1);
  });

  it('refuses a replayed authorization code, and creates no session', async () => {
    const jar = new CookieJar();
    const first = await startLogin(jar);
    const { callbackUrl } = await approveAtSandbox(jar, first.authorizationUrl, { identity: 'voter' });
    expect((await go(jar, callbackUrl)).status).toBe(303); // the code is used once, legitimately
    const before = await countRows(t.db, 'identity_sessions');

    // An attacker replays the code within a login flow of their own (their own state and cookie).
    const attacker = await startLogin();
    const replay = new URL(callbackUrl);
    replay.searchParams.set('state', new URL(attacker.authorizationUrl).searchParams.get('state')!);
    const res = await go(attacker.jar, replay.href);
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error).toBe('login_failed');
    expect(body.message).toMatch(/invalid_grant/);
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
    expect(attacker.jar.get('evote_session')).toBeUndefined();
  });

  it('refuses a replayed callback (the login flow is single-use)', async () => {
    const jar = new CookieJar();
    const { authorizationUrl } = await startLogin(jar);
    const { callbackUrl } = await approveAtSandbox(jar, authorizationUrl, { identity: 'voter' });
    const saved = jar.clone();
    expect((await go(jar, callbackUrl)).status).toBe(303);
    const before = await countRows(t.db, 'identity_sessions');
    const again = await go(saved, callbackUrl);
    expect(again.status).toBe(401);
    expect((await again.json()).error).toBe('login_state_missing');
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
  });

  it('refuses a wrong state, and creates no session', async () => {
    const jar = new CookieJar();
    const { authorizationUrl } = await startLogin(jar);
    const { callbackUrl } = await approveAtSandbox(jar, authorizationUrl, { identity: 'voter' });
    const before = await countRows(t.db, 'identity_sessions');
    const tampered = new URL(callbackUrl);
    tampered.searchParams.set('state', 'not-the-state-we-sent');
    const res = await go(jar, tampered.href);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'state_mismatch', message: expect.stringMatching(/state/) });
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
    // The flow is spent: even the genuine answer is refused now.
    expect((await go(jar, callbackUrl)).status).toBe(401);
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
  });

  it('refuses a callback without the login cookie (another browser: login CSRF)', async () => {
    const jar = new CookieJar();
    const { authorizationUrl } = await startLogin(jar);
    const { callbackUrl } = await approveAtSandbox(jar, authorizationUrl, { identity: 'voter' });
    const before = await countRows(t.db, 'identity_sessions');
    const res = await go(new CookieJar(), callbackUrl);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('login_state_missing');
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
  });

  it('reports a cancelled login, and creates no session', async () => {
    const jar = new CookieJar();
    const { authorizationUrl } = await startLogin(jar);
    const { callbackUrl } = await approveAtSandbox(jar, authorizationUrl, { identity: 'voter', decision: 'deny' });
    const before = await countRows(t.db, 'identity_sessions');
    const res = await go(jar, callbackUrl);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'login_failed', message: expect.stringMatching(/access_denied/) });
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
  });

  it('only returns to local paths after login', async () => {
    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await login(t.url, new CookieJar(), 'voter', evil);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/');
    }
  });

  it('requires a session for step-up and role-guarded endpoints', async () => {
    const res = await fetch(`${t.url}/auth/step-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'x', actionHash: '0'.repeat(64) }) });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('not_authenticated');
  });

  it('treats an unknown or expired session cookie as anonymous', async () => {
    const jar = new CookieJar();
    await login(t.url, jar, 'voter');
    await t.db.query(`UPDATE identity_sessions SET expires_at = now() - interval '1 second', created_at = now() - interval '1 day'`);
    expect((await (await go(jar, `${t.url}/auth/me`)).json()).authenticated).toBe(false);
    const forged = await fetch(`${t.url}/auth/me`, { headers: { cookie: `evote_session=${'A'.repeat(43)}` } });
    expect((await forged.json()).authenticated).toBe(false);
  });
});

describeEachBackend(
  'identity: login at acr_advanced (OIDC_LOGIN_ACR=advanced)',
  (db) => {
    let t: IdentityTestApp;
    beforeAll(async () => {
      t = await startIdentityApp(db(), { OIDC_LOGIN_ACR: 'advanced' });
    });
    afterAll(() => t?.close());

    async function loginAdvanced(confirm: boolean) {
      const jar = new CookieJar();
      const start = await go(jar, `${t.url}/auth/login`);
      const authorizationUrl = location(start, t.url);
      expect(new URL(authorizationUrl).searchParams.get('acr_values')).toBe('http://itsme.services/v2/claim/acr_advanced');
      const { callbackUrl } = await approveAtSandbox(jar, authorizationUrl, { identity: 'voter', confirm });
      return { jar, res: await go(jar, callbackUrl) };
    }

    it('accepts an advanced authentication', async () => {
      const { jar, res } = await loginAdvanced(true);
      expect(res.status).toBe(303);
      expect((await (await go(jar, `${t.url}/auth/me`)).json()).acr).toBe('http://itsme.services/v2/claim/acr_advanced');
    });

    it('refuses a basic one, and creates no session', async () => {
      const before = await countRows(t.db, 'identity_sessions');
      const { res } = await loginAdvanced(false);
      expect(res.status).toBe(401);
      expect((await res.json()).error).toBe('login_acr');
      expect(await countRows(t.db, 'identity_sessions')).toBe(before);
    });
  },
  ['pglite'],
);
