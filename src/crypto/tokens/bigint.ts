// Modular arithmetic on native BigInt for the RSA client side. Not constant-time: in production it
// only ever exponentiates with the public exponent; secret values (the blinding factor r) are
// handled so that a timing leak of one operation does not reveal them (see rsabssa.ts).
import { cryptoAssert } from '../errors';

/** Number of bits of a non-negative integer (0 for 0). */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** x mod m in [0, m). */
export function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** Window width minimising squarings + multiplications for an exponent of `bits` bits (HAC 14.85). */
function windowSize(bits: number): number {
  if (bits <= 17) return 1;
  if (bits <= 79) return 3;
  if (bits <= 239) return 4;
  if (bits <= 671) return 5;
  return 6;
}

/**
 * base^exp mod m by left-to-right sliding-window exponentiation (HAC Algorithm 14.85):
 * precompute the odd powers base^1, base^3, …, base^(2^w − 1), then scan the exponent from the
 * top, squaring per bit and multiplying once per window of at most w bits that ends in a 1.
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  cryptoAssert(m > 0n, 'INVALID_SCALAR', 'modulus must be positive');
  cryptoAssert(exp >= 0n, 'INVALID_SCALAR', 'exponent must be non-negative');
  if (m === 1n) return 0n;
  const b = mod(base, m);
  if (exp === 0n) return 1n;
  const bits = exp.toString(2);
  const w = windowSize(bits.length);
  const table: bigint[] = [b];
  if (w > 1) {
    const b2 = (b * b) % m;
    for (let i = 1; i < 1 << (w - 1); i++) table.push((table[i - 1] * b2) % m);
  }
  let result = 1n;
  let started = false; // skip squaring 1
  let i = 0;
  while (i < bits.length) {
    if (bits[i] === '0') {
      if (started) result = (result * result) % m;
      i++;
      continue;
    }
    let j = Math.min(i + w, bits.length) - 1;
    while (bits[j] === '0') j--;
    const value = parseInt(bits.slice(i, j + 1), 2);
    if (started) {
      for (let t = i; t <= j; t++) result = (result * result) % m;
      result = (result * table[(value - 1) >> 1]) % m;
    } else {
      result = table[(value - 1) >> 1];
      started = true;
    }
    i = j + 1;
  }
  return result;
}

/** Greatest common divisor of non-negative integers. */
export function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * a^-1 mod m by the extended Euclidean algorithm.
 * @throws CryptoError('INVALID_SCALAR') if gcd(a, m) ≠ 1.
 */
export function modInverse(a: bigint, m: bigint): bigint {
  cryptoAssert(m > 1n, 'INVALID_SCALAR', 'modulus must be > 1');
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  cryptoAssert(oldR === 1n, 'INVALID_SCALAR', 'value is not invertible');
  return mod(oldS, m);
}
