/**
 * Disjunctive (CDS OR-) proof that an exponential ElGamal ciphertext (α, β) under key K encrypts 0 or 1.
 * Branch j ∈ {0, 1} claims α = r·G and β − j·G = r·K. See ./or-proof for the prover.
 *
 *   verifier: c0 + c1 = c, and for j ∈ {0, 1}:
 *     v_j·G = a_j + c_j·α
 *     v_j·K = b_j + c_j·(β − j·G)
 *
 * Transcript (domain `evote/v1/proof/disjunctive`): header, bytes "context", point "K", point "alpha",
 * point "beta", point "a0", point "b0", point "a1", point "b1"; c = challenge.
 */
import { expectObject } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import type { Ciphertext } from '../elgamal';
import { type Group, type GroupElement, type NonceSource, randomNonces } from '../group';
import { DOMAIN_TAGS, type Transcript } from '../transcript';
import { type EquationsResult, type ProofContext, checkEquations, guardEquations, guardVerify, proofTranscript } from './common';
import { type OrStatement, checkOrStatement, orEquations, proveOr } from './or-proof';

/** Statement: `ciphertext` encrypts 0 or 1 under the election key `key` (K). */
export interface DisjunctiveStatement {
  readonly key: GroupElement;
  readonly ciphertext: Ciphertext;
}

/** Proof in commitment form, fields named after the spec's symbols. */
export interface DisjunctiveProof {
  readonly a0: GroupElement;
  readonly b0: GroupElement;
  readonly a1: GroupElement;
  readonly b1: GroupElement;
  readonly c0: bigint;
  readonly c1: bigint;
  readonly v0: bigint;
  readonly v1: bigint;
}

/** JSON form of a {@link DisjunctiveProof}: every field lowercase 64-char hex. */
export type DisjunctiveProofJSON = { readonly [K in keyof DisjunctiveProof]: string };

const VALUES: readonly bigint[] = Object.freeze([0n, 1n]);
const POINT_FIELDS = ['a0', 'b0', 'a1', 'b1'] as const;
const SCALAR_FIELDS = ['c0', 'c1', 'v0', 'v1'] as const;

function statementTranscript(group: Group, st: OrStatement, ctx: ProofContext): Transcript {
  return proofTranscript(group, DOMAIN_TAGS.disjunctive, ctx).point('K', st.K).point('alpha', st.alpha).point('beta', st.beta);
}

function committer(group: Group, st: OrStatement, ctx: ProofContext) {
  const t = statementTranscript(group, st, ctx);
  return (a: readonly GroupElement[], b: readonly GroupElement[]) =>
    t.point('a0', a[0]).point('b0', b[0]).point('a1', a[1]).point('b1', b[1]);
}

function readStatement(group: Group, st: DisjunctiveStatement): OrStatement {
  cryptoAssert(typeof st === 'object' && st !== null, 'ENCODING', 'disjunctive statement: expected an object');
  return checkOrStatement(group, st.key, st.ciphertext, 'disjunctive');
}

/**
 * Proves that `statement.ciphertext` = Enc(m; r) with m ∈ {0, 1}.
 * @throws CryptoError `INVALID_STATEMENT` if m ∉ {0, 1} or the ciphertext is not Enc(m; r).
 */
export function proveDisjunctive(
  group: Group,
  statement: DisjunctiveStatement,
  m: 0 | 1 | bigint | number,
  r: bigint,
  ctx: ProofContext,
  nonces: NonceSource = randomNonces(group),
): DisjunctiveProof {
  const st = readStatement(group, statement);
  const idx = m === 0 || m === 0n ? 0 : m === 1 || m === 1n ? 1 : -1;
  if (idx < 0) throw new CryptoError('INVALID_STATEMENT', 'disjunctive: plaintext must be 0 or 1');
  const p = proveOr(group, st, VALUES, idx, r, committer(group, st, ctx), nonces, 'disjunctive');
  return Object.freeze({ a0: p.a[0], b0: p.b[0], a1: p.a[1], b1: p.b[1], c0: p.c[0], c1: p.c[1], v0: p.v[0], v1: p.v[1] });
}

/** The four verification equations, or `false` if c0 + c1 ≠ c (after validating every input). */
export function disjunctiveEquations(
  group: Group,
  statement: DisjunctiveStatement,
  proof: DisjunctiveProof,
  ctx: ProofContext,
): EquationsResult {
  return guardEquations(() => {
    const st = readStatement(group, statement);
    cryptoAssert(typeof proof === 'object' && proof !== null, 'ENCODING', 'disjunctive proof: expected an object');
    const parts = { a: [proof.a0, proof.a1], b: [proof.b0, proof.b1], c: [proof.c0, proof.c1], v: [proof.v0, proof.v1] };
    return orEquations(group, st, VALUES, parts, committer(group, st, ctx), 'disjunctive');
  });
}

/** Verifies a 0/1 proof. Returns false if it does not verify; throws `CryptoError` on malformed input. */
export function verifyDisjunctive(
  group: Group,
  statement: DisjunctiveStatement,
  proof: DisjunctiveProof,
  ctx: ProofContext,
): boolean {
  return guardVerify(() => checkEquations(group, disjunctiveEquations(group, statement, proof, ctx)));
}

/** JSON form `{ a0, b0, a1, b1, c0, c1, v0, v1 }`, each lowercase 64-char hex. */
export function disjunctiveProofToJSON(group: Group, proof: DisjunctiveProof): DisjunctiveProofJSON {
  return Object.freeze({
    a0: group.toHex(proof.a0),
    b0: group.toHex(proof.b0),
    a1: group.toHex(proof.a1),
    b1: group.toHex(proof.b1),
    c0: group.scalarToHex(proof.c0),
    c1: group.scalarToHex(proof.c1),
    v0: group.scalarToHex(proof.v0),
    v1: group.scalarToHex(proof.v1),
  });
}

/** Strict parsing: exactly the eight keys; canonical lowercase hex; points ≠ identity; scalars < ℓ. */
export function disjunctiveProofFromJSON(group: Group, json: unknown): DisjunctiveProof {
  const o = expectObject(json, [...POINT_FIELDS, ...SCALAR_FIELDS], 'disjunctive proof');
  return Object.freeze({
    a0: group.fromHex(o.a0 as string),
    b0: group.fromHex(o.b0 as string),
    a1: group.fromHex(o.a1 as string),
    b1: group.fromHex(o.b1 as string),
    c0: group.scalarFromHex(o.c0 as string),
    c1: group.scalarFromHex(o.c1 as string),
    v0: group.scalarFromHex(o.v0 as string),
    v1: group.scalarFromHex(o.v1 as string),
  });
}
