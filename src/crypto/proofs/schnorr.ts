/**
 * Schnorr proof of knowledge of a discrete logarithm: knowledge of x with X = x·B for a base B (default G).
 *
 *   prover:   k ← nonce, a = k·B, c = H(transcript), v = k + c·x
 *   verifier: v·B = a + c·X        (equation: v·B − a − c·X = 0)
 *
 * Transcript (domain `evote/v1/proof/schnorr`): header, bytes "context", point "B", point "X", point "a".
 */
import { expectObject } from '../encoding';
import { cryptoAssert } from '../errors';
import { type Group, type GroupElement, type NonceSource, drawNonce, randomNonces } from '../group';
import { DOMAIN_TAGS } from '../transcript';
import {
  type EquationsResult,
  type ProofContext,
  checkEquations,
  checkPoint,
  checkScalar,
  guardEquations,
  guardVerify,
  minusOne,
  proofTranscript,
} from './common';

/** Statement: X = x·B. `base` defaults to the group generator G. */
export interface SchnorrStatement {
  readonly base?: GroupElement;
  readonly publicKey: GroupElement;
}

/** Proof in commitment form: commitment a = k·B and response v = k + c·x. */
export interface SchnorrProof {
  readonly a: GroupElement;
  readonly v: bigint;
}

/** JSON form of a {@link SchnorrProof}: lowercase hex. */
export interface SchnorrProofJSON {
  readonly a: string;
  readonly v: string;
}

function statementPoints(group: Group, st: SchnorrStatement): { B: GroupElement; X: GroupElement } {
  cryptoAssert(typeof st === 'object' && st !== null, 'ENCODING', 'schnorr statement: expected an object');
  return {
    B: checkPoint(group, st.base ?? group.generator, 'schnorr base B'),
    X: checkPoint(group, st.publicKey, 'schnorr public key X'),
  };
}

function challenge(group: Group, B: GroupElement, X: GroupElement, a: GroupElement, ctx: ProofContext): bigint {
  return proofTranscript(group, DOMAIN_TAGS.schnorr, ctx).point('B', B).point('X', X).point('a', a).challenge();
}

/**
 * Proves knowledge of `secret` x with X = x·B.
 * @throws CryptoError if the statement is malformed or x·B ≠ X (`INVALID_STATEMENT`).
 */
export function proveSchnorr(
  group: Group,
  statement: SchnorrStatement,
  secret: bigint,
  ctx: ProofContext,
  nonces: NonceSource = randomNonces(group),
): SchnorrProof {
  const { B, X } = statementPoints(group, statement);
  checkScalar(group, secret, 'schnorr secret');
  cryptoAssert(group.equals(group.mul(secret, B), X), 'INVALID_STATEMENT', 'schnorr: secret does not match X');
  const k = drawNonce(group, nonces, 'schnorr/k');
  const a = group.mul(k, B);
  const c = challenge(group, B, X, a, ctx);
  return Object.freeze({ a, v: group.scalarAdd(k, group.scalarMul(c, secret)) });
}

/** The verification equation v·B − a − c·X = 0 (after validating every input). */
export function schnorrEquations(group: Group, statement: SchnorrStatement, proof: SchnorrProof, ctx: ProofContext): EquationsResult {
  return guardEquations(() => {
    const { B, X } = statementPoints(group, statement);
    cryptoAssert(typeof proof === 'object' && proof !== null, 'ENCODING', 'schnorr proof: expected an object');
    const a = checkPoint(group, proof.a, 'schnorr a');
    const v = checkScalar(group, proof.v, 'schnorr v');
    const c = challenge(group, B, X, a, ctx);
    return [{ scalars: [v, minusOne(group), group.scalarNeg(c)], points: [B, a, X] }];
  });
}

/** Verifies a Schnorr proof. Returns false if it does not verify; throws `CryptoError` on malformed input. */
export function verifySchnorr(group: Group, statement: SchnorrStatement, proof: SchnorrProof, ctx: ProofContext): boolean {
  return guardVerify(() => checkEquations(group, schnorrEquations(group, statement, proof, ctx)));
}

/** JSON form `{ "a": hex64, "v": hex64 }`. */
export function schnorrProofToJSON(group: Group, proof: SchnorrProof): SchnorrProofJSON {
  return Object.freeze({ a: group.toHex(proof.a), v: group.scalarToHex(proof.v) });
}

/** Strict parsing: exactly the keys `a`, `v`; canonical lowercase hex; a ≠ identity; v < ℓ. */
export function schnorrProofFromJSON(group: Group, json: unknown): SchnorrProof {
  const o = expectObject(json, ['a', 'v'], 'schnorr proof');
  return Object.freeze({ a: group.fromHex(o.a as string), v: group.scalarFromHex(o.v as string) });
}
