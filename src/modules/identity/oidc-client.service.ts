import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { AppConfig } from '../../config/app-config';
import { providerEncryptionKey, requestObjectEncryption } from './confirmation';
import { IdentityProviderUnavailableError } from './errors';
import { RpKeys } from './rp-keys';

/** The redirect URI path of the Confirmation service (step-up). */
export const CONFIRM_CALLBACK_PATH = '/auth/confirm/callback';
/** How long the provider's request-object encryption key is reused before its JWKS is read again. */
const ENCRYPTION_KEY_CACHE_MS = 10 * 60 * 1000;

/**
 * The relying party's openid-client configuration, discovered from OIDC_ISSUER on first use (the
 * sandbox issuer is this very server, which does not listen yet while the modules start). A failed
 * discovery is not cached: the next login tries again.
 */
@Injectable()
export class OidcClientService {
  private readonly logger = new Logger('OidcClient');
  private pending?: Promise<client.Configuration>;
  private encryption?: { at: number; value: Promise<{ key: CryptoKey; kid?: string; alg: string; enc: string }> };

  constructor(
    private readonly config: AppConfig,
    @Inject(RpKeys) private readonly keys: RpKeys,
  ) {}

  get redirectUri(): string {
    return `${this.config.publicUrl}/auth/callback`;
  }

  /** The redirect URI at `origin` when it is one of the configured public origins, else PUBLIC_URL's. */
  redirectUriFor(origin: string | undefined): string {
    return origin && this.config.publicOrigins.includes(origin) ? `${origin}/auth/callback` : this.redirectUri;
  }

  /** The Confirmation service's redirect URI (itsme registers redirect URIs per service). */
  confirmRedirectUriFor(origin: string | undefined): string {
    return `${origin && this.config.publicOrigins.includes(origin) ? origin : this.config.publicUrl}${CONFIRM_CALLBACK_PATH}`;
  }

  /**
   * The provider's request-object encryption: alg and enc from its discovery metadata, its public
   * `enc` key from its JWKS. Kept for ENCRYPTION_KEY_CACHE_MS (a provider rotating keys keeps the old
   * one published meanwhile); a failed fetch is not kept.
   */
  requestObjectEncryption(): Promise<{ key: CryptoKey; kid?: string; alg: string; enc: string }> {
    if (this.encryption && Date.now() - this.encryption.at < ENCRYPTION_KEY_CACHE_MS) return this.encryption.value;
    const value = this.fetchEncryption().catch((e: unknown) => {
      this.encryption = undefined;
      if (e instanceof IdentityProviderUnavailableError) throw e;
      this.logger.warn(`The identity provider's JWKS could not be read: ${e instanceof Error ? e.message : String(e)}`);
      throw new IdentityProviderUnavailableError('identity_provider_unavailable', 'The identity provider cannot be reached; try again later');
    });
    this.encryption = { at: Date.now(), value };
    return value;
  }

  private async fetchEncryption(): Promise<{ key: CryptoKey; kid?: string; alg: string; enc: string }> {
    const metadata = (await this.configuration()).serverMetadata();
    const { alg, enc } = requestObjectEncryption(metadata as unknown as Record<string, unknown>);
    if (!metadata.jwks_uri) throw new Error('the issuer metadata has no jwks_uri');
    const res = await fetch(metadata.jwks_uri, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json, application/jwk-set+json' } });
    if (!res.ok) throw new Error(`the JWKS answered ${res.status}`);
    const { key, kid } = await providerEncryptionKey(await res.json(), alg);
    return { key, kid, alg, enc };
  }

  configuration(): Promise<client.Configuration> {
    this.pending ??= this.discover().catch((e: unknown) => {
      this.pending = undefined;
      this.logger.warn(`OpenID Connect discovery failed: ${e instanceof Error ? e.message : String(e)}`);
      throw new IdentityProviderUnavailableError('identity_provider_unavailable', 'The identity provider cannot be reached; try again later');
    });
    return this.pending;
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.config.oidcIssuer);
    const insecure = issuer.protocol === 'http:';
    let tokenEndpoint = '';
    // itsme wants the client assertion's audience to be the token endpoint, not the issuer.
    const auth = client.PrivateKeyJwt(
      { key: this.keys.signing.key, kid: this.keys.signing.kid },
      {
        [client.modifyAssertion]: (_header, payload) => {
          payload.aud = tokenEndpoint;
        },
      },
    );
    const configuration = await client.discovery(
      issuer,
      this.config.OIDC_CLIENT_ID,
      {
        redirect_uris: this.config.publicOrigins.flatMap((o) => [`${o}/auth/callback`, `${o}${CONFIRM_CALLBACK_PATH}`]),
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        id_token_signed_response_alg: 'RS256',
        id_token_encrypted_response_alg: 'RSA-OAEP-256',
        id_token_encrypted_response_enc: 'A128CBC-HS256',
        userinfo_signed_response_alg: 'RS256',
        userinfo_encrypted_response_alg: 'RSA-OAEP-256',
        userinfo_encrypted_response_enc: 'A128CBC-HS256',
      },
      auth,
      { execute: insecure ? [client.allowInsecureRequests] : [], timeout: 10 },
    );
    const endpoint = configuration.serverMetadata().token_endpoint;
    if (!endpoint) throw new Error('the issuer metadata has no token_endpoint');
    tokenEndpoint = endpoint;
    client.enableDecryptingResponses(configuration, ['A128CBC-HS256'], { key: this.keys.decryption.key, kid: this.keys.decryption.kid });
    // Verify the ID token's signature against the issuer's JWKS (openid-client skips it by default for
    // tokens received directly from the token endpoint).
    client.enableNonRepudiationChecks(configuration);
    return configuration;
  }
}
