/**
 * Batch verification of proof equations (docs/protocol.md §10.11). Every proof here verifies as a set of
 * equations Σ_i s_i·P_i = O. Instead of one multi-scalar multiplication per equation, a batch checks
 *
 *     Σ_k ρ_k · (Σ_i s_ki·P_ki) = O      with independent uniformly random 128-bit weights ρ_k,
 *
 * as ONE multi-scalar multiplication, after merging the coefficients of points that occur in many
 * equations (G and the election key K occur in all of them).
 *
 * Soundness: the group has prime order ℓ. If some equation k does not hold, its left side is a non-zero
 * element D_k = d_k·G (d_k ≠ 0 mod ℓ). The batch sum is Σ_k ρ_k·d_k·G, a linear form in the ρ_k that is
 * not identically zero; for the weights drawn after the equations are fixed, it vanishes with probability
 * at most 2^-127 (Schwartz–Zippel with one non-zero coefficient: for fixed other weights, at most one value
 * of ρ_k mod ℓ makes it vanish; ρ_k takes 2^128 − 1 values, the value 1 twice). Two bad equations crafted to cancel
 * (D_2 = −D_1) cancel only if ρ_1 = ρ_2: probability about 2^-128. The weights must come from a
 * cryptographic random source that the prover cannot predict (WebCrypto by default).
 */
import { randomBytes } from './encoding';
import type { Group, GroupElement } from './group';
import type { EquationsResult, VerificationEquation } from './proofs/common';

/** Bytes of each random weight (128 bits). */
export const BATCH_WEIGHT_BYTES = 16;

/** Source of the batch weights; injectable for tests only. */
export type WeightSource = () => bigint;

export const randomWeights: WeightSource = () => {
  let w = 0n;
  for (const b of randomBytes(BATCH_WEIGHT_BYTES)) w = (w << 8n) | BigInt(b);
  return w === 0n ? 1n : w; // a zero weight would drop its equation
};

/**
 * True iff every equation holds (except with probability ≤ 2^-127). Points are merged by object identity,
 * so callers should pass the same object for a shared point (the group's generator, a prepared key).
 */
export function batchHolds(group: Group, equations: readonly VerificationEquation[], weight: WeightSource = randomWeights): boolean {
  if (equations.length === 0) return true;
  const coefficient = new Map<GroupElement, bigint>();
  for (const eq of equations) {
    const rho = weight();
    eq.points.forEach((p, i) => {
      const c = group.scalarMul(rho, eq.scalars[i]);
      const prev = coefficient.get(p);
      coefficient.set(p, prev === undefined ? c : group.scalarAdd(prev, c));
    });
  }
  const points = [...coefficient.keys()];
  return group.isIdentity(group.msm(points.map((p) => coefficient.get(p)!), points));
}

/** One item of a batch: a caller's label and its equations (false: it already failed a scalar check). */
export interface BatchItem<T> {
  readonly item: T;
  readonly equations: EquationsResult;
}

/**
 * Checks many items at once; on failure, finds the failing items by halving (each half checked as a
 * batch), so a few bad items among many cost O(bad · log n) batch checks, not n single checks.
 * Returns the items that fail.
 */
export function batchFailures<T>(group: Group, items: readonly BatchItem<T>[], weight: WeightSource = randomWeights): T[] {
  const bad: T[] = [];
  const candidates = items.filter((x) => {
    if (x.equations === false) bad.push(x.item);
    return x.equations !== false;
  }) as Array<{ item: T; equations: readonly VerificationEquation[] }>;
  const search = (xs: typeof candidates): void => {
    if (xs.length === 0) return;
    if (batchHolds(group, xs.flatMap((x) => x.equations), weight)) return;
    if (xs.length === 1) {
      bad.push(xs[0].item);
      return;
    }
    const mid = xs.length >> 1;
    search(xs.slice(0, mid));
    search(xs.slice(mid));
  };
  search(candidates);
  return bad;
}
