import { Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { CurrentUser, Roles } from '../../../src/modules/identity/roles';
import type { SessionPrincipal } from '../../../src/modules/identity/session.service';
import { actionHash, StepUpService } from '../../../src/modules/identity/step-up.service';
import { CompactEncrypt, SignJWT } from 'jose';
import { confirmationClaims } from '../../../src/modules/identity/confirmation';
import { OidcClientService } from '../../../src/modules/identity/oidc-client.service';
import { RpKeys } from '../../../src/modules/identity/rp-keys';
import { sandboxIdentity } from '../../../src/modules/sandbox-idp/identities';
import { SANDBOX_TEXTS } from '../../../src/modules/sandbox-idp/login-page';
import { describeEachBackend } from '../../support/databases';
import { approveAtSandbox, CookieJar, countRows, follow, go, isOurCallback, location, login, startIdentityApp, type IdentityTestApp } from './support';

// Plays the later elections module: opening an election needs a fresh confirmation of that action.
const openMessage = (id: string) => `Open the election ${id}`;
@Controller('probe-elections')
class ProbeElectionsController {
  constructor(private readonly stepUps: StepUpService) {}
  @Post(':id/open')
  @HttpCode(200)
  @Roles('official')
  async open(@Param('id') id: string, @CurrentUser() user: SessionPrincipal) {
    await this.stepUps.consume(user, actionHash(openMessage(id)));
    return { opened: id };
  }
}
@Module({ controllers: [ProbeElectionsController] })
class ProbeModule {}

describeEachBackend('identity: step-up confirmation', (db) => {
  let t: IdentityTestApp;
  beforeAll(async () => {
    t = await startIdentityApp(db(), {}, [ProbeModule]);
  });
  afterAll(() => t?.close());

  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function official(): Promise<CookieJar> {
    const jar = new CookieJar();
    expect((await login(t.url, jar, 'official')).status).toBe(303);
    return jar;
  }

  /** Starts a step-up for `message` and plays the user at the sandbox; returns the callback's answer. */
  async function confirm(jar: CookieJar, message: string, o: { identity?: string; confirm?: boolean } = {}) {
    const start = await go(jar, `${t.url}/auth/step-up`, json({ action: message, actionHash: actionHash(message), returnTo: '/done' }));
    expect(start.status).toBe(200);
    const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
    const { callbackUrl, page } = await approveAtSandbox(jar, authorizationUrl, { identity: o.identity ?? 'official', confirm: o.confirm ?? true });
    return { res: await go(jar, callbackUrl), authorizationUrl, page, callbackUrl };
  }

  const open = (jar: CookieJar, id: string) => go(jar, `${t.url}/probe-elections/${id}/open`, { method: 'POST' });

  /** The sandbox's page for an authorization URL (not approved), and the interaction's URL. */
  async function sandboxPage(jar: CookieJar, authorizationUrl: string) {
    const toPage = await follow(jar, authorizationUrl, (u) => new URL(u).pathname.includes('/sandbox-idp/interaction/') || isOurCallback(u));
    const res = await go(jar, toPage.url);
    return { url: toPage.url, status: res.status, text: await res.text() };
  }

  /** Where the sandbox sends the browser for `url` (a refused authorization comes back to our redirect URI with an error). */
  async function refusalAt(jar: CookieJar, url: string): Promise<URL> {
    const res = await go(jar, url);
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    return new URL(location(res, url));
  }

  it("asks itsme's Confirmation service, with everything in a signed-then-encrypted request object, and the sandbox shows the action text", async () => {
    const jar = await official();
    const { res, authorizationUrl, page } = await confirm(jar, openMessage('e1'));
    const p = new URL(authorizationUrl).searchParams;
    // Outside the request object only what OpenID Connect Core §6.1 repeats: no binding_message, no state, no claims.
    expect([...p.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'request', 'response_type', 'scope']);
    expect(p.get('scope')).toBe('openid service:EVOTE_CONFIRM');
    expect(p.get('redirect_uri')).toBe(`${t.url}/auth/confirm/callback`);
    const request = p.get('request')!;
    expect(request.split('.')).toHaveLength(5); // a JWE, not a readable JWS
    const header = JSON.parse(Buffer.from(request.split('.')[0], 'base64url').toString('utf8'));
    // alg and enc as the provider's discovery document advertises them; encrypted to the provider's key.
    const metadata = await (await fetch(`${t.url}/sandbox-idp/.well-known/openid-configuration`)).json();
    expect(metadata.request_object_encryption_alg_values_supported).toContain(header.alg);
    expect(metadata.request_object_encryption_enc_values_supported).toContain(header.enc);
    expect(header.cty).toBe('JWT');
    const providerKeys = (await (await fetch(metadata.jwks_uri)).json()).keys as Array<{ kid: string; use?: string }>;
    expect(providerKeys.find((k) => k.kid === header.kid)?.use).toBe('enc');
    // The message is nowhere in the URL (browser history, proxies and logs only see ciphertext).
    for (const [k, v] of p) if (k !== 'request') expect(v).not.toContain('election');
    expect(JSON.stringify(header)).not.toContain('election');
    // The free_text template, as itsme's app shows it, with the confirm box of acr_advanced.
    expect(page).toContain(`<p class="msg">${openMessage('e1')}</p>`);
    expect(page).toContain('name="confirm"');
    // No inline script (CSP script-src 'self'): only the sandbox's own file, which enables Approve once the box is ticked.
    expect(page).not.toMatch(/<script(?![^>]*\ssrc="\/sandbox-idp\/interaction\/assets\/confirm\.js")/i);
    expect(page).toMatch(/value="approve" disabled/);
    expect(page).toMatch(/value="official" checked/); // the pinned subject
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/done');
  });

  it("passes the page's language to the identity provider first (lang), and ignores one that is not ours", async () => {
    const jar = await official();
    const pageLang = async (lang: unknown) => {
      const message = openMessage('e-lang');
      const res = await go(jar, `${t.url}/auth/step-up`, json({ action: message, actionHash: actionHash(message), returnTo: '/done', lang }));
      expect(res.status).toBe(200);
      // ui_locales travels inside the encrypted request object: the sandbox's page shows which it got.
      const { text } = await sandboxPage(jar, ((await res.json()) as { authorizationUrl: string }).authorizationUrl);
      return /<html lang="(\w+)">/.exec(text)?.[1];
    };
    expect(await pageLang('de')).toBe('de');
    expect(await pageLang('en')).toBe('en');
    expect(await pageLang('klingon')).toBe('nl');
    expect(await pageLang(['fr'])).toBe('nl');
  });

  it('refuses before sending a text itsme cannot show: outside ISO-8859-15 or over 7,500 characters (nothing started)', async () => {
    const jar = await official();
    const flows = await countRows(t.db, 'identity_login_flows');
    for (const text of ['Open the election \u2018Gemeenteraad\u2019 2027', 'Open the election \u0394', 'Open \u{1F5F3}', 'Open the election\nx', 'x'.repeat(7501)]) {
      const res = await go(jar, `${t.url}/auth/step-up`, json({ action: text, actionHash: actionHash(text), returnTo: '/done' }));
      expect(res.status).toBe(400);
      expect((await res.json()).error).toBe('step_up_text_invalid');
    }
    expect(await countRows(t.db, 'identity_login_flows')).toBe(flows);
    // ISO-8859-15 has the euro sign and Š, Ž, Œ, Ÿ (which Latin-1 lacks), and accents; 7,500 characters pass.
    for (const text of ['Open the election \u20ac \u0160\u017d\u0152\u0178 Li\u00e8ge (e-latin9)', 'y'.repeat(7500)]) {
      const res = await go(jar, `${t.url}/auth/step-up`, json({ action: text, actionHash: actionHash(text), returnTo: '/done' }));
      expect(res.status).toBe(200);
    }
    const latin9 = 'Open the election \u20ac \u0160\u017d\u0152\u0178 Li\u00e8ge (e-latin9)';
    const { page, res } = await confirm(jar, latin9);
    expect(page).toContain(latin9);
    expect(res.status).toBe(303);
  });

  it('is refused by the provider without the request object: the parameters in plain (and binding_message, the old shape) get invalid_request', async () => {
    const jar = await official();
    const start = await go(jar, `${t.url}/auth/step-up`, json({ action: openMessage('e12'), actionHash: actionHash(openMessage('e12')), returnTo: '/done' }));
    const genuine = new URL(((await start.json()) as { authorizationUrl: string }).authorizationUrl);
    // The attacker rebuilds the request in plain, with the text of their choice for the pinned person.
    const plain = new URL(genuine.href);
    plain.searchParams.delete('request');
    const claims = { userinfo: { sub: { essential: true, value: sandboxIdentity('official').sub }, 'http://itsme.services/v2/claim/claim_approval_template_name': { essential: true, value: 'free_text' }, 'http://itsme.services/v2/claim/claim_approval_text_key': { essential: true, value: 'Something harmless' } } };
    for (const [k, v] of Object.entries({ state: 's'.repeat(43), nonce: 'n'.repeat(43), code_challenge: 'c'.repeat(43), code_challenge_method: 'S256', acr_values: 'http://itsme.services/v2/claim/acr_advanced', claims: JSON.stringify(claims) })) {
      plain.searchParams.set(k, v);
    }
    const noRequest = await refusalAt(jar, plain.href);
    expect(noRequest.pathname).toBe('/auth/confirm/callback');
    expect(noRequest.searchParams.get('error')).toBe('invalid_request');
    expect(noRequest.searchParams.get('error_description')).toMatch(/request object/);
    expect(noRequest.searchParams.get('code')).toBeNull();

    const withBinding = new URL(plain.href);
    withBinding.searchParams.set('binding_message', openMessage('e12'));
    const refused = await refusalAt(jar, withBinding.href);
    expect(refused.searchParams.get('error')).toBe('invalid_request');
    expect(refused.searchParams.get('error_description')).toMatch(/binding_message/);

    // binding_message on the login service, as the platform sent it before the Confirmation API.
    const login = await go(new CookieJar(), `${t.url}/auth/login`);
    const old = new URL(location(login, t.url));
    old.searchParams.set('binding_message', openMessage('e12'));
    const oldShape = await refusalAt(new CookieJar(), old.href);
    expect(oldShape.pathname).toBe('/auth/callback');
    expect(oldShape.searchParams.get('error')).toBe('invalid_request');
    expect(oldShape.searchParams.get('error_description')).toMatch(/binding_message/);

    // Back at the platform, a refusal is a refusal: nothing is confirmed.
    const steps = await countRows(t.db, 'identity_step_ups');
    const back = await go(jar, noRequest.href);
    expect(back.status).toBe(401);
    expect(await countRows(t.db, 'identity_step_ups')).toBe(steps);
    expect((await open(jar, 'e12')).status).toBe(403);
  });

  it('the sandbox, like itsme, refuses a request object only signed (not encrypted to it) and one without the free_text template', async () => {
    // Played with the relying party's own signing key: what the platform itself could get wrong.
    const keys = t.app.get(RpKeys);
    const jar = await official();
    const start = await go(jar, `${t.url}/auth/step-up`, json({ action: openMessage('e16'), actionHash: actionHash(openMessage('e16')), returnTo: '/done' }));
    const genuine = new URL(((await start.json()) as { authorizationUrl: string }).authorizationUrl);
    const issuer = `${t.url}/sandbox-idp`;
    const sub = sandboxIdentity('official').sub;
    const base = {
      client_id: 'evote', response_type: 'code', scope: 'openid service:EVOTE_CONFIRM', redirect_uri: `${t.url}/auth/confirm/callback`,
      state: 's'.repeat(43), nonce: 'n'.repeat(43), code_challenge: 'c'.repeat(43), code_challenge_method: 'S256', acr_values: 'http://itsme.services/v2/claim/acr_advanced',
    };
    const signed = (claims: object) => new SignJWT({ ...base, claims }).setProtectedHeader({ alg: 'RS256', kid: keys.signing.kid }).setIssuer('evote').setAudience(issuer).setIssuedAt().setExpirationTime('5m').sign(keys.signing.key);
    const at = (request: string) => {
      const u = new URL(genuine.href);
      u.searchParams.set('request', request);
      return u.href;
    };
    const template = confirmationClaims(openMessage('e16'), sub);
    const onlySigned = await refusalAt(jar, at(await signed(template)));
    expect(onlySigned.searchParams.get('error')).toBe('invalid_request_object');
    expect(onlySigned.searchParams.get('error_description')).toMatch(/encrypted/);
    const encryption = await t.app.get(OidcClientService).requestObjectEncryption();
    const encrypt = async (jws: string) => new CompactEncrypt(new TextEncoder().encode(jws)).setProtectedHeader({ alg: encryption.alg, enc: encryption.enc, cty: 'JWT', kid: encryption.kid }).encrypt(encryption.key);
    const noTemplate = await refusalAt(jar, at(await encrypt(await signed({ userinfo: { sub: { essential: true, value: sub } }, id_token: { sub: { essential: true, value: sub } } }))));
    expect(noTemplate.searchParams.get('error')).toBe('invalid_request');
    expect(noTemplate.searchParams.get('error_description')).toMatch(/free_text/);
    const curly = { ...template, userinfo: { ...template.userinfo, 'http://itsme.services/v2/claim/claim_approval_text_key': { essential: true, value: 'Open \u2018e16\u2019' } } };
    const badText = await refusalAt(jar, at(await encrypt(await signed(curly))));
    expect(badText.searchParams.get('error')).toBe('invalid_request');
    expect(badText.searchParams.get('error_description')).toMatch(/ISO-8859-15/);
  });

  it('is refused by the provider at the login service redirect URI, and a confirmation is never completed at the login callback', async () => {
    const jar = await official();
    const start = await go(jar, `${t.url}/auth/step-up`, json({ action: openMessage('e13'), actionHash: actionHash(openMessage('e13')), returnTo: '/done' }));
    const genuine = new URL(((await start.json()) as { authorizationUrl: string }).authorizationUrl);
    // The outer redirect_uri is replaced by the request object's; the attacker cannot change that one, so
    // the answer still comes to the Confirmation callback.
    genuine.searchParams.set('redirect_uri', `${t.url}/auth/callback`);
    const { callbackUrl } = await approveAtSandbox(jar, genuine.href, { identity: 'official', confirm: true });
    expect(new URL(callbackUrl).pathname).toBe('/auth/confirm/callback');
    // Taken to the login's callback instead, the same answer is refused and spends the flow.
    const atLogin = new URL(callbackUrl);
    atLogin.pathname = '/auth/callback';
    const res = await go(jar, atLogin.href);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('login_failed');
    expect((await open(jar, 'e13')).status).toBe(403);
  });

  it('is single-use', async () => {
    const jar = await official();
    const sessions = await countRows(t.db, 'identity_sessions');
    expect((await confirm(jar, openMessage('e2'))).res.status).toBe(303);
    expect(await countRows(t.db, 'identity_sessions')).toBe(sessions); // a confirmation is not a new session
    const first = await open(jar, 'e2');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ opened: 'e2' });
    const second = await open(jar, 'e2');
    expect(second.status).toBe(403);
    expect((await second.json()).error).toBe('step_up_required');
  });

  it('is consumed once even by concurrent requests', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e11'));
    const statuses = (await Promise.all([open(jar, 'e11'), open(jar, 'e11'), open(jar, 'e11')])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 403, 403]);
  });

  it('is bound to the action hash', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e3'));
    const other = await open(jar, 'e4');
    expect(other.status).toBe(403);
    expect((await other.json()).error).toBe('step_up_required');
    expect((await open(jar, 'e3')).status).toBe(200); // the refused attempt did not spend it
  });

  it('is bound to the session (and its subject)', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e5'));
    const otherSession = await official(); // the same person, logged in elsewhere
    expect((await open(otherSession, 'e5')).status).toBe(403);
    expect((await open(jar, 'e5')).status).toBe(200);
  });

  it('requires acr_advanced: an approval without the confirm box is refused', async () => {
    const jar = await official();
    const before = await countRows(t.db, 'identity_step_ups');
    const { res } = await confirm(jar, openMessage('e6'), { confirm: false });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('step_up_acr');
    expect(await countRows(t.db, 'identity_step_ups')).toBe(before);
    expect((await open(jar, 'e6')).status).toBe(403);
  });

  it('is pinned to the logged-in person: someone else cannot approve it at the provider', async () => {
    const jar = await official();
    const before = await countRows(t.db, 'identity_step_ups');
    const start = await go(jar, `${t.url}/auth/step-up`, json({ action: openMessage('e7'), actionHash: actionHash(openMessage('e7')), returnTo: '/done' }));
    const { url, text } = await sandboxPage(jar, ((await start.json()) as { authorizationUrl: string }).authorizationUrl);
    expect(text).toMatch(/value="official" checked/);
    // Another person (a voter at the same device) tries to approve the official's confirmation.
    const posted = await go(jar, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ decision: 'approve', identity: 'voter', confirm: 'yes' }).toString() });
    expect(posted.status).toBe(403);
    expect(await posted.text()).toContain(`<p class="error">${SANDBOX_TEXTS.nl.notYou}</p>`);
    expect(await countRows(t.db, 'identity_step_ups')).toBe(before);
    expect((await open(jar, 'e7')).status).toBe(403);
  });

  it('cannot be replayed: not the callback, nor the authorization URL in a later confirmation', async () => {
    const jar = await official();
    const first = await confirm(jar, openMessage('e14'));
    expect(first.res.status).toBe(303);
    const steps = await countRows(t.db, 'identity_step_ups');
    // The same answer again: its flow is spent.
    const again = await go(jar, first.callbackUrl);
    expect(again.status).toBe(401);
    expect((await again.json()).error).toBe('login_state_missing');
    // A fresh confirmation started (its cookie set), then the old request object replayed at the provider:
    // its state is not the new flow's.
    const start = await go(jar, `${t.url}/auth/step-up`, json({ action: openMessage('e15'), actionHash: actionHash(openMessage('e15')), returnTo: '/done' }));
    expect(start.status).toBe(200);
    const replayed = await approveAtSandbox(jar, first.authorizationUrl, { identity: 'official', confirm: true });
    const res = await go(jar, replayed.callbackUrl);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('state_mismatch');
    expect(await countRows(t.db, 'identity_step_ups')).toBe(steps);
    expect((await open(jar, 'e14')).status).toBe(200); // the first, once
    expect((await open(jar, 'e14')).status).toBe(403);
    expect((await open(jar, 'e15')).status).toBe(403);
  });

  it('refuses an action hash that is not the hash of the action message', async () => {
    const jar = await official();
    const res = await go(jar, `${t.url}/auth/step-up`, json({ action: openMessage('e8'), actionHash: actionHash('something else') }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('action_hash_mismatch');
    const bad = await go(jar, `${t.url}/auth/step-up`, json({ action: 'x', actionHash: 'ABC' }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('validation_failed');
  });

  it('is refused when it has expired', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e9'));
    await t.db.query(`UPDATE identity_step_ups SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL`);
    expect((await open(jar, 'e9')).status).toBe(403);
  });

  it('keeps voters out of official actions (403) and anonymous users out (401)', async () => {
    const voter = new CookieJar();
    await login(t.url, voter, 'voter');
    const r = await open(voter, 'e10');
    expect(r.status).toBe(403);
    expect((await r.json()).error).toBe('forbidden_role');
    expect((await open(new CookieJar(), 'e10')).status).toBe(401);
  });
});
