import fc from 'fast-check';
import { CryptoError } from '../errors';
import { deterministicNonces, ristretto255Group as group } from '../group';
import { keygen } from '../elgamal';
import { createDkgParameters, evaluatePolynomial, lagrangeCoefficient, lagrangeCoefficients, simulateDkg } from '.';
import { electionKeySetFromJSON, electionKeySetToJSON, electionKeySetEquals } from './dkg';

describe('Lagrange interpolation at 0', () => {
  it('recovers f(0) from any k of n evaluations (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((k) =>
          fc.record({
            coefficients: fc.array(fc.bigInt({ min: 0n, max: group.order - 1n }), { minLength: k, maxLength: k }),
            subset: fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { minLength: k, maxLength: k }),
          }),
        ),
        ({ coefficients, subset }) => {
          const ls = lagrangeCoefficients(group, subset);
          let acc = 0n;
          subset.forEach((i, n) => (acc = group.scalarAdd(acc, group.scalarMul(ls[n], evaluatePolynomial(group, coefficients, i)))));
          expect(acc).toBe(coefficients[0]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rejects bad index sets', () => {
    for (const [set, i] of [
      [[1, 1], 1],
      [[0, 1], 1],
      [[1, 256], 1],
      [[1, 2], 3],
      [[1.5, 2], 2],
    ] as [number[], number][]) {
      expect(() => lagrangeCoefficient(group, set, i)).toThrow(expect.objectContaining({ code: 'THRESHOLD' }));
    }
  });
});

describe('DKG parameters and edge thresholds', () => {
  const ctx = new Uint8Array(32);
  const keys = [1, 2, 3].map((i) => keygen(group, deterministicNonces(new Uint8Array([i]), 'test/keys')).publicKey);

  it('rejects bad parameters', () => {
    expect(() => createDkgParameters(group, ctx, 0, keys)).toThrow(expect.objectContaining({ code: 'THRESHOLD' }));
    expect(() => createDkgParameters(group, ctx, 4, keys)).toThrow(expect.objectContaining({ code: 'THRESHOLD' }));
    expect(() => createDkgParameters(group, ctx, 2, [keys[0], keys[1], keys[0]])).toThrow(expect.objectContaining({ code: 'THRESHOLD' }));
    expect(() => createDkgParameters(group, ctx, 2, [keys[0], group.identity])).toThrow(CryptoError);
    expect(() => createDkgParameters(group, new Uint8Array(31), 2, keys)).toThrow(CryptoError);
  });

  it.each([
    [1, 2],
    [3, 3],
  ])('%i-of-%i works and the key set round-trips through strict JSON', (k, n) => {
    const dkg = simulateDkg(group, ctx, k, n, deterministicNonces(new Uint8Array([k, n]), 'test/dkg'));
    const S = Array.from({ length: k }, (_, i) => n - i);
    let x = 0n;
    S.forEach((l, i) => (x = group.scalarAdd(x, group.scalarMul(lagrangeCoefficients(group, S)[i], dkg.secretShares[l - 1]))));
    expect(group.equals(group.mulBase(x), dkg.keys.jointKey)).toBe(true);
    const j = JSON.parse(JSON.stringify(electionKeySetToJSON(group, dkg.keys)));
    expect(electionKeySetEquals(group, electionKeySetFromJSON(group, j), dkg.keys)).toBe(true);
    expect(() => electionKeySetFromJSON(group, { ...j, threshold: n + 1 })).toThrow(CryptoError);
    expect(() => electionKeySetFromJSON(group, { ...j, jointKey: j.jointKey.toUpperCase() })).toThrow(CryptoError);
    expect(() => electionKeySetFromJSON(group, { ...j, more: 1 })).toThrow(CryptoError);
  });
});
