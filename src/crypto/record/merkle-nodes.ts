/**
 * RFC 9162 proofs from stored subtree hashes instead of all leaves. A log that keeps the hash of every
 * perfect, aligned subtree it completes (CompactRange.appendCompleting) can answer an inclusion or
 * consistency proof from O(log n) of them: every element of an RFC 9162 proof is the hash of a range
 * [lo, hi) of the tree, which is either one perfect subtree or, on the tree's right edge, the
 * combination of at most log n perfect ones (the binary decomposition of hi - lo).
 *
 * Split in two so a server can fetch in one round trip: the plan says which subtrees a proof needs;
 * assembleProof builds the proof from their hashes.
 */
import { CryptoError } from '../errors';
import { nodeHash } from './merkle';

/** The perfect subtree over leaves [index·2^level, (index+1)·2^level); level 0 is a leaf hash. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Each element of a proof, in proof order: the subtrees whose combination is that element, left to right. */
export type ProofPlan = ReadonlyArray<readonly NodeId[]>;

export const nodeKey = (id: NodeId): string => `${id.level}:${id.index}`;

/** Largest power of two strictly smaller than n (n ≥ 2), as in merkle.ts. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees making up [lo, hi), largest first. For the ranges of an RFC 9162 tree, lo is a
 * multiple of the power of two ≥ hi - lo, so the pieces are aligned and their right-to-left
 * combination is MTH(D[lo:hi]).
 */
export function rangeNodes(lo: number, hi: number): NodeId[] {
  const ids: NodeId[] = [];
  for (let at = lo; at < hi; ) {
    let size = 1;
    let level = 0;
    while (size * 2 <= hi - at) {
      size *= 2;
      level++;
    }
    if (at % size !== 0) throw new CryptoError('INVALID_STATEMENT', `range [${lo}, ${hi}) is not a subtree of a Merkle tree`);
    ids.push({ level, index: at / size });
    at += size;
  }
  return ids;
}

/** Which subtrees PATH(index, D[0:size]) (RFC 9162 §2.1.3.1) is made of. */
export function inclusionPlan(index: number, size: number): NodeId[][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new CryptoError('INVALID_STATEMENT', `tree size ${size} out of range`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new CryptoError('INVALID_STATEMENT', `leaf index ${index} is not in a tree of ${size}`);
  const path = (m: number, lo: number, hi: number): NodeId[][] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, lo, lo + k), rangeNodes(lo + k, hi)] : [...path(m - k, lo + k, hi), rangeNodes(lo, lo + k)];
  };
  return path(index, 0, size);
}

/** Which subtrees PROOF(oldSize, D[0:newSize]) (RFC 9162 §2.1.4.1) is made of. */
export function consistencyPlan(oldSize: number, newSize: number): NodeId[][] {
  if (!Number.isSafeInteger(newSize) || newSize < 0) throw new CryptoError('INVALID_STATEMENT', `tree size ${newSize} out of range`);
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) throw new CryptoError('INVALID_STATEMENT', `cannot prove ${oldSize} consistent with ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const subproof = (m: number, lo: number, hi: number, complete: boolean): NodeId[][] => {
    const n = hi - lo;
    if (m === n) return complete ? [] : [rangeNodes(lo, hi)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), rangeNodes(lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), rangeNodes(lo, lo + k)];
  };
  return subproof(oldSize, 0, newSize, true);
}

/** The distinct subtrees a plan needs, in first-use order. */
export function planNodes(plan: ProofPlan): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const item of plan) for (const id of item) if (!seen.has(nodeKey(id))) seen.set(nodeKey(id), id);
  return [...seen.values()];
}

/** The proof of `plan`, from the hashes of its subtrees (`hashOf` answers undefined for a missing one). */
export function assembleProof(plan: ProofPlan, hashOf: (id: NodeId) => Uint8Array | undefined): Uint8Array[] {
  return plan.map((item) => {
    const hashes = item.map((id) => {
      const h = hashOf(id);
      if (!h) throw new CryptoError('INVALID_STATEMENT', `subtree ${nodeKey(id)} is missing`);
      return h;
    });
    let r = hashes[hashes.length - 1];
    for (let i = hashes.length - 2; i >= 0; i--) r = nodeHash(hashes[i], r);
    return r;
  });
}
