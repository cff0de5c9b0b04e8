import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { IdentityProviderUnavailableError } from '../modules/identity/errors';
import { IssuerConfig } from './issuer-config';

/**
 * Verifies the identity provider's signed ID token (the inner JWS of itsme's signed-then-encrypted token)
 * with the provider's own keys, fetched from its discovery document by this issuer, never handed over
 * by the platform: issuer, audience (the platform's client id), RS256, expiry and age.
 */
@Injectable()
export class IdTokenVerifier {
  private jwks?: Promise<ReturnType<typeof createRemoteJWKSet>>;

  constructor(private readonly config: IssuerConfig) {}

  async verify(idToken: string): Promise<JWTPayload & { sub: string; nonce: string }> {
    const jwks = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, jwks, {
        issuer: this.config.ISSUER_OIDC_ISSUER.replace(/\/$/, ''),
        audience: this.config.ISSUER_OIDC_AUDIENCE,
        algorithms: ['RS256'],
        maxTokenAge: this.config.ISSUER_ID_TOKEN_MAX_AGE_SECONDS,
        requiredClaims: ['sub', 'iat', 'exp', 'nonce'],
        clockTolerance: 10,
      }));
    } catch (e) {
      if (e instanceof joseErrors.JOSEError) {
        // The code names what failed (signature, claim, expiry); no token content goes into the message.
        throw new UnauthenticatedError('id_token_invalid', `The identity provider's ID token is not valid here (${e.code}${e instanceof joseErrors.JWTClaimValidationFailed ? `: ${e.claim}` : ''})`);
      }
      throw e;
    }
    if (typeof payload.sub !== 'string' || typeof payload.nonce !== 'string') throw new UnauthenticatedError('id_token_invalid', 'The ID token has no subject or nonce');
    return payload as JWTPayload & { sub: string; nonce: string };
  }

  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= this.discover().catch((e: unknown) => {
      this.jwks = undefined;
      // Not cached: the next request tries again. No one can be judged meanwhile (503, not a refusal).
      throw new IdentityProviderUnavailableError('identity_provider_unavailable', `This issuer cannot reach the identity provider (${e instanceof Error ? e.message : String(e)}); try again later`);
    });
    return this.jwks;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const issuer = this.config.ISSUER_OIDC_ISSUER.replace(/\/$/, '');
    const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`discovery answered ${res.status}`);
    const meta = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery §4.3: the metadata's issuer must be exactly the one configured.
    if (meta.issuer !== issuer) throw new Error('the discovery document names another issuer');
    if (typeof meta.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
    return createRemoteJWKSet(new URL(meta.jwks_uri), { timeoutDuration: 10_000, cooldownDuration: 30_000 });
  }
}
