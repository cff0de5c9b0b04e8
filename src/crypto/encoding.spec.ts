import { fromBase64Url, toBase64Url, utf8ToBytes } from './encoding';
import { CryptoError } from './errors';

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
