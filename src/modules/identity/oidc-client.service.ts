import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { AppConfig, ConfigurationError, OIDC_ENCRYPTION_ENCS } from '../../config/app-config';
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
  private chosen?: JweChoice;
  private configurationProblem?: ConfigurationError;
  /** The provider's request-object encryption key (Confirmation API), reused for a while. */
  private requestObjectKey?: { at: number; value: Promise<{ key: CryptoKey; kid?: string; alg: string; enc: string }> };

  constructor(
    private readonly config: AppConfig,
    @Inject(RpKeys) private readonly keys: RpKeys,
  ) {
    // New keys (a rotation step, SIGHUP): the next login rebuilds the client with them.
    keys.onChange(() => {
      this.pending = undefined;
    });
  }

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
    if (this.requestObjectKey && Date.now() - this.requestObjectKey.at < ENCRYPTION_KEY_CACHE_MS) return this.requestObjectKey.value;
    const value = this.fetchEncryption().catch((e: unknown) => {
      this.requestObjectKey = undefined;
      if (e instanceof IdentityProviderUnavailableError) throw e;
      this.logger.warn(`The identity provider's JWKS could not be read: ${e instanceof Error ? e.message : String(e)}`);
      throw new IdentityProviderUnavailableError('identity_provider_unavailable', 'The identity provider cannot be reached; try again later');
    });
    this.requestObjectKey = { at: Date.now(), value };
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
      if (e instanceof ConfigurationError) {
        this.configurationProblem = e;
        this.logger.error(e.message);
      } else this.logger.warn(`OpenID Connect discovery failed: ${e instanceof Error ? e.message : String(e)}`);
      throw new IdentityProviderUnavailableError('identity_provider_unavailable', 'The identity provider cannot be reached; try again later');
    });
    return this.pending;
  }

  /**
   * At start-up, once the server listens: discovers the provider and throws the ConfigurationError of
   * an encryption setting it does not advertise. An unreachable provider is only logged (it may come up
   * later; logins retry discovery).
   */
  async checkAtStartup(): Promise<void> {
    this.configurationProblem = undefined;
    try {
      await this.configuration();
    } catch {
      if (this.configurationProblem) throw this.configurationProblem;
    }
  }

  /** The JWE alg and enc in use, decided at discovery (undefined before). */
  get encryption(): JweChoice | undefined {
    return this.chosen;
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
    const execute = insecure ? [client.allowInsecureRequests] : [];
    const configuration = await client.discovery(issuer, this.config.OIDC_CLIENT_ID, undefined, auth, { execute, timeout: 10 });
    const choice = chooseEncryption(configuration.serverMetadata(), this.config);
    const endpoint = configuration.serverMetadata().token_endpoint;
    if (!endpoint) throw new Error('the issuer metadata has no token_endpoint');
    tokenEndpoint = endpoint;
    // The client metadata as registered with the provider, with the encryption decided from its metadata.
    const metadata: Partial<client.ClientMetadata> = {
      redirect_uris: this.config.publicOrigins.flatMap((o) => [`${o}/auth/callback`, `${o}${CONFIRM_CALLBACK_PATH}`]),
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      id_token_signed_response_alg: 'RS256',
      id_token_encrypted_response_alg: choice.alg,
      id_token_encrypted_response_enc: choice.enc,
      userinfo_signed_response_alg: 'RS256',
      userinfo_encrypted_response_alg: choice.alg,
      userinfo_encrypted_response_enc: choice.enc,
    };
    const withMetadata = new client.Configuration(configuration.serverMetadata(), this.config.OIDC_CLIENT_ID, metadata, auth);
    if (insecure) client.allowInsecureRequests(withMetadata);
    withMetadata.timeout = 10;
    // Every current enc key decrypts, chosen by the JWE header's kid (an unknown kid is refused):
    // the provider may encrypt to any key of our JWKS it has cached.
    client.enableDecryptingResponses(withMetadata, [choice.enc], ...this.keys.decryption.map((k) => ({ key: k.key, kid: k.kid, alg: this.keys.encryptionAlg })));
    // Verify the ID token's signature against the issuer's JWKS (openid-client skips it by default for
    // tokens received directly from the token endpoint).
    client.enableNonRepudiationChecks(withMetadata);
    this.chosen = choice;
    if (choice.note) this.logger.warn(choice.note);
    return withMetadata;
  }
}

export interface JweChoice {
  alg: string;
  enc: string;
  /** Why a value was assumed rather than read (the provider's metadata lists none). */
  note?: string;
}

/**
 * The JWE alg and enc for ID tokens: the configured ones, or for `enc` the provider's advertised value
 * (A128CBC-HS256 first: itsme documents it). A configured value the provider does not advertise is a
 * ConfigurationError naming the variable and what the provider offers; a provider that lists nothing
 * gets the configured or documented value, with a note.
 */
export function chooseEncryption(server: Partial<client.ServerMetadata>, config: Pick<AppConfig, 'OIDC_ID_TOKEN_ENCRYPTION_ALG' | 'OIDC_ID_TOKEN_ENCRYPTION_ENC'>): JweChoice {
  const list = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0 ? v : undefined);
  const algs = list(server.id_token_encryption_alg_values_supported);
  const encs = list(server.id_token_encryption_enc_values_supported);
  const problems: string[] = [];
  const notes: string[] = [];
  const alg = config.OIDC_ID_TOKEN_ENCRYPTION_ALG;
  if (algs && !algs.includes(alg)) {
    problems.push(`OIDC_ID_TOKEN_ENCRYPTION_ALG is ${alg}, which the identity provider does not advertise (id_token_encryption_alg_values_supported: ${algs.join(', ')})`);
  }
  if (!algs) notes.push(`the identity provider advertises no id_token_encryption_alg_values_supported; assuming ${alg}`);
  let enc: string;
  if (config.OIDC_ID_TOKEN_ENCRYPTION_ENC !== undefined) {
    enc = config.OIDC_ID_TOKEN_ENCRYPTION_ENC;
    if (encs && !encs.includes(enc)) {
      problems.push(`OIDC_ID_TOKEN_ENCRYPTION_ENC is ${enc}, which the identity provider does not advertise (id_token_encryption_enc_values_supported: ${encs.join(', ')})`);
    }
  } else if (encs) {
    const usable = OIDC_ENCRYPTION_ENCS.filter((e) => encs.includes(e));
    if (usable.length === 0) problems.push(`the identity provider advertises only ${encs.join(', ')} as id_token_encryption_enc_values_supported, none of which this relying party decrypts (${OIDC_ENCRYPTION_ENCS.join(', ')})`);
    enc = usable.includes('A128CBC-HS256') ? 'A128CBC-HS256' : (encs.find((e) => (usable as string[]).includes(e)) ?? '');
  } else {
    enc = 'A128CBC-HS256';
    notes.push('the identity provider advertises no id_token_encryption_enc_values_supported; assuming A128CBC-HS256 (set OIDC_ID_TOKEN_ENCRYPTION_ENC to choose)');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return { alg, enc, ...(notes.length > 0 ? { note: `OpenID Connect: ${notes.join('; ')}` } : {}) };
}
