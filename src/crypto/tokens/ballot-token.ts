// Ballot tokens: the message the issuers blind-sign, the token's canonical JSON, and k-of-n checking.
import { CryptoError, cryptoAssert } from '../errors';
import { type RandomSource, lengthPrefixed, webCryptoRandom } from './bytes';
import { bytesToHex, concatBytes, fromBase64Url, hexToBytes, toBase64Url, utf8ToBytes } from '../encoding';
import { electionIdBytes, isValidPseudonymPublicKey } from './pseudonym';
import { PREFIX_LENGTH, prepare, verify } from './rsabssa';
import type { RsaPublicKey } from './rsa-key';

/** Domain tag, first field of every token message. */
export const BALLOT_TOKEN_DOMAIN = 'evote/v1/ballot-token';
/** Token format version in the JSON. */
export const BALLOT_TOKEN_VERSION = 1;
/** Length of an election base hash, when the election has one. */
export const ELECTION_BASE_HASH_LENGTH = 32;

/** Inputs bound by a token message. */
export interface BallotTokenMessageInput {
  /** Election id, 1..256 UTF-8 bytes. */
  readonly electionId: string;
  /** The election's 32-byte base hash, if the election defines one. */
  readonly electionBaseHash?: Uint8Array;
  /** The voter's Ed25519 pseudonym public key (32 bytes, canonical, not small order). */
  readonly pseudonym: Uint8Array;
}

/** One issuer's final (unblinded) signature in a token. */
export interface BallotTokenSignature {
  /** Issuer id as registered for the election: 1..64 chars of [A-Za-z0-9._:-]. */
  readonly issuerId: string;
  /** RSASSA-PSS-SHA384 signature, modulus_len bytes, base64url without padding. */
  readonly signature: string;
}

/**
 * A ballot token as sent with an anonymous ballot. Canonical JSON is produced by
 * {@link serializeBallotToken}: members in this order, no whitespace, signatures sorted by issuerId.
 */
export interface BallotToken {
  readonly v: 1;
  readonly electionId: string;
  /** Pseudonym public key, 64 lowercase hex chars. */
  readonly pseudonym: string;
  /** The 32-byte RFC 9474 message prefix (base64url, 43 chars); shared by all issuers' signatures. */
  readonly prefix: string;
  /** At least one signature, unique issuer ids, sorted by issuerId. */
  readonly signatures: readonly BallotTokenSignature[];
}

const ISSUER_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;
/** Bound on signature entries, so a hostile token cannot make the verifier do unbounded RSA work. */
export const MAX_TOKEN_SIGNATURES = 64;
/** Largest accepted signature (4096-bit key); the exact length is checked against the issuer's key. */
const MAX_SIGNATURE_BYTES = 512;

/**
 * The token message, byte for byte:
 * lp("evote/v1/ballot-token") || lp(UTF-8 electionId) || lp(baseHash or empty) || lp(pseudonym),
 * with lp(x) = uint32 big-endian length of x || x. An absent base hash is the empty field (length 0).
 * @throws CryptoError('ENCODING') for a bad election id, base hash or pseudonym key.
 */
export function ballotTokenMessage(input: BallotTokenMessageInput): Uint8Array {
  const { electionId, electionBaseHash, pseudonym } = input;
  cryptoAssert(
    electionBaseHash === undefined ||
      (electionBaseHash instanceof Uint8Array && electionBaseHash.length === ELECTION_BASE_HASH_LENGTH),
    'ENCODING',
    'election base hash must be 32 bytes',
  );
  cryptoAssert(isValidPseudonymPublicKey(pseudonym), 'ENCODING', 'invalid pseudonym public key');
  return concatBytes(
    lengthPrefixed(utf8ToBytes(BALLOT_TOKEN_DOMAIN)),
    lengthPrefixed(electionIdBytes(electionId)),
    lengthPrefixed(electionBaseHash ?? new Uint8Array(0)),
    lengthPrefixed(pseudonym),
  );
}

/** Output of {@link prepareBallotToken}: what the voter keeps while requesting signatures. */
export interface PreparedBallotToken {
  /** The token message (without prefix). */
  readonly message: Uint8Array;
  /** The 32-byte random prefix (RFC 9474 Prepare). */
  readonly prefix: Uint8Array;
  /** prefix || message: blind this once per issuer with `blind`, finalize with `finalize`. */
  readonly preparedMsg: Uint8Array;
}

/** Builds the token message and runs RFC 9474 Prepare on it, once for all issuers. */
export function prepareBallotToken(input: BallotTokenMessageInput, rng: RandomSource = webCryptoRandom): PreparedBallotToken {
  const message = ballotTokenMessage(input);
  const { prefix, preparedMsg } = prepare(message, rng);
  return { message, prefix, preparedMsg };
}

/**
 * Assembles a token from finalized signatures (sorted by issuer id).
 * @throws CryptoError('ENCODING') for malformed fields or duplicate issuer ids.
 */
export function assembleBallotToken(parts: {
  electionId: string;
  pseudonym: Uint8Array;
  prefix: Uint8Array;
  signatures: readonly { issuerId: string; signature: Uint8Array }[];
}): BallotToken {
  return validateBallotToken({
    v: BALLOT_TOKEN_VERSION,
    electionId: parts.electionId,
    pseudonym: bytesToHex(parts.pseudonym),
    prefix: toBase64Url(parts.prefix),
    signatures: [...parts.signatures]
      .map((s) => ({ issuerId: s.issuerId, signature: toBase64Url(s.signature) }))
      .sort((a, b) => compareIds(a.issuerId, b.issuerId)),
  });
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function exactKeys(o: Record<string, unknown>, keys: readonly string[], what: string): void {
  const actual = Object.keys(o);
  cryptoAssert(
    actual.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(o, k)),
    'ENCODING',
    `${what} must have exactly the members ${keys.join(', ')}`,
  );
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Structural validation of a token object (any member order). Checks every field's encoding; does not
 * verify signatures. Signatures must be sorted by issuerId without duplicates unless
 * `allowUnsorted` (used by the verifier, which counts duplicates once instead of failing the token).
 * @throws CryptoError('ENCODING').
 */
export function validateBallotToken(x: unknown, options: { allowUnsorted?: boolean } = {}): BallotToken {
  cryptoAssert(isPlainObject(x), 'ENCODING', 'token must be an object');
  exactKeys(x, ['v', 'electionId', 'pseudonym', 'prefix', 'signatures'], 'token');
  cryptoAssert(x.v === BALLOT_TOKEN_VERSION, 'ENCODING', 'unsupported token version');
  cryptoAssert(typeof x.electionId === 'string', 'ENCODING', 'electionId must be a string');
  electionIdBytes(x.electionId);
  cryptoAssert(typeof x.pseudonym === 'string', 'ENCODING', 'pseudonym must be a string');
  cryptoAssert(isValidPseudonymPublicKey(hexToBytes(x.pseudonym, 32)), 'ENCODING', 'invalid pseudonym public key');
  cryptoAssert(typeof x.prefix === 'string', 'ENCODING', 'prefix must be a string');
  fromBase64Url(x.prefix, PREFIX_LENGTH);
  cryptoAssert(
    Array.isArray(x.signatures) && x.signatures.length >= 1 && x.signatures.length <= MAX_TOKEN_SIGNATURES,
    'ENCODING',
    `signatures must be an array of 1..${MAX_TOKEN_SIGNATURES} entries`,
  );
  const signatures: BallotTokenSignature[] = [];
  for (const s of x.signatures as unknown[]) {
    cryptoAssert(isPlainObject(s), 'ENCODING', 'signature entry must be an object');
    exactKeys(s, ['issuerId', 'signature'], 'signature entry');
    cryptoAssert(typeof s.issuerId === 'string' && ISSUER_ID_RE.test(s.issuerId), 'ENCODING', 'invalid issuerId');
    cryptoAssert(typeof s.signature === 'string', 'ENCODING', 'signature must be a string');
    const sig = fromBase64Url(s.signature);
    cryptoAssert(sig.length >= 1 && sig.length <= MAX_SIGNATURE_BYTES, 'ENCODING', 'signature length out of range');
    const prev = signatures[signatures.length - 1];
    cryptoAssert(
      options.allowUnsorted || !prev || compareIds(prev.issuerId, s.issuerId) < 0,
      'ENCODING',
      'signatures must be sorted by issuerId without duplicates',
    );
    signatures.push({ issuerId: s.issuerId, signature: s.signature });
  }
  return {
    v: BALLOT_TOKEN_VERSION,
    electionId: x.electionId,
    pseudonym: x.pseudonym,
    prefix: x.prefix,
    signatures,
  };
}

/** Canonical JSON of a (valid) token: fixed member order, no whitespace. */
export function serializeBallotToken(token: BallotToken): string {
  const t = validateBallotToken(token);
  return JSON.stringify({
    v: t.v,
    electionId: t.electionId,
    pseudonym: t.pseudonym,
    prefix: t.prefix,
    signatures: t.signatures.map((s) => ({ issuerId: s.issuerId, signature: s.signature })),
  });
}

/**
 * Strict parse: the text must be exactly the canonical serialization of a valid token (so no
 * whitespace, duplicate or reordered members, unsorted signatures, or alternative encodings).
 * @throws CryptoError('ENCODING').
 */
export function parseBallotToken(json: string): BallotToken {
  cryptoAssert(typeof json === 'string', 'ENCODING', 'token must be JSON text');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CryptoError('ENCODING', 'token is not valid JSON');
  }
  const token = validateBallotToken(raw);
  cryptoAssert(serializeBallotToken(token) === json, 'ENCODING', 'token JSON is not canonical');
  return token;
}

/** prefix || token message of a token: the bytes every issuer signature must verify over. */
export function ballotTokenPreparedMessage(token: BallotToken, electionBaseHash?: Uint8Array): Uint8Array {
  const t = validateBallotToken(token, { allowUnsorted: true });
  return concatBytes(
    fromBase64Url(t.prefix, PREFIX_LENGTH),
    ballotTokenMessage({ electionId: t.electionId, electionBaseHash, pseudonym: hexToBytes(t.pseudonym, 32) }),
  );
}

/** A registered issuer: id and validated public key (see `parseIssuerPublicKeyJwk`). */
export interface TokenIssuer {
  readonly id: string;
  readonly publicKey: RsaPublicKey;
}

/** Why a signature entry did not count. */
export type TokenSignatureRejection =
  | 'UNKNOWN_ISSUER' // issuerId not among the registered issuers
  | 'DUPLICATE_ISSUER' // issuer already counted
  | 'DUPLICATE_KEY' // a different issuer id with the same key already counted
  | 'INVALID_SIGNATURE'; // wrong length or RSASSA-PSS verification failed

/** Result of {@link verifyTokenSignatures}. */
export interface TokenVerificationResult {
  /** True iff the token is well formed and at least `threshold` distinct issuers' signatures verify. */
  readonly valid: boolean;
  readonly threshold: number;
  /** Distinct issuers whose signature verified and counted, in token order. */
  readonly validIssuers: readonly string[];
  /** Entries that did not count, with the reason. */
  readonly rejected: readonly { readonly issuerId: string; readonly reason: TokenSignatureRejection }[];
  /** Set when the token itself is malformed (then nothing is counted). */
  readonly error?: string;
}

/**
 * Checks a token's issuer signatures: each must be a valid RSASSA-PSS-SHA384 (salt 48) signature by a
 * registered issuer over prefix || token message. Counts distinct issuers and distinct keys once.
 * Bad token data gives `valid: false` with reasons; it never throws for it.
 * @param k threshold, 1 ≤ k ≤ issuers.length.
 * @param options.electionBaseHash the election's base hash, if the election has one (bound in the message).
 * @throws CryptoError('THRESHOLD') only for a bad configuration (k out of range, duplicate issuer ids).
 */
export function verifyTokenSignatures(
  token: unknown,
  issuers: readonly TokenIssuer[],
  k: number,
  options: { electionBaseHash?: Uint8Array } = {},
): TokenVerificationResult {
  cryptoAssert(
    Number.isSafeInteger(k) && k >= 1 && k <= issuers.length,
    'THRESHOLD',
    'threshold k must satisfy 1 <= k <= number of issuers',
  );
  const byId = new Map<string, RsaPublicKey>();
  for (const i of issuers) {
    cryptoAssert(!byId.has(i.id), 'THRESHOLD', `duplicate issuer id ${i.id}`);
    byId.set(i.id, i.publicKey);
  }
  let t: BallotToken;
  let preparedMsg: Uint8Array;
  try {
    t = validateBallotToken(token, { allowUnsorted: true });
    preparedMsg = ballotTokenPreparedMessage(t, options.electionBaseHash);
  } catch (e) {
    const error = e instanceof CryptoError ? e.message : 'malformed token';
    return { valid: false, threshold: k, validIssuers: [], rejected: [], error };
  }
  const validIssuers: string[] = [];
  const countedKeys = new Set<bigint>();
  const rejected: { issuerId: string; reason: TokenSignatureRejection }[] = [];
  for (const { issuerId, signature } of t.signatures) {
    const pk = byId.get(issuerId);
    if (!pk) {
      rejected.push({ issuerId, reason: 'UNKNOWN_ISSUER' });
    } else if (validIssuers.includes(issuerId)) {
      rejected.push({ issuerId, reason: 'DUPLICATE_ISSUER' });
    } else if (!verify(pk, preparedMsg, fromBase64Url(signature))) {
      rejected.push({ issuerId, reason: 'INVALID_SIGNATURE' });
    } else if (countedKeys.has(pk.n)) {
      rejected.push({ issuerId, reason: 'DUPLICATE_KEY' });
    } else {
      countedKeys.add(pk.n);
      validIssuers.push(issuerId);
    }
  }
  return { valid: validIssuers.length >= k, threshold: k, validIssuers, rejected };
}
