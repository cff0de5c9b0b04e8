/**
 * Trustee request authentication: a trustee signs every state-changing HTTP request with its registered
 * ristretto255 key (E_ℓ = e_ℓ·G, the same key its DKG shares are encrypted to). The signature is a Schnorr
 * proof of knowledge of e_ℓ bound to a digest of the request, so the server never holds a trustee secret.
 *
 *   digest = transcriptHash("evote/v1/trustee-request", setupHash,
 *              string "election-id", u32 "trustee" = ℓ, string "method", string "path",
 *              bytes "body-sha256" = SHA-256(body bytes), u64 "timestamp" (Unix ms), bytes "nonce" (16 bytes))
 *   signature = Schnorr proof of X = E_ℓ (base G) with context (electionHash = setupHash, context = digest)
 *
 * Headers: `Evote-Trustee: ℓ`, `Evote-Timestamp: <Unix ms>`, `Evote-Nonce: <32 hex>`,
 * `Evote-Signature: <hex(enc(a)) ‖ hex(encS(v))>` (128 lowercase hex). See docs/protocol.md §35.
 * Pure TypeScript (no Node built-ins): usable by the server, the CLI and a browser.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes, randomBytes, bytesToHex } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import type { Group, GroupElement } from '../group';
import { proveSchnorr, verifySchnorr, type SchnorrProof } from '../proofs/schnorr';
import { ELECTION_HASH_BYTES } from '../transcript';
import { transcriptHash } from './binding';
import { MAX_TRUSTEES } from './lagrange';

/** Domain tag of the trustee request digest. */
export const TRUSTEE_REQUEST_DOMAIN = 'evote/v1/trustee-request';
/** Media type of a signed request body (the server reads these bytes unparsed, to check the signature). */
export const TRUSTEE_MEDIA_TYPE = 'application/vnd.evote.trustee+json';
/** Length of a request nonce in bytes. */
export const TRUSTEE_NONCE_BYTES = 16;
/** Largest accepted distance between the request timestamp and the server clock. */
export const TRUSTEE_CLOCK_SKEW_MS = 5 * 60_000;
/** Header names (lowercase, as Node exposes them). */
export const TRUSTEE_HEADERS = Object.freeze({
  trustee: 'evote-trustee',
  timestamp: 'evote-timestamp',
  nonce: 'evote-nonce',
  signature: 'evote-signature',
} as const);

/** What a trustee signs. */
export interface TrusteeRequest {
  readonly electionId: string;
  /** ℓ ∈ [1, 255] */
  readonly trustee: number;
  /** Upper-case HTTP method, e.g. `POST`. */
  readonly method: string;
  /** The request target as sent: path plus query string, e.g. `/elections/<id>/key-ceremony/dealings`. */
  readonly path: string;
  /** The exact body bytes (empty for no body). */
  readonly body: Uint8Array;
  /** Unix time in milliseconds. */
  readonly timestamp: number;
  /** 16 fresh random bytes. */
  readonly nonce: Uint8Array;
}

/** The four header values of a signed request. */
export interface TrusteeAuthHeaders {
  readonly 'Evote-Trustee': string;
  readonly 'Evote-Timestamp': string;
  readonly 'Evote-Nonce': string;
  readonly 'Evote-Signature': string;
}

function checkRequest(r: TrusteeRequest): void {
  cryptoAssert(typeof r.electionId === 'string' && r.electionId.length >= 1 && r.electionId.length <= 255, 'ENCODING', 'election id: 1..255 characters');
  cryptoAssert(Number.isSafeInteger(r.trustee) && r.trustee >= 1 && r.trustee <= MAX_TRUSTEES, 'ENCODING', `trustee: expected an integer in [1, ${MAX_TRUSTEES}]`);
  cryptoAssert(typeof r.method === 'string' && /^[A-Z]{1,16}$/.test(r.method), 'ENCODING', 'method: expected an upper-case HTTP method');
  cryptoAssert(typeof r.path === 'string' && r.path.startsWith('/') && r.path.length <= 2048, 'ENCODING', 'path: expected an absolute request target');
  cryptoAssert(r.body instanceof Uint8Array, 'ENCODING', 'body: expected bytes');
  cryptoAssert(Number.isSafeInteger(r.timestamp) && r.timestamp >= 0, 'ENCODING', 'timestamp: expected a non-negative integer (Unix ms)');
  cryptoAssert(r.nonce instanceof Uint8Array && r.nonce.length === TRUSTEE_NONCE_BYTES, 'ENCODING', `nonce: expected ${TRUSTEE_NONCE_BYTES} bytes`);
}

/** The 32-byte digest a trustee signs (module comment). `setupHash` is the DKG setup hash (32 bytes). */
export function trusteeRequestDigest(group: Group, setupHash: Uint8Array, r: TrusteeRequest): Uint8Array {
  checkRequest(r);
  cryptoAssert(setupHash instanceof Uint8Array && setupHash.length === ELECTION_HASH_BYTES, 'ENCODING', 'setup hash: expected 32 bytes');
  return transcriptHash(group, TRUSTEE_REQUEST_DOMAIN, setupHash, (t) =>
    t
      .string('election-id', r.electionId)
      .u32('trustee', r.trustee)
      .string('method', r.method)
      .string('path', r.path)
      .bytes('body-sha256', sha256(r.body))
      .u64('timestamp', BigInt(r.timestamp))
      .bytes('nonce', r.nonce),
  );
}

/** Signs a request with the trustee's secret key e_ℓ. */
export function signTrusteeRequest(group: Group, setupHash: Uint8Array, secretKey: bigint, r: TrusteeRequest): SchnorrProof {
  const digest = trusteeRequestDigest(group, setupHash, r);
  return proveSchnorr(group, { publicKey: group.mulBase(secretKey) }, secretKey, { electionHash: setupHash, context: digest });
}

/** True iff `signature` is a valid signature of `r` by the key `publicKey`. Never throws for a bad signature. */
export function verifyTrusteeRequest(group: Group, setupHash: Uint8Array, publicKey: GroupElement, r: TrusteeRequest, signature: SchnorrProof): boolean {
  let digest: Uint8Array;
  try {
    digest = trusteeRequestDigest(group, setupHash, r);
  } catch {
    return false;
  }
  try {
    return verifySchnorr(group, { publicKey }, signature, { electionHash: setupHash, context: digest });
  } catch {
    return false;
  }
}

/** `Evote-Signature` value: hex(enc(a)) ‖ hex(encS(v)), 128 lowercase hex characters. */
export function trusteeSignatureToHeader(group: Group, s: SchnorrProof): string {
  return group.toHex(s.a) + group.scalarToHex(s.v);
}

/** Strict parsing of an `Evote-Signature` value. @throws CryptoError `ENCODING`/`INVALID_POINT`/`INVALID_SCALAR`. */
export function trusteeSignatureFromHeader(group: Group, value: string): SchnorrProof {
  cryptoAssert(typeof value === 'string' && /^[0-9a-f]{128}$/.test(value), 'ENCODING', 'signature: expected 128 lowercase hex characters');
  return Object.freeze({ a: group.fromHex(value.slice(0, 64)), v: group.scalarFromHex(value.slice(64)) });
}

/** Parsed header values (strict syntax; the signature itself is checked by {@link verifyTrusteeRequest}). */
export interface ParsedTrusteeHeaders {
  readonly trustee: number;
  readonly timestamp: number;
  readonly nonce: Uint8Array;
  readonly signature: SchnorrProof;
}

/**
 * Parses the four headers (values as strings, or undefined when absent).
 * @throws CryptoError `ENCODING` with a message naming the bad header.
 */
export function parseTrusteeHeaders(
  group: Group,
  h: { trustee?: string; timestamp?: string; nonce?: string; signature?: string },
): ParsedTrusteeHeaders {
  for (const [k, name] of [
    ['trustee', 'Evote-Trustee'],
    ['timestamp', 'Evote-Timestamp'],
    ['nonce', 'Evote-Nonce'],
    ['signature', 'Evote-Signature'],
  ] as const) {
    if (typeof h[k] !== 'string' || h[k] === '') throw new CryptoError('ENCODING', `missing header ${name}`);
  }
  cryptoAssert(/^[1-9][0-9]{0,2}$/.test(h.trustee!) && Number(h.trustee) <= MAX_TRUSTEES, 'ENCODING', `Evote-Trustee: expected an integer in [1, ${MAX_TRUSTEES}]`);
  cryptoAssert(/^(0|[1-9][0-9]{0,15})$/.test(h.timestamp!) && Number.isSafeInteger(Number(h.timestamp)), 'ENCODING', 'Evote-Timestamp: expected Unix time in milliseconds');
  cryptoAssert(/^[0-9a-f]{32}$/.test(h.nonce!), 'ENCODING', 'Evote-Nonce: expected 32 lowercase hex characters');
  let signature: SchnorrProof;
  try {
    signature = trusteeSignatureFromHeader(group, h.signature!);
  } catch {
    throw new CryptoError('ENCODING', 'Evote-Signature: expected hex(a) ‖ hex(v), 128 lowercase hex characters, a a valid point');
  }
  return Object.freeze({
    trustee: Number(h.trustee),
    timestamp: Number(h.timestamp),
    nonce: hexToBytes(h.nonce!, TRUSTEE_NONCE_BYTES, 'nonce'),
    signature,
  });
}

/**
 * Everything a client needs: signs `method path body` now with a fresh nonce and returns the headers.
 * `now` and `nonce` are injectable for tests.
 */
export function trusteeAuthHeaders(
  group: Group,
  setupHash: Uint8Array,
  secretKey: bigint,
  req: { electionId: string; trustee: number; method: string; path: string; body: Uint8Array },
  opts: { now?: number; nonce?: Uint8Array } = {},
): TrusteeAuthHeaders {
  const r: TrusteeRequest = { ...req, timestamp: opts.now ?? Date.now(), nonce: opts.nonce ?? randomBytes(TRUSTEE_NONCE_BYTES) };
  const sig = signTrusteeRequest(group, setupHash, secretKey, r);
  return Object.freeze({
    'Evote-Trustee': String(r.trustee),
    'Evote-Timestamp': String(r.timestamp),
    'Evote-Nonce': bytesToHex(r.nonce),
    'Evote-Signature': trusteeSignatureToHeader(group, sig),
  });
}
