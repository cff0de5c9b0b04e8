import { makeElection, seed } from '../../test/crypto/ballot/fixture';
import { type BallotChoices, type EncryptedBallot, encryptBallot, invalidBallotsBatch, verifyBallot } from './ballot';
import { batchFailures, batchHolds } from './batch';
import { encrypt, keygen, prepareElectionKey } from './elgamal';
import { deterministicNonces, ristretto255Group as g } from './group';
import type { VerificationEquation } from './proofs/common';
import { disjunctiveEquations, proveDisjunctive } from './proofs/disjunctive';

const ctx = { electionHash: new Uint8Array(32).fill(9) };
const kp = keygen(g);
const key = prepareElectionKey(g, kp.publicKey);
const K = key.point;

/** Equations of n honest 0/1 proofs. */
function honest(n: number): VerificationEquation[][] {
  return Array.from({ length: n }, (_, i) => {
    const { ciphertext, nonce } = encrypt(g, key, BigInt(i % 2));
    const proof = proveDisjunctive(g, { key: K, ciphertext }, i % 2, nonce, ctx);
    const eqs = disjunctiveEquations(g, { key: K, ciphertext }, proof, ctx);
    if (eqs === false) throw new Error('honest proof rejected');
    return [...eqs];
  });
}

/** Adds c·D to the first equation: it no longer sums to the identity. */
function broken(eqs: VerificationEquation[], c: bigint, D = g.mulBase(7n)): VerificationEquation[] {
  return [{ scalars: [...eqs[0].scalars, c], points: [...eqs[0].points, D] }, ...eqs.slice(1)];
}

describe('batch verification', () => {
  const proofs = honest(8);

  it('accepts a batch of valid proofs', () => {
    expect(batchHolds(g, proofs.flat())).toBe(true);
  });

  it('rejects a batch with one bad equation, and names the bad item', () => {
    const items = proofs.map((equations, i) => ({ item: i, equations: i === 5 ? broken(equations, 1n) : equations }));
    expect(batchHolds(g, items.flatMap((x) => x.equations))).toBe(false);
    expect(batchFailures(g, items)).toEqual([5]);
  });

  it('rejects a "cancelling" pair of bad proofs, which equal weights would accept', () => {
    const items = proofs.map((equations, i) => ({
      item: i,
      equations: i === 2 ? broken(equations, 1n) : i === 6 ? broken(equations, g.scalarNeg(1n)) : equations,
    }));
    // With the same weight for every equation the errors cancel: this is what random weights prevent.
    expect(batchHolds(g, items.flatMap((x) => x.equations), () => 1n)).toBe(true);
    expect(batchHolds(g, items.flatMap((x) => x.equations))).toBe(false);
    expect(batchFailures(g, items)).toEqual([2, 6]);
  });

  it('reports items that already failed a scalar-level check', () => {
    expect(batchFailures(g, [{ item: 'a', equations: false }, { item: 'b', equations: proofs[0] }])).toEqual(['a']);
  });
});

describe('batch verification of ballots', () => {
  const { election } = makeElection();
  const choices: BallotChoices[] = [
    { mayor: ['bob'], council: ['d', 'g'], park: [] },
    { mayor: ['alice'], council: ['e'], park: ['yes'] },
  ];
  let n = 0;
  const ballots: EncryptedBallot[] = Array.from({ length: 6 }, (_, i) =>
    encryptBallot(g, election, choices[i % 2], new Uint8Array(32).fill(i + 1), deterministicNonces(seed(`batch-${n++}`), 'test/batch')).ballot,
  );

  it('agrees with one-by-one verification: all valid', () => {
    expect(ballots.every((b) => verifyBallot(g, election, b).valid)).toBe(true);
    expect(invalidBallotsBatch(g, election, ballots)).toEqual([]);
  });

  it('names exactly the ballot whose proof was swapped with another ballot', () => {
    const c0 = ballots[4].contests[0];
    const swapped: EncryptedBallot = {
      ...ballots[4],
      contests: [{ ...c0, selections: c0.selections.map((s, j) => (j === 0 ? { ...s, proof: ballots[3].contests[0].selections[0].proof } : s)) }, ...ballots[4].contests.slice(1)],
    };
    const batch = [...ballots.slice(0, 4), swapped, ballots[5]];
    expect(verifyBallot(g, election, swapped).valid).toBe(false);
    expect(invalidBallotsBatch(g, election, batch)).toEqual([4]);
  });
});
