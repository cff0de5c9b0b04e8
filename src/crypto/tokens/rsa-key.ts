// Issuer public keys. The protocol's one canonical format is a JWK (RFC 7517/7518 §6.3.1) reduced to
// {kty, n, e}: it embeds in JSON manifests, and WebCrypto and node:crypto import it directly.
import { CryptoError, cryptoAssert } from '../errors';
import { bitLength } from './bigint';
import { bytesToBigInt, bigIntToBytes } from './bytes';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64Url, toBase64Url, utf8ToBytes } from '../encoding';

/** Production issuer keys are exactly this size. */
export const ISSUER_MODULUS_BITS = 3072;
/** The only accepted public exponent (65537, "AQAB"). */
export const RSA_PUBLIC_EXPONENT = 65537n;

/** An issuer public key in its canonical JSON form. */
export interface IssuerPublicKeyJwk {
  kty: 'RSA';
  /** Modulus, base64url without padding, minimal big-endian bytes (no leading zero byte). */
  n: string;
  /** Always "AQAB". */
  e: 'AQAB';
  /** Optional; if present must be "PS384" (the algorithm a finalized token verifies under). */
  alg?: 'PS384';
  /** Optional key identifier, informational only. */
  kid?: string;
}

/** A validated RSA public key ready for arithmetic. */
export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  /** Bit length of n. */
  readonly modulusBits: number;
  /** Byte length of n ("modulus_len" in RFC 9474). */
  readonly modulusLength: number;
}

/** Options of key validation. */
export interface RsaKeyOptions {
  /**
   * Accepted modulus sizes in bits. Default `[3072]`; tests pass `[4096]` for the RFC 9474 vector key.
   */
  allowedModulusBits?: readonly number[];
}

const JWK_MEMBERS = new Set(['kty', 'n', 'e', 'alg', 'kid']);

/**
 * Builds a validated key from its modulus and exponent.
 * @throws CryptoError('ENCODING') if n is even, of a non-allowed size, or e ≠ 65537.
 */
export function rsaPublicKey(n: bigint, e: bigint, options: RsaKeyOptions = {}): RsaPublicKey {
  const allowed = options.allowedModulusBits ?? [ISSUER_MODULUS_BITS];
  const modulusBits = bitLength(n);
  cryptoAssert(allowed.includes(modulusBits), 'ENCODING', `RSA modulus must be ${allowed.join(' or ')} bits`);
  cryptoAssert((n & 1n) === 1n, 'ENCODING', 'RSA modulus must be odd');
  cryptoAssert(e === RSA_PUBLIC_EXPONENT, 'ENCODING', 'RSA public exponent must be 65537');
  return Object.freeze({ n, e, modulusBits, modulusLength: Math.ceil(modulusBits / 8) });
}

/**
 * Parses and validates an issuer public key JWK (object or JSON text). Strict: only the members
 * kty, n, e, alg, kid; kty "RSA"; e "AQAB"; n canonical base64url without leading zero bytes.
 * @throws CryptoError('ENCODING') on any deviation.
 */
export function parseIssuerPublicKeyJwk(jwk: unknown, options: RsaKeyOptions = {}): RsaPublicKey {
  let obj: unknown = jwk;
  if (typeof jwk === 'string') {
    try {
      obj = JSON.parse(jwk);
    } catch {
      throw new CryptoError('ENCODING', 'JWK is not valid JSON');
    }
  }
  cryptoAssert(typeof obj === 'object' && obj !== null && !Array.isArray(obj), 'ENCODING', 'JWK must be an object');
  const o = obj as Record<string, unknown>;
  for (const k of Object.keys(o)) cryptoAssert(JWK_MEMBERS.has(k), 'ENCODING', `unexpected JWK member "${k}"`);
  cryptoAssert(o.kty === 'RSA', 'ENCODING', 'JWK kty must be "RSA"');
  cryptoAssert(o.e === 'AQAB', 'ENCODING', 'JWK e must be "AQAB" (65537)');
  cryptoAssert(o.alg === undefined || o.alg === 'PS384', 'ENCODING', 'JWK alg must be "PS384" if present');
  cryptoAssert(o.kid === undefined || typeof o.kid === 'string', 'ENCODING', 'JWK kid must be a string');
  cryptoAssert(typeof o.n === 'string', 'ENCODING', 'JWK n must be a string');
  const nBytes = fromBase64Url(o.n);
  cryptoAssert(nBytes.length > 0 && nBytes[0] !== 0, 'ENCODING', 'JWK n must have no leading zero bytes');
  return rsaPublicKey(bytesToBigInt(nBytes), RSA_PUBLIC_EXPONENT, options);
}

/** Canonical JWK {kty, n, e} of a validated key. */
export function issuerPublicKeyToJwk(key: RsaPublicKey): IssuerPublicKeyJwk {
  cryptoAssert(key.e === RSA_PUBLIC_EXPONENT, 'ENCODING', 'RSA public exponent must be 65537');
  return { kty: 'RSA', n: toBase64Url(bigIntToBytes(key.n, key.modulusLength)), e: 'AQAB' };
}

/**
 * RFC 7638 thumbprint of an issuer JWK: SHA-256 over the JSON of the required members {e, kty, n} in
 * lexicographic order, base64url. It is the issuer's id in an election (derived from the key alone).
 */
export function issuerKeyThumbprint(jwk: { e?: unknown; kty?: unknown; n?: unknown }): string {
  return toBase64Url(sha256(utf8ToBytes(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))));
}
