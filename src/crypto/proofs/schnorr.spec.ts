import fc from 'fast-check';
import { ristretto255Group as g, deterministicNonces } from '../group';
import { utf8ToBytes } from '../encoding';
import { checkEquations } from './common';
import { proveSchnorr, schnorrEquations, schnorrProofFromJSON, schnorrProofToJSON, verifySchnorr } from './schnorr';
import { contextVariants, expectRejects, outcome, tamperVariants } from '../../../test/crypto/proof-helpers';

const L = g.order;
const seed = fc.uint8Array({ minLength: 16, maxLength: 16 });
const secret = fc.bigInt({ min: 1n, max: L - 1n });
const ctx = { electionHash: new Uint8Array(32).fill(1), context: utf8ToBytes('trustee-1') };

describe('Schnorr proof of knowledge', () => {
  test('completeness, and rejection when any single field of proof, statement or context changes', () => {
    fc.assert(
      fc.property(seed, secret, fc.boolean(), (s, x, customBase) => {
        const nonces = deterministicNonces(s, 'schnorr.spec');
        const base = customBase ? g.hashToGroup(s, 'schnorr.spec/base') : undefined;
        const statement = { base, publicKey: g.mul(x, base ?? g.generator) };
        const proof = proveSchnorr(g, statement, x, ctx, nonces);
        expect(verifySchnorr(g, statement, proof, ctx)).toBe(true);
        const fullStatement = { base: base ?? g.generator, publicKey: statement.publicKey };
        for (const t of tamperVariants(g, proof)) expectRejects(() => verifySchnorr(g, statement, t.value, ctx), `proof.${t.path}`);
        for (const t of tamperVariants(g, fullStatement)) expectRejects(() => verifySchnorr(g, t.value, proof, ctx), `statement.${t.path}`);
        for (const t of contextVariants(ctx)) expectRejects(() => verifySchnorr(g, statement, proof, t.value), `ctx.${t.path}`);
      }),
      { numRuns: 20 },
    );
  });

  test('equations hold and are what the verifier checks', () => {
    const x = 42n;
    const st = { publicKey: g.mulBase(x) };
    const proof = proveSchnorr(g, st, x, ctx);
    const eqs = schnorrEquations(g, st, proof, ctx);
    expect(eqs).not.toBe(false);
    expect(checkEquations(g, eqs)).toBe(true);
    if (eqs === false) return;
    expect(eqs).toHaveLength(1);
    expect(eqs[0].scalars[0]).toBe(proof.v);
  });

  test('prover refuses a wrong witness; verifier only throws CryptoError on garbage', () => {
    expect(outcome(() => proveSchnorr(g, { publicKey: g.mulBase(2n) }, 3n, ctx) !== undefined)).toBe('typed-error');
    const st = { publicKey: g.mulBase(2n) };
    const proof = proveSchnorr(g, st, 2n, ctx);
    const garbage: unknown[] = [null, {}, { a: 'x', v: 1n }, { a: proof.a, v: 1 }, { a: proof.a, v: L }, { a: g.identity, v: 1n }];
    for (const p of garbage) expect(outcome(() => verifySchnorr(g, st, p as never, ctx))).toBe('typed-error');
    expect(outcome(() => verifySchnorr(g, { publicKey: g.identity }, proof, ctx))).toBe('typed-error');
    expect(outcome(() => verifySchnorr(g, st, proof, { electionHash: new Uint8Array(31) }))).toBe('typed-error');
    expect(outcome(() => verifySchnorr(g, st, proof, null as never))).toBe('typed-error');
  });

  test('JSON round trip and strict parsing', () => {
    const st = { publicKey: g.mulBase(7n) };
    const proof = proveSchnorr(g, st, 7n, ctx);
    const j = schnorrProofToJSON(g, proof);
    expect(Object.keys(j).sort()).toEqual(['a', 'v']);
    expect(verifySchnorr(g, st, schnorrProofFromJSON(g, JSON.parse(JSON.stringify(j))), ctx)).toBe(true);
    const bad: unknown[] = [
      { ...j, x: '00' },
      { a: j.a },
      { ...j, a: j.a.toUpperCase() },
      { ...j, v: 'ff'.repeat(32) },
      { ...j, a: '00'.repeat(32) },
      { ...j, v: j.v.slice(2) },
      [j.a, j.v],
    ];
    for (const b of bad) expect(outcome(() => schnorrProofFromJSON(g, b) !== undefined)).toBe('typed-error');
  });
});
