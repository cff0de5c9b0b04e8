// Byte helpers for the token layer: strict encodings (a value has exactly one accepted text form, so a
// token or key cannot be re-encoded into a second valid-looking variant) and length-prefixed framing.
import { CryptoError, cryptoAssert } from '../errors';

/** Source of uniformly random bytes. Injectable so that tests can replay published vectors. */
export type RandomSource = (length: number) => Uint8Array;

/** Default randomness: WebCrypto `getRandomValues` (browser, Node ≥ 20, Deno alike). */
export const webCryptoRandom: RandomSource = (length) => {
  const c = (globalThis as { crypto?: { getRandomValues?: <T extends ArrayBufferView>(a: T) => T } }).crypto;
  cryptoAssert(c && typeof c.getRandomValues === 'function', 'ENCODING', 'WebCrypto getRandomValues unavailable');
  const out = new Uint8Array(length);
  // getRandomValues is capped at 65,536 bytes per call.
  for (let i = 0; i < length; i += 65536) c.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
};

/** Calls `rng` and checks it honoured the requested length (a short read would silently weaken keys). */
export function randomBytesFrom(rng: RandomSource, length: number): Uint8Array {
  const out = rng(length);
  cryptoAssert(out instanceof Uint8Array && out.length === length, 'ENCODING', 'random source returned wrong length');
  return out;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** 4-byte big-endian length followed by the bytes: the framing used by every protocol message here. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  cryptoAssert(bytes.length <= 0xffffffff, 'ENCODING', 'field too long');
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, false);
  out.set(bytes, 4);
  return out;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 encoding that rejects lone surrogates: TextEncoder would map them to U+FFFD, letting two
 * different strings produce the same bytes.
 */
export function utf8Strict(s: string): Uint8Array {
  cryptoAssert(typeof s === 'string', 'ENCODING', 'expected a string');
  const bytes = encoder.encode(s);
  cryptoAssert(strictDecoder.decode(bytes) === s, 'ENCODING', 'string is not well-formed Unicode');
  return bytes;
}

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex encoding. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Strict hex decoding: lowercase only, even length, optional exact length. */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  cryptoAssert(typeof hex === 'string' && HEX_RE.test(hex), 'ENCODING', 'expected lowercase hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  if (expectedLength !== undefined) {
    cryptoAssert(out.length === expectedLength, 'ENCODING', `expected ${expectedLength} bytes of hex`);
  }
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64URL_INDEX[B64URL.charCodeAt(i)] = i;

/** base64url without padding (RFC 4648 §5), as used by JWK and the token JSON. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[v >> 18] + B64URL[(v >> 12) & 63] + B64URL[(v >> 6) & 63] + B64URL[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += B64URL[v >> 18] + B64URL[(v >> 12) & 63];
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64URL[v >> 18] + B64URL[(v >> 12) & 63] + B64URL[(v >> 6) & 63];
  }
  return out;
}

/**
 * Strict base64url decoding: no padding, no whitespace, no characters outside the URL-safe alphabet,
 * and unused trailing bits must be zero (otherwise several strings would decode to the same bytes).
 */
export function fromBase64Url(s: string, expectedLength?: number): Uint8Array {
  cryptoAssert(typeof s === 'string', 'ENCODING', 'expected a base64url string');
  cryptoAssert(s.length % 4 !== 1, 'ENCODING', 'invalid base64url length');
  const vals = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64URL_INDEX[c] : -1;
    if (v < 0) throw new CryptoError('ENCODING', 'invalid base64url character');
    vals[i] = v;
  }
  const full = Math.floor(s.length / 4);
  const rest = s.length % 4;
  const out = new Uint8Array(full * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  for (let i = 0; i < full * 4; i += 4) {
    const v = (vals[i] << 18) | (vals[i + 1] << 12) | (vals[i + 2] << 6) | vals[i + 3];
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  const i = full * 4;
  if (rest === 2) {
    cryptoAssert((vals[i + 1] & 15) === 0, 'ENCODING', 'non-canonical base64url');
    out[o++] = (vals[i] << 2) | (vals[i + 1] >> 4);
  } else if (rest === 3) {
    cryptoAssert((vals[i + 2] & 3) === 0, 'ENCODING', 'non-canonical base64url');
    const v = (vals[i] << 18) | (vals[i + 1] << 12) | (vals[i + 2] << 6);
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
  }
  if (expectedLength !== undefined) {
    cryptoAssert(out.length === expectedLength, 'ENCODING', `expected ${expectedLength} bytes of base64url`);
  }
  return out;
}

/** Equality in time independent of where the first difference is (lengths are public). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** Big-endian unsigned bytes → BigInt (OS2IP, RFC 8017 §4.2). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** BigInt → big-endian unsigned bytes of exactly `length` (I2OSP, RFC 8017 §4.1). */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  cryptoAssert(x >= 0n, 'ENCODING', 'negative integer');
  const hex = x === 0n ? '' : x.toString(16);
  cryptoAssert(hex.length <= 2 * length, 'ENCODING', 'integer too large');
  return fromHex(hex.padStart(2 * length, '0'));
}
