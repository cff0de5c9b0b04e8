/**
 * Internal core of the CDS OR-proofs (Cramer–Damgård–Schoenmakers 1994) that an exponential ElGamal
 * ciphertext (α, β) under key K encrypts one of the public values m_0, ..., m_{n−1}.
 * Branch j claims knowledge of r with α = r·G and β − m_j·G = r·K.
 *
 *   prover (real branch i, nonce r):
 *     for every j: e_j, s_j ← nonces
 *     j ≠ i: a_j = s_j·G − e_j·α,  b_j = s_j·K − e_j·(β − m_j·G),  c_j = e_j,  v_j = s_j     (simulated)
 *     j = i: a_i = s_i·G,          b_i = s_i·K                                              (w = s_i)
 *     c = H(transcript ‖ commitments);  c_i = c − Σ_{j≠i} c_j;  v_i = s_i + c_i·r
 *   verifier: Σ_j c_j = c and for every j:
 *     v_j·G − a_j − c_j·α = 0
 *     v_j·K − b_j − c_j·β + (c_j·m_j)·G = 0
 *
 * The prover knows r and m = m_i (α = r·G, β = m·G + r·K), so it computes the commitments with fixed-base
 * multiplications only (G's table and the precomputed K), never by the variable bases α and β − m_j·G:
 *     t_j = s_j − e'_j·r,  d_j = e_j·(m − m_j),   a_j = t_j·G,  b_j = t_j·K − d_j·G
 * with e'_j = e_j for j ≠ i and 0 for j = i (then d_i = 0 too): the same points as above, so the same bytes.
 * The per-branch work is the same for real and simulated branches (the real one multiplies by 0 where a
 * simulated one multiplies by d_j), so timing does not obviously reveal which branch is real. JavaScript gives
 * no hard constant-time guarantee; this is best effort.
 */
import { cryptoAssert } from '../errors';
import type { Ciphertext } from '../elgamal';
import { type Group, type GroupElement, type NonceSource, drawNonce } from '../group';
import type { Transcript } from '../transcript';
import { type VerificationEquation, checkPoint, checkScalar, minusOne } from './common';

/** The four parallel arrays of an n-branch OR-proof. */
export interface OrProofParts {
  readonly a: readonly GroupElement[];
  readonly b: readonly GroupElement[];
  readonly c: readonly bigint[];
  readonly v: readonly bigint[];
}

/** Validated statement points. */
export interface OrStatement {
  readonly K: GroupElement;
  readonly alpha: GroupElement;
  readonly beta: GroupElement;
}

/** Validates the statement: K, α, β are elements of `group` and none is the identity. */
export function checkOrStatement(group: Group, key: GroupElement, ct: Ciphertext, what: string): OrStatement {
  cryptoAssert(typeof ct === 'object' && ct !== null, 'ENCODING', `${what}: ciphertext expected`);
  return {
    K: checkPoint(group, key, `${what} key K`),
    alpha: checkPoint(group, ct.alpha, `${what} alpha`),
    beta: checkPoint(group, ct.beta, `${what} beta`),
  };
}

interface KnownEncryption {
  readonly group: Group;
  readonly K: GroupElement;
  readonly beta: GroupElement;
  readonly m: bigint;
  readonly r: bigint;
}

/**
 * Ciphertexts the caller has just computed itself, keyed by their α object: α = r·G and β = m·G + r·K hold by
 * construction, so {@link proveOr} need not recompute them (3 of the ~9 multiplications of a 0/1 proof).
 * Only exact object matches count; anything else is checked in full. A wrong note can only yield a proof that
 * does not verify.
 */
const knownEncryptions = new WeakMap<GroupElement, KnownEncryption>();

/** Records that `ct` = Enc(m; r) under K was computed by the caller (see encryptBallot). Internal. */
export function noteEncryption(group: Group, K: GroupElement, ct: Ciphertext, m: bigint, r: bigint): void {
  knownEncryptions.set(ct.alpha, Object.freeze({ group, K, beta: ct.beta, m, r }));
}

function isKnownEncryption(group: Group, st: OrStatement, m: bigint, r: bigint): boolean {
  const k = knownEncryptions.get(st.alpha);
  return k !== undefined && k.group === group && k.K === st.K && k.beta === st.beta && k.m === m && k.r === r;
}

/**
 * Produces the OR-proof. `withCommitments` appends the commitments to the statement transcript (the caller
 * fixes their labels) and returns the transcript whose challenge is c.
 */
export function proveOr(
  group: Group,
  st: OrStatement,
  values: readonly bigint[],
  realIndex: number,
  r: bigint,
  withCommitments: (a: readonly GroupElement[], b: readonly GroupElement[]) => Transcript,
  nonces: NonceSource,
  label: string,
): OrProofParts {
  const n = values.length;
  cryptoAssert(realIndex >= 0 && realIndex < n, 'INVALID_STATEMENT', `${label}: plaintext not among the allowed values`);
  checkScalar(group, r, `${label} nonce r`);
  // A proof for a ciphertext that does not encrypt values[realIndex] under r would not verify; fail loudly.
  cryptoAssert(
    isKnownEncryption(group, st, values[realIndex], r) ||
      (group.equals(group.mulBase(r), st.alpha) &&
        group.equals(group.add(group.mulBase(values[realIndex]), group.mul(r, st.K)), st.beta)),
    'INVALID_STATEMENT',
    `${label}: ciphertext is not Enc(m; r)`,
  );
  const e: bigint[] = [];
  const s: bigint[] = [];
  const a: GroupElement[] = [];
  const b: GroupElement[] = [];
  for (let j = 0; j < n; j++) {
    e.push(drawNonce(group, nonces, `${label}/c${j}`));
    s.push(drawNonce(group, nonces, `${label}/v${j}`));
  }
  const m = values[realIndex];
  for (let j = 0; j < n; j++) {
    const simulated = BigInt(Number(j !== realIndex)); // 1n or 0n: arithmetic, not a branch, on the secret index
    const t = group.scalarSub(s[j], group.scalarMul(group.scalarMul(e[j], simulated), r));
    const d = group.scalarMul(e[j], group.scalarSub(m, values[j]));
    a.push(group.mulBase(t));
    b.push(group.sub(group.mul(t, st.K), group.mulBase(d)));
  }
  const c = withCommitments(a, b).challenge();
  let cReal = c;
  for (let j = 0; j < n; j++) if (j !== realIndex) cReal = group.scalarSub(cReal, e[j]);
  const cs = e.map((ej, j) => (j === realIndex ? cReal : ej));
  const vs = s.map((sj, j) => (j === realIndex ? group.scalarAdd(sj, group.scalarMul(cReal, r)) : sj));
  return Object.freeze({ a: Object.freeze(a), b: Object.freeze(b), c: Object.freeze(cs), v: Object.freeze(vs) });
}

/**
 * Validates the proof parts (n branches, points non-identity, scalars in range) and returns the
 * verification equations, or `false` if Σ c_j ≠ c.
 */
export function orEquations(
  group: Group,
  st: OrStatement,
  values: readonly bigint[],
  proof: OrProofParts,
  withCommitments: (a: readonly GroupElement[], b: readonly GroupElement[]) => Transcript,
  label: string,
): readonly VerificationEquation[] | false {
  const n = values.length;
  cryptoAssert(typeof proof === 'object' && proof !== null, 'ENCODING', `${label} proof: expected an object`);
  for (const k of ['a', 'b', 'c', 'v'] as const) cryptoAssert(Array.isArray(proof[k]), 'ENCODING', `${label} proof: ${k} must be an array`);
  // A proof for a different number of values is well formed but does not prove this statement.
  if (!(['a', 'b', 'c', 'v'] as const).every((k) => proof[k].length === n)) return false;
  const a = proof.a.map((p, j) => checkPoint(group, p, `${label} a${j}`));
  const b = proof.b.map((p, j) => checkPoint(group, p, `${label} b${j}`));
  const c = proof.c.map((x, j) => checkScalar(group, x, `${label} c${j}`));
  const v = proof.v.map((x, j) => checkScalar(group, x, `${label} v${j}`));
  const challenge = withCommitments(a, b).challenge();
  let sum = 0n;
  for (const cj of c) sum = group.scalarAdd(sum, cj);
  if (sum !== challenge) return false;
  const m1 = minusOne(group);
  const eqs: VerificationEquation[] = [];
  for (let j = 0; j < n; j++) {
    const nc = group.scalarNeg(c[j]);
    eqs.push({ scalars: [v[j], m1, nc], points: [group.generator, a[j], st.alpha] });
    eqs.push({
      scalars: [v[j], m1, nc, group.scalarMul(c[j], values[j])],
      points: [st.K, b[j], st.beta, group.generator],
    });
  }
  return eqs;
}
