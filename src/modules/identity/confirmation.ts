import { randomBytes } from 'node:crypto';
import { CompactEncrypt, importJWK, SignJWT, type JWK } from 'jose';
import { InvalidInputError } from '../../common/errors/domain-error';
import { IdentityProviderUnavailableError } from './errors';
import { APPROVAL_CLAIM, confirmTextProblem, FREE_TEXT_TEMPLATE } from './itsme';

/** How long a request object is valid (itsme reads it at once; a short life limits its replay). */
export const REQUEST_OBJECT_TTL_SECONDS = 300;

/** The key-management and content algorithms the relying party can encrypt a request object with, by preference. */
const SUPPORTED_ALGS = ['RSA-OAEP-256', 'RSA-OAEP'];
const SUPPORTED_ENCS = ['A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512', 'A128GCM', 'A192GCM', 'A256GCM'];

/**
 * The `claims` of a confirmation (itsme's Confirmation API): the free_text template with the exact
 * action text, and the subject pinned to the logged-in person in both the userinfo and the ID token
 * requests, so that no one else can approve it. Refused (400 `step_up_text_invalid`) before anything
 * is sent when itsme could not show the text.
 */
export function confirmationClaims(text: string, subject: string): Record<string, Record<string, unknown>> {
  const problem = confirmTextProblem(text);
  if (problem) throw new InvalidInputError('step_up_text_invalid', `This action text cannot be confirmed with itsme: ${problem}`);
  const pinned = { essential: true, value: subject };
  return {
    userinfo: {
      sub: pinned,
      [APPROVAL_CLAIM.templateName]: { essential: true, value: FREE_TEXT_TEMPLATE },
      [APPROVAL_CLAIM.textKey]: { essential: true, value: text },
    },
    id_token: { sub: pinned },
  };
}

/** The provider's request-object encryption, chosen from its discovery metadata in the provider's order. */
export function requestObjectEncryption(metadata: Record<string, unknown>): { alg: string; enc: string } {
  const list = (k: string) => (Array.isArray(metadata[k]) ? (metadata[k] as unknown[]).filter((v): v is string => typeof v === 'string') : []);
  const alg = list('request_object_encryption_alg_values_supported').find((a) => SUPPORTED_ALGS.includes(a));
  const enc = list('request_object_encryption_enc_values_supported').find((e) => SUPPORTED_ENCS.includes(e));
  if (!alg || !enc) {
    throw new IdentityProviderUnavailableError('identity_provider_unavailable', 'The identity provider advertises no request-object encryption this platform supports');
  }
  return { alg, enc };
}

/** The provider's public encryption key for `alg` from its JWKS: an RSA key with use enc (or no use). */
export async function providerEncryptionKey(jwks: unknown, alg: string): Promise<{ key: CryptoKey; kid?: string }> {
  const keys = Array.isArray((jwks as { keys?: unknown })?.keys) ? ((jwks as { keys: JWK[] }).keys) : [];
  const jwk = keys.find((k) => k && k.kty === 'RSA' && (k.use === 'enc' || k.use === undefined) && (k.alg === undefined || k.alg === alg) && typeof k.d !== 'string');
  if (!jwk) throw new IdentityProviderUnavailableError('identity_provider_unavailable', 'The identity provider publishes no encryption key for request objects');
  return { key: (await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e }, alg)) as CryptoKey, kid: jwk.kid };
}

/**
 * A signed-then-encrypted request object (OpenID Connect Core §6.1, itsme's JOSE profile): the
 * authorization parameters as claims with `iss` = client_id and `aud` = the provider's issuer, signed
 * RS256 with the relying party's key, then encrypted to the provider's key (`cty: JWT`, a nested JWT).
 */
export async function buildRequestObject(o: {
  params: Record<string, unknown>;
  clientId: string;
  issuer: string;
  signing: { key: CryptoKey; kid: string };
  encryption: { key: CryptoKey; kid?: string; alg: string; enc: string };
  now?: number;
}): Promise<string> {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const jws = await new SignJWT({ ...o.params, client_id: o.clientId })
    .setProtectedHeader({ alg: 'RS256', kid: o.signing.kid })
    .setIssuer(o.clientId)
    .setAudience(o.issuer)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + REQUEST_OBJECT_TTL_SECONDS)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(o.signing.key);
  return new CompactEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ alg: o.encryption.alg, enc: o.encryption.enc, cty: 'JWT', ...(o.encryption.kid ? { kid: o.encryption.kid } : {}) })
    .encrypt(o.encryption.key);
}
