import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactDecrypt, decodeProtectedHeader, importJWK, jwtVerify, createRemoteJWKSet, SignJWT, type JWK } from 'jose';
import { sandboxIdentity } from '../../../src/modules/sandbox-idp/identities';
import { describeEachBackend } from '../../support/databases';
import { approveAtSandbox, CookieJar, go, startIdentityApp, type IdentityTestApp } from './support';

// The sandbox itself, spoken to directly as a client would (with the relying party's own keys from
// DATA_DIR): it must hold to itsme's profile, whatever the relying party does.
describeEachBackend(
  'identity: the sandbox provider follows the itsme profile',
  (db) => {
    let t: IdentityTestApp;
    let issuer: string;
    let keys: JWK[];
    beforeAll(async () => {
      t = await startIdentityApp(db());
      issuer = `${t.url}/sandbox-idp`;
      keys = (JSON.parse(readFileSync(join(t.dataDir, 'oidc-rp-jwks.json'), 'utf8')) as { keys: JWK[] }).keys;
    });
    afterAll(() => t?.close());

    const redirectUri = () => `${t.url}/auth/callback`;
    const claims = JSON.stringify({
      id_token: { 'http://itsme.services/v2/claim/BENationalNumber': { essential: true }, birthdate: null, 'http://itsme.services/v2/claim/claim_citizenship': null, address: null },
    });

    function authorizationUrl(extra: Record<string, string> = {}, verifier = randomBytes(32).toString('base64url')) {
      const u = new URL(`${issuer}/auth`);
      const params: Record<string, string> = {
        client_id: 'evote',
        response_type: 'code',
        redirect_uri: redirectUri(),
        scope: 'openid service:EVOTE profile eid address',
        state: 's1',
        nonce: 'n1',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        acr_values: 'http://itsme.services/v2/claim/acr_basic',
        claims,
        ...extra,
      };
      for (const [k, v] of Object.entries(params)) if (v !== '') u.searchParams.set(k, v);
      return { url: u.href, verifier };
    }

    async function assertion(aud: string) {
      const sig = keys.find((k) => k.use === 'sig')!;
      return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: sig.kid })
        .setIssuer('evote')
        .setSubject('evote')
        .setAudience(aud)
        .setJti(randomBytes(16).toString('hex'))
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(await importJWK(sig, 'RS256'));
    }

    async function token(code: string, verifier: string, auth: Record<string, string> | 'secret' = {}) {
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), code_verifier: verifier });
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (auth === 'secret') headers.authorization = `Basic ${Buffer.from('evote:secret').toString('base64')}`;
      else {
        body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        body.set('client_assertion', auth.assertion ?? (await assertion(`${issuer}/token`)));
      }
      return fetch(`${issuer}/token`, { method: 'POST', headers, body });
    }

    async function codeFor(identity: string) {
      const { url, verifier } = authorizationUrl();
      const { callbackUrl } = await approveAtSandbox(new CookieJar(), url, { identity });
      const cb = new URL(callbackUrl);
      expect(cb.searchParams.get('iss')).toBe(issuer);
      return { code: cb.searchParams.get('code')!, verifier };
    }

    it('issues ID tokens signed (RS256, kid) then encrypted (RSA-OAEP-256, A128CBC-HS256, cty JWT), with the claims asked', async () => {
      const { code, verifier } = await codeFor('eu-resident');
      const res = await token(code, verifier);
      expect(res.status).toBe(200);
      const { id_token: idToken, access_token: accessToken } = (await res.json()) as { id_token: string; access_token: string };
      expect(idToken.split('.')).toHaveLength(5);
      const enc = keys.find((k) => k.use === 'enc')!;
      expect(decodeProtectedHeader(idToken)).toEqual(expect.objectContaining({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT', kid: enc.kid }));
      const { plaintext } = await compactDecrypt(idToken, await importJWK(enc, 'RSA-OAEP-256'));
      const jws = new TextDecoder().decode(plaintext);
      expect(decodeProtectedHeader(jws)).toEqual(expect.objectContaining({ alg: 'RS256', kid: expect.any(String) }));
      const { payload } = await jwtVerify(jws, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'evote' });
      const who = sandboxIdentity('eu-resident');
      expect(payload).toEqual(
        expect.objectContaining({
          sub: who.sub,
          nonce: 'n1',
          acr: 'http://itsme.services/v2/claim/acr_basic',
          auth_time: expect.any(Number),
          birthdate: who.birthdate,
          'http://itsme.services/v2/claim/BENationalNumber': who.nationalNumber,
          'http://itsme.services/v2/claim/claim_citizenship': 'Frans',
          address: expect.objectContaining({ postal_code: '3000', locality: 'Leuven' }),
        }),
      );

      // Userinfo: signed then encrypted as well.
      const ui = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toMatch(/application\/jwt/);
      const uiJwe = await ui.text();
      expect(uiJwe.split('.')).toHaveLength(5);
      const inner = new TextDecoder().decode((await compactDecrypt(uiJwe, await importJWK(enc, 'RSA-OAEP-256'))).plaintext);
      expect(decodeProtectedHeader(inner).alg).toBe('RS256');
    });

    it('accepts a client assertion whose audience is the token endpoint', async () => {
      const { code, verifier } = await codeFor('voter');
      expect((await token(code, verifier, { assertion: await assertion(`${issuer}/token`) })).status).toBe(200);
    });

    it('accepts private_key_jwt only', async () => {
      const { code, verifier } = await codeFor('voter');
      const res = await token(code, verifier, 'secret');
      expect(res.status).toBe(401);
      expect((await res.json()).error).toBe('invalid_client');
    });

    it('requires PKCE', async () => {
      const { url } = authorizationUrl({ code_challenge: '', code_challenge_method: '' });
      const res = await go(new CookieJar(), url);
      expect(res.status).toBe(303);
      const back = new URL(res.headers.get('location')!);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
    });

    it('refuses a wrong PKCE verifier and a replayed code', async () => {
      const { code, verifier } = await codeFor('voter');
      const wrong = await token(code, randomBytes(32).toString('base64url'));
      expect(wrong.status).toBe(400);
      expect((await wrong.json()).error).toBe('invalid_grant');
      const { code: code2, verifier: v2 } = await codeFor('voter');
      expect((await token(code2, v2)).status).toBe(200);
      const replay = await token(code2, v2);
      expect(replay.status).toBe(400);
      expect((await replay.json()).error).toBe('invalid_grant');
    });

    it('answers a clear 400 for an unknown or foreign login page', async () => {
      const res = await fetch(`${issuer}/interaction/not-a-login`);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/expired or belongs to another browser/);
      const post = await fetch(`${issuer}/interaction/not-a-login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve&identity=voter' });
      expect(post.status).toBe(400);
    });

    it('refuses an unknown client and an unregistered redirect URI', async () => {
      const unknown = await go(new CookieJar(), authorizationUrl({ client_id: 'someone' }).url);
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).not.toMatch(/googleapis|<script/); // the error page has no external assets or scripts
      const elsewhere = await go(new CookieJar(), authorizationUrl({ redirect_uri: 'https://evil.example/cb' }).url);
      expect(elsewhere.status).toBe(400);
    });
  },
  ['pglite'],
);
