/**
 * A second {@link Group} backend for ristretto255 over libsodium's WebAssembly build (libsodium-wrappers-sumo):
 * `crypto_scalarmult_ristretto255{,_base}`, `crypto_core_ristretto255_{add,sub,is_valid_point,from_hash}`.
 *
 * Byte-identical to the reference backend (`ristretto255Group`, @noble/curves): same group name, encodings,
 * strict decoding, hash-to-group (RFC 9380 expand_message_xmd from @noble, then libsodium's RFC 9496 one-way
 * map) and the very same scalar functions (`ristretto255Scalars`, shared code). See src/crypto/backends.ts for
 * when to use which backend.
 *
 * Elements are kept as their canonical 32-byte encoding (libsodium's API works on encodings), so `encode` and
 * `toHex` are free, and every point operation decodes its inputs inside libsodium. Pure TypeScript plus the
 * WASM package: runs in Node and in the browser (the page's CSP must then allow `'wasm-unsafe-eval'`).
 */
import sodium from 'libsodium-wrappers-sumo';
import { assertBytes, bigIntToBytesLE, bytesToHex, hexToBytes } from './encoding';
import { CryptoError, cryptoAssert } from './errors';
import {
  type DecodeOptions,
  type Group,
  type GroupElement,
  hashToGroupUniformBytes,
  ristretto255Scalars as S,
} from './group';

/** An element of the sodium backend: its canonical encoding, never exposed (callers get copies). */
class SodiumElement {
  constructor(readonly bytes: Uint8Array) {
    Object.freeze(this);
  }
}

const L = S.order;
const ZERO_BYTES = new Uint8Array(32);
const IDENTITY = new SodiumElement(ZERO_BYTES);
const ONE = bigIntToBytesLE(1n, 32);

function bytesOf(p: GroupElement): Uint8Array {
  if (!(p instanceof SodiumElement)) throw new CryptoError('INVALID_POINT', 'not a ristretto255 element of this backend');
  return p.bytes;
}

function el(bytes: Uint8Array): GroupElement {
  return new SodiumElement(bytes) as unknown as GroupElement;
}

function isZeroBytes(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < 32; i++) acc |= b[i];
  return acc === 0;
}

function scalarBytes(s: unknown, what = 'scalar'): Uint8Array {
  if (typeof s !== 'bigint' || s < 0n || s >= L) throw new CryptoError('INVALID_SCALAR', `${what} not in [0, ℓ)`);
  return bigIntToBytesLE(s, 32);
}

/**
 * s·P. libsodium refuses an identity result (s = 0, or P = O) by throwing. For s = 0 we still run one
 * multiplication (by 1) and discard it, so a zero secret (say, a vote) costs the same as any other
 * (best effort: the JS wrapper around the constant-time WASM ladder is not itself constant-time).
 * P = O is public (the identity is never a secret), so it returns early.
 */
function mulBytes(s: bigint, p: Uint8Array): GroupElement {
  const k = scalarBytes(s);
  if (isZeroBytes(p)) return IDENTITY as unknown as GroupElement;
  const zero = s === 0n;
  const q = sodium.crypto_scalarmult_ristretto255(zero ? ONE : k, p);
  return zero ? (IDENTITY as unknown as GroupElement) : el(q);
}

function mulBase(s: bigint): GroupElement {
  const k = scalarBytes(s);
  const zero = s === 0n;
  const q = sodium.crypto_scalarmult_ristretto255_base(zero ? ONE : k);
  return zero ? (IDENTITY as unknown as GroupElement) : el(q);
}

function decodePoint(bytes: Uint8Array, opts?: DecodeOptions): GroupElement {
  assertBytes(bytes, 32, 'group element');
  // libsodium's is_valid_point is RFC 9496 §4.3.1 decoding: it rejects non-canonical field elements, negative
  // s and non-square cases, but ACCEPTS the identity (all zeros), which we reject unless asked.
  if (!sodium.crypto_core_ristretto255_is_valid_point(bytes)) {
    throw new CryptoError('INVALID_POINT', 'not a canonical ristretto255 encoding');
  }
  if (isZeroBytes(bytes)) {
    if (!opts?.allowIdentity) throw new CryptoError('INVALID_POINT', 'identity element not allowed');
    return IDENTITY as unknown as GroupElement;
  }
  return el(Uint8Array.from(bytes)); // a copy: the caller may reuse its buffer
}

function add(a: Uint8Array, b: Uint8Array): Uint8Array {
  return sodium.crypto_core_ristretto255_add(a, b);
}

function build(): Group {
  const G = sodium.crypto_scalarmult_ristretto255_base(ONE);
  return Object.freeze({
    ...S,
    name: 'ristretto255',
    elementBytes: 32,
    generator: el(G),
    identity: IDENTITY as unknown as GroupElement,

    add: (a: GroupElement, b: GroupElement) => el(add(bytesOf(a), bytesOf(b))),
    sub: (a: GroupElement, b: GroupElement) => el(sodium.crypto_core_ristretto255_sub(bytesOf(a), bytesOf(b))),
    neg: (a: GroupElement) => el(sodium.crypto_core_ristretto255_sub(ZERO_BYTES, bytesOf(a))),
    mul: (s: bigint, p: GroupElement) => mulBytes(s, bytesOf(p)),
    // libsodium only has the constant-time ladder, and it beats noble's variable-time path anyway.
    mulPublic: (s: bigint, p: GroupElement) => mulBytes(s, bytesOf(p)),
    mulBase,
    msm(scalars: readonly bigint[], points: readonly GroupElement[]): GroupElement {
      cryptoAssert(
        Array.isArray(scalars) && Array.isArray(points) && scalars.length === points.length,
        'INVALID_STATEMENT',
        'msm: scalars and points must be arrays of equal length',
      );
      const ks = scalars.map((s, i) => scalarBytes(s, `msm scalar ${i}`));
      const ps = points.map(bytesOf);
      // libsodium exports no multi-scalar multiplication and no projective points: any bucket or window method
      // built on its encoding-to-encoding additions pays a decode + encode (~14 µs) per addition, more than it
      // saves. Measured per point (fastest runs): this sum of ladders ~85 µs at 3 points, ~107 µs at 1024;
      // noble's Pippenger ~138 µs at 1024, ~340 µs once decoding into noble points is included.
      // Variable-time (skips zero terms): public scalars only, as documented.
      let acc: Uint8Array | null = null;
      for (let i = 0; i < ks.length; i++) {
        if (scalars[i] === 0n || isZeroBytes(ps[i])) continue;
        const t = sodium.crypto_scalarmult_ristretto255(ks[i], ps[i]);
        acc = acc === null ? t : add(acc, t);
      }
      return acc === null ? (IDENTITY as unknown as GroupElement) : el(acc);
    },
    // libsodium's API has no tables for points other than G; its ladder (~80 µs) already matches a noble
    // multiplication with a precomputed table (~105 µs), so this only validates the element.
    precompute: (p: GroupElement) => (bytesOf(p), p),
    equals(a: GroupElement, b: GroupElement): boolean {
      const x = bytesOf(a);
      const y = bytesOf(b);
      let acc = 0;
      for (let i = 0; i < 32; i++) acc |= x[i] ^ y[i];
      return acc === 0; // canonical encodings: equal elements ⇔ equal bytes
    },
    isIdentity: (a: GroupElement) => isZeroBytes(bytesOf(a)),

    encode: (p: GroupElement) => bytesOf(p).slice(),
    decode: decodePoint,
    toHex: (p: GroupElement) => bytesToHex(bytesOf(p)),
    fromHex: (hex: string, opts?: DecodeOptions) => decodePoint(hexToBytes(hex, 32, 'group element'), opts),
    fromUniformBytes(bytes: Uint8Array): GroupElement {
      assertBytes(bytes, 64, 'uniform bytes');
      return el(sodium.crypto_core_ristretto255_from_hash(bytes)); // RFC 9496 §4.3.4 one-way map
    },
    hashToGroup: (msg: Uint8Array, dst: string | Uint8Array) =>
      el(sodium.crypto_core_ristretto255_from_hash(hashToGroupUniformBytes(msg, dst))),
  });
}

let instance: Promise<Group> | null = null;

/**
 * The libsodium ristretto255 backend, once the WASM module is initialised. The same frozen object on every
 * call; a failed initialisation (e.g. WebAssembly blocked by a CSP) rejects and is retried on the next call.
 */
export function createSodiumGroup(): Promise<Group> {
  if (!instance) {
    instance = sodium.ready.then(build);
    instance.catch(() => {
      instance = null;
    });
  }
  return instance;
}
