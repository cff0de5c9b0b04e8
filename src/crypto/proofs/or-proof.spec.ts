/**
 * The OR-proof prover's shortcuts: fixed-base commitments give valid proofs for every real index, and a noted
 * encryption only skips the statement check for exactly the noted (α, β, K, m, r).
 */
import fc from 'fast-check';
import { encryptWithNonce, prepareElectionKey } from '../elgamal';
import { ristretto255Group as g } from '../group';
import { noteEncryption } from './or-proof';
import { proveDisjunctive, verifyDisjunctive } from './disjunctive';
import { proveRange, verifyRange } from './range';
import { errorCode } from '../../../test/crypto/proof-helpers';

const ctx = { electionHash: new Uint8Array(32).fill(4), context: new Uint8Array([1]) };
const key = prepareElectionKey(g, g.mulBase(987654321n));
const nonZero = fc.bigInt({ min: 1n, max: g.order - 1n });

describe('OR-proof prover', () => {
  test('range proofs verify for every plaintext position, noted or not', () => {
    fc.assert(
      fc.property(nonZero, fc.nat(3), fc.nat(3), fc.boolean(), (r, min, off, note) => {
        const m = min + off;
        const ct = encryptWithNonce(g, key, m, r);
        if (note) noteEncryption(g, key.point, ct, BigInt(m), r);
        const st = { key: key.point, ciphertext: ct, min, max: min + 3 };
        expect(verifyRange(g, st, proveRange(g, st, m, r, ctx), ctx)).toBe(true);
      }),
      { numRuns: 12 },
    );
  });
  test('a noted ciphertext is still checked against another m or r (fails loudly)', () => {
    const r = 123456789n;
    const ct = encryptWithNonce(g, key, 1, r);
    noteEncryption(g, key.point, ct, 1n, r);
    const st = { key: key.point, ciphertext: ct };
    expect(verifyDisjunctive(g, st, proveDisjunctive(g, st, 1, r, ctx), ctx)).toBe(true);
    expect(errorCode(() => proveDisjunctive(g, st, 0, r, ctx))).toBe('INVALID_STATEMENT');
    expect(errorCode(() => proveDisjunctive(g, st, 1, r + 1n, ctx))).toBe('INVALID_STATEMENT');
    const copy = { alpha: g.add(ct.alpha, g.identity), beta: ct.beta }; // same value, other object: full check
    expect(verifyDisjunctive(g, { key: key.point, ciphertext: copy }, proveDisjunctive(g, { key: key.point, ciphertext: copy }, 1, r, ctx), ctx)).toBe(true);
    expect(errorCode(() => proveDisjunctive(g, { key: key.point, ciphertext: copy }, 1, r + 1n, ctx))).toBe('INVALID_STATEMENT');
  });
});
