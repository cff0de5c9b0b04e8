/**
 * Small binding helpers shared by the threshold and ballot layers: the `context` bytes bound into proofs and
 * AEAD associated data, and protocol hashes computed over the transcript's typed field encoding.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be, utf8ToBytes } from '../encoding';
import { cryptoAssert } from '../errors';
import type { Group } from '../group';
import { ELECTION_HASH_BYTES, Transcript } from '../transcript';

/** 32 zero bytes: the election-hash slot of a transcript header for hashes computed before any election hash exists. */
export const ZERO_HASH: Uint8Array = new Uint8Array(ELECTION_HASH_BYTES);

/**
 * Context bytes `u8(len(purpose)) ‖ purpose ‖ u32(n_1) ‖ ... ‖ u32(n_k)` (big-endian). The purpose fixes how
 * many integers follow, so the encoding is unambiguous within one purpose, and distinct purposes never collide.
 * @throws CryptoError `ENCODING` for a purpose outside 1..255 UTF-8 bytes or an integer outside u32.
 */
export function indexContext(purpose: string, ...indices: readonly number[]): Uint8Array {
  const p = utf8ToBytes(purpose);
  cryptoAssert(p.length >= 1 && p.length <= 255, 'ENCODING', 'context purpose must be 1..255 UTF-8 bytes');
  return concatBytes(new Uint8Array([p.length]), p, ...indices.map((i) => u32be(i)));
}

/**
 * SHA-256 of a transcript's bytes: `SHA-256(header(domain, version, electionHash) ‖ fields...)`. Reuses the
 * transcript's typed, length-prefixed encoding so every protocol hash input is unambiguous by construction.
 * @param electionHash - the 32-byte header slot; {@link ZERO_HASH} for hashes that precede the election hash.
 */
export function transcriptHash(
  group: Group,
  domain: string,
  electionHash: Uint8Array,
  fields: (t: Transcript) => Transcript,
): Uint8Array {
  return sha256(fields(Transcript.start(group, { domain, electionHash })).toBytes());
}
