/**
 * Lagrange interpolation at 0 over the scalar field, for recombining Shamir shares held by trustees with
 * indices in 1..n: for a set S of distinct indices, λ_i = Π_{j∈S, j≠i} j / (j − i)  (mod ℓ), so that
 * f(0) = Σ_{i∈S} λ_i·f(i) for every polynomial f of degree < |S|.
 */
import { cryptoAssert } from '../errors';
import type { Group } from '../group';

/** Largest trustee index accepted (indices are small public integers; u32 in every encoding). */
export const MAX_TRUSTEES = 255;

/**
 * Checks that `indices` are distinct integers in [1, MAX_TRUSTEES].
 * @throws CryptoError `THRESHOLD` otherwise.
 */
export function checkIndices(indices: readonly number[], what = 'trustee indices'): void {
  cryptoAssert(Array.isArray(indices), 'THRESHOLD', `${what}: expected an array`);
  const seen = new Set<number>();
  for (const i of indices) {
    cryptoAssert(Number.isSafeInteger(i) && i >= 1 && i <= MAX_TRUSTEES, 'THRESHOLD', `${what}: ${String(i)} not in [1, ${MAX_TRUSTEES}]`);
    cryptoAssert(!seen.has(i), 'THRESHOLD', `${what}: duplicate index ${i}`);
    seen.add(i);
  }
}

/**
 * λ_i for interpolation at 0 over the index set `indices` (which must contain `i`).
 * @throws CryptoError `THRESHOLD` for bad or duplicate indices, or `i` not in the set.
 */
export function lagrangeCoefficient(group: Group, indices: readonly number[], i: number): bigint {
  checkIndices(indices);
  cryptoAssert(indices.includes(i), 'THRESHOLD', `index ${i} not in the interpolation set`);
  let num = 1n;
  let den = 1n;
  for (const j of indices) {
    if (j === i) continue;
    num = group.scalarMul(num, group.scalarFromInt(j));
    den = group.scalarMul(den, group.scalarFromInt(j - i));
  }
  return group.scalarMul(num, group.scalarInv(den));
}

/** All λ_i for the set `indices`, in the same order. */
export function lagrangeCoefficients(group: Group, indices: readonly number[]): readonly bigint[] {
  return Object.freeze(indices.map((i) => lagrangeCoefficient(group, indices, i)));
}
