import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { AppConfig } from '../../config/app-config';
import { IdentityProviderUnavailableError } from './errors';
import { RpKeys } from './rp-keys';

/**
 * The relying party's openid-client configuration, discovered from OIDC_ISSUER on first use (the
 * sandbox issuer is this very server, which does not listen yet while the modules start). A failed
 * discovery is not cached: the next login tries again.
 */
@Injectable()
export class OidcClientService {
  private readonly logger = new Logger('OidcClient');
  private pending?: Promise<client.Configuration>;

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
        redirect_uris: this.config.publicOrigins.map((o) => `${o}/auth/callback`),
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
