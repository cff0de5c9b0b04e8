/**
 * The libsodium backend against the noble reference: byte-identical on the committed vectors (RFC 9496,
 * hash-to-group, the seeded protocol vectors regenerated through the sodium backend) and on random inputs, with
 * the same edge-case behaviour (identity, zero scalars, foreign elements) and the same verifier verdicts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from './encoding';
import { type Group, type GroupElement, ristretto255Group as noble, ristretto255Scalars } from './group';
import { createSodiumGroup } from './group-sodium';
import {
  chaumPedersenProofFromJSON,
  disjunctiveProofFromJSON,
  rangeProofFromJSON,
  schnorrProofFromJSON,
  verifyChaumPedersen,
  verifyDisjunctive,
  verifyRange,
  verifySchnorr,
} from './proofs';
import { ciphertextFromJSON } from './elgamal';
import { ballotFromJSON, createElection, electionBindingsFromJSON, invalidBallotsBatch, parseManifest, verifyBallot } from './ballot';
import { electionKeySetFromJSON } from './threshold';
import { loadRfc9496Vectors } from '../../test/crypto/rfc9496-vectors';
import { errorCode, outcome, tamperVariants } from '../../test/crypto/proof-helpers';

const V = loadRfc9496Vectors();
const L = noble.order;
const root = resolve(__dirname, '..', '..');
const proofsText = readFileSync(resolve(root, 'test/vectors/evote-proofs.json'), 'utf8');
const electionText = readFileSync(resolve(root, 'test/vectors/evote-election.json'), 'utf8');

let sodium: Group;
let both: [string, Group][];
beforeAll(async () => {
  sodium = await createSodiumGroup();
  both = [
    ['noble', noble],
    ['sodium', sodium],
  ];
});

/** The same element in the other backend, through its canonical encoding. */
const to = (target: Group, from: Group, p: GroupElement) => target.decode(from.encode(p), { allowIdentity: true });
const scalarArb = fc.bigInt({ min: 0n, max: L - 1n });
const nonZero = fc.bigInt({ min: 1n, max: L - 1n });

describe('sodium backend: shape', () => {
  test('same group name and constants; the scalar API is the shared code, not a copy', async () => {
    expect(sodium.name).toBe('ristretto255');
    expect(await createSodiumGroup()).toBe(sodium);
    expect([sodium.order, sodium.elementBytes, sodium.scalarBytes]).toEqual([noble.order, 32, 32]);
    for (const k of Object.keys(ristretto255Scalars) as (keyof typeof ristretto255Scalars)[]) {
      expect(sodium[k]).toBe(ristretto255Scalars[k]);
      expect(noble[k]).toBe(ristretto255Scalars[k]);
    }
    expect(sodium.toHex(sodium.generator)).toBe(noble.toHex(noble.generator));
    expect(sodium.toHex(sodium.identity)).toBe('00'.repeat(32));
    expect(Object.isFrozen(sodium)).toBe(true);
  });
});

describe.each(['noble', 'sodium'])('%s backend on the RFC 9496 vectors', (name) => {
  const g = () => (name === 'noble' ? noble : sodium);
  test('A.1 multiples of G: mulBase, mul, mulPublic, msm, repeated addition, decode/encode', () => {
    const G = g();
    let acc = G.identity;
    V.multiplesOfGenerator.forEach((hex, i) => {
      const k = BigInt(i);
      expect(G.toHex(G.mulBase(k))).toBe(hex);
      expect(G.toHex(G.mul(k, G.generator))).toBe(hex);
      expect(G.toHex(G.mulPublic(k, G.generator))).toBe(hex);
      expect(G.toHex(G.msm([k, 1n, L - 1n], [G.generator, G.generator, G.generator]))).toBe(hex);
      expect(G.toHex(acc)).toBe(hex);
      const p = G.fromHex(hex, { allowIdentity: true });
      expect(bytesToHex(G.encode(p))).toBe(hex);
      expect(G.equals(p, acc)).toBe(true);
      acc = G.add(acc, G.generator);
    });
  });
  test('A.2 invalid encodings: INVALID_POINT, with or without allowIdentity', () => {
    const G = g();
    for (const hex of V.invalidEncodings) {
      expect(errorCode(() => G.fromHex(hex))).toBe('INVALID_POINT');
      expect(errorCode(() => G.decode(hexToBytes(hex), { allowIdentity: true }))).toBe('INVALID_POINT');
    }
  });
  test('A.3 one-way map and the hash-to-group examples', () => {
    const G = g();
    for (const v of V.fromUniformBytes) expect(G.toHex(G.fromUniformBytes(hexToBytes(v.input)))).toBe(v.output);
    for (const v of V.hashToGroupExamples) expect(G.toHex(G.fromUniformBytes(sha512(utf8ToBytes(v.label))))).toBe(v.output);
  });
  test('the hashing examples of evote-proofs.json', () => {
    const G = g();
    const h = JSON.parse(proofsText).hashing;
    expect(G.scalarToHex(G.hashToScalar(hexToBytes(h.hashToScalar.msg), h.hashToScalar.dst))).toBe(h.hashToScalar.output);
    expect(G.toHex(G.hashToGroup(hexToBytes(h.hashToGroup.msg), h.hashToGroup.dst))).toBe(h.hashToGroup.output);
  });
});

describe('sodium backend: edge cases match noble', () => {
  test('identity: rejected by decode unless allowed (libsodium itself calls it valid); arithmetic through it', () => {
    const id = new Uint8Array(32);
    for (const [, G] of both) {
      expect(errorCode(() => G.decode(id))).toBe('INVALID_POINT');
      expect(G.isIdentity(G.decode(id, { allowIdentity: true }))).toBe(true);
      const P = G.mulBase(7n);
      expect(G.isIdentity(G.sub(P, P))).toBe(true);
      expect(G.toHex(G.add(G.identity, P))).toBe(G.toHex(P));
      expect(G.isIdentity(G.neg(G.identity))).toBe(true);
    }
  });
  test('zero scalars and identity results (libsodium refuses them; the backend returns the identity)', () => {
    for (const [, G] of both) {
      const P = G.mulBase(5n);
      expect(G.isIdentity(G.mulBase(0n))).toBe(true);
      expect(G.isIdentity(G.mul(0n, P))).toBe(true);
      expect(G.isIdentity(G.mulPublic(0n, P))).toBe(true);
      expect(G.isIdentity(G.mul(3n, G.identity))).toBe(true);
      expect(G.isIdentity(G.msm([], []))).toBe(true);
      expect(G.isIdentity(G.msm([0n, 2n], [P, G.identity]))).toBe(true);
      expect(G.toHex(G.msm([0n, 1n, 0n], [G.generator, P, G.identity]))).toBe(G.toHex(P));
      expect(errorCode(() => G.msm([1n], []))).toBe('INVALID_STATEMENT');
      expect(errorCode(() => G.msm([L], [P]))).toBe('INVALID_SCALAR');
      expect(errorCode(() => G.mul(L, P))).toBe('INVALID_SCALAR');
      expect(errorCode(() => G.mulBase(-1n))).toBe('INVALID_SCALAR');
      expect(G.precompute(P)).toBeDefined();
      expect(G.toHex(G.mul(9n, G.precompute(P)))).toBe(G.toHex(G.mul(9n, P)));
    }
  });
  test('non-canonical encodings: s ≥ p and negative s; wrong lengths', () => {
    const p = 2n ** 255n - 19n;
    const le = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 255n));
    const s4 = BigInt('0x' + bytesToHex(hexToBytes(V.multiplesOfGenerator[4]).reverse()));
    for (const [, G] of both) {
      for (const bad of [le(p), le(s4 + p), le(p - s4)]) expect(errorCode(() => G.decode(bad, { allowIdentity: true }))).toBe('INVALID_POINT');
      expect(errorCode(() => G.decode(new Uint8Array(31)))).toBe('ENCODING');
      expect(errorCode(() => G.fromHex(V.multiplesOfGenerator[2].toUpperCase()))).toBe('ENCODING');
    }
  });
  test('elements of the other backend, and other objects, are INVALID_POINT everywhere', () => {
    const pairs: [Group, GroupElement][] = [
      [sodium, noble.mulBase(3n)],
      [noble, sodium.mulBase(3n)],
      [sodium, {} as GroupElement],
      [sodium, null as unknown as GroupElement],
      [sodium, new Uint8Array(32) as unknown as GroupElement],
    ];
    for (const [G, x] of pairs) {
      const ops: (() => unknown)[] = [
        () => G.add(x, G.generator),
        () => G.sub(G.generator, x),
        () => G.neg(x),
        () => G.mul(2n, x),
        () => G.mulPublic(2n, x),
        () => G.msm([1n], [x]),
        () => G.precompute(x),
        () => G.equals(x, G.generator),
        () => G.isIdentity(x),
        () => G.encode(x),
        () => G.toHex(x),
      ];
      for (const op of ops) expect(errorCode(op)).toBe('INVALID_POINT');
    }
  });
  test('encode returns a copy and decode copies its input', () => {
    const b = sodium.encode(sodium.generator);
    b[0] ^= 1;
    expect(sodium.toHex(sodium.generator)).toBe(noble.toHex(noble.generator));
    const input = noble.encode(noble.mulBase(11n));
    const P = sodium.decode(input);
    input.fill(0);
    expect(sodium.toHex(P)).toBe(noble.toHex(noble.mulBase(11n)));
  });
});

describe('byte-identical on random inputs (fast-check)', () => {
  test('mulBase, mul, mulPublic, add, sub, neg, equals; encode/decode round trips', () => {
    fc.assert(
      fc.property(nonZero, scalarArb, scalarArb, (a, b, c) => {
        const [Pn, Ps] = [noble.mulBase(a), sodium.mulBase(a)];
        expect(sodium.toHex(Ps)).toBe(noble.toHex(Pn));
        const [Qn, Qs] = [noble.mul(b, Pn), sodium.mul(b, Ps)];
        expect(sodium.toHex(Qs)).toBe(noble.toHex(Qn));
        expect(sodium.toHex(sodium.mulPublic(c, Ps))).toBe(noble.toHex(noble.mulPublic(c, Pn)));
        expect(sodium.toHex(sodium.add(Ps, Qs))).toBe(noble.toHex(noble.add(Pn, Qn)));
        expect(sodium.toHex(sodium.sub(Ps, Qs))).toBe(noble.toHex(noble.sub(Pn, Qn)));
        expect(sodium.toHex(sodium.neg(Qs))).toBe(noble.toHex(noble.neg(Qn)));
        expect(sodium.equals(Ps, Qs)).toBe(noble.equals(Pn, Qn));
        expect(sodium.isIdentity(Qs)).toBe(noble.isIdentity(Qn));
        // round trips across backends
        expect(noble.equals(to(noble, sodium, Qs), Qn)).toBe(true);
        expect(sodium.equals(to(sodium, noble, Qn), Qs)).toBe(true);
        expect(sodium.toHex(sodium.fromHex(sodium.toHex(Qs), { allowIdentity: true }))).toBe(sodium.toHex(Qs));
      }),
      { numRuns: 40 },
    );
  });
  test('msm (with zero scalars and identity points) equals the noble msm and the sum of products', () => {
    const term = fc.tuple(scalarArb, fc.oneof(nonZero, fc.constant(0n)), fc.boolean());
    fc.assert(
      fc.property(fc.array(term, { maxLength: 8 }), (terms) => {
        const ss = terms.map(([s, , zero]) => (zero ? 0n : s));
        const pn = terms.map(([, k]) => noble.mulBase(k));
        const ps = pn.map((p) => to(sodium, noble, p));
        const out = sodium.msm(ss, ps);
        expect(sodium.toHex(out)).toBe(noble.toHex(noble.msm(ss, pn)));
        const sum = ss.reduce((acc, s, i) => sodium.add(acc, sodium.mul(s, ps[i])), sodium.identity);
        expect(sodium.equals(out, sum)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
  test('decode verdicts on arbitrary 32 bytes and on one-bit corruptions of valid encodings', () => {
    const verdict = (G: Group, b: Uint8Array) => errorCode(() => G.toHex(G.decode(b))) ?? G.toHex(G.decode(b));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), nonZero, fc.nat(255), (raw, k, bit) => {
        expect(verdict(sodium, raw)).toBe(verdict(noble, raw));
        const enc = noble.encode(noble.mulBase(k));
        enc[bit >> 3] ^= 1 << (bit & 7);
        expect(verdict(sodium, enc)).toBe(verdict(noble, enc));
      }),
      { numRuns: 200 },
    );
  });
  test('fromUniformBytes and hashToGroup', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 100 }), fc.string({ minLength: 1, maxLength: 40 }), (u, msg, dst) => {
        expect(sodium.toHex(sodium.fromUniformBytes(u))).toBe(noble.toHex(noble.fromUniformBytes(u)));
        expect(sodium.toHex(sodium.hashToGroup(msg, dst))).toBe(noble.toHex(noble.hashToGroup(msg, dst)));
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * Loads the vector builders in an isolated module registry where `ristretto255Group` (and `defaultGroup`) is the
 * sodium backend, instrumented to prove it is the one doing the work. Any noble element leaking into the run
 * would be a foreign element and throw.
 */
async function withSodiumAsDefault<T>(fn: (req: (p: string) => any) => T): Promise<{ result: T; calls: number }> {
  let result!: T;
  let calls = 0;
  await jest.isolateModulesAsync(async () => {
    const { createSodiumGroup: create } = require('./group-sodium');
    const sg: Group = await create();
    const counted: Group = Object.freeze({
      ...sg,
      mulBase: (s: bigint) => (calls++, sg.mulBase(s)),
      mul: (s: bigint, p: GroupElement) => (calls++, sg.mul(s, p)),
    });
    const actual = jest.requireActual('./group');
    jest.doMock('./group', () => ({ ...actual, ristretto255Group: counted, defaultGroup: counted }));
    result = fn(require);
    jest.dontMock('./group');
  });
  return { result, calls };
}

describe('seeded protocol vectors regenerate byte for byte with the sodium backend', () => {
  test('test/vectors/evote-proofs.json', async () => {
    const { result, calls } = await withSodiumAsDefault((req) => {
      const v = req('../../test/crypto/crypto-vectors');
      return v.serializeCryptoVectors(v.buildCryptoVectors(JSON.parse(proofsText).provenance.seed));
    });
    expect(calls).toBeGreaterThan(10);
    expect(result).toBe(proofsText);
  });
  test('test/vectors/evote-election.json', async () => {
    const { result, calls } = await withSodiumAsDefault((req) => {
      const v = req('../../test/crypto/ballot/election-vectors');
      return v.serializeElectionVectors(v.buildElectionVectors(JSON.parse(electionText).provenance.seed));
    });
    expect(calls).toBeGreaterThan(100);
    expect(result).toBe(electionText);
  });
});

describe('verifiers give the same verdicts with both backends', () => {
  const doc = JSON.parse(proofsText);
  const electionHash = hexToBytes(doc.electionHash, 32);
  const ctxOf = (it: { context: string }) => ({ electionHash, context: hexToBytes(it.context) });

  /** For each backend: the verdict on the item and on every single-field tampering of statement and proof. */
  function verdicts(check: (G: Group) => { st: object; proof: object; verify: (st: any, p: any) => boolean }): void {
    const runs = both.map(([, G]) => {
      const { st, proof, verify } = check(G);
      const vs = [outcome(() => verify(st, proof))];
      for (const t of tamperVariants(G, st)) vs.push(outcome(() => verify(t.value, proof)));
      for (const t of tamperVariants(G, proof)) vs.push(outcome(() => verify(st, t.value)));
      return vs;
    });
    expect(runs[0][0]).toBe('accept');
    expect(runs[0].slice(1).every((v) => v === 'reject' || v === 'typed-error')).toBe(true);
    expect(runs[1]).toEqual(runs[0]);
  }

  test('Schnorr, Chaum–Pedersen, disjunctive and range items of evote-proofs.json', () => {
    for (const it of doc.schnorr)
      verdicts((G) => ({
        st: { base: G.fromHex(it.statement.base), publicKey: G.fromHex(it.statement.publicKey) },
        proof: schnorrProofFromJSON(G, it.proof),
        verify: (st, p) => verifySchnorr(G, st, p, ctxOf(it)),
      }));
    for (const it of doc.chaumPedersen) {
      const s = it.statement;
      verdicts((G) => ({
        st: { g: G.fromHex(s.g), h: G.fromHex(s.h), X: G.fromHex(s.X), Y: G.fromHex(s.Y) },
        proof: chaumPedersenProofFromJSON(G, it.proof),
        verify: (st, p) => verifyChaumPedersen(G, st, p, ctxOf(it)),
      }));
    }
    for (const it of doc.disjunctive)
      verdicts((G) => ({
        st: { key: G.fromHex(it.statement.key), ciphertext: ciphertextFromJSON(G, it.statement.ciphertext) },
        proof: disjunctiveProofFromJSON(G, it.proof),
        verify: (st, p) => verifyDisjunctive(G, st, p, ctxOf(it)),
      }));
    for (const it of doc.range) {
      const s = it.statement;
      verdicts((G) => ({
        st: { key: G.fromHex(s.key), ciphertext: ciphertextFromJSON(G, s.ciphertext), min: s.min, max: s.max },
        proof: rangeProofFromJSON(G, it.proof),
        verify: (st, p) => verifyRange(G, st, p, ctxOf(it)),
      }));
    }
  });

  test('ballots of evote-election.json, one by one and batched (invalidBallotsBatch), valid and tampered', () => {
    const ed = JSON.parse(electionText);
    const valid = ed.ballots.map((b: { ballot: unknown }) => b.ballot);
    const clone = (x: unknown) => JSON.parse(JSON.stringify(x));
    const t1 = clone(valid[0]); // swap two ciphertexts: both 0/1 proofs and the sum proof now mismatch
    const [s0, s1] = t1.contests[0].selections;
    [s0.ciphertext, s1.ciphertext] = [s1.ciphertext, s0.ciphertext];
    const t2 = clone(valid[1]);
    t2.contests[1].sumProof.v[0] = noble.scalarToHex(noble.scalarAdd(noble.scalarFromHex(t2.contests[1].sumProof.v[0]), 1n));
    const t3 = clone(valid[2]);
    t3.contests[2].selections[0].proof.a0 = noble.toHex(noble.generator);
    const t4 = clone(valid[3]);
    t4.credential = t4.credential.replace(/^../, 'ff'); // proofs are bound to the credential
    const all = [...valid, t1, t2, t3, t4];
    const results = both.map(([, G]) => {
      const manifest = parseManifest(ed.manifest);
      const election = createElection(G, manifest, hexToBytes(ed.dkg.setupHash, 32), electionKeySetFromJSON(G, ed.dkg.keys), electionBindingsFromJSON(ed.bindings));
      const ballots = all.map((b) => ballotFromJSON(G, manifest, b));
      const one = ballots.map((b) => {
        const v = verifyBallot(G, election, b);
        return v.valid ? 'valid' : v.failures.map((f) => f.check).join(',');
      });
      return { one, batch: invalidBallotsBatch(G, election, ballots) };
    });
    expect(results[0].one.slice(0, valid.length).every((v) => v === 'valid')).toBe(true);
    expect(results[0].one.slice(valid.length).every((v) => v !== 'valid')).toBe(true);
    expect(results[0].batch).toEqual([4, 5, 6, 7]);
    expect(results[1]).toEqual(results[0]);
  });
});
