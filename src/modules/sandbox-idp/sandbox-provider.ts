import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Configuration } from 'oidc-provider';
import { ACR, BINDING_MESSAGE_PARAM, ITSME_CLAIM } from '../identity/itsme';
import { SANDBOX_IDENTITIES } from './identities';
import { memoryAdapterFactory } from './memory-adapter';

export const SANDBOX_MOUNT_PATH = '/sandbox-idp';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The provider's error page, without the default page's external font (the CSP is default-src 'self'). */
function renderErrorPage(out: Record<string, unknown>): string {
  const rows = ['error', 'error_description']
    .filter((k) => typeof out[k] === 'string')
    .map((k) => `<p><b>${k}</b>: ${esc(String(out[k]))}</p>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox identity provider: error</title></head><body><h1>Sandbox identity provider: the request was refused</h1>${rows}</body></html>`;
}

export interface SandboxProviderOptions {
  issuer: string;
  clientId: string;
  serviceCode: string;
  /** Every origin the platform's login may return to (config.publicOrigins). */
  redirectUris: string[];
  /**
   * Where the relying party publishes its JWKS (its sig key verifies client assertions, its enc keys
   * receive tokens). Fetched and cached like itsme does (client-jwks.ts), never given inline.
   */
  clientJwksUri: string;
  /** The provider's own signing keys; generated when omitted. */
  signingJwks?: { keys: JWK[] };
}

/** A fresh RSA signing key for the sandbox (private JWK with kid, use sig, alg RS256). */
export async function generateSandboxSigningJwks(): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kid: await calculateJwkThumbprint(jwk), use: 'sig', alg: 'RS256' }] };
}

/**
 * An oidc-provider (v9) configured to itsme's OpenID Connect profile: authorization code flow only,
 * PKCE S256 required, private_key_jwt only, RS256 signatures, ID tokens and userinfo signed then
 * encrypted (RSA-OAEP-256 / A128CBC-HS256), itsme's scopes, claims and acr values, and a login prompt
 * on every authorization (the itsme app always asks).
 */
export async function createSandboxProvider(o: SandboxProviderOptions): Promise<Provider> {
  // Loaded only when the sandbox is mounted: a deployment against itsme never loads oidc-provider.
  const { default: Provider, interactionPolicy } = await import('oidc-provider');
  const signing = o.signingJwks ?? (await generateSandboxSigningJwks());
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('itsme_always_asks', 'every authorization is approved in the app', 'login_required', (ctx) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  const encryption = { alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' } as const;
  const configuration: Configuration = {
    clients: [
      {
        client_id: o.clientId,
        redirect_uris: o.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        jwks_uri: o.clientJwksUri,
        id_token_signed_response_alg: 'RS256',
        id_token_encrypted_response_alg: encryption.alg,
        id_token_encrypted_response_enc: encryption.enc,
        userinfo_signed_response_alg: 'RS256',
        userinfo_encrypted_response_alg: encryption.alg,
        userinfo_encrypted_response_enc: encryption.enc,
        require_auth_time: true,
        default_acr_values: [ACR.basic],
      },
    ],
    jwks: signing as Configuration['jwks'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // itsme's optional scopes exist here too (a client may ask them), but the relying party asks none:
    // it names each claim in the claims parameter, which releases that claim alone.
    scopes: ['openid', `service:${o.serviceCode}`, 'profile', 'eid', 'address'],
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'name', 'birthdate', 'gender', 'picture'],
      eid: [ITSME_CLAIM.nationalNumber, ITSME_CLAIM.citizenship, ITSME_CLAIM.documentNumber],
      address: ['address'],
      [ITSME_CLAIM.birthdateAsString]: null,
      [ITSME_CLAIM.citizenshipIso]: null,
    },
    acrValues: [ACR.basic, ACR.advanced],
    extraParams: [BINDING_MESSAGE_PARAM],
    responseTypes: ['code'],
    clientAuthMethods: ['private_key_jwt'],
    pkce: { required: () => true },
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS256'],
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
      idTokenEncryptionAlgValues: ['RSA-OAEP-256'],
      idTokenEncryptionEncValues: ['A128CBC-HS256'],
      userinfoEncryptionAlgValues: ['RSA-OAEP-256'],
      userinfoEncryptionEncValues: ['A128CBC-HS256'],
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      encryption: { enabled: true },
      jwtUserinfo: { enabled: true },
      userinfo: { enabled: true },
      revocation: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    ttl: { AuthorizationCode: 60, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    issueRefreshToken: async () => false,
    adapter: memoryAdapterFactory(),
    // oidc-provider's own fetch refuses loopback and private addresses (SSRF protection); the sandbox's
    // only outgoing request is the relying party's JWKS, which is this server or a test's.
    fetch: (url, options) => {
      const { dispatcher: _d, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return fetch(url, rest);
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage(out as unknown as Record<string, unknown>);
    },
    interactions: { policy, url: (_ctx, interaction) => `${SANDBOX_MOUNT_PATH}/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const id = SANDBOX_IDENTITIES.find((i) => i.sub === sub);
      if (!id) return undefined;
      return {
        accountId: id.sub,
        async claims() {
          // The variations real accounts show: no national number for a foreign document, only
          // birthdate_as_string, an ISO citizenship when itsme has one. Absent claims are left out.
          const asString = id.birthdateClaim === 'birthdate_as_string';
          return {
            sub: id.sub,
            given_name: id.given_name,
            family_name: id.family_name,
            name: `${id.given_name} ${id.family_name}`,
            ...(asString ? { [ITSME_CLAIM.birthdateAsString]: id.birthdate } : { birthdate: id.birthdate }),
            address: id.address,
            ...(id.document === 'foreign' ? {} : { [ITSME_CLAIM.nationalNumber]: id.nationalNumber }),
            [ITSME_CLAIM.citizenship]: id.citizenship,
            ...(id.citizenshipIso ? { [ITSME_CLAIM.citizenshipIso]: id.citizenshipIso } : {}),
            [ITSME_CLAIM.documentNumber]: id.documentNumber,
          };
        },
      };
    },
  };
  const provider = new Provider(o.issuer, configuration);
  provider.proxy = o.issuer.startsWith('https:');
  return provider;
}
