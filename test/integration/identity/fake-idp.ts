import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { calculateJwkThumbprint, CompactEncrypt, createRemoteJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { makeNationalNumber } from '../../../src/modules/identity/national-number';

/** What the fake provider's token endpoint does wrong (or right). */
export type Scenario = 'ok' | 'wrong_nonce' | 'expired' | 'unknown_key' | 'unencrypted' | 'wrong_audience' | 'bad_national_number' | 'no_acr_auth_time' | 'unknown_acr' | 'impossible_birthdate';

export interface FakeIdp {
  issuer: string;
  scenario: Scenario;
  /** What the token endpoint saw last: the client assertion's claims and whether PKCE matched. */
  lastTokenRequest?: { assertionAudience: unknown; assertionIssuer: unknown; assertionKid: unknown; pkceOk: boolean };
  close(): Promise<void>;
}

const ACR_BASIC = 'http://itsme.services/v2/claim/acr_basic';

/**
 * A tiny OpenID provider built with jose, for the cases the real sandbox will not produce: it signs
 * (with its published key, or an unpublished one) and encrypts (or not) ID tokens as the scenario says.
 * It checks the relying party's client assertion (private_key_jwt, audience = token endpoint) and PKCE.
 */
export async function startFakeIdp(port: number, rp: { url: string; clientId: string }): Promise<FakeIdp> {
  const issuer = `http://127.0.0.1:${port}`;
  const make = async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    return { privateKey, jwk: { ...jwk, kid: await calculateJwkThumbprint(jwk), use: 'sig', alg: 'RS256' } as JWK };
  };
  const published = await make();
  const unpublished = await make();
  const rpJwks = createRemoteJWKSet(new URL(`${rp.url}/auth/jwks.json`));
  const pending = new Map<string, { nonce: string; challenge: string; redirectUri: string }>();
  let counter = 0;

  const state: FakeIdp = { issuer, scenario: 'ok', close: () => new Promise((r) => server.close(() => r())) };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString());
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (url.pathname === '/jwks') return json(res, 200, { keys: [published.jwk] });
      if (url.pathname === '/authorize') {
        const code = `code-${++counter}`;
        const p = url.searchParams;
        pending.set(code, { nonce: p.get('nonce') ?? '', challenge: p.get('code_challenge') ?? '', redirectUri: p.get('redirect_uri') ?? '' });
        const back = new URL(p.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', p.get('state') ?? '');
        res.writeHead(303, { location: back.href });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const body = await readBody(req);
        const assertion = body.get('client_assertion') ?? '';
        const verified = await jwtVerify(assertion, rpJwks, { audience: `${issuer}/token`, issuer: rp.clientId, subject: rp.clientId }).catch(() => null);
        const header = JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString() || '{}') as { kid?: string };
        const payload = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString() || '{}') as { aud?: unknown; iss?: unknown };
        const grant = pending.get(body.get('code') ?? '');
        pending.delete(body.get('code') ?? '');
        const verifier = body.get('code_verifier') ?? '';
        const pkceOk = !!grant && createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
        state.lastTokenRequest = { assertionAudience: payload.aud, assertionIssuer: payload.iss, assertionKid: header.kid, pkceOk };
        if (!verified) return json(res, 401, { error: 'invalid_client' });
        if (!grant || !pkceOk) return json(res, 400, { error: 'invalid_grant' });

        const now = Math.floor(Date.now() / 1000);
        const s = state.scenario;
        const claims = {
          nonce: s === 'wrong_nonce' ? 'some-other-nonce' : grant.nonce,
          // itsme's current documentation lists neither acr nor auth_time in the ID token.
          ...(s === 'no_acr_auth_time' ? {} : { acr: ACR_BASIC, auth_time: now - 5 }),
          ...(s === 'unknown_acr' ? { acr: 'urn:example:loa:3' } : {}),
          birthdate: s === 'impossible_birthdate' ? '2006-02-29' : '1990-01-01',
          'http://itsme.services/v2/claim/BENationalNumber': s === 'bad_national_number' ? '90010100100' : makeNationalNumber('1990-01-01', 5),
          'http://itsme.services/v2/claim/claim_citizenship': 'Belg',
          address: { street_address: 'Straat 1', postal_code: '3000', locality: 'Leuven' },
        };
        const key = s === 'unknown_key' ? unpublished : published;
        const jwt = new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid })
          .setIssuer(issuer)
          .setSubject('fake-subject-1')
          .setAudience(s === 'wrong_audience' ? 'someone-else' : rp.clientId)
          .setIssuedAt(s === 'expired' ? now - 3600 : now)
          .setExpirationTime(s === 'expired' ? now - 1800 : now + 600);
        const signed = await jwt.sign(key.privateKey);
        let idToken = signed;
        if (s !== 'unencrypted') {
          const rpKeys = (await (await fetch(`${rp.url}/auth/jwks.json`)).json()) as { keys: JWK[] };
          const enc = rpKeys.keys.find((k) => k.use === 'enc')!;
          idToken = await new CompactEncrypt(new TextEncoder().encode(signed))
            .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT', kid: enc.kid })
            .encrypt(await importJWK(enc, 'RSA-OAEP-256'));
        }
        return json(res, 200, { access_token: `at-${counter}`, token_type: 'Bearer', expires_in: 600, id_token: idToken });
      }
      json(res, 404, { error: 'not_found' });
    })().catch((e: unknown) => json(res, 500, { error: 'server_error', error_description: String(e) }));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return state;
}
