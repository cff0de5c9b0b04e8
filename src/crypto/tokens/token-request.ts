// The OpenID Connect nonce that binds one itsme login to one set of blinded token requests (protocol §20,
// "Separate issuers"). An issuer that runs apart from the platform signs only for an ID token whose nonce
// is this hash over the very request it receives, so the platform (the relying party, which sees every
// ID token) can neither forge an eligible voter's request nor reuse a login for other blinded messages.
import { sha256 } from '@noble/hashes/sha2.js';
import { CryptoError, cryptoAssert } from '../errors';
import { concatBytes, toBase64Url, utf8ToBytes } from '../encoding';
import { lengthPrefixed } from './bytes';
import { electionIdBytes } from './pseudonym';

export const TOKEN_REQUEST_DOMAIN = 'evote/v3/token-request';
/** Most issuers one request may name (the platform allows 16 per election). */
export const MAX_TOKEN_REQUEST_ISSUERS = 16;
const ISSUER_ID = /^[A-Za-z0-9_-]{43}$/;

/** One issuer's part of a token request: its id in the election and SHA-256 of the blinded message sent to it. */
export interface TokenRequestPart {
  readonly issuerId: string;
  readonly blindedHash: Uint8Array;
}

/** SHA-256 of a blinded message, as it enters the nonce and the issuance log. */
export function blindedMessageHash(blindedMessage: Uint8Array): Uint8Array {
  return sha256(blindedMessage);
}

/**
 * nonce = base64url(SHA-256(LP("evote/v3/token-request") ‖ LP(electionId) ‖ u32(count) ‖
 * for each part sorted by issuer id: LP(issuerId) ‖ LP(blindedHash))), 43 characters.
 * @throws CryptoError('ENCODING') for no part, too many, a repeated or malformed issuer id, or a hash that is not 32 bytes.
 */
export function tokenRequestNonce(electionId: string, parts: readonly TokenRequestPart[]): string {
  cryptoAssert(Array.isArray(parts) && parts.length >= 1 && parts.length <= MAX_TOKEN_REQUEST_ISSUERS, 'ENCODING', `a token request names 1..${MAX_TOKEN_REQUEST_ISSUERS} issuers`);
  const sorted = [...parts].sort((a, b) => (a.issuerId < b.issuerId ? -1 : a.issuerId > b.issuerId ? 1 : 0));
  const chunks: Uint8Array[] = [lengthPrefixed(utf8ToBytes(TOKEN_REQUEST_DOMAIN)), lengthPrefixed(electionIdBytes(electionId))];
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, sorted.length, false);
  chunks.push(count);
  sorted.forEach((p, i) => {
    if (typeof p.issuerId !== 'string' || !ISSUER_ID.test(p.issuerId)) throw new CryptoError('ENCODING', 'an issuer id is 43 base64url characters');
    if (i > 0 && sorted[i - 1].issuerId === p.issuerId) throw new CryptoError('ENCODING', 'a token request names each issuer once');
    cryptoAssert(p.blindedHash instanceof Uint8Array && p.blindedHash.length === 32, 'ENCODING', 'a blinded hash is 32 bytes');
    chunks.push(lengthPrefixed(utf8ToBytes(p.issuerId)), lengthPrefixed(p.blindedHash));
  });
  return toBase64Url(sha256(concatBytes(...chunks)));
}
