/**
 * Batch verification of ballots: every ballot's proof equations (the same checks as verifyBallot) are
 * checked together as one random linear combination (src/crypto/batch.ts); failing ballots are then
 * named by bisection, and verifyBallot gives their detailed report.
 */
import { type BatchItem, batchFailures, type WeightSource, randomWeights } from '../batch';
import { sumCiphertexts } from '../elgamal';
import { bytesEqual, isBytes } from '../encoding';
import type { Group } from '../group';
import type { EquationsResult, VerificationEquation } from '../proofs/common';
import { disjunctiveEquations } from '../proofs/disjunctive';
import { rangeEquations } from '../proofs/range';
import type { Election } from './election';
import { CREDENTIAL_BYTES, type EncryptedBallot, contestContext, proofContext, selectionContext } from './encrypt';
import { ballotStructureFailures } from './json';
import { contestLowerBound } from './manifest';

/**
 * All proof equations of a ballot, or false when a check without group equations fails (wrong H,
 * credential, structure, challenge shares, malformed values). Never throws.
 */
export function ballotEquations(group: Group, election: Election, ballot: EncryptedBallot): EquationsResult {
  try {
    if (!isBytes(ballot.electionHash) || !bytesEqual(ballot.electionHash, election.electionHash)) return false;
    if (!isBytes(ballot.credential) || ballot.credential.length !== CREDENTIAL_BYTES) return false;
    if (ballotStructureFailures(election.manifest, ballot).length > 0) return false;
    const H = election.electionHash;
    const K = election.key.point;
    const all: VerificationEquation[] = [];
    for (const [ci, c] of election.manifest.contests.entries()) {
      const bc = ballot.contests[ci];
      for (const s of bc.selections) {
        const eqs = disjunctiveEquations(group, { key: K, ciphertext: s.ciphertext }, s.proof, proofContext(H, selectionContext(ballot.credential, c.id, s.optionId)));
        if (eqs === false) return false;
        all.push(...eqs);
      }
      const sum = sumCiphertexts(group, bc.selections.map((s) => s.ciphertext));
      const st = { key: K, ciphertext: sum, min: contestLowerBound(c), max: c.maxSelections };
      const eqs = rangeEquations(group, st, bc.sumProof, proofContext(H, contestContext(ballot.credential, c.id)));
      if (eqs === false) return false;
      all.push(...eqs);
    }
    return all;
  } catch {
    return false;
  }
}

/** Indices of the ballots that do not verify (empty: all verify), checked as one batch. */
export function invalidBallotsBatch(group: Group, election: Election, ballots: readonly EncryptedBallot[], weight: WeightSource = randomWeights): number[] {
  const items: BatchItem<number>[] = ballots.map((b, i) => ({ item: i, equations: ballotEquations(group, election, b) }));
  return batchFailures(group, items, weight).sort((a, b) => a - b);
}
