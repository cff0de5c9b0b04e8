import fc from 'fast-check';
import { ristretto255Group as g, deterministicNonces } from '../group';
import { utf8ToBytes } from '../encoding';
import { encrypt, keygen, prepareElectionKey } from '../elgamal';
import { checkEquations } from './common';
import { RANGE_MAX_WIDTH, proveRange, rangeEquations, rangeProofFromJSON, rangeProofToJSON, verifyRange } from './range';
import { contextVariants, expectRejects, outcome, tamperVariants } from '../../../test/crypto/proof-helpers';

const kp = keygen(g, deterministicNonces(new Uint8Array(1), 'range.spec/key'));
const key = prepareElectionKey(g, kp.publicKey);
const ctx = { electionHash: new Uint8Array(32).fill(4), context: utf8ToBytes('ballot/contest-1/sum') };

describe('range proof (generalised CDS over [min, max])', () => {
  test('completeness for every m in [min, max], and rejection when any single field changes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        (s, min, width, pick) => {
          const max = min + width;
          const m = min + (pick % (width + 1));
          const nonces = deterministicNonces(s, 'range.spec');
          const { ciphertext, nonce } = encrypt(g, key, m, nonces);
          const statement = { key: key.point, ciphertext, min, max };
          const proof = proveRange(g, statement, m, nonce, ctx, nonces);
          expect(proof.a).toHaveLength(width + 1);
          expect(verifyRange(g, statement, proof, ctx)).toBe(true);
          for (const t of tamperVariants(g, proof)) expectRejects(() => verifyRange(g, statement, t.value, ctx), `proof.${t.path}`);
          for (const t of tamperVariants(g, statement)) expectRejects(() => verifyRange(g, t.value, proof, ctx), `statement.${t.path}`);
          for (const t of contextVariants(ctx)) expectRejects(() => verifyRange(g, statement, proof, t.value), `ctx.${t.path}`);
          // dropping or duplicating a branch
          const short = { a: proof.a.slice(1), b: proof.b.slice(1), c: proof.c.slice(1), v: proof.v.slice(1) };
          expectRejects(() => verifyRange(g, statement, short, ctx), 'short');
        },
      ),
      { numRuns: 15 },
    );
  });

  test('prover refuses values outside the range; statement checks', () => {
    const { ciphertext, nonce } = encrypt(g, key, 6);
    const st = { key: key.point, ciphertext, min: 0, max: 5 };
    expect(outcome(() => proveRange(g, st, 6, nonce, ctx) !== undefined)).toBe('typed-error');
    expect(outcome(() => proveRange(g, { ...st, min: 6, max: 5 }, 6, nonce, ctx) !== undefined)).toBe('typed-error');
    expect(outcome(() => proveRange(g, { ...st, min: 0, max: RANGE_MAX_WIDTH }, 6, nonce, ctx) !== undefined)).toBe('typed-error');
    expect(outcome(() => proveRange(g, { ...st, min: -1, max: 7 }, 6, nonce, ctx) !== undefined)).toBe('typed-error');
    expect(outcome(() => proveRange(g, { ...st, min: 0.5, max: 7 }, 6, nonce, ctx) !== undefined)).toBe('typed-error');
    const ok = proveRange(g, { ...st, min: 6, max: 6 }, 6, nonce, ctx);
    expect(verifyRange(g, { ...st, min: 6, max: 6 }, ok, ctx)).toBe(true);
    expect(outcome(() => verifyRange(g, { ...st, min: 7, max: 6 }, ok, ctx))).toBe('typed-error');
  });

  test('equations: 2 per value, all hold', () => {
    const { ciphertext, nonce } = encrypt(g, key, 2);
    const st = { key: key.point, ciphertext, min: 1, max: 4 };
    const eqs = rangeEquations(g, st, proveRange(g, st, 2, nonce, ctx), ctx);
    expect(eqs !== false && eqs.length === 8 && checkEquations(g, eqs)).toBe(true);
  });

  test('JSON round trip and strict parsing', () => {
    const { ciphertext, nonce } = encrypt(g, key, 1);
    const st = { key: key.point, ciphertext, min: 0, max: 2 };
    const proof = proveRange(g, st, 1, nonce, ctx);
    const j = rangeProofToJSON(g, proof);
    expect(verifyRange(g, st, rangeProofFromJSON(g, JSON.parse(JSON.stringify(j))), ctx)).toBe(true);
    const bad: unknown[] = [
      { ...j, a: j.a.slice(1) },
      { ...j, c: [...j.c, j.c[0]] },
      { ...j, a: [] , b: [], c: [], v: [] },
      { ...j, v: [j.v[0].toUpperCase(), ...j.v.slice(1)] },
      { ...j, b: [...j.b.slice(1), '00'.repeat(32)] },
      { ...j, c: 'x' },
      { a: j.a, b: j.b, c: j.c },
      { ...j, z: [] },
    ];
    for (const b of bad) expect(outcome(() => rangeProofFromJSON(g, b) !== undefined)).toBe('typed-error');
  });
});
