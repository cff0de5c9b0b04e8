/**
 * Threshold decryption of exponential ElGamal ciphertexts (α_t, β_t), t = 0..T−1 (e.g. one per option of a tally):
 *
 *   trustee ℓ:  D_{ℓ,t} = x_ℓ·α_t, with a Chaum–Pedersen proof that log_G X_ℓ = log_{α_t} D_{ℓ,t}
 *               (g = G, X = X_ℓ, h = α_t, Y = D_{ℓ,t}; context indexContext("decryption/share", ℓ, t))
 *   anyone:     for a set S of ≥ k distinct trustees with valid shares,
 *               M_t = β_t − Σ_{ℓ∈S} λ_ℓ·D_{ℓ,t} = m_t·G,  then m_t by the bounded discrete log.
 *
 * A verifier of a published result checks every share's proofs and M_t = m_t·G (no discrete log needed).
 */
import type { Ciphertext } from '../elgamal';
import { discreteLog, type DlogOptions } from '../dlog';
import { expectArray, expectObject } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import { type Group, type GroupElement, type NonceSource, randomNonces } from '../group';
import type { ProofContext } from '../proofs/common';
import {
  type ChaumPedersenProof,
  type ChaumPedersenProofJSON,
  chaumPedersenProofFromJSON,
  chaumPedersenProofToJSON,
  proveChaumPedersen,
  verifyChaumPedersen,
} from '../proofs/chaum-pedersen';
import { indexContext } from './binding';
import { type ElectionKeySet, indexFromJSON } from './dkg';
import { checkIndices, lagrangeCoefficients } from './lagrange';

/** Context purpose of a partial-decryption proof: (ℓ, t). */
export const DECRYPTION_CONTEXT = 'decryption/share';
/** Maximum number of ciphertexts in one decryption share. */
export const MAX_CIPHERTEXTS = 1 << 16;

/** D = x_ℓ·α with its proof. */
export interface PartialDecryption {
  readonly D: GroupElement;
  readonly proof: ChaumPedersenProof;
}

/** Trustee ℓ's partial decryptions of a vector of ciphertexts (same order). */
export interface DecryptionShare {
  /** ℓ */
  readonly trustee: number;
  readonly partials: readonly PartialDecryption[];
}

/** The combined plaintexts: M_t = m_t·G and m_t. */
export interface CombinedDecryption {
  /** The trustees whose shares were combined, increasing. */
  readonly trustees: readonly number[];
  readonly points: readonly GroupElement[];
  readonly results: readonly number[];
}

function shareContext(electionHash: Uint8Array, l: number, t: number): ProofContext {
  return { electionHash, context: indexContext(DECRYPTION_CONTEXT, l, t) };
}

function verificationKey(keys: ElectionKeySet, l: number): GroupElement {
  cryptoAssert(
    Number.isSafeInteger(l) && l >= 1 && l <= keys.verificationKeys.length,
    'THRESHOLD',
    `trustee ${String(l)} not in [1, ${keys.verificationKeys.length}]`,
  );
  return keys.verificationKeys[l - 1];
}

/**
 * Trustee ℓ's decryption share of `ciphertexts`, bound to `electionHash` (the election base hash).
 * @throws CryptoError `INVALID_STATEMENT` if x_ℓ does not match X_ℓ, `INVALID_POINT` if some α is the identity.
 */
export function computeDecryptionShare(
  group: Group,
  electionHash: Uint8Array,
  keys: ElectionKeySet,
  trustee: number,
  secretShare: bigint,
  ciphertexts: readonly Ciphertext[],
  nonces: NonceSource = randomNonces(group),
): DecryptionShare {
  const X = verificationKey(keys, trustee);
  cryptoAssert(ciphertexts.length <= MAX_CIPHERTEXTS, 'INVALID_STATEMENT', 'too many ciphertexts');
  const partials = ciphertexts.map((ct, t) => {
    const D = group.mul(secretShare, ct.alpha);
    const proof = proveChaumPedersen(group, { h: ct.alpha, X, Y: D }, secretShare, shareContext(electionHash, trustee, t), nonces);
    return Object.freeze({ D, proof });
  });
  return Object.freeze({ trustee, partials: Object.freeze(partials) });
}

/**
 * Checks a decryption share against X_ℓ (anyone): one partial per ciphertext, every proof valid.
 * @returns the failures; empty iff valid.
 */
export function checkDecryptionShare(
  group: Group,
  electionHash: Uint8Array,
  keys: ElectionKeySet,
  ciphertexts: readonly Ciphertext[],
  share: DecryptionShare,
): readonly string[] {
  const reasons: string[] = [];
  try {
    const l = share.trustee;
    const X = verificationKey(keys, l);
    if (!Array.isArray(share.partials) || share.partials.length !== ciphertexts.length) {
      return Object.freeze([`trustee ${l}: expected ${ciphertexts.length} partial decryptions`]);
    }
    ciphertexts.forEach((ct, t) => {
      const p = share.partials[t];
      let ok = false;
      try {
        ok = verifyChaumPedersen(group, { h: ct.alpha, X, Y: p.D }, p.proof, shareContext(electionHash, l, t));
      } catch {
        ok = false;
      }
      if (!ok) reasons.push(`trustee ${l}: proof of partial decryption ${t} is invalid`);
    });
  } catch (e) {
    reasons.push(e instanceof CryptoError ? e.message : 'malformed decryption share');
  }
  return Object.freeze(reasons);
}

/** True iff {@link checkDecryptionShare} finds no failure. */
export function verifyDecryptionShare(
  group: Group,
  electionHash: Uint8Array,
  keys: ElectionKeySet,
  ciphertexts: readonly Ciphertext[],
  share: DecryptionShare,
): boolean {
  return checkDecryptionShare(group, electionHash, keys, ciphertexts, share).length === 0;
}

/** M_t = β_t − Σ_{ℓ∈S} λ_ℓ·D_{ℓ,t} for every t. Shares must already be verified. */
function combinePoints(group: Group, keys: ElectionKeySet, ciphertexts: readonly Ciphertext[], shares: readonly DecryptionShare[]) {
  const trustees = shares.map((s) => s.trustee);
  checkIndices(trustees, 'decryption trustees');
  cryptoAssert(shares.length >= keys.threshold, 'THRESHOLD', `need at least ${keys.threshold} decryption shares`);
  const lambdas = lagrangeCoefficients(group, trustees);
  const negLambdas = lambdas.map((l) => group.scalarNeg(l));
  return ciphertexts.map((ct, t) =>
    group.add(
      ct.beta,
      group.msm(
        negLambdas,
        shares.map((s) => s.partials[t].D),
      ),
    ),
  );
}

/**
 * Verifies every share, then combines them and solves the bounded discrete logs.
 * @throws CryptoError `INVALID_PROOF` for an invalid share, `THRESHOLD` for fewer than k or duplicate trustees,
 *   `DLOG_OUT_OF_RANGE` if a result exceeds `dlog.max`.
 */
export function combineDecryptionShares(
  group: Group,
  electionHash: Uint8Array,
  keys: ElectionKeySet,
  ciphertexts: readonly Ciphertext[],
  shares: readonly DecryptionShare[],
  dlog: DlogOptions = {},
): CombinedDecryption {
  for (const s of shares) {
    const failures = checkDecryptionShare(group, electionHash, keys, ciphertexts, s);
    if (failures.length > 0) throw new CryptoError('INVALID_PROOF', failures.join('; '));
  }
  const points = combinePoints(group, keys, ciphertexts, shares);
  const results = points.map((M) => discreteLog(group, M, dlog));
  return Object.freeze({
    trustees: Object.freeze(shares.map((s) => s.trustee).sort((a, b) => a - b)),
    points: Object.freeze(points),
    results: Object.freeze(results),
  });
}

/**
 * Verifies a published decryption (anyone): ≥ k distinct trustees, every share valid, and for every t
 * β_t − Σ λ_ℓ·D_{ℓ,t} = m_t·G with the claimed m_t (a non-negative safe integer).
 * @returns the failures; empty iff the result is proven correct.
 */
export function checkCombination(
  group: Group,
  electionHash: Uint8Array,
  keys: ElectionKeySet,
  ciphertexts: readonly Ciphertext[],
  shares: readonly DecryptionShare[],
  results: readonly number[],
): readonly string[] {
  const reasons: string[] = [];
  for (const s of shares) reasons.push(...checkDecryptionShare(group, electionHash, keys, ciphertexts, s));
  if (!Array.isArray(results) || results.length !== ciphertexts.length) reasons.push('one result per ciphertext expected');
  if (reasons.length > 0) return Object.freeze(reasons);
  try {
    const points = combinePoints(group, keys, ciphertexts, shares);
    points.forEach((M, t) => {
      const m = results[t];
      const ok = Number.isSafeInteger(m) && m >= 0 && group.equals(M, group.mulBase(group.scalarFromInt(m)));
      if (!ok) reasons.push(`result ${t} is not the decryption of ciphertext ${t}`);
    });
  } catch (e) {
    reasons.push(e instanceof CryptoError ? e.message : 'malformed combination');
  }
  return Object.freeze(reasons);
}

// ---------------------------------------------------------------------------------------------- JSON forms

/** JSON form of a {@link DecryptionShare}. */
export interface DecryptionShareJSON {
  readonly trustee: number;
  readonly partials: readonly { readonly D: string; readonly proof: ChaumPedersenProofJSON }[];
}

/** JSON form `{ trustee, partials: [{ D: hex64, proof: { a, b, v } }] }`. */
export function decryptionShareToJSON(group: Group, s: DecryptionShare): DecryptionShareJSON {
  return Object.freeze({
    trustee: s.trustee,
    partials: Object.freeze(
      s.partials.map((p) => Object.freeze({ D: group.toHex(p.D), proof: chaumPedersenProofToJSON(group, p.proof) })),
    ),
  });
}

/** Strict parsing of {@link DecryptionShareJSON}. */
export function decryptionShareFromJSON(group: Group, json: unknown): DecryptionShare {
  const o = expectObject(json, ['trustee', 'partials'], 'decryption share');
  return Object.freeze({
    trustee: indexFromJSON(o.trustee, 'trustee'),
    partials: Object.freeze(
      expectArray(o.partials, 'partials', MAX_CIPHERTEXTS).map((p) => {
        const po = expectObject(p, ['D', 'proof'], 'partial decryption');
        return Object.freeze({ D: group.fromHex(po.D as string), proof: chaumPedersenProofFromJSON(group, po.proof) });
      }),
    ),
  });
}
