/**
 * ECIES over ristretto255 for delivering DKG shares to their recipients (and, in general, short secrets to a
 * holder of a registered ristretto255 key E = e·G):
 *
 *   sender:    r ← nonce,  R = r·G,  Z = r·E
 *   recipient: Z = e·R
 *   info  = transcript(domain "evote/v1/ecies", electionHash) ‖ point "R" ‖ point "E" ‖ bytes "context"
 *   key   = HKDF-SHA256(IKM = encode(Z), salt = absent, info = info bytes, L = 32)
 *   c     = ChaCha20-Poly1305(key, nonce = 12 zero bytes, aad = info bytes).encrypt(plaintext)   (ciphertext ‖ 16-byte tag)
 *
 * The all-zero AEAD nonce is safe because every key is used for exactly one message (fresh R each time).
 * Binding R, E, the election hash and the caller's context (sender, recipient, purpose) into both the key and
 * the associated data means a ciphertext cannot be replayed to another recipient, election or slot.
 *
 * Because the key depends on nothing secret but Z, the recipient can later reveal Z with a Chaum–Pedersen
 * proof (log_G E = log_R Z) and anyone can decrypt: this is how DKG complaints are judged (see ./dkg).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, bytesToHex, expectObject, hexToBytes } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import { type Group, type GroupElement, type NonceSource, drawNonce, randomNonces } from '../group';
import { ELECTION_HASH_BYTES, Transcript } from '../transcript';

/** Domain tag of the ECIES key-derivation transcript. */
export const ECIES_DOMAIN = 'evote/v1/ecies';
/** Poly1305 tag length appended to every ciphertext. */
export const ECIES_TAG_BYTES = 16;
const NONCE = new Uint8Array(12);

/** What an ECIES ciphertext is bound to: the election (or DKG setup) hash and caller-defined context bytes. */
export interface EciesBinding {
  /** 32 bytes. */
  readonly electionHash: Uint8Array;
  /** e.g. `indexContext("dkg/share", sender, recipient)`. */
  readonly context: Uint8Array;
}

/** An ECIES ciphertext: ephemeral key R and the AEAD output c (ciphertext ‖ tag). */
export interface EciesCiphertext {
  readonly R: GroupElement;
  readonly c: Uint8Array;
}

/** JSON form: `{ "R": hex64, "c": hex }` (lowercase). */
export interface EciesCiphertextJSON {
  readonly R: string;
  readonly c: string;
}

/** The HKDF info and AEAD associated data (identical bytes). */
export function eciesInfo(group: Group, recipientKey: GroupElement, R: GroupElement, binding: EciesBinding): Uint8Array {
  cryptoAssert(typeof binding === 'object' && binding !== null, 'ENCODING', 'ecies binding: expected an object');
  assertBytes(binding.electionHash, ELECTION_HASH_BYTES, 'ecies election hash');
  assertBytes(binding.context, undefined, 'ecies context');
  return Transcript.start(group, { domain: ECIES_DOMAIN, electionHash: binding.electionHash })
    .point('R', R)
    .point('E', recipientKey)
    .bytes('context', binding.context)
    .toBytes();
}

function aead(group: Group, Z: GroupElement, info: Uint8Array) {
  cryptoAssert(!group.isIdentity(Z), 'INVALID_POINT', 'ecies: shared secret is the identity');
  const key = hkdf(sha256, group.encode(Z), undefined, info, 32);
  return chacha20poly1305(key, NONCE, info);
}

/**
 * Encrypts `plaintext` to the holder of `recipientKey` E.
 * @throws CryptoError `INVALID_POINT` if E is the identity, `ENCODING` for bad inputs.
 */
export function eciesEncrypt(
  group: Group,
  recipientKey: GroupElement,
  plaintext: Uint8Array,
  binding: EciesBinding,
  nonces: NonceSource = randomNonces(group),
): EciesCiphertext {
  return eciesEncryptWithEphemeral(group, recipientKey, plaintext, binding, drawNonce(group, nonces, 'ecies/ephemeral'));
}

/**
 * {@link eciesEncrypt} with the ephemeral scalar r given (R = r·G), for a sender that must also prove it
 * knows r (the DKG's shares, §30.3). r must be fresh, uniform and secret.
 */
export function eciesEncryptWithEphemeral(group: Group, recipientKey: GroupElement, plaintext: Uint8Array, binding: EciesBinding, r: bigint): EciesCiphertext {
  cryptoAssert(!group.isIdentity(recipientKey), 'INVALID_POINT', 'ecies: recipient key is the identity');
  assertBytes(plaintext, undefined, 'ecies plaintext');
  cryptoAssert(r > 0n && r < group.order, 'ENCODING', 'ecies: ephemeral scalar out of range');
  const R = group.mulBase(r);
  const info = eciesInfo(group, recipientKey, R, binding);
  return Object.freeze({ R, c: aead(group, group.mul(r, recipientKey), info).encrypt(plaintext) });
}

/** The recipient's DH value Z = e·R. Secret until revealed in a complaint. */
export function eciesSharedSecret(group: Group, secretKey: bigint, ct: EciesCiphertext): GroupElement {
  return group.mul(secretKey, ct.R);
}

/**
 * Decrypts with a given shared secret Z (the recipient's own, or one revealed in a complaint).
 * @throws CryptoError `INVALID_PROOF` if authentication fails (wrong key, tampered R, c, binding or context).
 */
export function eciesDecryptWithSharedSecret(
  group: Group,
  recipientKey: GroupElement,
  ct: EciesCiphertext,
  Z: GroupElement,
  binding: EciesBinding,
): Uint8Array {
  assertBytes(ct.c, undefined, 'ecies ciphertext');
  cryptoAssert(ct.c.length >= ECIES_TAG_BYTES, 'ENCODING', 'ecies ciphertext shorter than its tag');
  const info = eciesInfo(group, recipientKey, ct.R, binding);
  try {
    return aead(group, Z, info).decrypt(ct.c);
  } catch (e) {
    if (e instanceof CryptoError) throw e;
    throw new CryptoError('INVALID_PROOF', 'ecies: authentication failed');
  }
}

/**
 * Decrypts with the recipient's secret key e (E = e·G).
 * @throws CryptoError `INVALID_PROOF` if authentication fails.
 */
export function eciesDecrypt(group: Group, secretKey: bigint, ct: EciesCiphertext, binding: EciesBinding): Uint8Array {
  return eciesDecryptWithSharedSecret(group, group.mulBase(secretKey), ct, eciesSharedSecret(group, secretKey, ct), binding);
}

/** JSON form `{ "R": hex64, "c": hex }`. */
export function eciesCiphertextToJSON(group: Group, ct: EciesCiphertext): EciesCiphertextJSON {
  return Object.freeze({ R: group.toHex(ct.R), c: bytesToHex(ct.c) });
}

/**
 * Strict parsing: exactly the keys `R`, `c`; R a canonical non-identity point; c lowercase hex of exactly
 * `plaintextBytes + 16` bytes.
 */
export function eciesCiphertextFromJSON(group: Group, json: unknown, plaintextBytes: number): EciesCiphertext {
  const o = expectObject(json, ['R', 'c'], 'ecies ciphertext');
  return Object.freeze({
    R: group.fromHex(o.R as string),
    c: hexToBytes(o.c as string, plaintextBytes + ECIES_TAG_BYTES, 'ecies c'),
  });
}
