import { describeEachBackend } from '../../support/databases';
import { startFakeIdp, type FakeIdp, type Scenario } from './fake-idp';
import { CookieJar, countRows, follow, freePort, go, location, startIdentityApp, type IdentityTestApp } from './support';

// The relying party under test is the real one; only the identity provider is a fake, so that it can
// misbehave in ways the sandbox never does.
describeEachBackend('identity: the relying party refuses bad ID tokens', (db) => {
  let t: IdentityTestApp;
  let idp: FakeIdp;
  beforeAll(async () => {
    const idpPort = await freePort();
    t = await startIdentityApp(db(), { SANDBOX_IDP_ENABLED: 'false', OIDC_ISSUER: `http://127.0.0.1:${idpPort}` });
    idp = await startFakeIdp(idpPort, { url: t.url, clientId: 'evote' });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  async function loginWith(scenario: Scenario): Promise<Response> {
    idp.scenario = scenario;
    const jar = new CookieJar();
    const start = await go(jar, `${t.url}/auth/login`);
    expect(start.status).toBe(303);
    const { url } = await follow(jar, location(start, t.url), (u) => new URL(u).pathname === '/auth/callback');
    return go(jar, url);
  }

  it('accepts a correct, signed and encrypted ID token (control)', async () => {
    const before = await countRows(t.db, 'identity_sessions');
    const res = await loginWith('ok');
    expect(res.status).toBe(303);
    expect(await countRows(t.db, 'identity_sessions')).toBe(before + 1);
  });

  it('authenticates with private_key_jwt whose audience is the token endpoint, and sends the PKCE verifier', async () => {
    await loginWith('ok');
    expect(idp.lastTokenRequest).toEqual({ assertionAudience: `${idp.issuer}/token`, assertionIssuer: 'evote', assertionKid: expect.any(String), pkceOk: true });
  });

  it.each<[Scenario, RegExp]>([
    ['wrong_nonce', /nonce/],
    ['expired', /exp/],
    ['unknown_key', /key|signature|JWKS|kid/i],
    ['wrong_audience', /aud/],
  ])('refuses an ID token with %s, and creates no session', async (scenario, reason) => {
    const before = await countRows(t.db, 'identity_sessions');
    const res = await loginWith(scenario);
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error).toBe('login_failed');
    expect(body.message).toMatch(reason);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('evote_session='))).toBe(false);
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
  });

  it('refuses an unencrypted (signed only) ID token, and creates no session', async () => {
    const before = await countRows(t.db, 'identity_sessions');
    const res = await loginWith('unencrypted');
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('id_token_not_encrypted');
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
  });

  it('refuses a national number with a wrong checksum, and creates no session', async () => {
    const before = await countRows(t.db, 'identity_sessions');
    const res = await loginWith('bad_national_number');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'claims_invalid', message: expect.stringMatching(/national number/) });
    expect(await countRows(t.db, 'identity_sessions')).toBe(before);
  });
});
