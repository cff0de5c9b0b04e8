/**
 * Byte and text helpers shared by the cryptographic core. Pure, no Node-only APIs (no Buffer), so the
 * same code runs in the browser, the CLI and the server.
 *
 * The project-wide JSON convention for 32-byte values (points and scalars) is **lowercase hex, exactly
 * 64 characters**. Parsers here are strict: uppercase, odd length, wrong length or any non-hex character
 * is an `ENCODING` error, so each value has exactly one accepted textual form (no malleability).
 */
import { CryptoError, cryptoAssert } from './errors';

const HEX_DIGITS = '0123456789abcdef';
const BYTE_TO_HEX: readonly string[] = Object.freeze(
  Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4] + HEX_DIGITS[i & 15]),
);

/** Returns `true` iff `value` is a `Uint8Array` (including subclasses such as a Node `Buffer`). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array');
}

/**
 * Asserts that `value` is a byte array, optionally of an exact length.
 * @throws CryptoError `ENCODING` otherwise.
 */
export function assertBytes(value: unknown, length?: number, what = 'bytes'): asserts value is Uint8Array {
  cryptoAssert(isBytes(value), 'ENCODING', `${what}: expected Uint8Array`);
  if (length !== undefined) {
    cryptoAssert(value.length === length, 'ENCODING', `${what}: expected ${length} bytes, got ${value.length}`);
  }
}

/** Lowercase hex of `bytes` (the only hex form the project emits). */
export function bytesToHex(bytes: Uint8Array): string {
  assertBytes(bytes);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]];
  return out;
}

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f (lowercase only, by design)
  return -1;
}

/**
 * Strict lowercase-hex decoder.
 * @param hex - lowercase hex string, no `0x` prefix, no whitespace.
 * @param length - if given, the exact number of bytes expected.
 * @throws CryptoError `ENCODING` for non-strings, odd length, uppercase or other non-hex characters, or a
 *   length different from `length`.
 */
export function hexToBytes(hex: string, length?: number, what = 'hex'): Uint8Array {
  cryptoAssert(typeof hex === 'string', 'ENCODING', `${what}: expected a string`);
  cryptoAssert(hex.length % 2 === 0, 'ENCODING', `${what}: odd hex length`);
  if (length !== undefined) {
    cryptoAssert(hex.length === 2 * length, 'ENCODING', `${what}: expected ${2 * length} hex chars, got ${hex.length}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new CryptoError('ENCODING', `${what}: not lowercase hex`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Concatenation of byte arrays into a fresh array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) {
    assertBytes(p);
    total += p.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Equality of two byte arrays whose running time depends only on the lengths (not on where they differ).
 * "Constant-ish": JavaScript gives no hard guarantees, but there is no early exit on content.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a);
  assertBytes(b);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const textEncoder = new TextEncoder();
const textDecoderStrict = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 encoding of a well-formed string. Lone surrogates are rejected: TextEncoder would map them to
 * U+FFFD, so two different strings (an election id, a transcript label) could produce the same bytes.
 * @throws CryptoError `ENCODING` for a non-string or a string with lone surrogates.
 */
export function utf8ToBytes(text: string): Uint8Array {
  cryptoAssert(typeof text === 'string', 'ENCODING', 'utf8: expected a string');
  const bytes = textEncoder.encode(text);
  cryptoAssert(textDecoderStrict.decode(bytes) === text, 'ENCODING', 'utf8: string is not well-formed Unicode (lone surrogate)');
  return bytes;
}

/** Strict UTF-8 decoding. @throws CryptoError `ENCODING` on invalid UTF-8. */
export function bytesToUtf8(bytes: Uint8Array): string {
  assertBytes(bytes);
  try {
    return textDecoderStrict.decode(bytes);
  } catch {
    throw new CryptoError('ENCODING', 'utf8: invalid UTF-8');
  }
}

/** 4-byte big-endian encoding of an unsigned 32-bit integer. @throws CryptoError `ENCODING` if out of range. */
export function u32be(value: number): Uint8Array {
  cryptoAssert(Number.isSafeInteger(value) && value >= 0 && value <= 0xffffffff, 'ENCODING', 'u32: out of range');
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/** 8-byte big-endian encoding of an unsigned 64-bit integer. @throws CryptoError `ENCODING` if out of range. */
export function u64be(value: bigint | number): Uint8Array {
  const v = typeof value === 'number' ? (Number.isSafeInteger(value) ? BigInt(value) : -1n) : value;
  cryptoAssert(typeof v === 'bigint' && v >= 0n && v < 1n << 64n, 'ENCODING', 'u64: out of range');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, false);
  return out;
}

/** Little-endian bytes (fixed `length`) → bigint. */
export function bytesToBigIntLE(bytes: Uint8Array): bigint {
  assertBytes(bytes);
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/** bigint → little-endian bytes of a fixed `length`. @throws CryptoError `ENCODING` if it does not fit. */
export function bigIntToBytesLE(value: bigint, length: number): Uint8Array {
  cryptoAssert(typeof value === 'bigint' && value >= 0n, 'ENCODING', 'expected a non-negative bigint');
  const out = new Uint8Array(length);
  let v = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  cryptoAssert(v === 0n, 'ENCODING', `integer does not fit in ${length} bytes`);
  return out;
}

/** Random bytes from WebCrypto (`globalThis.crypto.getRandomValues`), available in browsers and Node ≥ 20. */
export function randomBytes(length: number): Uint8Array {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  cryptoAssert(c !== undefined && typeof c.getRandomValues === 'function', 'ENCODING', 'WebCrypto is unavailable');
  const out = new Uint8Array(length);
  // getRandomValues is limited to 65,536 bytes per call.
  for (let off = 0; off < length; off += 65536) c.getRandomValues(out.subarray(off, Math.min(length, off + 65536)));
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // Object.prototype of any realm (jest runs tests in a separate vm context), or a null prototype.
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Checks that `json` is a plain object whose own keys are exactly `keys` (no more, no fewer).
 * @throws CryptoError `ENCODING` otherwise.
 */
export function expectObject(json: unknown, keys: readonly string[], what: string): Record<string, unknown> {
  cryptoAssert(
    isPlainObject(json),
    'ENCODING',
    `${what}: expected a plain JSON object`,
  );
  const actual = Object.keys(json).sort();
  const expected = [...keys].sort();
  cryptoAssert(
    actual.length === expected.length && actual.every((k, i) => k === expected[i]),
    'ENCODING',
    `${what}: expected exactly the keys ${expected.join(', ')}`,
  );
  return json as Record<string, unknown>;
}

/**
 * Checks that `json` is an array of at most `maxLength` elements.
 * @throws CryptoError `ENCODING` otherwise.
 */
export function expectArray(json: unknown, what: string, maxLength = 1 << 16): readonly unknown[] {
  cryptoAssert(Array.isArray(json), 'ENCODING', `${what}: expected a JSON array`);
  cryptoAssert(json.length <= maxLength, 'ENCODING', `${what}: too many elements`);
  return json;
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
