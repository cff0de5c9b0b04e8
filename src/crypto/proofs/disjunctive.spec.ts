import fc from 'fast-check';
import { ristretto255Group as g, deterministicNonces } from '../group';
import { utf8ToBytes } from '../encoding';
import { encrypt, encryptWithNonce, keygen, prepareElectionKey } from '../elgamal';
import { checkEquations } from './common';
import {
  disjunctiveEquations,
  disjunctiveProofFromJSON,
  disjunctiveProofToJSON,
  proveDisjunctive,
  verifyDisjunctive,
} from './disjunctive';
import { schnorrEquations, proveSchnorr } from './schnorr';
import { contextVariants, expectRejects, outcome, tamperVariants } from '../../../test/crypto/proof-helpers';

const kp = keygen(g, deterministicNonces(new Uint8Array(1), 'disjunctive.spec/key'));
const key = prepareElectionKey(g, kp.publicKey);
const ctx = { electionHash: new Uint8Array(32).fill(3), context: utf8ToBytes('ballot/contest-1/option-2') };

describe('disjunctive 0/1 proof (CDS)', () => {
  test('completeness for m ∈ {0,1}, and rejection when any single field changes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.constantFrom(0, 1), (s, m) => {
        const nonces = deterministicNonces(s, 'disjunctive.spec');
        const { ciphertext, nonce } = encrypt(g, key, m, nonces);
        const statement = { key: key.point, ciphertext };
        const proof = proveDisjunctive(g, statement, m, nonce, ctx, nonces);
        expect(verifyDisjunctive(g, statement, proof, ctx)).toBe(true);
        const pv = tamperVariants(g, proof);
        expect(pv).toHaveLength(8);
        for (const t of pv) expectRejects(() => verifyDisjunctive(g, statement, t.value, ctx), `proof.${t.path}`);
        const sv = tamperVariants(g, statement);
        expect(sv).toHaveLength(3);
        for (const t of sv) expectRejects(() => verifyDisjunctive(g, t.value, proof, ctx), `statement.${t.path}`);
        for (const t of contextVariants(ctx)) expectRejects(() => verifyDisjunctive(g, statement, proof, t.value), `ctx.${t.path}`);
      }),
      { numRuns: 20 },
    );
  });

  test('soundness smoke: no proof for m = 2; a valid proof does not transfer to another ciphertext', () => {
    const r = 12345n;
    const ct2 = encryptWithNonce(g, key, 2, r);
    expect(outcome(() => proveDisjunctive(g, { key: key.point, ciphertext: ct2 }, 2, r, ctx) !== undefined)).toBe('typed-error');
    // claiming m = 1 for an encryption of 2 is refused by the prover's self-check
    expect(outcome(() => proveDisjunctive(g, { key: key.point, ciphertext: ct2 }, 1, r, ctx) !== undefined)).toBe('typed-error');
    const a = encrypt(g, key, 1);
    const b = encrypt(g, key, 1);
    const proof = proveDisjunctive(g, { key: key.point, ciphertext: a.ciphertext }, 1, a.nonce, ctx);
    expect(verifyDisjunctive(g, { key: key.point, ciphertext: b.ciphertext }, proof, ctx)).toBe(false);
    // swapping the branches is not a valid proof
    const swapped = { ...proof, a0: proof.a1, b0: proof.b1, a1: proof.a0, b1: proof.b0, c0: proof.c1, c1: proof.c0, v0: proof.v1, v1: proof.v0 };
    expect(verifyDisjunctive(g, { key: key.point, ciphertext: a.ciphertext }, swapped, ctx)).toBe(false);
  });

  test('equations: 4 per proof; a random linear combination over several proofs is the identity', () => {
    const eqs = [];
    for (const m of [0, 1, 1]) {
      const { ciphertext, nonce } = encrypt(g, key, m);
      const st = { key: key.point, ciphertext };
      const e = disjunctiveEquations(g, st, proveDisjunctive(g, st, m, nonce, ctx), ctx);
      expect(e !== false && e.length === 4 && checkEquations(g, e)).toBe(true);
      if (e !== false) eqs.push(...e);
    }
    const sch = schnorrEquations(g, { publicKey: kp.publicKey }, proveSchnorr(g, { publicKey: kp.publicKey }, kp.secretKey, ctx), ctx);
    if (sch !== false) eqs.push(...sch);
    const scalars: bigint[] = [];
    const points = [];
    for (const e of eqs) {
      const rho = g.randomScalar();
      scalars.push(...e.scalars.map((s) => g.scalarMul(rho, s)));
      points.push(...e.points);
    }
    expect(g.isIdentity(g.msm(scalars, points))).toBe(true);
    // and a single bad proof spoils the batch
    scalars[0] = g.scalarAdd(scalars[0], 1n);
    expect(g.isIdentity(g.msm(scalars, points))).toBe(false);
  });

  test('c0 + c1 ≠ c gives false from the equations function', () => {
    const { ciphertext, nonce } = encrypt(g, key, 0);
    const st = { key: key.point, ciphertext };
    const p = proveDisjunctive(g, st, 0, nonce, ctx);
    expect(disjunctiveEquations(g, st, { ...p, c0: g.scalarAdd(p.c0, 1n) }, ctx)).toBe(false);
  });

  test('JSON round trip and strict parsing', () => {
    const { ciphertext, nonce } = encrypt(g, key, 1);
    const st = { key: key.point, ciphertext };
    const proof = proveDisjunctive(g, st, 1, nonce, ctx);
    const j = disjunctiveProofToJSON(g, proof);
    expect(Object.keys(j).sort()).toEqual(['a0', 'a1', 'b0', 'b1', 'c0', 'c1', 'v0', 'v1']);
    expect(verifyDisjunctive(g, st, disjunctiveProofFromJSON(g, JSON.parse(JSON.stringify(j))), ctx)).toBe(true);
    for (const k of Object.keys(j) as (keyof typeof j)[]) {
      expect(outcome(() => disjunctiveProofFromJSON(g, { ...j, [k]: j[k].toUpperCase() }) !== undefined)).toBe('typed-error');
      expect(outcome(() => disjunctiveProofFromJSON(g, { ...j, [k]: j[k] + '00' }) !== undefined)).toBe('typed-error');
      const { [k]: _omit, ...rest } = j;
      expect(outcome(() => disjunctiveProofFromJSON(g, rest) !== undefined)).toBe('typed-error');
    }
    expect(outcome(() => disjunctiveProofFromJSON(g, { ...j, c0: 'ff'.repeat(32) }) !== undefined)).toBe('typed-error');
    expect(outcome(() => disjunctiveProofFromJSON(g, { ...j, a1: '00'.repeat(32) }) !== undefined)).toBe('typed-error');
    expect(outcome(() => disjunctiveProofFromJSON(g, { ...j, extra: j.a0 }) !== undefined)).toBe('typed-error');
    expect(outcome(() => verifyDisjunctive(g, st, { ...proof, a0: 'x' } as never, ctx))).toBe('typed-error');
    expect(outcome(() => verifyDisjunctive(g, { key: key.point, ciphertext: { alpha: g.identity, beta: ciphertext.beta } }, proof, ctx))).toBe('typed-error');
  });
});
