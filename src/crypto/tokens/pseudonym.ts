// Pseudonym signatures: Ed25519 (RFC 8032) with strict verification. The pseudonym key is generated
// on the voter's device, bound into the blind-signed ballot token, and signs the ballot.
import { ed25519 } from '@noble/curves/ed25519.js';
import { cryptoAssert } from '../errors';
import { type RandomSource, lengthPrefixed, randomBytesFrom, webCryptoRandom } from './bytes';
import { concatBytes, u32be, utf8ToBytes } from '../encoding';
import { acceleratedTrue, verificationAccelerators } from '../accelerators';

/** Domain tag of the ballot-signature message. */
export const BALLOT_SIGNATURE_DOMAIN = 'evote/v2/ballot-signature';

/** Largest submission counter (u32). */
export const MAX_SUBMISSION_COUNTER = 0xffff_ffff;

/** True for a valid submission counter: an integer in 1..2³²−1. */
export function isSubmissionCounter(counter: unknown): counter is number {
  return typeof counter === 'number' && Number.isSafeInteger(counter) && counter >= 1 && counter <= MAX_SUBMISSION_COUNTER;
}
/** Length of a ballot hash in the signed message. */
export const BALLOT_HASH_LENGTH = 32;
/** Max UTF-8 length of an election id (shared with the token message). */
export const MAX_ELECTION_ID_BYTES = 256;

/** A pseudonym key pair. `secretKey` is the 32-byte RFC 8032 seed: keep it on the device. */
export interface PseudonymKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Validated UTF-8 bytes of an election id: 1..256 bytes, well-formed Unicode. */
export function electionIdBytes(electionId: string): Uint8Array {
  const b = utf8ToBytes(electionId);
  cryptoAssert(b.length >= 1 && b.length <= MAX_ELECTION_ID_BYTES, 'ENCODING', 'election id must be 1..256 UTF-8 bytes');
  return b;
}

/**
 * True iff `publicKey` is a canonical encoding (y < p, no "negative zero") of a curve point that is
 * not of small order: the keys strict verification accepts. Never throws.
 */
export function isValidPseudonymPublicKey(publicKey: Uint8Array): boolean {
  try {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}

/** Generates a pseudonym key pair from 32 random bytes (default WebCrypto). */
export function generatePseudonymKeyPair(rng: RandomSource = webCryptoRandom): PseudonymKeyPair {
  const secretKey = randomBytesFrom(rng, 32);
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/** The public key of a 32-byte secret seed. */
export function pseudonymPublicKey(secretKey: Uint8Array): Uint8Array {
  cryptoAssert(secretKey instanceof Uint8Array && secretKey.length === 32, 'ENCODING', 'secret key must be 32 bytes');
  return ed25519.getPublicKey(secretKey);
}

/**
 * The exact bytes a pseudonym signs for a ballot (protocol version 2):
 * lp("evote/v2/ballot-signature") || lp(UTF-8 election id) || u32(counter) || lp(ballot hash, 32 bytes),
 * where lp(x) = 4-byte big-endian length of x || x. The counter numbers the pseudonym's submissions (casts
 * and audits, 1, 2, 3 …, strictly increasing along the board), so the server cannot reorder or replay them.
 * @throws CryptoError('ENCODING') for a bad election id, counter or hash length.
 */
export function ballotSignatureMessage(electionId: string, counter: number, ballotHash: Uint8Array): Uint8Array {
  cryptoAssert(isSubmissionCounter(counter), 'ENCODING', 'counter must be an integer in 1..2^32-1');
  cryptoAssert(
    ballotHash instanceof Uint8Array && ballotHash.length === BALLOT_HASH_LENGTH,
    'ENCODING',
    'ballot hash must be 32 bytes',
  );
  return concatBytes(
    lengthPrefixed(utf8ToBytes(BALLOT_SIGNATURE_DOMAIN)),
    lengthPrefixed(electionIdBytes(electionId)),
    u32be(counter),
    lengthPrefixed(ballotHash),
  );
}

/** Ed25519 signature (64 bytes) over arbitrary bytes. Prefer {@link signBallot}. */
export function pseudonymSign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  cryptoAssert(secretKey instanceof Uint8Array && secretKey.length === 32, 'ENCODING', 'secret key must be 32 bytes');
  cryptoAssert(message instanceof Uint8Array, 'ENCODING', 'message must be bytes');
  return ed25519.sign(message, secretKey);
}

/**
 * Strict Ed25519 verification (RFC 8032 §5.1.7 with @noble's `zip215: false`): rejects public keys and
 * R with non-canonical encodings (y ≥ p, or x = 0 with sign bit set), S ≥ ℓ, small-order public keys,
 * and wrong lengths; checks the cofactored equation [8][S]B = [8]R + [8][k]A. Never throws.
 */
export function pseudonymVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
    if (!(message instanceof Uint8Array)) return false;
    // Accelerated path (src/crypto/accelerators.ts): a cofactorless-valid signature (encode([S]B − [k]A) = R,
    // S < ℓ) also satisfies the cofactored equation, and its R is canonical (it equals an encoding); the key
    // conditions are checked here. So it is valid under the strict rules; anything else goes to noble.
    const fast = verificationAccelerators().ed25519;
    if (acceleratedTrue(fast && (() => fast(publicKey, message, signature))) && isValidPseudonymPublicKey(publicKey)) return true;
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** Signs a ballot: Ed25519 over {@link ballotSignatureMessage}(electionId, counter, ballotHash). */
export function signBallot(secretKey: Uint8Array, electionId: string, counter: number, ballotHash: Uint8Array): Uint8Array {
  return pseudonymSign(secretKey, ballotSignatureMessage(electionId, counter, ballotHash));
}

/** Verifies a ballot signature strictly; false for any invalid or malformed input. Never throws. */
export function verifyBallotSignature(
  publicKey: Uint8Array,
  electionId: string,
  counter: number,
  ballotHash: Uint8Array,
  signature: Uint8Array,
): boolean {
  let message: Uint8Array;
  try {
    message = ballotSignatureMessage(electionId, counter, ballotHash);
  } catch {
    return false;
  }
  return pseudonymVerify(publicKey, message, signature);
}
