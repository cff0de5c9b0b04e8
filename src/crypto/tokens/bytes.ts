// Byte helpers of the token layer: injectable randomness, length-prefixed framing and RSA's big-endian
// integers. Hex, base64url, UTF-8 and concatenation come from ../encoding (one strict form each).
import { bytesToHex, hexToBytes } from '../encoding';
import { cryptoAssert } from '../errors';

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

/** 4-byte big-endian length followed by the bytes: the framing used by every protocol message here. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  cryptoAssert(bytes.length <= 0xffffffff, 'ENCODING', 'field too long');
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, false);
  out.set(bytes, 4);
  return out;
}

/** Big-endian unsigned bytes → BigInt (OS2IP, RFC 8017 §4.2). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + bytesToHex(bytes));
}

/** BigInt → big-endian unsigned bytes of exactly `length` (I2OSP, RFC 8017 §4.1). */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  cryptoAssert(x >= 0n, 'ENCODING', 'negative integer');
  const hex = x === 0n ? '' : x.toString(16);
  cryptoAssert(hex.length <= 2 * length, 'ENCODING', 'integer too large');
  return hexToBytes(hex.padStart(2 * length, '0'));
}
