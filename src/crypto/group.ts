/**
 * The prime-order group abstraction of the protocol and its reference implementation over ristretto255
 * (RFC 9496) with `@noble/curves`.
 *
 * Protocol code (ElGamal, proofs, threshold, ballots) depends only on the {@link Group} interface and the
 * opaque {@link GroupElement} type, never on noble directly, so a faster backend (e.g. libsodium WASM) can be
 * swapped in. Any backend MUST be byte-identical to this one: same encodings, same hash-to-scalar and
 * hash-to-group outputs (see docs/protocol.md §10).
 *
 * Scalars are `bigint` in [0, ℓ). Every function that takes a scalar checks its range and throws
 * `CryptoError('INVALID_SCALAR')` otherwise; scalar arithmetic helpers always return reduced values.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { CryptoError, cryptoAssert } from './errors';
import { assertBytes, bigIntToBytesLE, bytesToBigIntLE, bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from './encoding';

declare const groupElementBrand: unique symbol;

/**
 * An element of the group, opaque to protocol code. Only the {@link Group} that created it may operate on it;
 * obtain one via `decode`, `generator`, `identity`, arithmetic, or hashing. Immutable.
 */
export interface GroupElement {
  readonly [groupElementBrand]: true;
}

/** Options for {@link Group.decode}. */
export interface DecodeOptions {
  /** Accept the identity element (all-zero encoding). Default `false`: the identity is rejected. */
  readonly allowIdentity?: boolean;
}

/** Options for {@link Group.decodeScalar}. */
export interface ScalarDecodeOptions {
  /** Accept the scalar 0. Default `true`. */
  readonly allowZero?: boolean;
}

/**
 * A cyclic group of prime order ℓ, written additively, with 32-byte canonical encodings for elements and
 * scalars. All methods are pure; elements are immutable.
 */
export interface Group {
  /** Backend-independent identifier of the group, e.g. `"ristretto255"`. */
  readonly name: string;
  /** The prime order ℓ. */
  readonly order: bigint;
  /** Length of an element encoding in bytes (32). */
  readonly elementBytes: number;
  /** Length of a scalar encoding in bytes (32). */
  readonly scalarBytes: number;
  /** The standard generator G (RFC 9496 base point). Multiplication by it uses a precomputed table. */
  readonly generator: GroupElement;
  /** The identity element (encoded as 32 zero bytes). */
  readonly identity: GroupElement;

  /** a + b. @throws CryptoError `INVALID_POINT` if an argument is not an element of this backend (same for all methods). */
  add(a: GroupElement, b: GroupElement): GroupElement;
  /** a − b */
  sub(a: GroupElement, b: GroupElement): GroupElement;
  /** −a */
  neg(a: GroupElement): GroupElement;
  /** s·P for a possibly secret scalar s (constant-time backend path). */
  mul(s: bigint, p: GroupElement): GroupElement;
  /** s·P for a PUBLIC scalar s (variable-time, faster). Never use with secrets. */
  mulPublic(s: bigint, p: GroupElement): GroupElement;
  /** s·G with the fixed-base precomputed table of the generator (constant-time backend path). */
  mulBase(s: bigint): GroupElement;
  /**
   * Multi-scalar multiplication Σ sᵢ·Pᵢ (Pippenger). VARIABLE-TIME: for verification with public scalars only.
   * @throws CryptoError `INVALID_STATEMENT` if the lengths differ.
   */
  msm(scalars: readonly bigint[], points: readonly GroupElement[]): GroupElement;
  /**
   * Returns an element equal to `p` that carries a fixed-window precomputed table, so repeated `mul`
   * by it (e.g. the election public key K) is several times faster. Cheap to call again on the same object.
   */
  precompute(p: GroupElement): GroupElement;
  /** Group equality (RFC 9496 §4.3.3; equal elements have equal encodings). */
  equals(a: GroupElement, b: GroupElement): boolean;
  /** a = O (the identity). Also a cheap membership check: throws `INVALID_POINT` for foreign objects. */
  isIdentity(a: GroupElement): boolean;

  /** Canonical 32-byte encoding (RFC 9496 §4.3.2). */
  encode(p: GroupElement): Uint8Array;
  /**
   * Strict decoding (RFC 9496 §4.3.1): rejects wrong length and non-canonical encodings, and the identity
   * unless `opts.allowIdentity`.
   * @throws CryptoError `ENCODING` (wrong type/length) or `INVALID_POINT` (not a canonical encoding, or identity).
   */
  decode(bytes: Uint8Array, opts?: DecodeOptions): GroupElement;
  /** Lowercase hex (64 chars) of `encode(p)`: the JSON form of a point. */
  toHex(p: GroupElement): string;
  /** Strict JSON decoding: lowercase hex, 64 chars, then {@link decode}. */
  fromHex(hex: string, opts?: DecodeOptions): GroupElement;
  /**
   * RFC 9496 §4.3.4 one-way map ("element derivation") from 64 uniform bytes. Exposed for test vectors
   * and for callers that already have uniform bytes; protocol code should use {@link hashToGroup}.
   */
  fromUniformBytes(bytes: Uint8Array): GroupElement;
  /**
   * RFC 9380 hash_to_ristretto255 with suite `ristretto255_XMD:SHA-512_R255MAP_RO_`:
   * expand_message_xmd(SHA-512, msg, dst, 64), then the one-way map. `dst`: 1..255 bytes, required.
   */
  hashToGroup(msg: Uint8Array, dst: string | Uint8Array): GroupElement;

  /** True iff `s` is a bigint in [0, ℓ). */
  isScalar(s: unknown): s is bigint;
  /** 32-byte little-endian encoding. @throws CryptoError `INVALID_SCALAR` if not in [0, ℓ). */
  encodeScalar(s: bigint): Uint8Array;
  /**
   * Strict decoding of 32 little-endian bytes; rejects values ≥ ℓ (no reduction), and 0 if `allowZero` is false.
   * @throws CryptoError `ENCODING` (wrong type/length) or `INVALID_SCALAR`.
   */
  decodeScalar(bytes: Uint8Array, opts?: ScalarDecodeOptions): bigint;
  /** Lowercase hex (64 chars) of `encodeScalar(s)`: the JSON form of a scalar. */
  scalarToHex(s: bigint): string;
  /** Strict JSON decoding of a scalar: lowercase hex, 64 chars, then {@link decodeScalar}. */
  scalarFromHex(hex: string, opts?: ScalarDecodeOptions): bigint;
  /** Uniformly random non-zero scalar from WebCrypto (64 random bytes reduced mod ℓ, rejecting 0). */
  randomScalar(): bigint;
  /**
   * Hash to a scalar: expand_message_xmd(SHA-512, msg, dst, 64) read as a 512-bit LITTLE-endian integer,
   * reduced mod ℓ (as RFC 9497 HashToScalar and libsodium `crypto_core_ristretto255_scalar_reduce`).
   * `dst`: 1..255 bytes, required.
   */
  hashToScalar(msg: Uint8Array, dst: string | Uint8Array): bigint;
  /** 64 bytes read little-endian, reduced mod ℓ (libsodium `crypto_core_ristretto255_scalar_reduce`). */
  scalarFromWideBytes(bytes: Uint8Array): bigint;

  /** (a + b) mod ℓ */
  scalarAdd(a: bigint, b: bigint): bigint;
  /** (a − b) mod ℓ */
  scalarSub(a: bigint, b: bigint): bigint;
  /** (a · b) mod ℓ */
  scalarMul(a: bigint, b: bigint): bigint;
  /** (−a) mod ℓ */
  scalarNeg(a: bigint): bigint;
  /** a⁻¹ mod ℓ. @throws CryptoError `INVALID_SCALAR` for 0. */
  scalarInv(a: bigint): bigint;
  /** Reduce any integer (possibly negative or ≥ ℓ) into [0, ℓ). For small public integers such as votes. */
  scalarFromInt(n: bigint | number): bigint;
}

type RPoint = InstanceType<typeof ristretto255.Point>;
const RistrettoPoint = ristretto255.Point;
const L: bigint = RistrettoPoint.Fn.ORDER;

function mod(a: bigint): bigint {
  const r = a % L;
  return r < 0n ? r + L : r;
}

function dstBytes(dst: string | Uint8Array): Uint8Array {
  const d = typeof dst === 'string' ? utf8ToBytes(dst) : dst;
  assertBytes(d, undefined, 'DST');
  // RFC 9380 §5.3.3: longer DSTs would need the oversize-DST hashing; we simply forbid them.
  cryptoAssert(d.length >= 1 && d.length <= 255, 'ENCODING', 'DST must be 1..255 bytes');
  return d;
}

function pt(p: GroupElement): RPoint {
  if (!(p instanceof RistrettoPoint)) throw new CryptoError('INVALID_POINT', 'not a ristretto255 element of this backend');
  return p as unknown as RPoint;
}

function el(p: RPoint): GroupElement {
  return p as unknown as GroupElement;
}

function scalar(s: unknown, what = 'scalar'): bigint {
  if (typeof s !== 'bigint' || s < 0n || s >= L) throw new CryptoError('INVALID_SCALAR', `${what} not in [0, ℓ)`);
  return s;
}

/** Variable-time s·P (noble's `multiply` refuses 0; `multiplyUnsafe` accepts it). */
function mulVar(s: bigint, p: RPoint): RPoint {
  return s === 0n ? RistrettoPoint.ZERO : p.multiplyUnsafe(s);
}

/**
 * Constant-time s·P (noble's `multiply`). noble refuses s = 0; rather than returning early (which would reveal
 * through timing that, say, a vote is 0), compute 1·P − P with the same multiplication cost.
 */
function mulCt(s: bigint, p: RPoint): RPoint {
  const isZero = s === 0n;
  const q = p.multiply(isZero ? 1n : s);
  return isZero ? q.subtract(p) : q.add(RistrettoPoint.ZERO);
}

/** Up to this many terms `msm` uses Strauss–Shamir, above it Pippenger. */
const MSM_STRAUSS_MAX = 128;

const G: RPoint = RistrettoPoint.BASE;
// noble keeps precomputed tables per point object; BASE already has a default one. W = 8 trades ~1 MB of
// table (33 windows × 128 points) for fewer additions per fixed-base multiplication.
G.precompute(8); // lazy: built on first use

/** Elements returned by `precompute`, and the precomputed twin of each input (so repeated calls are cheap). */
const precomputed = new WeakSet<RPoint>();
const precomputedFor = new WeakMap<RPoint, RPoint>();

function decodePoint(bytes: Uint8Array, opts?: DecodeOptions): GroupElement {
  assertBytes(bytes, 32, 'group element');
  let p: RPoint;
  try {
    p = RistrettoPoint.fromBytes(bytes);
  } catch {
    throw new CryptoError('INVALID_POINT', 'not a canonical ristretto255 encoding');
  }
  if (!opts?.allowIdentity && p.is0()) throw new CryptoError('INVALID_POINT', 'identity element not allowed');
  encodings.set(p, Uint8Array.from(bytes)); // strict decoding: the input is the canonical encoding (copied: may be a Buffer view)
  return el(p);
}

function decodeScalar(bytes: Uint8Array, opts?: ScalarDecodeOptions): bigint {
  assertBytes(bytes, 32, 'scalar');
  const s = bytesToBigIntLE(bytes);
  cryptoAssert(s < L, 'INVALID_SCALAR', 'scalar not canonical (≥ ℓ)');
  cryptoAssert(opts?.allowZero !== false || s !== 0n, 'INVALID_SCALAR', 'zero scalar not allowed');
  return s;
}

function hashToScalar(msg: Uint8Array, dst: string | Uint8Array): bigint {
  assertBytes(msg, undefined, 'message');
  return mod(bytesToBigIntLE(expand_message_xmd(msg, dstBytes(dst), 64, sha512)));
}

/**
 * The 64 uniform bytes that {@link Group.hashToGroup} feeds to the RFC 9496 one-way map:
 * expand_message_xmd(SHA-512, msg, dst, 64). Shared by every ristretto255 backend so their outputs agree.
 */
export function hashToGroupUniformBytes(msg: Uint8Array, dst: string | Uint8Array): Uint8Array {
  assertBytes(msg, undefined, 'message');
  return expand_message_xmd(msg, dstBytes(dst), 64, sha512);
}

/** The scalar half of {@link Group}: pure bigint arithmetic mod ℓ, independent of the point backend. */
export type ScalarOps = Pick<
  Group,
  | 'order'
  | 'scalarBytes'
  | 'isScalar'
  | 'encodeScalar'
  | 'decodeScalar'
  | 'scalarToHex'
  | 'scalarFromHex'
  | 'randomScalar'
  | 'hashToScalar'
  | 'scalarFromWideBytes'
  | 'scalarAdd'
  | 'scalarSub'
  | 'scalarMul'
  | 'scalarNeg'
  | 'scalarInv'
  | 'scalarFromInt'
>;

/** The ristretto255 scalar operations, shared by every backend of the group (so they cannot diverge). */
export const ristretto255Scalars: ScalarOps = Object.freeze({
  order: L,
  scalarBytes: 32,
  isScalar: (s: unknown): s is bigint => typeof s === 'bigint' && s >= 0n && s < L,
  encodeScalar: (s: bigint) => bigIntToBytesLE(scalar(s), 32),
  decodeScalar,
  scalarToHex: (s: bigint) => bytesToHex(bigIntToBytesLE(scalar(s), 32)),
  scalarFromHex: (hex: string, opts?: ScalarDecodeOptions) => decodeScalar(hexToBytes(hex, 32, 'scalar'), opts),
  randomScalar(): bigint {
    // 64 bytes → statistical distance from uniform ≈ 2^-259; loop only guards the (negligible) zero.
    for (;;) {
      const s = mod(bytesToBigIntLE(randomBytes(64)));
      if (s !== 0n) return s;
    }
  },
  hashToScalar,
  scalarFromWideBytes(bytes: Uint8Array): bigint {
    assertBytes(bytes, 64, 'wide scalar bytes');
    return mod(bytesToBigIntLE(bytes));
  },

  scalarAdd: (a: bigint, b: bigint) => mod(scalar(a) + scalar(b)),
  scalarSub: (a: bigint, b: bigint) => mod(scalar(a) - scalar(b)),
  scalarMul: (a: bigint, b: bigint) => mod(scalar(a) * scalar(b)),
  scalarNeg: (a: bigint) => mod(-scalar(a)),
  scalarInv(a: bigint): bigint {
    cryptoAssert(scalar(a) !== 0n, 'INVALID_SCALAR', 'cannot invert 0');
    // Fermat: a^(ℓ−2) mod ℓ. Variable-time square-and-multiply; fine for public values (Lagrange coefficients).
    let result = 1n;
    let base = a;
    let e = L - 2n;
    while (e > 0n) {
      if (e & 1n) result = (result * base) % L;
      base = (base * base) % L;
      e >>= 1n;
    }
    return result;
  },
  scalarFromInt(n: bigint | number): bigint {
    if (typeof n === 'number') {
      cryptoAssert(Number.isSafeInteger(n), 'INVALID_SCALAR', 'not a safe integer');
      return mod(BigInt(n));
    }
    cryptoAssert(typeof n === 'bigint', 'INVALID_SCALAR', 'not an integer');
    return mod(n);
  },
});

/**
 * Canonical encodings already computed (or read by `decode`), per point object. noble's `toBytes` costs an
 * inverse square root (~60 µs); a proof point is encoded for its transcript, again for JSON and again for the
 * ballot hash, and a verifier re-encodes every decoded point for the transcript. Points are immutable, so the
 * cache can never go stale; callers get a copy.
 */
const encodings = new WeakMap<RPoint, Uint8Array>();

function encodedBytes(p: RPoint): Uint8Array {
  let b = encodings.get(p);
  if (!b) {
    b = p.toBytes();
    encodings.set(p, b);
  }
  return b;
}

/** The reference {@link Group}: ristretto255 (RFC 9496) via `@noble/curves`. Frozen singleton. */
export const ristretto255Group: Group = Object.freeze({
  ...ristretto255Scalars,
  name: 'ristretto255',
  elementBytes: 32,
  generator: el(G),
  identity: el(RistrettoPoint.ZERO),

  add: (a: GroupElement, b: GroupElement) => el(pt(a).add(pt(b))),
  sub: (a: GroupElement, b: GroupElement) => el(pt(a).subtract(pt(b))),
  neg: (a: GroupElement) => el(pt(a).negate()),
  mul: (s: bigint, p: GroupElement) => el(mulCt(scalar(s), pt(p))),
  mulPublic: (s: bigint, p: GroupElement) => el(mulVar(scalar(s), pt(p))),
  mulBase: (s: bigint) => el(mulCt(scalar(s), G)),
  msm(scalars: readonly bigint[], points: readonly GroupElement[]): GroupElement {
    cryptoAssert(
      Array.isArray(scalars) && Array.isArray(points) && scalars.length === points.length,
      'INVALID_STATEMENT',
      'msm: scalars and points must be arrays of equal length',
    );
    if (scalars.length === 0) return el(RistrettoPoint.ZERO);
    const ss = scalars.map((s, i) => scalar(s, `msm scalar ${i}`));
    const ps = points.map(pt);
    // Measured with noble 2.4: interleaved wNAF (Strauss–Shamir) beats Pippenger's bucket set-up up to ~100
    // points (2.3x at 3 points, the shape of a sigma-proof equation); Pippenger wins for large batches.
    if (ss.length <= MSM_STRAUSS_MAX) return el(mulAddUnsafe(RistrettoPoint, ps, ss));
    return el(pippenger(RistrettoPoint, ps, ss));
  },
  precompute(p: GroupElement): GroupElement {
    const src = pt(p);
    if (precomputed.has(src)) return p;
    let q = precomputedFor.get(src);
    if (!q) {
      // noble keys its tables by object identity: a fresh wrapper (via add(ZERO)) keeps the caller's object
      // untouched and gives the table a stable owner. ~35 ms and well under 1 MB per table at W = 8.
      q = src.add(RistrettoPoint.ZERO);
      q.precompute(8, false);
      precomputed.add(q);
      precomputedFor.set(src, q);
    }
    return el(q);
  },
  equals: (a: GroupElement, b: GroupElement) => pt(a).equals(pt(b)),
  isIdentity: (a: GroupElement) => pt(a).is0(),

  encode: (p: GroupElement) => encodedBytes(pt(p)).slice(),
  decode: decodePoint,
  toHex: (p: GroupElement) => bytesToHex(encodedBytes(pt(p))),
  fromHex: (hex: string, opts?: DecodeOptions) => decodePoint(hexToBytes(hex, 32, 'group element'), opts),
  fromUniformBytes(bytes: Uint8Array): GroupElement {
    assertBytes(bytes, 64, 'uniform bytes');
    return el(ristretto255_hasher.deriveToCurve!(bytes));
  },
  hashToGroup: (msg: Uint8Array, dst: string | Uint8Array) => el(ristretto255_hasher.deriveToCurve!(hashToGroupUniformBytes(msg, dst))),
});

/** The group used by protocol version 1. */
export const defaultGroup: Group = ristretto255Group;

/**
 * Source of secret scalars (ElGamal nonces, proof commitments, simulated challenges/responses).
 * Every prover takes one, so tests and vector generators can inject a deterministic source.
 * `label` names the purpose of the requested scalar (used by deterministic sources; ignored by random ones).
 * Must return a scalar in [1, ℓ).
 */
export type NonceSource = (label: string) => bigint;

/** The production nonce source: fresh WebCrypto randomness for every call. */
export function randomNonces(group: Group = defaultGroup): NonceSource {
  return () => group.randomScalar();
}

/** DST of {@link deterministicNonces}. */
export const DETERMINISTIC_NONCE_DST = 'evote/v1/deterministic-nonce';

/**
 * A DETERMINISTIC nonce source for test vectors and reproducible tests only — never for real ballots or keys
 * (anyone who knows the seed learns every secret). The i-th call (i = 0, 1, ...) returns
 * `hashToScalar(u8(len(purpose)) ‖ purpose ‖ u32(len(seed)) ‖ seed ‖ u32(i) ‖ u8(len(label)) ‖ label,
 * DETERMINISTIC_NONCE_DST)` (big-endian lengths, UTF-8 strings), retrying with the next i on the negligible 0.
 * Stateful: the counter advances on every call.
 */
export function deterministicNonces(seed: Uint8Array, purpose: string, group: Group = defaultGroup): NonceSource {
  assertBytes(seed, undefined, 'seed');
  const p = utf8ToBytes(purpose);
  cryptoAssert(p.length >= 1 && p.length <= 255, 'ENCODING', 'purpose must be 1..255 UTF-8 bytes');
  const seedCopy = seed.slice();
  let counter = 0;
  return (label: string) => {
    const l = utf8ToBytes(label);
    cryptoAssert(l.length <= 255, 'ENCODING', 'nonce label must be at most 255 UTF-8 bytes');
    for (;;) {
      const msg = new Uint8Array(1 + p.length + 4 + seedCopy.length + 4 + 1 + l.length);
      const dv = new DataView(msg.buffer);
      let o = 0;
      msg[o++] = p.length;
      msg.set(p, o);
      o += p.length;
      dv.setUint32(o, seedCopy.length, false);
      o += 4;
      msg.set(seedCopy, o);
      o += seedCopy.length;
      dv.setUint32(o, counter++, false);
      o += 4;
      msg[o++] = l.length;
      msg.set(l, o);
      const s = group.hashToScalar(msg, DETERMINISTIC_NONCE_DST);
      if (s !== 0n) return s;
    }
  };
}

/** Draws a nonce from `nonces` and checks it is a non-zero scalar (a broken source must not leak keys). */
export function drawNonce(group: Group, nonces: NonceSource, label: string): bigint {
  const s = nonces(label);
  cryptoAssert(group.isScalar(s) && s !== 0n, 'INVALID_SCALAR', `nonce source returned an invalid scalar for ${label}`);
  return s;
}
