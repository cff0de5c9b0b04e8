/**
 * The public parameters of one election and its base hash H, which every ballot proof, ballot hash,
 * ballot token and decryption proof binds through the transcript header's 32-byte election-hash field.
 *
 *   H = SHA-256(transcript(domain "evote/v3/election", zero election hash)
 *               ‖ string "group" ‖ bytes "manifest-hash" ‖ bytes "setup-hash" ‖ u32 "k" ‖ u32 "n"
 *               ‖ point "K" ‖ points "X" (X_1..X_n)
 *               ‖ bytes "manifest-entry" ‖ bytes "issuer-keys-entry" ‖ bytes "board-key"
 *               ‖ u32 "roll-size" ‖ bytes "witnesses")
 *
 * After the key set come the Merkle leaf hashes of the board's manifest entry (seq 0: manifest and every
 * parameter) and issuer-keys entry (seq 1: this election's own issuer keys and threshold), the board's
 * Ed25519 public key, the roll size and the witnesses' keys (protocol version 3), so that H alone fixes
 * everything a voter's device and an observer must agree on, and a token (whose message binds H) is tied to
 * this election's issuer keys.
 */
import { prepareElectionKey, type ElectionKey } from '../elgamal';
import { assertBytes, bytesToHex, concatBytes, hexToBytes } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import type { Group } from '../group';
import { ELECTION_HASH_BYTES } from '../transcript';
import { ZERO_HASH, transcriptHash } from '../threshold/binding';
import type { ElectionKeySet } from '../threshold/dkg';
import { type Manifest, manifestHash } from './manifest';

/** Domain tag of the election base hash. */
export const ELECTION_DOMAIN = 'evote/v3/election';

/**
 * What H binds besides the manifest and the key ceremony's outcome (protocol §40.3): the leaf hashes
 * (§50, LH(utf8(entry text))) of the board's manifest entry (seq 0) and issuer-keys entry (seq 1), the
 * board's public key (32 bytes each), the size of the roll (frozen when the key ceremony starts) and the
 * witnesses' Ed25519 keys (32 bytes each, strictly ascending; none yet: the witness protocol comes later,
 * so that adding witnesses does not change how H is computed).
 */
export interface ElectionBindings {
  readonly manifestEntry: Uint8Array;
  readonly issuerKeysEntry: Uint8Array;
  readonly boardPublicKey: Uint8Array;
  readonly rollSize: number;
  readonly witnesses: readonly Uint8Array[];
}

/** The bindings as hex, for JSON and worker threads. */
export interface ElectionBindingsJSON {
  readonly manifestEntry: string;
  readonly issuerKeysEntry: string;
  readonly boardPublicKey: string;
  readonly rollSize: number;
  readonly witnesses: readonly string[];
}

/** Largest roll H can bind (u32). */
export const MAX_ROLL_SIZE = 0xffff_ffff;

export function electionBindingsToJSON(b: ElectionBindings): ElectionBindingsJSON {
  return {
    manifestEntry: bytesToHex(b.manifestEntry),
    issuerKeysEntry: bytesToHex(b.issuerKeysEntry),
    boardPublicKey: bytesToHex(b.boardPublicKey),
    rollSize: b.rollSize,
    witnesses: b.witnesses.map(bytesToHex),
  };
}

/**
 * The roll size and witness keys as the election-key entry publishes them (§35.4): an integer in
 * 0..2³²−1, and 64-hex keys in strictly ascending order.
 * @throws CryptoError `ENCODING` otherwise.
 */
export function rollAndWitnessesFromJSON(rollSize: unknown, witnesses: unknown): { rollSize: number; witnesses: Uint8Array[] } {
  if (!Number.isSafeInteger(rollSize) || (rollSize as number) < 0 || (rollSize as number) > MAX_ROLL_SIZE) throw new CryptoError('ENCODING', 'rollSize must be an integer in 0..2^32-1');
  if (!Array.isArray(witnesses)) throw new CryptoError('ENCODING', 'witnesses must be an array of 64-hex keys');
  const keys = witnesses.map((w) => hexToBytes(typeof w === 'string' ? w : '', 32, 'witness key'));
  if (witnesses.some((w, i) => i > 0 && !((witnesses[i - 1] as string) < (w as string)))) throw new CryptoError('ENCODING', 'witness keys must be distinct and in ascending order');
  return { rollSize: rollSize as number, witnesses: keys };
}

/** @throws CryptoError `ENCODING` unless every hash is 64 lowercase hex, the roll size an integer in 0..2³²−1 and the witnesses ascending 64-hex keys. */
export function electionBindingsFromJSON(j: unknown): ElectionBindings {
  const o = (j ?? {}) as Record<string, unknown>;
  const get = (k: string) => hexToBytes(typeof o[k] === 'string' ? (o[k] as string) : '', 32, k);
  return Object.freeze({ manifestEntry: get('manifestEntry'), issuerKeysEntry: get('issuerKeysEntry'), boardPublicKey: get('boardPublicKey'), ...rollAndWitnessesFromJSON(o.rollSize, o.witnesses) });
}

/** Everything a ballot encrypter or verifier needs about the election. Frozen. */
export interface Election {
  readonly manifest: Manifest;
  readonly manifestHash: Uint8Array;
  /** The DKG setup hash (threshold/dkg `dkgSetupHash`). */
  readonly setupHash: Uint8Array;
  readonly keys: ElectionKeySet;
  /** The joint key K, prepared for fast encryption. */
  readonly key: ElectionKey;
  /** What H binds of the board (see {@link ElectionBindings}). */
  readonly bindings: ElectionBindings;
  /** The election base hash H. */
  readonly electionHash: Uint8Array;
}

/** H as defined in the module comment. */
export function electionBaseHash(group: Group, mHash: Uint8Array, setupHash: Uint8Array, keys: ElectionKeySet, bindings: ElectionBindings): Uint8Array {
  assertBytes(mHash, ELECTION_HASH_BYTES, 'manifest hash');
  assertBytes(setupHash, ELECTION_HASH_BYTES, 'setup hash');
  assertBytes(bindings.manifestEntry, 32, 'manifest entry hash');
  assertBytes(bindings.issuerKeysEntry, 32, 'issuer-keys entry hash');
  assertBytes(bindings.boardPublicKey, 32, 'board public key');
  cryptoAssert(Number.isSafeInteger(bindings.rollSize) && bindings.rollSize >= 0 && bindings.rollSize <= MAX_ROLL_SIZE, 'ENCODING', 'roll size out of range');
  bindings.witnesses.forEach((w) => assertBytes(w, 32, 'witness key'));
  return transcriptHash(group, ELECTION_DOMAIN, ZERO_HASH, (t) =>
    t
      .string('group', group.name)
      .bytes('manifest-hash', mHash)
      .bytes('setup-hash', setupHash)
      .u32('k', keys.threshold)
      .u32('n', keys.verificationKeys.length)
      .point('K', keys.jointKey)
      .points('X', keys.verificationKeys)
      .bytes('manifest-entry', bindings.manifestEntry)
      .bytes('issuer-keys-entry', bindings.issuerKeysEntry)
      .bytes('board-key', bindings.boardPublicKey)
      .u32('roll-size', bindings.rollSize)
      .bytes('witnesses', concatBytes(...bindings.witnesses)),
  );
}

/**
 * Binds a validated manifest, the DKG setup hash, the DKG outcome and the board bindings into an {@link Election}.
 * @throws CryptoError `INVALID_MANIFEST` for an invalid manifest, `INVALID_POINT` for an identity key.
 */
export function createElection(group: Group, manifest: Manifest, setupHash: Uint8Array, keys: ElectionKeySet, bindings: ElectionBindings): Election {
  assertBytes(setupHash, ELECTION_HASH_BYTES, 'setup hash');
  const mHash = manifestHash(group, manifest); // validates the manifest
  return Object.freeze({
    manifest,
    manifestHash: mHash,
    setupHash: setupHash.slice(),
    keys,
    key: prepareElectionKey(group, keys.jointKey),
    bindings,
    electionHash: electionBaseHash(group, mHash, setupHash, keys, bindings),
  });
}
