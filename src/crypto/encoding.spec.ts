import fc from 'fast-check';
import { CryptoError } from './errors';
import {
  bigIntToBytesLE,
  bytesEqual,
  bytesToBigIntLE,
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  expectArray,
  expectObject,
  fromBase64Url,
  hexToBytes,
  randomBytes,
  toBase64Url,
  u32be,
  u64be,
  utf8ToBytes,
} from './encoding';
import { errorCode as code } from '../../test/crypto/proof-helpers';

describe('encoding helpers', () => {
  test('hex round trip, lowercase only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const h = bytesToHex(b);
        expect(h).toMatch(/^[0-9a-f]*$/);
        expect(hexToBytes(h)).toEqual(b);
      }),
      { numRuns: 50 },
    );
    expect(bytesToHex(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff');
    for (const bad of ['A0', 'a', '0x00', 'zz', ' 0', '0\n', 'ĀĀ']) expect(code(() => hexToBytes(bad))).toBe('ENCODING');
    expect(code(() => hexToBytes('00', 2))).toBe('ENCODING');
    expect(hexToBytes('', 0)).toEqual(new Uint8Array(0));
  });
  test('concat and constant-ish equality', () => {
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false);
  });
  test('utf8 and integers', () => {
    expect(bytesToHex(utf8ToBytes('é€'))).toBe('c3a9e282ac');
    expect(bytesToUtf8(utf8ToBytes('héllo'))).toBe('héllo');
    expect(code(() => bytesToUtf8(Uint8Array.of(0xff)))).toBe('ENCODING');
    expect(bytesToHex(u32be(0x01020304))).toBe('01020304');
    expect(code(() => u32be(2 ** 32))).toBe('ENCODING');
    expect(code(() => u32be(-1))).toBe('ENCODING');
    expect(code(() => u32be(1.5))).toBe('ENCODING');
    expect(bytesToHex(u64be(2n ** 64n - 1n))).toBe('ff'.repeat(8));
    expect(bytesToHex(u64be(258))).toBe('0000000000000102');
    expect(code(() => u64be(2n ** 64n))).toBe('ENCODING');
    expect(bytesToBigIntLE(bigIntToBytesLE(258n, 4))).toBe(258n);
    expect(code(() => bigIntToBytesLE(256n, 1))).toBe('ENCODING');
    expect(randomBytes(70000)).toHaveLength(70000);
  });
  test('strict JSON shape helpers', () => {
    expect(expectObject({ a: 1, b: 2 }, ['b', 'a'], 'x')).toEqual({ a: 1, b: 2 });
    expect(expectObject(JSON.parse('{"a":1}'), ['a'], 'x')).toEqual({ a: 1 });
    expect(code(() => expectObject({ a: 1 }, ['a', 'b'], 'x'))).toBe('ENCODING');
    expect(code(() => expectObject({ a: 1, b: 2, c: 3 }, ['a', 'b'], 'x'))).toBe('ENCODING');
    expect(code(() => expectObject([1], ['0'], 'x'))).toBe('ENCODING');
    expect(code(() => expectObject(null, [], 'x'))).toBe('ENCODING');
    expect(code(() => expectObject(new Date(), [], 'x'))).toBe('ENCODING');
    expect(code(() => expectArray({}, 'x'))).toBe('ENCODING');
    expect(code(() => expectArray([1, 2, 3], 'x', 2))).toBe('ENCODING');
  });
});

describe('utf8ToBytes', () => {
  it('encodes well-formed strings', () => {
    expect(Array.from(utf8ToBytes('é€'))).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  });
  it('rejects lone surrogates, which would collide with U+FFFD', () => {
    expect(() => utf8ToBytes('a\ud800')).toThrow(CryptoError);
    expect(() => utf8ToBytes('\udc00')).toThrow(/lone surrogate/);
    expect(Array.from(utf8ToBytes('\ufffd'))).toEqual([0xef, 0xbf, 0xbd]);
  });
});

describe('base64url', () => {
  it('round-trips and rejects padding, foreign alphabets and non-zero trailing bits', () => {
    const bytes = new Uint8Array([251, 255, 191, 0, 1]);
    expect(toBase64Url(bytes)).toBe('-_-_AAE');
    expect(fromBase64Url('-_-_AAE')).toEqual(bytes);
    for (const bad of ['-_-_AAE=', '+/+/AAE', '-_-_AAF', 'A', ' AAAA']) expect(() => fromBase64Url(bad)).toThrow(CryptoError);
  });
});
