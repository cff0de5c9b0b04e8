// The voting code (docs/protocol.md §20 "Voting code"; device-side only, no record format changes): a 128-bit secret the voter keeps, from
// which the booth derives the pseudonym key, the RFC 9474 message prefix and, per issuer, the PSS salt and
// the blinding factor. The same code on any device rebuilds byte-identical blinded requests, which the
// issuers answer with the signatures they already gave ("identical retry"), so the same token comes back;
// any other request after issuance is refused (409 already_issued), so the code never yields a second token.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CryptoError, cryptoAssert } from '../errors';
import { bytesEqual, concatBytes, u32be, utf8ToBytes } from '../encoding';
import { bitLength, gcd } from './bigint';
import { type RandomSource, bigIntToBytes, bytesToBigInt, lengthPrefixed, randomBytesFrom, webCryptoRandom } from './bytes';
import { ELECTION_BASE_HASH_LENGTH, ballotTokenMessage, type PreparedBallotToken } from './ballot-token';
import { electionIdBytes, type PseudonymKeyPair, pseudonymPublicKey } from './pseudonym';
import { type BlindResult, PREFIX_LENGTH, SALT_LENGTH, blindWithParameters, randomIntegerBelow } from './rsabssa';
import type { RsaPublicKey } from './rsa-key';

/** Bytes of secret in a voting code (128 bits). */
export const VOTING_CODE_SECRET_LENGTH = 16;
/** Bytes of checksum appended before encoding (catches any typo except with probability 2⁻³²). */
export const VOTING_CODE_CHECKSUM_LENGTH = 4;
/** Characters of a voting code without separators: (16 + 4) bytes in base32 = 32 characters. */
export const VOTING_CODE_CHARS = 32;

export const VOTING_CODE_DOMAIN = 'evote/v3/voting-code';
export const VOTING_CODE_CHECKSUM_TAG = 'evote/v3/voting-code/checksum';
export const VOTING_CODE_PSEUDONYM_TAG = 'evote/v3/voting-code/pseudonym';
export const VOTING_CODE_PREFIX_TAG = 'evote/v3/voting-code/prefix';
export const VOTING_CODE_SALT_TAG = 'evote/v3/voting-code/pss-salt';
export const VOTING_CODE_BLIND_TAG = 'evote/v3/voting-code/blind';

// Crockford's base32: no I, L, O, U, so a code read aloud or copied by hand has fewer look-alikes.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh voting code secret (16 random bytes, default WebCrypto). */
export function generateVotingCode(rng: RandomSource = webCryptoRandom): Uint8Array {
  return randomBytesFrom(rng, VOTING_CODE_SECRET_LENGTH);
}

function checksum(secret: Uint8Array): Uint8Array {
  return sha256(concatBytes(lengthPrefixed(utf8ToBytes(VOTING_CODE_CHECKSUM_TAG)), secret)).subarray(0, VOTING_CODE_CHECKSUM_LENGTH);
}

/** The code as shown to the voter: 32 base32 characters in eight groups of four, e.g. `7K3M-Q0ZT-…`. */
export function formatVotingCode(secret: Uint8Array): string {
  cryptoAssert(secret instanceof Uint8Array && secret.length === VOTING_CODE_SECRET_LENGTH, 'ENCODING', 'voting code secret must be 16 bytes');
  const bytes = concatBytes(secret, checksum(secret));
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = VOTING_CODE_CHARS - 1; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return out.match(/.{4}/g)!.join('-');
}

/** Why a typed code was not accepted. */
export type VotingCodeProblem = 'length' | 'character' | 'checksum';

/**
 * Reads a code as typed: case, spaces and dashes do not matter, and the look-alikes O→0, I/L→1 are
 * read as Crockford specifies. Never throws.
 */
export function parseVotingCode(text: string): { ok: true; secret: Uint8Array } | { ok: false; problem: VotingCodeProblem } {
  if (typeof text !== 'string' || text.length > 200) return { ok: false, problem: 'length' };
  const cleaned = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== VOTING_CODE_CHARS) return { ok: false, problem: 'length' };
  let bits = 0n;
  for (const c of cleaned) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return { ok: false, problem: 'character' };
    bits = (bits << 5n) | BigInt(v);
  }
  const bytes = bigIntToBytes(bits, VOTING_CODE_SECRET_LENGTH + VOTING_CODE_CHECKSUM_LENGTH);
  const secret = bytes.subarray(0, VOTING_CODE_SECRET_LENGTH);
  if (!bytesEqual(checksum(secret), bytes.subarray(VOTING_CODE_SECRET_LENGTH))) return { ok: false, problem: 'checksum' };
  return { ok: true, secret: new Uint8Array(secret) };
}

/** What every derivation is bound to: the election (id and, when it has one, its base hash H). */
export interface VotingCodeContext {
  readonly electionId: string;
  readonly electionBaseHash?: Uint8Array;
}

/**
 * derive(tag, context, extra, L) = HKDF-SHA-256(ikm = secret, salt = utf8("evote/v3/voting-code"),
 * info = lp(utf8(tag)) ‖ lp(utf8(electionId)) ‖ lp(H or empty) ‖ extra, L).
 */
function derive(secret: Uint8Array, tag: string, ctx: VotingCodeContext, extra: Uint8Array, length: number): Uint8Array {
  cryptoAssert(secret instanceof Uint8Array && secret.length === VOTING_CODE_SECRET_LENGTH, 'ENCODING', 'voting code secret must be 16 bytes');
  const h = ctx.electionBaseHash;
  cryptoAssert(h === undefined || (h instanceof Uint8Array && h.length === ELECTION_BASE_HASH_LENGTH), 'ENCODING', 'election base hash must be 32 bytes');
  const info = concatBytes(lengthPrefixed(utf8ToBytes(tag)), lengthPrefixed(electionIdBytes(ctx.electionId)), lengthPrefixed(h ?? new Uint8Array(0)), extra);
  return hkdf(sha256, secret, utf8ToBytes(VOTING_CODE_DOMAIN), info, length);
}

/** The pseudonym key pair of this code in this election (its seed is the derived 32 bytes). */
export function pseudonymFromCode(secret: Uint8Array, ctx: VotingCodeContext): PseudonymKeyPair {
  const secretKey = derive(secret, VOTING_CODE_PSEUDONYM_TAG, ctx, new Uint8Array(0), 32);
  return { secretKey, publicKey: pseudonymPublicKey(secretKey) };
}

/** {@link prepareBallotToken} with the derived pseudonym and the derived 32-byte prefix instead of random ones. */
export function prepareBallotTokenFromCode(secret: Uint8Array, ctx: VotingCodeContext): { pseudonym: PseudonymKeyPair; prepared: PreparedBallotToken } {
  const pseudonym = pseudonymFromCode(secret, ctx);
  const message = ballotTokenMessage({ electionId: ctx.electionId, electionBaseHash: ctx.electionBaseHash, pseudonym: pseudonym.publicKey });
  const prefix = derive(secret, VOTING_CODE_PREFIX_TAG, ctx, new Uint8Array(0), PREFIX_LENGTH);
  return { pseudonym, prepared: { message, prefix, preparedMsg: concatBytes(prefix, message) } };
}

/** The issuer part of the derivation input: lp(utf8(issuerId)) ‖ lp(I2OSP(n, modulus_len)). */
function issuerBinding(issuerId: string, pk: RsaPublicKey): Uint8Array {
  return concatBytes(lengthPrefixed(utf8ToBytes(issuerId)), lengthPrefixed(bigIntToBytes(pk.n, pk.modulusLength)));
}

/**
 * The blinding factor for one issuer: candidate j = OS2IP(derive(blind tag, …, issuer ‖ u32(j), modulus_len))
 * with the bits above bitlen(n) cleared, the first with 1 ≤ r < n and gcd(r, n) = 1 (rejection sampling, so r
 * is uniform in Z_n* when HKDF is a PRF).
 */
export function blindingFactorFromCode(secret: Uint8Array, ctx: VotingCodeContext, issuerId: string, pk: RsaPublicKey): bigint {
  const bits = bitLength(pk.n);
  const topMask = 0xff >> (8 * pk.modulusLength - bits);
  const binding = issuerBinding(issuerId, pk);
  for (let j = 0; j < 128; j++) {
    const b = derive(secret, VOTING_CODE_BLIND_TAG, ctx, concatBytes(binding, u32be(j)), pk.modulusLength);
    b[0] &= topMask;
    const r = bytesToBigInt(b);
    if (r > 0n && r < pk.n && gcd(r, pk.n) === 1n) return r;
  }
  // Each candidate is accepted with probability > 1/2: 128 rejections do not happen with a sound modulus.
  throw new CryptoError('ENCODING', 'no blinding factor below the modulus');
}

/**
 * RFC 9474 Blind for one issuer with the salt and r derived from the code: the same code, election and
 * issuer key always give the same blinded message. (The side-channel mask of the inversion does not
 * change the output and stays random.)
 */
export function blindFromCode(
  secret: Uint8Array,
  ctx: VotingCodeContext,
  issuerId: string,
  pk: RsaPublicKey,
  preparedMsg: Uint8Array,
  rng: RandomSource = webCryptoRandom,
): BlindResult {
  const salt = derive(secret, VOTING_CODE_SALT_TAG, ctx, issuerBinding(issuerId, pk), SALT_LENGTH);
  const r = blindingFactorFromCode(secret, ctx, issuerId, pk);
  return blindWithParameters(pk, preparedMsg, salt, r, randomIntegerBelow(pk.n, rng));
}
