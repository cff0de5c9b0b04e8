/**
 * The bulletin board's transparency log: a Merkle tree hash as in RFC 9162 §2.1 (Certificate
 * Transparency v2), with its inclusion and consistency proofs and their verification algorithms.
 *
 *   MTH({})        = SHA-256()
 *   MTH({d0})      = SHA-256(0x00 || d0)                      (leaf hash)
 *   MTH(D[0:n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of 2 < n
 *
 * Functions take leaf HASHES (not leaf data) so callers hash each leaf once.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes } from '../encoding';
import { CryptoError } from '../errors';

export const HASH_BYTES = 32;
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** SHA-256(0x00 || data): the hash of one log entry. */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF_PREFIX, data));
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** Largest power of two strictly smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes[lo, hi). */
function subtreeRoot(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 0) return sha256(new Uint8Array(0));
  if (n === 1) return leaves[lo];
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

/** The tree head of the first `size` leaves (default: all). */
export function treeRoot(leaves: readonly Uint8Array[], size = leaves.length): Uint8Array {
  checkSize(size, leaves.length);
  return subtreeRoot(leaves, 0, size);
}

/** PATH(m, D[0:size]) of RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number, size = leaves.length): Uint8Array[] {
  checkSize(size, leaves.length);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new CryptoError('INVALID_STATEMENT', `leaf index ${index} is not in a tree of ${size}`);
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, lo, lo + k), subtreeRoot(leaves, lo + k, hi)]
      : [...path(m - k, lo + k, hi), subtreeRoot(leaves, lo, lo + k)];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1: proves the tree of `oldSize` leaves is a prefix of that of `newSize`. */
export function consistencyProof(leaves: readonly Uint8Array[], oldSize: number, newSize = leaves.length): Uint8Array[] {
  checkSize(newSize, leaves.length);
  if (!Number.isInteger(oldSize) || oldSize < 0 || oldSize > newSize) throw new CryptoError('INVALID_STATEMENT', `cannot prove ${oldSize} consistent with ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Uint8Array[] => {
    const n = hi - lo;
    if (m === n) return complete ? [] : [subtreeRoot(leaves, lo, hi)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), subtreeRoot(leaves, lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), subtreeRoot(leaves, lo, lo + k)];
  };
  return subproof(oldSize, 0, newSize, true);
}

/**
 * RFC 9162 §2.1.3.2: checks that `leaf` (a leaf hash) is at `index` in the tree of `size` leaves whose
 * root is `root`. Returns false for any malformed input.
 */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(r, root);
}

/** RFC 9162 §2.1.4.2: checks that the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot). */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  if (proof.length === 0) return false;
  let path = [...proof];
  // If oldSize is an exact power of two, the old root itself is the first node of the path.
  if ((oldSize & (oldSize - 1)) === 0) path = [oldRoot, ...path];
  let fn = BigInt(oldSize - 1);
  let sn = BigInt(newSize - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

/**
 * The right edge of a growing tree: the roots of its perfect subtrees, largest first. Appending and
 * computing the root cost O(log n) without reading earlier leaves, so the server can extend the log
 * inside the transaction that stores a ballot.
 */
export class CompactRange {
  private constructor(
    readonly size: number,
    readonly peaks: readonly Uint8Array[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Rebuilds from a stored state; the number of peaks must equal the number of 1-bits of `size`. */
  static of(size: number, peaks: readonly Uint8Array[]): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0) throw new CryptoError('ENCODING', 'bad tree size');
    const ones = size.toString(2).split('').filter((b) => b === '1').length;
    if (peaks.length !== ones || !peaks.every(isHash)) throw new CryptoError('ENCODING', 'compact range does not match its size');
    return new CompactRange(size, [...peaks]);
  }

  append(leaf: Uint8Array): CompactRange {
    return this.appendCompleting(leaf).range;
  }

  /**
   * Appends and also returns the perfect subtrees this append completes (one per merge, about one per
   * append on average): the subtree of level ℓ and index i covers leaves [i·2^ℓ, (i+1)·2^ℓ). Stored,
   * they let a server answer proofs without reading every leaf (merkle-nodes.ts).
   */
  appendCompleting(leaf: Uint8Array): { range: CompactRange; completed: Array<{ level: number; index: number; hash: Uint8Array }> } {
    if (!isHash(leaf)) throw new CryptoError('ENCODING', 'leaf hash must be 32 bytes');
    const peaks = [...this.peaks];
    const completed: Array<{ level: number; index: number; hash: Uint8Array }> = [];
    const newSize = this.size + 1;
    let node = leaf;
    // Merge with equal-sized peaks: one merge per trailing 1-bit of the old size. Arithmetic, not bit
    // operators, past 2^31 (sizes are safe integers).
    for (let s = this.size, level = 1; s % 2 === 1; s = Math.floor(s / 2), level++) {
      node = nodeHash(peaks.pop()!, node);
      completed.push({ level, index: newSize / 2 ** level - 1, hash: node });
    }
    peaks.push(node);
    return { range: new CompactRange(newSize, peaks), completed };
  }

  root(): Uint8Array {
    if (this.size === 0) return sha256(new Uint8Array(0));
    let r = this.peaks[this.peaks.length - 1];
    for (let i = this.peaks.length - 2; i >= 0; i--) r = nodeHash(this.peaks[i], r);
    return r;
  }
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_BYTES;
}

function checkSize(size: number, available: number): void {
  if (!Number.isInteger(size) || size < 0 || size > available) throw new CryptoError('INVALID_STATEMENT', `tree size ${size} out of range`);
}
