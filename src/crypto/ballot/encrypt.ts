/**
 * Ballot encryption: per contest, one exponential ElGamal ciphertext per option (1 = selected, 0 = not) with a
 * 0/1 disjunctive proof, and a range proof that the homomorphic sum of the contest's ciphertexts encrypts a
 * number of selections in [lo, maxSelections] (lo = 0 if blank is allowed, else minSelections).
 *
 * Every proof uses the election base hash H in its transcript header and a context binding the ballot's
 * credential and its place in the manifest (see {@link selectionContext}, {@link contestContext}), so a proof
 * cannot be moved to another election, credential, contest or option.
 */
import {
  type Ciphertext,
  encryptWithNonce,
  sumCiphertexts,
} from '../elgamal';
import { assertBytes, concatBytes, utf8ToBytes } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import { type Group, type NonceSource, drawNonce, randomNonces } from '../group';
import type { ProofContext } from '../proofs/common';
import { type DisjunctiveProof, proveDisjunctive } from '../proofs/disjunctive';
import { type RangeProof, proveRange } from '../proofs/range';
import { noteEncryption } from '../proofs/or-proof';
import type { Election } from './election';
import { type Contest, type Manifest, contestLowerBound } from './manifest';

/** Length of a ballot credential (e.g. the voter's pseudonym public key). */
export const CREDENTIAL_BYTES = 32;
/** Context purposes of the ballot proofs. */
export const BALLOT_CONTEXT = Object.freeze({ selection: 'ballot/selection', contest: 'ballot/contest' } as const);

/** One option's ciphertext with its 0/1 proof. */
export interface EncryptedSelection {
  readonly optionId: string;
  readonly ciphertext: Ciphertext;
  readonly proof: DisjunctiveProof;
}

/** One contest: a selection per manifest option (same order) and the proof on their sum. */
export interface EncryptedContest {
  readonly contestId: string;
  readonly selections: readonly EncryptedSelection[];
  /** Range proof over Σ ciphertexts for [contestLowerBound, maxSelections]. */
  readonly sumProof: RangeProof;
}

/** An encrypted ballot: a contest per manifest contest (same order). */
export interface EncryptedBallot {
  /** H, the election base hash (32 bytes). */
  readonly electionHash: Uint8Array;
  /** 32 bytes bound into every proof (the casting credential, e.g. the pseudonym public key). */
  readonly credential: Uint8Array;
  readonly contests: readonly EncryptedContest[];
}

/** The voter's choices: for every contest id, the ids of the selected options (any order, no repeats). */
export type BallotChoices = Readonly<Record<string, readonly string[]>>;

/** The secret nonces r of an encrypted ballot: r[c][o] for contest c, option o (manifest order). Needed for audit. */
export interface BallotSecrets {
  readonly nonces: readonly (readonly bigint[])[];
}

function shortId(s: string): Uint8Array {
  const b = utf8ToBytes(s);
  cryptoAssert(b.length >= 1 && b.length <= 255, 'ENCODING', 'id must be 1..255 bytes');
  return concatBytes(new Uint8Array([b.length]), b);
}

/** Context bytes of a selection proof: u8 len ‖ "ballot/selection" ‖ credential[32] ‖ u8 len ‖ contestId ‖ u8 len ‖ optionId. */
export function selectionContext(credential: Uint8Array, contestId: string, optionId: string): Uint8Array {
  assertBytes(credential, CREDENTIAL_BYTES, 'credential');
  return concatBytes(shortId(BALLOT_CONTEXT.selection), credential, shortId(contestId), shortId(optionId));
}

/** Context bytes of a contest-sum proof: u8 len ‖ "ballot/contest" ‖ credential[32] ‖ u8 len ‖ contestId. */
export function contestContext(credential: Uint8Array, contestId: string): Uint8Array {
  assertBytes(credential, CREDENTIAL_BYTES, 'credential');
  return concatBytes(shortId(BALLOT_CONTEXT.contest), credential, shortId(contestId));
}

/** The proof context {H, context bytes}. */
export function proofContext(electionHash: Uint8Array, context: Uint8Array): ProofContext {
  return { electionHash, context };
}

/**
 * Checks choices against the manifest and returns the 0/1 vote per option, per contest (manifest order).
 * @throws CryptoError `INVALID_BALLOT` for an unknown or missing contest, an unknown or repeated option, or a
 *   number of selections the contest does not allow.
 */
export function choicesToVotes(manifest: Manifest, choices: BallotChoices): readonly (readonly (0 | 1)[])[] {
  cryptoAssert(typeof choices === 'object' && choices !== null, 'INVALID_BALLOT', 'choices: expected an object');
  const keys = Object.keys(choices);
  for (const k of keys) cryptoAssert(manifest.contests.some((c) => c.id === k), 'INVALID_BALLOT', `choices: unknown contest ${k}`);
  return Object.freeze(
    manifest.contests.map((c) => {
      const sel = choices[c.id];
      cryptoAssert(Array.isArray(sel), 'INVALID_BALLOT', `choices: missing contest ${c.id}`);
      cryptoAssert(new Set(sel).size === sel.length, 'INVALID_BALLOT', `contest ${c.id}: an option is selected twice`);
      for (const o of sel) cryptoAssert(c.options.some((x) => x.id === o), 'INVALID_BALLOT', `contest ${c.id}: unknown option ${String(o)}`);
      cryptoAssert(selectionCountAllowed(c, sel.length), 'INVALID_BALLOT', `contest ${c.id}: ${sel.length} selections not allowed`);
      return Object.freeze(c.options.map((o) => (sel.includes(o.id) ? 1 : 0)));
    }),
  );
}

/** True iff a contest accepts `s` selections: lo ≤ s ≤ maxSelections. */
export function selectionCountAllowed(c: Contest, s: number): boolean {
  return s >= contestLowerBound(c) && s <= c.maxSelections;
}

/**
 * Encrypts the voter's choices. Nonces (ElGamal r and all proof nonces) come from `nonces`, drawn in manifest
 * order: per contest, per option r then that option's proof, then the contest's range proof.
 * @throws CryptoError `INVALID_BALLOT` for choices the manifest does not allow.
 */
export function encryptBallot(
  group: Group,
  election: Election,
  choices: BallotChoices,
  credential: Uint8Array,
  nonces: NonceSource = randomNonces(group),
): { readonly ballot: EncryptedBallot; readonly secrets: BallotSecrets } {
  assertBytes(credential, CREDENTIAL_BYTES, 'credential');
  const votes = choicesToVotes(election.manifest, choices);
  const H = election.electionHash;
  const K = election.key;
  const allNonces: bigint[][] = [];
  const contests = election.manifest.contests.map((c, ci) => {
    const rs: bigint[] = [];
    const selections = c.options.map((o, oi) => {
      const m = votes[ci][oi];
      const r = drawNonce(group, nonces, 'ballot/r');
      rs.push(r);
      const ciphertext = encryptWithNonce(group, K, m, r);
      noteEncryption(group, K.point, ciphertext, BigInt(m), r); // the proof need not recompute it
      const proof = proveDisjunctive(
        group,
        { key: K.point, ciphertext },
        m,
        r,
        proofContext(H, selectionContext(credential, c.id, o.id)),
        nonces,
      );
      return Object.freeze({ optionId: o.id, ciphertext, proof });
    });
    allNonces.push(rs);
    const sum = sumCiphertexts(group, selections.map((s) => s.ciphertext));
    const rSum = rs.reduce((a, r) => group.scalarAdd(a, r), 0n);
    const total = votes[ci].reduce<number>((a, v) => a + v, 0);
    if (rSum === 0n) throw new CryptoError('INVALID_SCALAR', 'degenerate nonce sum'); // probability ≈ 2^-252
    // Σ Enc(m_o; r_o) = Enc(total; rSum) by homomorphism, for the ciphertexts computed just above.
    noteEncryption(group, K.point, sum, BigInt(total), rSum);
    const sumProof = proveRange(
      group,
      { key: K.point, ciphertext: sum, min: contestLowerBound(c), max: c.maxSelections },
      total,
      rSum,
      proofContext(H, contestContext(credential, c.id)),
      nonces,
    );
    return Object.freeze({ contestId: c.id, selections: Object.freeze(selections), sumProof });
  });
  return Object.freeze({
    ballot: Object.freeze({ electionHash: H.slice(), credential: credential.slice(), contests: Object.freeze(contests) }),
    secrets: Object.freeze({ nonces: Object.freeze(allNonces.map((r) => Object.freeze(r))) }),
  });
}
