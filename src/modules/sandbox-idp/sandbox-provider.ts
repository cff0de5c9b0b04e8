import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Configuration } from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ACR, APPROVAL_CLAIM, BINDING_MESSAGE_PARAM, confirmTextProblem, FREE_TEXT_TEMPLATE, ITSME_CLAIM, serviceOf } from '../identity/itsme';
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
  /** The Confirmation service's code (itsme: a separate service of type Confirmation). */
  confirmServiceCode: string;
  /** The login service's redirect URIs: every origin the platform's login may return to (config.publicOrigins). */
  redirectUris: string[];
  /**
   * Where the relying party publishes its JWKS (its sig key verifies client assertions, its enc keys
   * receive tokens). Fetched and cached like itsme does (client-jwks.ts), never given inline.
   */
  clientJwksUri: string;
  /** The Confirmation service's redirect URIs (itsme registers them per service). */
  confirmRedirectUris: string[];
  /** The provider's own signing keys; generated when omitted. */
  signingJwks?: { keys: JWK[] };
  /** The provider's own encryption key (request objects are encrypted to it); generated when omitted. */
  encryptionJwks?: { keys: JWK[] };
}

/** A fresh RSA key request objects are encrypted to (private JWK with kid, use enc, alg RSA-OAEP-256). */
export async function generateSandboxEncryptionJwks(): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kid: await calculateJwkThumbprint(jwk), use: 'enc', alg: 'RSA-OAEP-256' }] };
}

/** The claims request of an authorization (its `claims` parameter, a JSON text), or {} when absent or not JSON. */
export function parsedClaims(raw: unknown): { userinfo?: Record<string, unknown>; id_token?: Record<string, unknown> } {
  if (typeof raw !== 'string') return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' ? (v as object) : {};
  } catch {
    return {};
  }
}

const valueOf = (c: unknown): unknown => (c !== null && typeof c === 'object' ? (c as { value?: unknown }).value : undefined);

/** The subject a confirmation is pinned to (claims userinfo.sub or id_token.sub with a value), or null. */
export function pinnedSubject(rawClaims: unknown): string | null {
  const claims = parsedClaims(rawClaims);
  const v = valueOf(claims.userinfo?.sub) ?? valueOf(claims.id_token?.sub);
  return typeof v === 'string' ? v : null;
}

/** The free_text template's text of a confirmation's claims, or null. */
export function approvalText(rawClaims: unknown): string | null {
  const v = valueOf(parsedClaims(rawClaims).userinfo?.[APPROVAL_CLAIM.textKey]);
  return typeof v === 'string' ? v : null;
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
  const { default: Provider, interactionPolicy, errors } = await import('oidc-provider');
  const signing = o.signingJwks ?? (await generateSandboxSigningJwks());
  const encrypting = o.encryptionJwks ?? (await generateSandboxEncryptionJwks());

  /**
   * What itsme refuses, checked once the request object is unpacked (oidc-provider's extra-parameter
   * hook, called for every authorization request): binding_message (not an itsme parameter); for the
   * Confirmation service, a request by anything but GET, without a signed request object, without one
   * encrypted to the provider, at another service's redirect URI, or without the free_text template and
   * a text itsme can show; for the login service, the Confirmation service's redirect URI.
   */
  const checkItsmeRequest = (ctx: KoaContextWithOIDC, value: string | undefined): void => {
    if (value !== undefined) {
      throw new errors.InvalidRequest('binding_message is not an itsme parameter: a confirmation carries its text in the request object (claim_approval_text_key)');
    }
    const params = ctx.oidc.params as Record<string, unknown>;
    const service = serviceOf(String(params.scope ?? ''));
    const redirectUri = String(params.redirect_uri ?? '');
    if (service === o.serviceCode && !o.redirectUris.includes(redirectUri)) {
      throw new errors.InvalidRequest("redirect_uri is not one of the login service's");
    }
    if (service !== o.confirmServiceCode) return;
    if (ctx.method !== 'GET') throw new errors.InvalidRequest('the Confirmation API takes its authorization request by GET');
    // The raw query still holds the request object as sent; ctx.oidc.trusted is set once its signature verified.
    const raw = ctx.query.request;
    if (typeof raw !== 'string' || !ctx.oidc.trusted) throw new errors.InvalidRequest('the Confirmation API requires a request object (request), signed then encrypted');
    if (raw.split('.').length !== 5) throw new errors.InvalidRequestObject('the request object must be signed then encrypted to the provider (a nested JWT)');
    if (!o.confirmRedirectUris.includes(redirectUri)) throw new errors.InvalidRequest("redirect_uri is not one of the Confirmation service's");
    const claims = parsedClaims(params.claims);
    if (valueOf(claims.userinfo?.[APPROVAL_CLAIM.templateName]) !== FREE_TEXT_TEMPLATE) {
      throw new errors.InvalidRequest(`a confirmation needs the ${FREE_TEXT_TEMPLATE} template (claims.userinfo ${APPROVAL_CLAIM.templateName})`);
    }
    const text = approvalText(params.claims);
    const problem = text === null ? 'it has no text' : confirmTextProblem(text);
    if (problem) throw new errors.InvalidRequest(`the ${FREE_TEXT_TEMPLATE} template cannot be shown: ${problem}`);
  };
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
        redirect_uris: [...o.redirectUris, ...o.confirmRedirectUris],
        request_object_signing_alg: 'RS256',
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
    jwks: { keys: [...signing.keys, ...encrypting.keys] } as Configuration['jwks'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // itsme's optional scopes exist here too (a client may ask them), but the relying party asks none:
    // it names each claim in the claims parameter, which releases that claim alone.
    scopes: ['openid', `service:${o.serviceCode}`, `service:${o.confirmServiceCode}`, 'profile', 'eid', 'address'],
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'name', 'birthdate', 'gender', 'picture'],
      eid: [ITSME_CLAIM.nationalNumber, ITSME_CLAIM.citizenship, ITSME_CLAIM.documentNumber],
      address: ['address'],
      [ITSME_CLAIM.birthdateAsString]: null,
      [ITSME_CLAIM.citizenshipIso]: null,
    },
    acrValues: [ACR.basic, ACR.advanced],
    extraParams: { [BINDING_MESSAGE_PARAM]: checkItsmeRequest },
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
      requestObjectSigningAlgValues: ['RS256'],
      requestObjectEncryptionAlgValues: ['RSA-OAEP-256'],
      requestObjectEncryptionEncValues: ['A128CBC-HS256'],
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      // itsme's Confirmation API: request objects signed by the client, encrypted to the provider.
      requestObjects: { enabled: true, requireSignedRequestObject: false },
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
