/**
 * Shared pieces of the sigma proofs: the proof context bound into every transcript, verification equations
 * for (later) batch verification, input validation and strict JSON helpers.
 */
import { CryptoError, cryptoAssert } from '../errors';
import type { Group, GroupElement } from '../group';
import { assertBytes } from '../encoding';
import { ELECTION_HASH_BYTES, Transcript } from '../transcript';

/**
 * What, besides the statement, every proof is bound to.
 * The transcript header carries `electionHash`; `context` is appended as the first field (`bytes "context"`),
 * so callers bind whatever identifies the proof's place in the election (ballot id, contest, option, trustee
 * index, ...) by encoding it into these bytes.
 */
export interface ProofContext {
  /** The election base hash, exactly 32 bytes. */
  readonly electionHash: Uint8Array;
  /** Caller-defined binding data; empty if omitted. */
  readonly context?: Uint8Array;
}

/**
 * One verification equation Σ scalars[i]·points[i] = identity, with public scalars in [0, ℓ).
 * A proof is valid iff all its equations hold (and its scalar-only checks passed). A batch verifier may check
 * many equations at once as Σ_k ρ_k·(Σ_i s_ki·P_ki) = identity with random ρ_k.
 */
export interface VerificationEquation {
  readonly scalars: readonly bigint[];
  readonly points: readonly GroupElement[];
}

/**
 * The result of a proof's `...Equations` function: the equations, or `false` when a check that involves no
 * group equation already failed (e.g. the challenge shares of an OR-proof do not sum to the challenge).
 */
export type EquationsResult = readonly VerificationEquation[] | false;

const EMPTY = new Uint8Array(0);

/** Starts a proof transcript: header(domain, version, electionHash) then `bytes "context"`. */
export function proofTranscript(group: Group, domain: string, ctx: ProofContext): Transcript {
  cryptoAssert(typeof ctx === 'object' && ctx !== null, 'ENCODING', 'proof context: expected an object');
  assertBytes(ctx.electionHash, ELECTION_HASH_BYTES, 'election hash');
  const context = ctx.context ?? EMPTY;
  assertBytes(context, undefined, 'proof context');
  return Transcript.start(group, { domain, electionHash: ctx.electionHash }).bytes('context', context);
}

/**
 * Checks that `p` is an element of `group` (throws `INVALID_POINT` for a foreign object) and, unless
 * `allowIdentity`, not the identity.
 */
export function checkPoint(group: Group, p: GroupElement, what: string, allowIdentity = false): GroupElement {
  const isId = group.isIdentity(p); // throws CryptoError INVALID_POINT for non-elements
  cryptoAssert(allowIdentity || !isId, 'INVALID_POINT', `${what}: identity not allowed`);
  return p;
}

/** Checks that `s` is a scalar in [0, ℓ). @throws CryptoError `INVALID_SCALAR`. */
export function checkScalar(group: Group, s: bigint, what: string): bigint {
  cryptoAssert(group.isScalar(s), 'INVALID_SCALAR', `${what}: not a scalar in [0, ℓ)`);
  return s;
}

/** Checks every equation with one multi-scalar multiplication each. */
export function checkEquations(group: Group, eqs: EquationsResult): boolean {
  if (eqs === false) return false;
  for (const e of eqs) if (!group.isIdentity(group.msm(e.scalars, e.points))) return false;
  return true;
}

/**
 * Runs a verifier body so that it can only return a boolean or throw a `CryptoError`: any other exception
 * (a bug, or a backend error on hostile input) becomes `CryptoError('INVALID_PROOF')`, never an accept.
 */
export function guardVerify(fn: () => boolean): boolean {
  try {
    return fn() === true;
  } catch (e) {
    if (e instanceof CryptoError) throw e;
    throw new CryptoError('INVALID_PROOF', `verification failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** As {@link guardVerify} for the `...Equations` functions. */
export function guardEquations(fn: () => EquationsResult): EquationsResult {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CryptoError) throw e;
    throw new CryptoError('INVALID_PROOF', `verification failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** −1 mod ℓ, used to move a term to the left-hand side of an equation. */
export function minusOne(group: Group): bigint {
  return group.order - 1n;
}
