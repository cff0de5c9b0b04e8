import { hexToBytes, bytesToHex, utf8ToBytes } from '../../crypto/encoding';
import { leafHash, verifyInclusion } from '../../crypto/record/merkle';
import { verifyTreeHead } from '../../crypto/record/tree-head';
import type { SignedHead } from './api';

export interface InclusionResult {
  leafMatches: boolean;
  included: boolean;
  headSigned: boolean;
}

/** Checks, in the browser, that `entryText` is leaf `seq` of the tree whose head the board key signed. */
export function checkInclusion(entryText: string, proof: { seq: number; leafHash: string; head: SignedHead; path: string[] }, boardKeyHex: string): InclusionResult {
  const leaf = leafHash(utf8ToBytes(entryText));
  let included = false;
  try {
    included = verifyInclusion(leaf, proof.seq, proof.head.size, proof.path.map((p) => hexToBytes(p)), hexToBytes(proof.head.root));
  } catch {
    included = false;
  }
  return { leafMatches: bytesToHex(leaf) === proof.leafHash, included, headSigned: verifyTreeHead(proof.head, hexToBytes(boardKeyHex)) };
}
