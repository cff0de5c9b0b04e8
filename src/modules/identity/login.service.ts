import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { InvalidInputError, UnauthenticatedError } from '../../common/errors/domain-error';
import { rememberNextStep } from '../../common/http/problem-page';
import { extractClaims } from './claims';
import { buildRequestObject, confirmationClaims } from './confirmation';
import { ACR, acrLevel, ESSENTIAL_CLAIMS, ID_TOKEN_CLAIMS, scopeFor, type AcrLevel } from './itsme';
import { NationalNumberHasher } from './national-number-hasher';
import { OidcClientService } from './oidc-client.service';
import { RpKeys } from './rp-keys';
import { compactDecrypt } from 'jose';
import { SessionService, type SessionPrincipal } from './session.service';
import { sql } from './sql';
import { actionHash as hashAction, StepUpService } from './step-up.service';

/** How long a login may take at the identity provider. */
export const LOGIN_FLOW_TTL_SECONDS = 600;
/** Clock skew tolerated when checking that a step-up authentication is fresh. */
const AUTH_TIME_SKEW_SECONDS = 10;

interface FlowRow {
  purpose: 'login' | 'step_up' | 'token';
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  session_id_hash: Buffer | null;
  action_hash: Buffer | null;
  created_at: Date;
  expires_at: Date;
}

export type CallbackOutcome =
  | { kind: 'login'; sessionId: string; principal: SessionPrincipal; returnTo: string }
  | { kind: 'step_up'; returnTo: string }
  | { kind: 'token'; returnTo: string };

/** How long the ID token of a token login waits for its booth (the issuers also refuse it when older). */
export const TOKEN_ASSERTION_TTL_SECONDS = 600;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const equal = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Only same-origin relative paths, so the callback cannot be turned into an open redirect. */
/** The languages itsme's pages come in, in this platform's order of preference. */
export const UI_LOCALES = ['nl', 'fr', 'de', 'en'] as const;

/**
 * The `ui_locales` to send: the page's language first (when it is one of ours), then the others. Anything
 * else (missing, misspelt, an array from a repeated query parameter) is ignored, never an error.
 */
export function uiLocales(lang?: unknown): string {
  const first = UI_LOCALES.find((l) => l === lang);
  return (first ? [first, ...UI_LOCALES.filter((l) => l !== first)] : [...UI_LOCALES]).join(' ');
}

export function safeReturnTo(value: string | undefined): string {
  if (!value || !/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/';
  return value;
}

/**
 * The authorization code flow with itsme's profile: PKCE S256, state, nonce, acr_values, the claims
 * parameter, private_key_jwt, and signed-then-encrypted ID tokens. The transient state (state, nonce,
 * PKCE verifier) lives in a database row keyed by the hash of a random value in a short-lived cookie,
 * so it is bound to the browser that started the login and usable once.
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger('Login');

  constructor(
    private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly oidc: OidcClientService,
    private readonly sessions: SessionService,
    private readonly stepUps: StepUpService,
    @Inject(NationalNumberHasher) private readonly hasher: NationalNumberHasher,
    @Inject(RpKeys) private readonly rpKeys: RpKeys,
  ) {}

  /** Starts a login; returns the flow id for the cookie and the identity provider's authorization URL. */
  async startLogin(returnTo?: string, origin?: string, lang?: unknown): Promise<{ flowId: string; url: string }> {
    await this.sessions.purgeExpired();
    return this.start({ purpose: 'login', acr: this.config.OIDC_LOGIN_ACR, returnTo: safeReturnTo(returnTo), origin, lang });
  }

  /**
   * Starts a step-up confirmation of `action` for this session through itsme's Confirmation API: the
   * Confirmation service (OIDC_CONFIRM_SERVICE_CODE, its own redirect URI), acr_advanced, prompt=login,
   * and everything in a signed-then-encrypted request object whose claims carry the free_text template
   * with the exact action text and pin the subject to the session's. The action's hash is bound to the flow.
   */
  async startStepUp(session: SessionPrincipal, action: string, actionHashHex: string, returnTo?: string, origin?: string, lang?: unknown): Promise<{ flowId: string; url: string }> {
    if (hashAction(action) !== actionHashHex) {
      throw new InvalidInputError('action_hash_mismatch', 'actionHash must be the SHA-256 (hex) of the UTF-8 action message');
    }
    // Refused here, before anything reaches the provider, when itsme could not show the text.
    const claims = confirmationClaims(action, session.subject);
    return this.start({
      purpose: 'step_up',
      acr: 'advanced',
      returnTo: safeReturnTo(returnTo),
      origin,
      lang,
      sessionIdHash: session.idHash,
      actionHash: Buffer.from(actionHashHex, 'hex'),
      claims,
      extra: { prompt: 'login' },
    });
  }

  /**
   * Starts the itsme login that separate issuers accept (protocol §20 "Separate issuers"): its nonce is
   * the booth's, the hash of the booth's blinded requests, so its ID token can serve only those. It
   * belongs to the session (the same person must log in) and always asks itsme again (prompt=login).
   */
  async startTokenLogin(session: SessionPrincipal, nonce: string, returnTo?: string, origin?: string, lang?: unknown): Promise<{ flowId: string; url: string }> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(nonce)) throw new InvalidInputError('invalid_nonce', 'nonce must be the token request hash: 43 base64url characters');
    return this.start({ purpose: 'token', acr: this.config.OIDC_LOGIN_ACR, returnTo: safeReturnTo(returnTo), origin, lang, sessionIdHash: session.idHash, nonce, extra: { prompt: 'login' } });
  }

  /**
   * The signed ID token of this session's token login with `nonce`, while it is fresh; else null. Handed
   * out once and deleted: the platform keeps no ID token (nor its time) longer than the booth needs it.
   */
  async tokenAssertion(session: SessionPrincipal, nonce: string): Promise<string | null> {
    await sql(this.db, `DELETE FROM identity_token_assertions WHERE expires_at <= now()`);
    const [row] = await sql<{ id_token: string }>(
      this.db,
      `DELETE FROM identity_token_assertions WHERE session_id_hash = $1 AND nonce = $2 AND expires_at > now() RETURNING id_token`,
      [session.idHash, nonce],
    );
    return row?.id_token ?? null;
  }

  private async start(o: {
    purpose: 'login' | 'step_up' | 'token';
    /** The nonce to send (a token login's); otherwise a fresh random one. */
    nonce?: string;
    acr: AcrLevel;
    returnTo: string;
    /** The origin the browser is on: the login comes back there when it is a configured one. */
    origin?: string;
    /** The page's language, sent first in ui_locales (uiLocales). */
    lang?: unknown;
    sessionIdHash?: Buffer;
    actionHash?: Buffer;
    /** The `claims` request instead of the login's (a confirmation's). */
    claims?: Record<string, Record<string, unknown>>;
    extra?: Record<string, string>;
  }): Promise<{ flowId: string; url: string }> {
    const configuration = await this.oidc.configuration();
    const flowId = randomBytes(32).toString('base64url');
    const state = client.randomState();
    const nonce = o.nonce ?? client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    // OpenID Connect Core §5.5.1: a claim that cannot be provided is left out, essential or not, and is
    // never an error; eligibility then says what is missing.
    const idTokenClaims: Record<string, { essential: boolean } | null> = {};
    for (const c of ID_TOKEN_CLAIMS) idTokenClaims[c] = ESSENTIAL_CLAIMS.has(c) ? { essential: true } : null;
    const confirm = o.purpose === 'step_up';
    const params: Record<string, string> = {
      redirect_uri: confirm ? this.oidc.confirmRedirectUriFor(o.origin) : this.oidc.redirectUriFor(o.origin),
      response_type: 'code',
      scope: scopeFor(confirm ? this.config.OIDC_CONFIRM_SERVICE_CODE : this.config.OIDC_SERVICE_CODE),
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      acr_values: ACR[o.acr],
      claims: JSON.stringify(o.claims ?? { id_token: idTokenClaims }),
      ui_locales: uiLocales(o.lang),
      ...o.extra,
    };
    let url: URL;
    if (confirm) {
      // itsme's Confirmation API: every parameter inside the request object; outside, only what OpenID
      // Connect Core §6.1 wants repeated (client_id, response_type, scope) and the redirect URI.
      const metadata = configuration.serverMetadata();
      const request = await buildRequestObject({
        params: { ...params, claims: o.claims },
        clientId: this.config.OIDC_CLIENT_ID,
        issuer: metadata.issuer,
        signing: this.rpKeys.signing,
        encryption: await this.oidc.requestObjectEncryption(),
      });
      url = new URL(metadata.authorization_endpoint!);
      for (const [k, v] of Object.entries({ client_id: this.config.OIDC_CLIENT_ID, response_type: 'code', scope: params.scope, redirect_uri: params.redirect_uri, request })) {
        url.searchParams.set(k, v);
      }
    } else {
      url = client.buildAuthorizationUrl(configuration, params);
    }
    await sql(
      this.db,
      `INSERT INTO identity_login_flows (flow_hash, purpose, state, nonce, code_verifier, return_to, session_id_hash, action_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))`,
      [sha256(flowId), o.purpose, state, nonce, codeVerifier, o.returnTo, o.sessionIdHash ?? null, o.actionHash ?? null, LOGIN_FLOW_TTL_SECONDS],
    );
    return { flowId, url: url.href };
  }

  /**
   * Completes a flow at the redirect URI. The flow row is deleted first, whatever happens next, so a
   * flow (and its state) is usable once. Any refusal is a 401 naming the reason, and creates nothing.
   */
  async finish(flowId: string | undefined, query: Record<string, unknown>, currentSession: SessionPrincipal | null, origin?: string, at: 'login' | 'confirm' = 'login'): Promise<CallbackOutcome> {
    if (!flowId) throw new UnauthenticatedError('login_state_missing', 'No login is in progress in this browser (the login cookie is missing or expired); start again');
    const [flow] = await sql<FlowRow>(this.db, `DELETE FROM identity_login_flows WHERE flow_hash = $1 RETURNING *`, [sha256(flowId)]);
    if (!flow || flow.expires_at.getTime() <= Date.now()) {
      throw new UnauthenticatedError('login_state_missing', 'No login is in progress in this browser, or it expired; start again');
    }
    try {
      // Each service answers at its own redirect URI: a confirmation never completes at the login's, nor the reverse.
      if ((at === 'confirm') !== (flow.purpose === 'step_up')) {
        throw new UnauthenticatedError('login_failed', 'This answer arrived at the redirect URI of another itsme service; start again');
      }
      return await this.complete(flow, query, currentSession, origin);
    } catch (e) {
      // A refused login or confirmation leads back to where it started (the error page's next step).
      rememberNextStep(e, flow.return_to);
      throw e;
    }
  }

  private async complete(flow: FlowRow, query: Record<string, unknown>, currentSession: SessionPrincipal | null, origin?: string): Promise<CallbackOutcome> {
    const state = typeof query.state === 'string' ? query.state : '';
    if (!equal(state, flow.state)) throw new UnauthenticatedError('state_mismatch', 'The "state" returned by the identity provider does not match this login');

    const configuration = await this.oidc.configuration();
    // The callback arrives where the login started (its cookie lives on that origin only): the token
    // request names the same redirect URI the authorization request did.
    const currentUrl = new URL(flow.purpose === 'step_up' ? this.oidc.confirmRedirectUriFor(origin) : this.oidc.redirectUriFor(origin));
    for (const [k, v] of Object.entries(query)) if (typeof v === 'string') currentUrl.searchParams.set(k, v);

    let claims: client.IDToken;
    let idTokenJwe = '';
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: flow.code_verifier,
        expectedNonce: flow.nonce,
        expectedState: flow.state,
        idTokenExpected: true,
      });
      // itsme's profile: the ID token must be encrypted to us (a JWE, five parts), not merely signed.
      if (typeof tokens.id_token !== 'string' || tokens.id_token.split('.').length !== 5) {
        throw new UnauthenticatedError('id_token_not_encrypted', 'The ID token was not encrypted to this relying party, as the itsme profile requires');
      }
      idTokenJwe = tokens.id_token;
      const c = tokens.claims();
      if (!c) throw new UnauthenticatedError('id_token_missing', 'The identity provider returned no ID token');
      claims = c;
    } catch (e) {
      if (e instanceof UnauthenticatedError) throw e;
      if (namesNoDecryptionKey(e)) {
        // Encrypted to a key this relying party does not hold (any more): a key retired before the
        // provider's cache of our JWKS expired (docs/identity.md, rotation), or not meant for us.
        this.logger.warn('Login refused: the ID token is encrypted to a key id this relying party does not hold');
        throw new UnauthenticatedError('id_token_key_unknown', 'The ID token is encrypted to a key this relying party does not hold; log in again in a moment');
      }
      const reason = describeOidcError(e);
      this.logger.warn(`Login refused: ${reason}`);
      throw new UnauthenticatedError('login_failed', `The identity provider's answer was refused: ${reason}`);
    }

    // Recorded as received (bounded), matched by level without regard to case.
    const acr = typeof claims.acr === 'string' ? claims.acr.slice(0, 200) : '';
    const level = acrLevel(claims.acr);
    const authTime = typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? new Date(claims.auth_time * 1000) : null;

    if (flow.purpose === 'token') {
      if (!currentSession || !flow.session_id_hash || !currentSession.idHash.equals(flow.session_id_hash)) {
        throw new UnauthenticatedError('token_login_session_mismatch', 'The login for ballot tokens was started from another session; start it again');
      }
      if (claims.sub !== currentSession.subject) throw new UnauthenticatedError('token_login_subject_mismatch', 'The login for ballot tokens was made by another person than the one logged in');
      // The issuers verify the identity provider's own signature: they get the inner signed JWS, which only
      // this relying party can decrypt, as it came (openid-client already checked it and its nonce).
      const { plaintext } = await compactDecrypt(idTokenJwe, (header) => {
        const key = this.rpKeys.decryptionKey(header.kid);
        if (!key) throw new UnauthenticatedError('id_token_key_unknown', 'The ID token is encrypted to a key this relying party does not hold; log in again in a moment');
        return key;
      });
      await sql(
        this.db,
        `INSERT INTO identity_token_assertions (session_id_hash, nonce, id_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
         ON CONFLICT ON CONSTRAINT identity_token_assertions_pk DO UPDATE SET id_token = EXCLUDED.id_token, expires_at = EXCLUDED.expires_at`,
        [currentSession.idHash, flow.nonce, new TextDecoder().decode(plaintext), TOKEN_ASSERTION_TTL_SECONDS],
      );
      return { kind: 'token', returnTo: flow.return_to };
    }

    if (flow.purpose === 'step_up') {
      // Strict: a confirmation rests on acr_advanced and a fresh auth_time; neither is ever assumed.
      if (!currentSession || !flow.session_id_hash || !currentSession.idHash.equals(flow.session_id_hash)) {
        throw new UnauthenticatedError('step_up_session_mismatch', 'The confirmation was started from another session; start it again');
      }
      if (level !== 'advanced') throw new UnauthenticatedError('step_up_acr', 'A confirmation needs itsme acr_advanced (the action was not confirmed)');
      if (!authTime || authTime.getTime() < flow.created_at.getTime() - AUTH_TIME_SKEW_SECONDS * 1000 || authTime.getTime() > Date.now() + AUTH_TIME_SKEW_SECONDS * 1000) {
        throw new UnauthenticatedError('step_up_not_fresh', 'The confirmation must be a fresh authentication made for this action');
      }
      if (claims.sub !== currentSession.subject) {
        throw new UnauthenticatedError('step_up_subject_mismatch', 'The confirmation was made by another person than the one logged in');
      }
      await this.stepUps.record({ sessionIdHash: currentSession.idHash, subject: claims.sub, actionHash: flow.action_hash!, acr, authTime });
      return { kind: 'step_up', returnTo: flow.return_to };
    }

    const verified = extractClaims(claims);
    // A value that is present but not one of itsme's two is refused: it is not itsme's answer.
    if (acr !== '' && level === null) throw new UnauthenticatedError('login_acr_unknown', 'The ID token carries an acr value that is not one of itsme\'s');
    // itsme's current documentation lists neither acr nor auth_time in the ID token: by default a login
    // without them is accepted at the level that was asked (OIDC_ACR_AUTH_TIME_MISSING).
    const accept = this.config.OIDC_ACR_AUTH_TIME_MISSING === 'accept_at_login';
    if (level === null && !accept) throw new UnauthenticatedError('login_acr_missing', 'The ID token carries no acr value, and this platform requires one');
    if (authTime === null && !accept) throw new UnauthenticatedError('login_auth_time_missing', 'The ID token carries no auth_time, and this platform requires one');
    if (this.config.OIDC_LOGIN_ACR === 'advanced' && level !== 'advanced') {
      throw new UnauthenticatedError('login_acr', level === null ? 'This platform requires itsme acr_advanced at login, and the ID token names no acr' : 'This platform requires itsme acr_advanced at login, and the identity provider returned acr_basic');
    }
    const { id, principal } = await this.sessions.create({
      subject: claims.sub,
      nationalNumberHmac: verified.nationalNumber === null ? null : this.hasher.hash(verified.nationalNumber),
      acr,
      authTime: authTime ?? new Date(),
      claims: verified.session,
    });
    return { kind: 'login', sessionId: id, principal, returnTo: flow.return_to };
  }
}

/** openid-client found no enc key of ours with the JWE header's kid (its code and message, anywhere in the cause chain). */
function namesNoDecryptionKey(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 5; c = (c as Error & { cause?: unknown }).cause, depth++) {
    if (c.message === 'no applicable decryption key selected') return true;
  }
  return false;
}

/** A short reason for a refused answer: openid-client's message or the provider's error code (no token content). */
function describeOidcError(e: unknown): string {
  if (e instanceof client.AuthorizationResponseError) return `authorization error ${e.error}`;
  if (e instanceof client.ResponseBodyError) return `token endpoint error ${e.error}`;
  if (e instanceof Error) {
    // openid-client's messages are generic ("unexpected JWT claim value encountered"); its cause (from
    // oauth4webapi) names the claim, e.g. 'unexpected JWT "nonce" (nonce) claim value'. Messages carry
    // claim names, never claim values.
    const inner = (e as Error & { cause?: unknown }).cause;
    const detail = inner instanceof Error && inner.message && inner.message !== e.message ? `: ${inner.message.slice(0, 200)}` : '';
    return `${e.message.slice(0, 200)}${detail}`;
  }
  return 'unknown error';
}
