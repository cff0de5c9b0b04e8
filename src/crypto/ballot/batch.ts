/**
 * Batch verification of ballots: every ballot's proof equations (the same checks as verifyBallot) are
 * checked together as one random linear combination (src/crypto/batch.ts); failing ballots are then
 * named by bisection, and verifyBallot gives their detailed report.
 */
import { type BatchItem, batchFailures, type WeightSource, randomWeights } from '../batch';
import type { Group } from '../group';
import type { EquationsResult, VerificationEquation } from '../proofs/common';
import type { Election } from './election';
import type { EncryptedBallot } from './encrypt';
import { ballotFormFailures, ballotProofItems } from './verify';

/**
 * All proof equations of a ballot, or false when a check without group equations fails (wrong H,
 * credential, structure, challenge shares, malformed values). Never throws.
 */
export function ballotEquations(group: Group, election: Election, ballot: EncryptedBallot): EquationsResult {
  try {
    if (ballotFormFailures(election, ballot).length > 0) return false;
    const all: VerificationEquation[] = [];
    for (const item of ballotProofItems(group, election, ballot)) {
      const eqs = item.equations();
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
