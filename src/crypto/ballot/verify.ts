/**
 * Ballot verification: a structured report, never an untyped throw.
 *
 * Checks, in order (a failure is reported and the remaining checks still run where meaningful):
 *   1. `election-hash`   the ballot's H equals the election's H;
 *   2. `credential`      32 bytes;
 *   3. `structure`       the contests and options are exactly the manifest's, in order; each sum proof has
 *                        maxSelections − lo + 1 branches (if this fails, 4 and 5 are skipped);
 *   4. `selection-proof` for every option, the 0/1 disjunctive proof verifies for its ciphertext under K, with
 *                        context selectionContext(credential, contestId, optionId);
 *   5. `contest-proof`   for every contest, the range proof verifies for Σ of its ciphertexts and
 *                        [lo, maxSelections] under K, with context contestContext(credential, contestId).
 */
import { sumCiphertexts } from '../elgamal';
import { bytesEqual, isBytes } from '../encoding';
import { CryptoError } from '../errors';
import type { Group } from '../group';
import { type EquationsResult, checkEquations, guardVerify } from '../proofs/common';
import { disjunctiveEquations } from '../proofs/disjunctive';
import { rangeEquations } from '../proofs/range';
import type { Election } from './election';
import { CREDENTIAL_BYTES, type EncryptedBallot, contestContext, proofContext, selectionContext } from './encrypt';
import { ballotFromJSON, ballotStructureFailures } from './json';
import { contestLowerBound } from './manifest';

/** Names of the checks of {@link verifyBallot}. */
export type BallotCheck = 'parse' | 'election-hash' | 'credential' | 'structure' | 'selection-proof' | 'contest-proof' | 'audit';

/** One failed check. */
export interface BallotFailure {
  readonly check: BallotCheck;
  readonly contestId?: string;
  readonly optionId?: string;
  readonly message: string;
}

/** The verification report. */
export type BallotVerification =
  | { readonly valid: true }
  | { readonly valid: false; readonly failures: readonly BallotFailure[] };

function message(e: unknown): string {
  return e instanceof CryptoError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
}

function proofHolds(f: () => boolean): string | null {
  try {
    return f() ? null : 'proof does not verify';
  } catch (e) {
    return message(e);
  }
}

/** One proof of a ballot with its statement, built in one place for one-by-one and batch verification. */
export interface BallotProofItem {
  readonly check: 'selection-proof' | 'contest-proof';
  readonly contestId: string;
  readonly optionId?: string;
  /** The proof's verification equations (false: a scalar-level check failed). May throw CryptoError. */
  equations(): EquationsResult;
}

/** Checks 1–3 (election hash, credential, structure): the failures, empty when the ballot's form is right. */
export function ballotFormFailures(election: Election, ballot: EncryptedBallot): BallotFailure[] {
  const failures: BallotFailure[] = [];
  if (!isBytes(ballot.electionHash) || !bytesEqual(ballot.electionHash, election.electionHash)) {
    failures.push({ check: 'election-hash', message: 'ballot is for another election (H differs)' });
  }
  if (!isBytes(ballot.credential) || ballot.credential.length !== CREDENTIAL_BYTES) {
    failures.push({ check: 'credential', message: `credential must be ${CREDENTIAL_BYTES} bytes` });
  }
  for (const m of ballotStructureFailures(election.manifest, ballot)) failures.push({ check: 'structure', message: m });
  return failures;
}

/**
 * The proofs of checks 4 and 5, in manifest order: every option's 0/1 proof and every contest's range
 * proof with their statements and contexts. Only for a ballot whose credential and structure are right.
 */
export function ballotProofItems(group: Group, election: Election, ballot: EncryptedBallot): BallotProofItem[] {
  const H = election.electionHash;
  const K = election.key.point;
  return election.manifest.contests.flatMap((c, ci) => {
    const bc = ballot.contests[ci];
    const selections: BallotProofItem[] = bc.selections.map((s) => ({
      check: 'selection-proof',
      contestId: c.id,
      optionId: s.optionId,
      equations: () => disjunctiveEquations(group, { key: K, ciphertext: s.ciphertext }, s.proof, proofContext(H, selectionContext(ballot.credential, c.id, s.optionId))),
    }));
    const contest: BallotProofItem = {
      check: 'contest-proof',
      contestId: c.id,
      equations: () => {
        const sum = sumCiphertexts(group, bc.selections.map((s) => s.ciphertext));
        const st = { key: K, ciphertext: sum, min: contestLowerBound(c), max: c.maxSelections };
        return rangeEquations(group, st, bc.sumProof, proofContext(H, contestContext(ballot.credential, c.id)));
      },
    };
    return [...selections, contest];
  });
}

/** Verifies an encrypted ballot against the election (manifest, K, H). */
export function verifyBallot(group: Group, election: Election, ballot: EncryptedBallot): BallotVerification {
  const failures: BallotFailure[] = [];
  const fail = (f: BallotFailure) => failures.push(Object.freeze(f));
  try {
    const form = ballotFormFailures(election, ballot);
    form.forEach(fail);
    if (!form.some((f) => f.check === 'structure' || f.check === 'credential')) {
      for (const item of ballotProofItems(group, election, ballot)) {
        const err = proofHolds(() => guardVerify(() => checkEquations(group, item.equations())));
        if (err) fail({ check: item.check, contestId: item.contestId, ...(item.optionId !== undefined ? { optionId: item.optionId } : {}), message: err });
      }
    }
  } catch (e) {
    fail({ check: 'structure', message: `malformed ballot: ${message(e)}` });
  }
  return failures.length === 0 ? Object.freeze({ valid: true }) : Object.freeze({ valid: false, failures: Object.freeze(failures) });
}

/** Parses (strictly) and verifies a ballot's JSON form; a parse failure is reported as check `parse`. */
export function verifyBallotJSON(group: Group, election: Election, json: unknown): BallotVerification {
  let ballot: EncryptedBallot;
  try {
    ballot = ballotFromJSON(group, election.manifest, json);
  } catch (e) {
    return Object.freeze({ valid: false, failures: Object.freeze([Object.freeze({ check: 'parse' as const, message: message(e) })]) });
  }
  return verifyBallot(group, election, ballot);
}
