import fc from 'fast-check';
import { ristretto255Group as g, deterministicNonces } from '../group';
import { utf8ToBytes } from '../encoding';
import { encrypt, keygen, prepareElectionKey } from '../elgamal';
import { checkEquations } from './common';
import {
  chaumPedersenEquations,
  chaumPedersenProofFromJSON,
  chaumPedersenProofToJSON,
  proveChaumPedersen,
  verifyChaumPedersen,
} from './chaum-pedersen';
import { contextVariants, expectRejects, outcome, tamperVariants } from '../../../test/crypto/proof-helpers';

const L = g.order;
const ctx = { electionHash: new Uint8Array(32).fill(2), context: utf8ToBytes('decryption-share/1') };

describe('Chaum–Pedersen equality of discrete logs', () => {
  test('completeness (decryption share), and rejection when any single field changes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.bigInt({ min: 1n, max: L - 1n }), (s, x) => {
        const nonces = deterministicNonces(s, 'chaum-pedersen.spec');
        const key = prepareElectionKey(g, g.mulBase(g.hashToScalar(s, 'cp.spec/key')));
        const alpha = encrypt(g, key, 1, nonces).ciphertext.alpha;
        const statement = { g: g.generator, h: alpha, X: g.mulBase(x), Y: g.mul(x, alpha) };
        const proof = proveChaumPedersen(g, statement, x, ctx, nonces);
        expect(verifyChaumPedersen(g, statement, proof, ctx)).toBe(true);
        for (const t of tamperVariants(g, proof)) expectRejects(() => verifyChaumPedersen(g, statement, t.value, ctx), `proof.${t.path}`);
        for (const t of tamperVariants(g, statement)) expectRejects(() => verifyChaumPedersen(g, t.value, proof, ctx), `statement.${t.path}`);
        for (const t of contextVariants(ctx)) expectRejects(() => verifyChaumPedersen(g, statement, proof, t.value), `ctx.${t.path}`);
      }),
      { numRuns: 20 },
    );
  });

  test('swapping the roles of the two bases is rejected; equations hold', () => {
    const kp = keygen(g);
    const h = g.hashToGroup(new Uint8Array(0), 'cp.spec/h');
    const st = { h, X: kp.publicKey, Y: g.mul(kp.secretKey, h) };
    const proof = proveChaumPedersen(g, st, kp.secretKey, ctx);
    expect(verifyChaumPedersen(g, st, proof, ctx)).toBe(true);
    expect(verifyChaumPedersen(g, { g: h, h: g.generator, X: st.Y, Y: st.X }, proof, ctx)).toBe(false);
    const eqs = chaumPedersenEquations(g, st, proof, ctx);
    expect(eqs !== false && eqs.length === 2 && checkEquations(g, eqs)).toBe(true);
    // a Y with a different exponent cannot be proven
    expect(outcome(() => proveChaumPedersen(g, { ...st, Y: g.mul(2n, h) }, kp.secretKey, ctx) !== undefined)).toBe('typed-error');
  });

  test('JSON round trip and strict parsing; garbage gives typed errors', () => {
    const x = 5n;
    const h = g.mulBase(11n);
    const st = { h, X: g.mulBase(x), Y: g.mul(x, h) };
    const proof = proveChaumPedersen(g, st, x, ctx);
    const j = chaumPedersenProofToJSON(g, proof);
    expect(Object.keys(j).sort()).toEqual(['a', 'b', 'v']);
    expect(verifyChaumPedersen(g, st, chaumPedersenProofFromJSON(g, JSON.parse(JSON.stringify(j))), ctx)).toBe(true);
    for (const b of [{ ...j, b: j.b.toUpperCase() }, { a: j.a, v: j.v }, { ...j, v: 'ff'.repeat(32) }, { ...j, b: '00'.repeat(32) }]) {
      expect(outcome(() => chaumPedersenProofFromJSON(g, b) !== undefined)).toBe('typed-error');
    }
    for (const p of [{}, { ...proof, b: 7 }, { ...proof, v: -1n }]) expect(outcome(() => verifyChaumPedersen(g, st, p as never, ctx))).toBe('typed-error');
  });
});
