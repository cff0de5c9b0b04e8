// RFC 9474 RSA blind signatures, client side, variant RSABSSA-SHA384-PSS-Randomized:
// SHA-384, MGF1-SHA-384, 48-byte PSS salt, 32-byte random message prefix.
// The randomized prefix matters: the signer cannot choose the encoded message, and the final
// signature is an ordinary RSASSA-PSS signature (RFC 8017 §8.1) over prefix || msg.
import { sha384 } from '@noble/hashes/sha2.js';
import { CryptoError, cryptoAssert } from '../errors';
import { bitLength, gcd, mod, modInverse, modPow } from './bigint';
import { type RandomSource, bigIntToBytes, bytesToBigInt, randomBytesFrom, webCryptoRandom } from './bytes';
import { bytesEqual, concatBytes } from '../encoding';
import { acceleratedTrue, verificationAccelerators } from '../accelerators';
import type { RsaPublicKey } from './rsa-key';

/** Output length of SHA-384, and hLen of EMSA-PSS. */
export const HASH_LENGTH = 48;
/** PSS salt length of the PSS variants (sLen = hLen). */
export const SALT_LENGTH = 48;
/** Length of the random message prefix of the Randomized variants. */
export const PREFIX_LENGTH = 32;

/** Output of {@link prepare}. */
export interface PreparedMessage {
  /** The 32 random bytes prepended to the message; part of the token, needed to verify it. */
  readonly prefix: Uint8Array;
  /** prefix || msg: the message that is actually blinded, signed and verified. */
  readonly preparedMsg: Uint8Array;
}

/** Output of {@link blind}. */
export interface BlindResult {
  /** Sent to the issuer; exactly modulus_len bytes. */
  readonly blindedMsg: Uint8Array;
  /** Blinding inverse r^-1 mod n, modulus_len bytes big-endian. SECRET: reveals the link to the token. */
  readonly inv: Uint8Array;
}

/** MGF1 with SHA-384 (RFC 8017 Appendix B.2.1). */
export function mgf1Sha384(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / HASH_LENGTH) * HASH_LENGTH);
  const counter = new Uint8Array(4);
  for (let i = 0, off = 0; off < length; i++, off += HASH_LENGTH) {
    new DataView(counter.buffer).setUint32(0, i, false);
    out.set(sha384(concatBytes(seed, counter)), off);
  }
  return out.subarray(0, length);
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-384/MGF1-SHA-384 and the given salt (its length is sLen).
 * @throws CryptoError('ENCODING') if emBits is too small for the salt.
 */
export function emsaPssEncode(msg: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array {
  const emLen = Math.ceil(emBits / 8);
  const sLen = salt.length;
  cryptoAssert(emLen >= HASH_LENGTH + sLen + 2, 'ENCODING', 'encoding error: modulus too small');
  const mHash = sha384(msg);
  const h = sha384(concatBytes(new Uint8Array(8), mHash, salt));
  const db = new Uint8Array(emLen - HASH_LENGTH - 1);
  db[emLen - sLen - HASH_LENGTH - 2] = 0x01;
  db.set(salt, emLen - sLen - HASH_LENGTH - 1);
  const dbMask = mgf1Sha384(h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= dbMask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with SHA-384/MGF1-SHA-384 and salt length sLen. Never throws. */
export function emsaPssVerify(msg: Uint8Array, em: Uint8Array, emBits: number, sLen: number): boolean {
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || emLen < HASH_LENGTH + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - HASH_LENGTH - 1);
  const h = em.subarray(emLen - HASH_LENGTH - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if ((maskedDb[0] & ~topMask & 0xff) !== 0) return false;
  const dbMask = mgf1Sha384(h, maskedDb.length);
  const db = new Uint8Array(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = maskedDb[i] ^ dbMask[i];
  db[0] &= topMask;
  const psLen = emLen - HASH_LENGTH - sLen - 2;
  let bad = 0;
  for (let i = 0; i < psLen; i++) bad |= db[i];
  if (bad !== 0 || db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  const h2 = sha384(concatBytes(new Uint8Array(8), sha384(msg), salt));
  return bytesEqual(h, h2);
}

/**
 * RSASSA-PSS-VERIFY (RFC 8017 §8.1.2), SHA-384, MGF1-SHA-384, salt length `sLen`. Pure BigInt.
 * Returns false (never throws) for any malformed or invalid signature.
 */
export function rsassaPssVerify(pk: RsaPublicKey, msg: Uint8Array, sig: Uint8Array, sLen: number): boolean {
  if (!(sig instanceof Uint8Array) || !(msg instanceof Uint8Array) || sig.length !== pk.modulusLength) return false;
  const s = bytesToBigInt(sig);
  if (s >= pk.n) return false;
  const m = modPow(s, pk.e, pk.n);
  const emBits = pk.modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (bitLength(m) > emBits) return false; // then m has no emLen-byte encoding with emBits bits
  return emsaPssVerify(msg, bigIntToBytes(m, emLen), emBits, sLen);
}

/** Uniform integer in [1, n) by rejection sampling (RFC 9474 random_integer_uniform). */
export function randomIntegerBelow(n: bigint, rng: RandomSource): bigint {
  const bits = bitLength(n);
  const len = Math.ceil(bits / 8);
  const topMask = 0xff >> (8 * len - bits);
  // Each draw succeeds with probability > 1/2: 128 failures mean a broken random source.
  for (let attempt = 0; attempt < 128; attempt++) {
    const b = randomBytesFrom(rng, len);
    b[0] &= topMask;
    const x = bytesToBigInt(b);
    if (x > 0n && x < n) return x;
  }
  throw new CryptoError('ENCODING', 'random source failed to produce a value below the modulus');
}

/**
 * RFC 9474 §4.1 Prepare, Randomized variant: input_msg = random(32) || msg.
 * @param rng randomness (default WebCrypto); inject a fixed source only to replay vectors.
 */
export function prepare(msg: Uint8Array, rng: RandomSource = webCryptoRandom): PreparedMessage {
  cryptoAssert(msg instanceof Uint8Array, 'ENCODING', 'message must be bytes');
  const prefix = randomBytesFrom(rng, PREFIX_LENGTH);
  return { prefix, preparedMsg: concatBytes(prefix, msg) };
}

/**
 * RFC 9474 §4.2 Blind with explicit salt and blinding factor r. Deterministic; exposed for known-answer
 * tests of all four RFC variants. Production code uses {@link blind}.
 * @throws CryptoError('ENCODING') for a bad encoding / non-coprime message, ('INVALID_SCALAR') for r ∉ [1, n) or r not invertible.
 */
export function blindWithParameters(
  pk: RsaPublicKey,
  msg: Uint8Array,
  salt: Uint8Array,
  r: bigint,
  mask: bigint = 1n,
): BlindResult {
  cryptoAssert(msg instanceof Uint8Array && salt instanceof Uint8Array, 'ENCODING', 'message and salt must be bytes');
  cryptoAssert(r > 0n && r < pk.n, 'INVALID_SCALAR', 'blinding factor out of range');
  const encoded = emsaPssEncode(msg, pk.modulusBits - 1, salt);
  const m = bytesToBigInt(encoded);
  cryptoAssert(gcd(m, pk.n) === 1n, 'ENCODING', 'invalid input: message not coprime to modulus');
  // inv = (r·mask)^-1 · mask = r^-1: the variable-time inversion only ever sees r·mask, not r.
  const inv = mod(modInverse((r * mask) % pk.n, pk.n) * mask, pk.n);
  const z = (m * modPow(r, pk.e, pk.n)) % pk.n;
  return { blindedMsg: bigIntToBytes(z, pk.modulusLength), inv: bigIntToBytes(inv, pk.modulusLength) };
}

/**
 * RFC 9474 §4.2 Blind (PSS, 48-byte salt): EMSA-PSS-encodes `preparedMsg`, multiplies by r^e for a
 * fresh uniform r. Call once per issuer: each issuer must get its own r and salt.
 * @param preparedMsg output of {@link prepare} (prefix || msg).
 */
export function blind(pk: RsaPublicKey, preparedMsg: Uint8Array, rng: RandomSource = webCryptoRandom): BlindResult {
  const salt = randomBytesFrom(rng, SALT_LENGTH);
  const r = randomIntegerBelow(pk.n, rng);
  const mask = randomIntegerBelow(pk.n, rng);
  return blindWithParameters(pk, preparedMsg, salt, r, mask);
}

/**
 * RFC 9474 §4.4 Finalize with an explicit salt length (48 for the PSS variants, 0 for PSSZERO).
 * @throws CryptoError('ENCODING') if the blind signature has the wrong length or is ≥ n,
 *         CryptoError('INVALID_SIGNATURE') if the unblinded signature does not verify.
 */
export function finalizeWithSaltLength(
  pk: RsaPublicKey,
  preparedMsg: Uint8Array,
  blindSig: Uint8Array,
  inv: Uint8Array,
  sLen: number,
): Uint8Array {
  cryptoAssert(blindSig instanceof Uint8Array && blindSig.length === pk.modulusLength, 'ENCODING', 'unexpected input size');
  cryptoAssert(inv instanceof Uint8Array && inv.length === pk.modulusLength, 'ENCODING', 'unexpected inverse size');
  const z = bytesToBigInt(blindSig);
  const invN = bytesToBigInt(inv);
  cryptoAssert(z < pk.n, 'ENCODING', 'blind signature out of range');
  cryptoAssert(invN > 0n && invN < pk.n, 'ENCODING', 'blinding inverse out of range');
  const sig = bigIntToBytes((z * invN) % pk.n, pk.modulusLength);
  cryptoAssert(rsassaPssVerify(pk, preparedMsg, sig, sLen), 'INVALID_SIGNATURE', 'invalid signature');
  return sig;
}

/**
 * RFC 9474 §4.4 Finalize: unblinds the issuer's blind signature and checks the result is a valid
 * RSASSA-PSS-SHA384 signature (salt 48) over `preparedMsg`; an issuer returning garbage is caught here.
 * @returns the final signature (modulus_len bytes).
 * @throws CryptoError('ENCODING' | 'INVALID_SIGNATURE').
 */
export function finalize(pk: RsaPublicKey, preparedMsg: Uint8Array, blindSig: Uint8Array, inv: Uint8Array): Uint8Array {
  return finalizeWithSaltLength(pk, preparedMsg, blindSig, inv, SALT_LENGTH);
}

/**
 * RFC 9474 §4.5 Verify: RSASSA-PSS-VERIFY, SHA-384, MGF1-SHA-384, salt 48, over the prepared message
 * (prefix || msg). Returns false for anything invalid or malformed; never throws.
 */
export function verify(pk: RsaPublicKey, preparedMsg: Uint8Array, sig: Uint8Array): boolean {
  // An installed accelerator (src/crypto/accelerators.ts) implements the same RFC 8017 verification.
  const fast = verificationAccelerators().rsaPssSha384;
  if (acceleratedTrue(fast && (() => fast(pk, preparedMsg, sig, SALT_LENGTH)))) return true;
  try {
    return rsassaPssVerify(pk, preparedMsg, sig, SALT_LENGTH);
  } catch {
    return false;
  }
}
