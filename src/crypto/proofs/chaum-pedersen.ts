/**
 * Chaum–Pedersen proof of equality of discrete logarithms: knowledge of x with X = x·g and Y = x·h.
 * Used for decryption shares: g = G, X = the trustee's public key share, h = α of a ciphertext, Y = x·α.
 *
 *   prover:   k ← nonce, a = k·g, b = k·h, c = H(transcript), v = k + c·x
 *   verifier: v·g = a + c·X  and  v·h = b + c·Y
 *             (equations: v·g − a − c·X = 0,  v·h − b − c·Y = 0)
 *
 * Transcript (domain `evote/v1/proof/chaum-pedersen`): header, bytes "context", point "g", point "h",
 * point "X", point "Y", point "a", point "b".
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

/** Statement: X = x·g and Y = x·h. `g` defaults to the group generator G. */
export interface ChaumPedersenStatement {
  readonly g?: GroupElement;
  readonly h: GroupElement;
  readonly X: GroupElement;
  readonly Y: GroupElement;
}

/** Proof in commitment form: a = k·g, b = k·h, v = k + c·x. */
export interface ChaumPedersenProof {
  readonly a: GroupElement;
  readonly b: GroupElement;
  readonly v: bigint;
}

/** JSON form of a {@link ChaumPedersenProof}: lowercase hex. */
export interface ChaumPedersenProofJSON {
  readonly a: string;
  readonly b: string;
  readonly v: string;
}

interface Pts {
  g: GroupElement;
  h: GroupElement;
  X: GroupElement;
  Y: GroupElement;
}

function statementPoints(group: Group, st: ChaumPedersenStatement): Pts {
  cryptoAssert(typeof st === 'object' && st !== null, 'ENCODING', 'chaum-pedersen statement: expected an object');
  return {
    g: checkPoint(group, st.g ?? group.generator, 'chaum-pedersen g'),
    h: checkPoint(group, st.h, 'chaum-pedersen h'),
    X: checkPoint(group, st.X, 'chaum-pedersen X'),
    Y: checkPoint(group, st.Y, 'chaum-pedersen Y'),
  };
}

function challenge(group: Group, s: Pts, a: GroupElement, b: GroupElement, ctx: ProofContext): bigint {
  return proofTranscript(group, DOMAIN_TAGS.chaumPedersen, ctx)
    .point('g', s.g)
    .point('h', s.h)
    .point('X', s.X)
    .point('Y', s.Y)
    .point('a', a)
    .point('b', b)
    .challenge();
}

/**
 * Proves log_g X = log_h Y = `secret`.
 * @throws CryptoError if the statement is malformed or does not hold for `secret` (`INVALID_STATEMENT`).
 */
export function proveChaumPedersen(
  group: Group,
  statement: ChaumPedersenStatement,
  secret: bigint,
  ctx: ProofContext,
  nonces: NonceSource = randomNonces(group),
): ChaumPedersenProof {
  const s = statementPoints(group, statement);
  checkScalar(group, secret, 'chaum-pedersen secret');
  cryptoAssert(
    group.equals(group.mul(secret, s.g), s.X) && group.equals(group.mul(secret, s.h), s.Y),
    'INVALID_STATEMENT',
    'chaum-pedersen: secret does not match the statement',
  );
  const k = drawNonce(group, nonces, 'chaum-pedersen/k');
  const a = group.mul(k, s.g);
  const b = group.mul(k, s.h);
  const c = challenge(group, s, a, b, ctx);
  return Object.freeze({ a, b, v: group.scalarAdd(k, group.scalarMul(c, secret)) });
}

/** The two verification equations (after validating every input). */
export function chaumPedersenEquations(
  group: Group,
  statement: ChaumPedersenStatement,
  proof: ChaumPedersenProof,
  ctx: ProofContext,
): EquationsResult {
  return guardEquations(() => {
    const s = statementPoints(group, statement);
    cryptoAssert(typeof proof === 'object' && proof !== null, 'ENCODING', 'chaum-pedersen proof: expected an object');
    const a = checkPoint(group, proof.a, 'chaum-pedersen a');
    const b = checkPoint(group, proof.b, 'chaum-pedersen b');
    const v = checkScalar(group, proof.v, 'chaum-pedersen v');
    const nc = group.scalarNeg(challenge(group, s, a, b, ctx));
    const m1 = minusOne(group);
    return [
      { scalars: [v, m1, nc], points: [s.g, a, s.X] },
      { scalars: [v, m1, nc], points: [s.h, b, s.Y] },
    ];
  });
}

/** Verifies a Chaum–Pedersen proof. Returns false if it does not verify; throws `CryptoError` on malformed input. */
export function verifyChaumPedersen(
  group: Group,
  statement: ChaumPedersenStatement,
  proof: ChaumPedersenProof,
  ctx: ProofContext,
): boolean {
  return guardVerify(() => checkEquations(group, chaumPedersenEquations(group, statement, proof, ctx)));
}

/** JSON form `{ "a": hex64, "b": hex64, "v": hex64 }`. */
export function chaumPedersenProofToJSON(group: Group, proof: ChaumPedersenProof): ChaumPedersenProofJSON {
  return Object.freeze({ a: group.toHex(proof.a), b: group.toHex(proof.b), v: group.scalarToHex(proof.v) });
}

/** Strict parsing: exactly the keys `a`, `b`, `v`; canonical lowercase hex; a, b ≠ identity; v < ℓ. */
export function chaumPedersenProofFromJSON(group: Group, json: unknown): ChaumPedersenProof {
  const o = expectObject(json, ['a', 'b', 'v'], 'chaum-pedersen proof');
  return Object.freeze({
    a: group.fromHex(o.a as string),
    b: group.fromHex(o.b as string),
    v: group.scalarFromHex(o.v as string),
  });
}
