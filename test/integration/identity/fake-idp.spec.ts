import { DEMO_ELECTION_ID } from '../../../src/modules/eligibility/demo-election';
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

// OIDC_ACR_AUTH_TIME_MISSING: itsme's documentation does not promise acr or auth_time in the ID token.
describeEachBackend('identity: an ID token without acr or auth_time (OIDC_ACR_AUTH_TIME_MISSING)', (db) => {
  for (const policy of ['accept_at_login', 'refuse'] as const) {
    describe(policy, () => {
      let t: IdentityTestApp;
      let idp: FakeIdp;
      beforeAll(async () => {
        const idpPort = await freePort();
        t = await startIdentityApp(db(), { SANDBOX_IDP_ENABLED: 'false', OIDC_ISSUER: `http://127.0.0.1:${idpPort}`, OIDC_ACR_AUTH_TIME_MISSING: policy });
        idp = await startFakeIdp(idpPort, { url: t.url, clientId: 'evote' });
      });
      afterAll(async () => {
        await t?.close();
        await idp?.close();
      });
      const loginWith = async (scenario: Scenario) => {
        idp.scenario = scenario;
        const jar = new CookieJar();
        const start = await go(jar, `${t.url}/auth/login`);
        const { url } = await follow(jar, location(start, t.url), (u) => new URL(u).pathname === '/auth/callback');
        return { jar, res: await go(jar, url) };
      };

      it(policy === 'refuse' ? 'refuses the login, creating no session' : 'accepts the login and records no acr', async () => {
        const before = await countRows(t.db, 'identity_sessions');
        const { jar, res } = await loginWith('no_acr_auth_time');
        if (policy === 'refuse') {
          expect(res.status).toBe(401);
          expect((await res.json()).error).toBe('login_acr_missing');
          expect(await countRows(t.db, 'identity_sessions')).toBe(before);
        } else {
          expect(res.status).toBe(303);
          expect((await (await go(jar, `${t.url}/auth/me`)).json()).acr).toBe('');
        }
      });

      it('always refuses an acr that is not one of itsme\'s values', async () => {
        const { res } = await loginWith('unknown_acr');
        expect(res.status).toBe(401);
        expect((await res.json()).error).toBe('login_acr_unknown');
      });
    });
  }
});

describeEachBackend('identity: an impossible birth date is an eligibility reason, not a login failure', (db) => {
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

  it('2006-02-29 logs in, and eligibility refuses it as birthdate_invalid', async () => {
    idp.scenario = 'impossible_birthdate';
    const jar = new CookieJar();
    const start = await go(jar, `${t.url}/auth/login`);
    const { url } = await follow(jar, location(start, t.url), (u) => new URL(u).pathname === '/auth/callback');
    expect((await go(jar, url)).status).toBe(303);
    const r = await go(jar, `${t.url}/elections/${DEMO_ELECTION_ID}/eligibility`);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.eligible).toBe(false);
    expect(body.reasons.map((x: { code: string }) => x.code)).toContain('birthdate_invalid');
  });
});
