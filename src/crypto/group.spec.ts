import fc from 'fast-check';
import { sha512 } from '@noble/hashes/sha2.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { CryptoError } from './errors';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from './encoding';
import { type GroupElement, deterministicNonces, drawNonce, ristretto255Group as g } from './group';
import { loadRfc9496Vectors } from '../../test/crypto/rfc9496-vectors';

const V = loadRfc9496Vectors();
const L = g.order;

function expectCryptoError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe(code);
}

/** Independent RFC 9380 §5.3.1 expand_message_xmd with SHA-512 (b_in_bytes 64, r_in_bytes 128). */
function xmdSha512(msg: Uint8Array, dst: Uint8Array, len: number): Uint8Array {
  const ell = Math.ceil(len / 64);
  const dstPrime = concatBytes(dst, new Uint8Array([dst.length]));
  const b0 = sha512(concatBytes(new Uint8Array(128), msg, new Uint8Array([len >> 8, len & 255, 0]), dstPrime));
  const bs: Uint8Array[] = [sha512(concatBytes(b0, new Uint8Array([1]), dstPrime))];
  for (let i = 2; i <= ell; i++) {
    const x = b0.map((v, k) => v ^ bs[i - 2][k]);
    bs.push(sha512(concatBytes(x, new Uint8Array([i]), dstPrime)));
  }
  return concatBytes(...bs).slice(0, len);
}

function leToBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}

describe('ristretto255 group: RFC 9496 vectors', () => {
  test('vector file keeps its provenance', () => {
    expect(V.provenance).toMatch(/RFC 9496/);
    expect(V.multiplesOfGenerator).toHaveLength(16);
    expect(V.invalidEncodings.length).toBeGreaterThanOrEqual(29);
  });

  test('A.1 multiples of the generator: mulBase, mul, msm, repeated addition, decode/encode', () => {
    let acc = g.identity;
    V.multiplesOfGenerator.forEach((hex, i) => {
      const k = BigInt(i);
      expect(g.toHex(g.mulBase(k))).toBe(hex);
      expect(g.toHex(g.mul(k, g.generator))).toBe(hex);
      expect(g.toHex(g.mulPublic(k, g.generator))).toBe(hex);
      expect(g.toHex(acc)).toBe(hex);
      expect(g.toHex(g.msm([k, 1n, L - 1n], [g.generator, g.generator, g.generator]))).toBe(hex);
      const p = g.fromHex(hex, { allowIdentity: true });
      expect(bytesToHex(g.encode(p))).toBe(hex);
      expect(g.equals(p, acc)).toBe(true);
      acc = g.add(acc, g.generator);
    });
  });

  test('A.2 invalid encodings are rejected (INVALID_POINT), with or without allowIdentity', () => {
    for (const hex of V.invalidEncodings) {
      expectCryptoError(() => g.fromHex(hex), 'INVALID_POINT');
      expectCryptoError(() => g.decode(hexToBytes(hex), { allowIdentity: true }), 'INVALID_POINT');
    }
  });

  test('A.3 one-way map from 64 uniform bytes', () => {
    for (const v of V.fromUniformBytes) expect(g.toHex(g.fromUniformBytes(hexToBytes(v.input)))).toBe(v.output);
  });

  test('hash-to-group examples: one-way map of SHA-512(label)', () => {
    for (const v of V.hashToGroupExamples) expect(g.toHex(g.fromUniformBytes(sha512(utf8ToBytes(v.label))))).toBe(v.output);
  });
});

describe('hash-to-scalar and hash-to-group (RFC 9380 expand_message_xmd SHA-512)', () => {
  const rfcDst = utf8ToBytes('QUUX-V01-CS02-with-expander-SHA512-256');
  test('RFC 9380 K.3 vectors for expand_message_xmd(SHA-512), for the backend and the independent reference', () => {
    const cases: [string, string][] = [
      ['', '6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba'],
      ['abc', '0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc'],
    ];
    for (const [msg, out] of cases) {
      expect(bytesToHex(expand_message_xmd(utf8ToBytes(msg), rfcDst, 32, sha512))).toBe(out);
      expect(bytesToHex(xmdSha512(utf8ToBytes(msg), rfcDst, 32))).toBe(out);
    }
  });

  test('hashToScalar = LE(xmd(msg, dst, 64)) mod ℓ; hashToGroup = oneWayMap(xmd(msg, dst, 64))', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 60 }), (msg, dstStr) => {
        const dst = utf8ToBytes(dstStr);
        fc.pre(dst.length <= 255);
        const u = xmdSha512(msg, dst, 64);
        expect(g.hashToScalar(msg, dstStr)).toBe(leToBigInt(u) % L);
        expect(g.hashToScalar(msg, dst)).toBe(leToBigInt(u) % L);
        expect(g.equals(g.hashToGroup(msg, dst), g.fromUniformBytes(u))).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  test('fixed known answers (regression pins for alternative backends)', () => {
    const msg = utf8ToBytes('evote');
    expect(g.scalarToHex(g.hashToScalar(msg, 'evote/v1/test'))).toBe(
      g.scalarToHex(leToBigInt(xmdSha512(msg, utf8ToBytes('evote/v1/test'), 64)) % L),
    );
    expect(g.toHex(g.hashToGroup(new Uint8Array(0), 'ristretto255_XMD:SHA-512_R255MAP_RO_'))).toBe(
      g.toHex(g.fromUniformBytes(xmdSha512(new Uint8Array(0), utf8ToBytes('ristretto255_XMD:SHA-512_R255MAP_RO_'), 64))),
    );
  });

  test('domain separation and DST limits', () => {
    const m = utf8ToBytes('x');
    expect(g.hashToScalar(m, 'a')).not.toBe(g.hashToScalar(m, 'b'));
    expect(g.equals(g.hashToGroup(m, 'a'), g.hashToGroup(m, 'b'))).toBe(false);
    expectCryptoError(() => g.hashToScalar(m, ''), 'ENCODING');
    expectCryptoError(() => g.hashToGroup(m, 'x'.repeat(256)), 'ENCODING');
    expect(() => g.hashToScalar(m, 'x'.repeat(255))).not.toThrow();
    expectCryptoError(() => g.hashToScalar('x' as unknown as Uint8Array, 'a'), 'ENCODING');
  });
});

describe('strict point decoding', () => {
  const fiveG = V.multiplesOfGenerator[5];
  test('wrong lengths and non-bytes are ENCODING errors', () => {
    expectCryptoError(() => g.decode(new Uint8Array(31)), 'ENCODING');
    expectCryptoError(() => g.decode(new Uint8Array(33)), 'ENCODING');
    expectCryptoError(() => g.decode([1, 2, 3] as unknown as Uint8Array), 'ENCODING');
    expectCryptoError(() => g.fromHex(fiveG.slice(0, 62)), 'ENCODING');
    expectCryptoError(() => g.fromHex(fiveG + '00'), 'ENCODING');
  });
  test('JSON hex must be lowercase, exactly 64 hex chars', () => {
    expect(() => g.fromHex(fiveG)).not.toThrow();
    expectCryptoError(() => g.fromHex(fiveG.toUpperCase()), 'ENCODING');
    expectCryptoError(() => g.fromHex('0x' + fiveG.slice(2)), 'ENCODING');
    expectCryptoError(() => g.fromHex(fiveG.slice(0, 63) + 'g'), 'ENCODING');
    expectCryptoError(() => g.fromHex(' ' + fiveG.slice(1)), 'ENCODING');
    expectCryptoError(() => g.fromHex(5 as unknown as string), 'ENCODING');
  });
  test('identity rejected unless allowed', () => {
    const id = '00'.repeat(32);
    expectCryptoError(() => g.fromHex(id), 'INVALID_POINT');
    expect(g.isIdentity(g.fromHex(id, { allowIdentity: true }))).toBe(true);
  });
  test('non-canonical: s ≥ p and negative s', () => {
    const p = 2n ** 255n - 19n;
    const enc = (n: bigint) => bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 255n)));
    expectCryptoError(() => g.fromHex(enc(p)), 'INVALID_POINT'); // s = p ≡ 0
    const s4 = leToBigInt(hexToBytes(V.multiplesOfGenerator[4]));
    expectCryptoError(() => g.fromHex(enc(s4 + p)), 'INVALID_POINT'); // ≥ 2^255 here, still rejected
    expectCryptoError(() => g.fromHex(enc(p - s4)), 'INVALID_POINT'); // −s is odd ⇒ "negative"
  });
  test('objects from elsewhere are not group elements', () => {
    expectCryptoError(() => g.add({} as GroupElement, g.generator), 'INVALID_POINT');
    expectCryptoError(() => g.encode(null as unknown as GroupElement), 'INVALID_POINT');
  });
});

describe('scalars', () => {
  test('encode/decode round trip (LE, 32 bytes)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: L - 1n }), (s) => {
        const b = g.encodeScalar(s);
        expect(b).toHaveLength(32);
        expect(g.decodeScalar(b)).toBe(s);
        expect(g.scalarFromHex(g.scalarToHex(s))).toBe(s);
      }),
      { numRuns: 50 },
    );
    expect(g.scalarToHex(1n)).toBe('01' + '00'.repeat(31));
  });
  test('rejects ≥ ℓ, zero when disallowed, wrong length, uppercase', () => {
    const lHex = bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => Number((L >> BigInt(8 * i)) & 255n)));
    expectCryptoError(() => g.scalarFromHex(lHex), 'INVALID_SCALAR');
    expectCryptoError(() => g.scalarFromHex('ff'.repeat(32)), 'INVALID_SCALAR');
    expect(g.scalarFromHex(g.scalarToHex(L - 1n))).toBe(L - 1n);
    expectCryptoError(() => g.scalarFromHex('00'.repeat(32), { allowZero: false }), 'INVALID_SCALAR');
    expect(g.scalarFromHex('00'.repeat(32))).toBe(0n);
    expectCryptoError(() => g.decodeScalar(new Uint8Array(31)), 'ENCODING');
    expectCryptoError(() => g.scalarFromHex('0A' + '00'.repeat(31)), 'ENCODING');
    expectCryptoError(() => g.encodeScalar(L), 'INVALID_SCALAR');
    expectCryptoError(() => g.encodeScalar(-1n), 'INVALID_SCALAR');
    expectCryptoError(() => g.mul(L, g.generator), 'INVALID_SCALAR');
    expectCryptoError(() => g.mulBase(1 as unknown as bigint), 'INVALID_SCALAR');
  });
  test('arithmetic mod ℓ', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: L - 1n }), fc.bigInt({ min: 0n, max: L - 1n }), (a, b) => {
        expect(g.scalarMul(a, g.scalarInv(a))).toBe(1n);
        expect(g.scalarAdd(g.scalarSub(b, a), a)).toBe(b);
        expect(g.scalarAdd(a, g.scalarNeg(a))).toBe(0n);
      }),
      { numRuns: 30 },
    );
    expectCryptoError(() => g.scalarInv(0n), 'INVALID_SCALAR');
    expect(g.scalarFromInt(-1)).toBe(L - 1n);
    expect(g.scalarFromWideBytes(new Uint8Array(64).fill(255))).toBe((2n ** 512n - 1n) % L);
  });
  test('randomScalar is in [1, ℓ) and not repeating', () => {
    const seen = new Set<bigint>();
    for (let i = 0; i < 20; i++) {
      const s = g.randomScalar();
      expect(s > 0n && s < L).toBe(true);
      seen.add(s);
    }
    expect(seen.size).toBe(20);
  });
});

describe('group laws, precomputation and msm', () => {
  const sc = fc.bigInt({ min: 0n, max: L - 1n });
  test('mul is linear; mulBase, mul and mulPublic agree; precompute does not change results', () => {
    fc.assert(
      fc.property(sc, sc, sc, (a, b, k) => {
        const P = g.mulBase(k);
        const Pp = g.precompute(P);
        const lhs = g.mul(g.scalarAdd(a, b), P);
        expect(g.equals(lhs, g.add(g.mul(a, P), g.mul(b, P)))).toBe(true);
        expect(g.equals(g.mul(a, Pp), g.mulPublic(a, P))).toBe(true);
        expect(g.equals(g.mulBase(g.scalarMul(a, k)), g.mul(a, P))).toBe(true);
        expect(g.equals(g.sub(P, P), g.identity)).toBe(true);
        expect(g.equals(g.add(P, g.neg(P)), g.identity)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });
  test('msm equals the naive sum (sizes 0..12, including zero scalars and identity points)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sc, sc, fc.boolean()), { maxLength: 12 }), (terms) => {
        const scalars = terms.map(([s, , zero]) => (zero ? 0n : s));
        const points = terms.map(([, k]) => g.mulBase(k));
        let naive = g.identity;
        terms.forEach((_, i) => (naive = g.add(naive, g.mul(scalars[i], points[i]))));
        expect(g.equals(g.msm(scalars, points), naive)).toBe(true);
      }),
      { numRuns: 20 },
    );
    // the Pippenger path (> 128 terms)
    const n = 150;
    const scalars = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0n : g.hashToScalar(Uint8Array.of(i), 'msm.spec')));
    const points = Array.from({ length: n }, (_, i) => g.mulBase(BigInt(i + 1)));
    const expected = g.mulBase(scalars.reduce((acc, s, i) => g.scalarAdd(acc, g.scalarMul(s, BigInt(i + 1))), 0n));
    expect(g.equals(g.msm(scalars, points), expected)).toBe(true);
    expectCryptoError(() => g.msm([1n], []), 'INVALID_STATEMENT');
    expectCryptoError(() => g.msm([L], [g.generator]), 'INVALID_SCALAR');
  });
});

describe('nonce sources', () => {
  test('deterministicNonces is reproducible and depends on seed, purpose, counter and label', () => {
    const seed = utf8ToBytes('seed');
    const a = deterministicNonces(seed, 'p');
    const b = deterministicNonces(seed, 'p');
    const x1 = a('x');
    expect(b('x')).toBe(x1);
    expect(a('x')).not.toBe(x1); // counter advanced
    expect(deterministicNonces(seed, 'q')('x')).not.toBe(x1);
    expect(deterministicNonces(utf8ToBytes('seed2'), 'p')('x')).not.toBe(x1);
    expect(deterministicNonces(seed, 'p')('y')).not.toBe(x1);
  });
  test('drawNonce rejects a broken source', () => {
    expectCryptoError(() => drawNonce(g, () => 0n, 'k'), 'INVALID_SCALAR');
    expectCryptoError(() => drawNonce(g, () => L, 'k'), 'INVALID_SCALAR');
  });
});
