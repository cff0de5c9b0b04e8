/**
 * The public parameters of one election and its base hash H, which every ballot proof, ballot hash and
 * decryption proof binds through the transcript header's 32-byte election-hash field.
 *
 *   H = SHA-256(transcript(domain "evote/v1/election", zero election hash)
 *               ‖ string "group" ‖ bytes "manifest-hash" ‖ bytes "setup-hash" ‖ u32 "k" ‖ u32 "n"
 *               ‖ point "K" ‖ points "X" (X_1..X_n))
 */
import { prepareElectionKey, type ElectionKey } from '../elgamal';
import { assertBytes } from '../encoding';
import type { Group } from '../group';
import { ELECTION_HASH_BYTES } from '../transcript';
import { ZERO_HASH, transcriptHash } from '../threshold/binding';
import type { ElectionKeySet } from '../threshold/dkg';
import { type Manifest, manifestHash } from './manifest';

/** Domain tag of the election base hash. */
export const ELECTION_DOMAIN = 'evote/v1/election';

/** Everything a ballot encrypter or verifier needs about the election. Frozen. */
export interface Election {
  readonly manifest: Manifest;
  readonly manifestHash: Uint8Array;
  /** The DKG setup hash (threshold/dkg `dkgSetupHash`). */
  readonly setupHash: Uint8Array;
  readonly keys: ElectionKeySet;
  /** The joint key K, prepared for fast encryption. */
  readonly key: ElectionKey;
  /** The election base hash H. */
  readonly electionHash: Uint8Array;
}

/** H as defined in the module comment. */
export function electionBaseHash(group: Group, mHash: Uint8Array, setupHash: Uint8Array, keys: ElectionKeySet): Uint8Array {
  assertBytes(mHash, ELECTION_HASH_BYTES, 'manifest hash');
  assertBytes(setupHash, ELECTION_HASH_BYTES, 'setup hash');
  return transcriptHash(group, ELECTION_DOMAIN, ZERO_HASH, (t) =>
    t
      .string('group', group.name)
      .bytes('manifest-hash', mHash)
      .bytes('setup-hash', setupHash)
      .u32('k', keys.threshold)
      .u32('n', keys.verificationKeys.length)
      .point('K', keys.jointKey)
      .points('X', keys.verificationKeys),
  );
}

/**
 * Binds a validated manifest, the DKG setup hash and the DKG outcome into an {@link Election}.
 * @throws CryptoError `INVALID_MANIFEST` for an invalid manifest, `INVALID_POINT` for an identity key.
 */
export function createElection(group: Group, manifest: Manifest, setupHash: Uint8Array, keys: ElectionKeySet): Election {
  assertBytes(setupHash, ELECTION_HASH_BYTES, 'setup hash');
  const mHash = manifestHash(group, manifest); // validates the manifest
  return Object.freeze({
    manifest,
    manifestHash: mHash,
    setupHash: setupHash.slice(),
    keys,
    key: prepareElectionKey(group, keys.jointKey),
    electionHash: electionBaseHash(group, mHash, setupHash, keys),
  });
}
