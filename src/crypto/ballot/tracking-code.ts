/**
 * Tracking codes: a short human-readable form of the ballot hash that a voter writes down and later finds on the
 * public board. The first 80 bits (10 bytes) of the ballot hash, in Crockford base32 (alphabet
 * `0123456789ABCDEFGHJKMNPQRSTVWXYZ`, 5 bits per character, most significant bit first), as four groups of four
 * characters joined by `-`: e.g. `7Q2M-0KXD-VH3A-9RZC`. 80 bits make a deliberate collision with a given code cost
 * ≈ 2^80 ballot encryptions; the full 32-byte hash remains the identifier on the board.
 */
import { assertBytes } from '../encoding';
import { cryptoAssert } from '../errors';

/** Crockford base32 alphabet (no I, L, O, U). */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Bits of the ballot hash in a tracking code. */
export const TRACKING_CODE_BITS = 80;

/** The tracking code of a 32-byte ballot hash. */
export function trackingCode(ballotHash: Uint8Array): string {
  assertBytes(ballotHash, 32, 'ballot hash');
  let acc = 0n;
  for (let i = 0; i < TRACKING_CODE_BITS / 8; i++) acc = (acc << 8n) | BigInt(ballotHash[i]);
  let chars = '';
  for (let i = TRACKING_CODE_BITS / 5 - 1; i >= 0; i--) chars += CROCKFORD_ALPHABET[Number((acc >> BigInt(5 * i)) & 31n)];
  return chars.match(/.{4}/g)!.join('-');
}

/**
 * Normalises a code typed by a person (case-insensitive; I/L → 1, O → 0; spaces and dashes ignored) to the
 * canonical form, or throws.
 * @throws CryptoError `ENCODING` if it is not 16 base32 characters.
 */
export function normalizeTrackingCode(input: string): string {
  cryptoAssert(typeof input === 'string', 'ENCODING', 'tracking code: expected a string');
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  cryptoAssert(s.length === 16 && [...s].every((c) => CROCKFORD_ALPHABET.includes(c)), 'ENCODING', 'tracking code: expected 16 base32 characters');
  return s.match(/.{4}/g)!.join('-');
}
