/**
 * Range proof that an exponential ElGamal ciphertext (α, β) under key K encrypts an integer m ∈ [min, max]:
 * a generalised CDS OR-proof over the n = max − min + 1 values m_j = min + j (see ./or-proof).
 *
 *   verifier: Σ_j c_j = c, and for j = 0..n−1:
 *     v_j·G = a_j + c_j·α
 *     v_j·K = b_j + c_j·(β − m_j·G)
 *
 * Transcript (domain `evote/v1/proof/range`): header, bytes "context", point "K", point "alpha",
 * point "beta", u32 "min", u32 "max", points "a" (a_0..a_{n−1}), points "b" (b_0..b_{n−1}); c = challenge.
 *
 * Limits: size and time are linear in n (4 points/scalars per value: 128·n bytes; proving ≈ 4n and verifying
 * ≈ 2n small multi-scalar multiplications). Meant for contest sums with small ranges (e.g. "select at most
 * 5 of 12" → [0, 5]); n is capped at {@link RANGE_MAX_WIDTH}. Larger ranges need a bit-decomposition proof.
 */
import { expectArray, expectObject } from '../encoding';
import { cryptoAssert } from '../errors';
import type { Ciphertext } from '../elgamal';
import { type Group, type GroupElement, type NonceSource, randomNonces } from '../group';
import { DOMAIN_TAGS } from '../transcript';
import { type EquationsResult, type ProofContext, checkEquations, guardEquations, guardVerify, proofTranscript } from './common';
import { type OrStatement, checkOrStatement, orEquations, proveOr } from './or-proof';

/** Maximum number of values n = max − min + 1 a range proof may cover. */
export const RANGE_MAX_WIDTH = 1024;

/** Statement: `ciphertext` encrypts an integer in [min, max] under `key` (K). 0 ≤ min ≤ max < 2^32. */
export interface RangeStatement {
  readonly key: GroupElement;
  readonly ciphertext: Ciphertext;
  readonly min: number;
  readonly max: number;
}

/** Proof in commitment form: per value m_j = min + j, commitments a_j, b_j, challenge share c_j, response v_j. */
export interface RangeProof {
  readonly a: readonly GroupElement[];
  readonly b: readonly GroupElement[];
  readonly c: readonly bigint[];
  readonly v: readonly bigint[];
}

/** JSON form of a {@link RangeProof}: four arrays of n lowercase 64-char hex strings. */
export interface RangeProofJSON {
  readonly a: readonly string[];
  readonly b: readonly string[];
  readonly c: readonly string[];
  readonly v: readonly string[];
}

function readStatement(group: Group, st: RangeStatement): { or: OrStatement; values: bigint[] } {
  cryptoAssert(typeof st === 'object' && st !== null, 'ENCODING', 'range statement: expected an object');
  const { min, max } = st;
  cryptoAssert(
    Number.isSafeInteger(min) && Number.isSafeInteger(max) && min >= 0 && max <= 0xffffffff && min <= max,
    'INVALID_STATEMENT',
    'range: need integers 0 ≤ min ≤ max < 2^32',
  );
  cryptoAssert(max - min + 1 <= RANGE_MAX_WIDTH, 'INVALID_STATEMENT', `range: at most ${RANGE_MAX_WIDTH} values`);
  const values: bigint[] = [];
  for (let m = min; m <= max; m++) values.push(BigInt(m));
  return { or: checkOrStatement(group, st.key, st.ciphertext, 'range'), values };
}

function committer(group: Group, st: OrStatement, min: number, max: number, ctx: ProofContext) {
  const t = proofTranscript(group, DOMAIN_TAGS.range, ctx)
    .point('K', st.K)
    .point('alpha', st.alpha)
    .point('beta', st.beta)
    .u32('min', min)
    .u32('max', max);
  return (a: readonly GroupElement[], b: readonly GroupElement[]) => t.points('a', a).points('b', b);
}

/**
 * Proves that `statement.ciphertext` = Enc(m; r) with min ≤ m ≤ max.
 * @throws CryptoError `INVALID_STATEMENT` if m is outside the range or the ciphertext is not Enc(m; r).
 */
export function proveRange(
  group: Group,
  statement: RangeStatement,
  m: number | bigint,
  r: bigint,
  ctx: ProofContext,
  nonces: NonceSource = randomNonces(group),
): RangeProof {
  const { or, values } = readStatement(group, statement);
  const mm = typeof m === 'number' && Number.isSafeInteger(m) ? BigInt(m) : m;
  const idx = values.findIndex((x) => x === mm);
  const p = proveOr(group, or, values, idx, r, committer(group, or, statement.min, statement.max, ctx), nonces, 'range');
  return Object.freeze({ a: p.a, b: p.b, c: p.c, v: p.v });
}

/** The 2n verification equations, or `false` if Σ c_j ≠ c (after validating every input). */
export function rangeEquations(group: Group, statement: RangeStatement, proof: RangeProof, ctx: ProofContext): EquationsResult {
  return guardEquations(() => {
    const { or, values } = readStatement(group, statement);
    return orEquations(group, or, values, proof, committer(group, or, statement.min, statement.max, ctx), 'range');
  });
}

/** Verifies a range proof. Returns false if it does not verify; throws `CryptoError` on malformed input. */
export function verifyRange(group: Group, statement: RangeStatement, proof: RangeProof, ctx: ProofContext): boolean {
  return guardVerify(() => checkEquations(group, rangeEquations(group, statement, proof, ctx)));
}

/** JSON form `{ a: hex64[], b: hex64[], c: hex64[], v: hex64[] }`. */
export function rangeProofToJSON(group: Group, proof: RangeProof): RangeProofJSON {
  return Object.freeze({
    a: Object.freeze(proof.a.map((p) => group.toHex(p))),
    b: Object.freeze(proof.b.map((p) => group.toHex(p))),
    c: Object.freeze(proof.c.map((s) => group.scalarToHex(s))),
    v: Object.freeze(proof.v.map((s) => group.scalarToHex(s))),
  });
}

/**
 * Strict parsing: exactly the keys `a`, `b`, `c`, `v`; four arrays of equal length 1..RANGE_MAX_WIDTH;
 * canonical lowercase hex; points ≠ identity; scalars < ℓ. (The verifier also checks the length is max − min + 1.)
 */
export function rangeProofFromJSON(group: Group, json: unknown): RangeProof {
  const o = expectObject(json, ['a', 'b', 'c', 'v'], 'range proof');
  const arrs = (['a', 'b', 'c', 'v'] as const).map((k) => expectArray(o[k], `range proof ${k}`, RANGE_MAX_WIDTH));
  const n = arrs[0].length;
  cryptoAssert(n >= 1 && arrs.every((x) => x.length === n), 'ENCODING', 'range proof: arrays must be non-empty and of equal length');
  return Object.freeze({
    a: Object.freeze(arrs[0].map((h) => group.fromHex(h as string))),
    b: Object.freeze(arrs[1].map((h) => group.fromHex(h as string))),
    c: Object.freeze(arrs[2].map((h) => group.scalarFromHex(h as string))),
    v: Object.freeze(arrs[3].map((h) => group.scalarFromHex(h as string))),
  });
}
