/**
 * Fiat–Shamir transcripts.
 *
 * A transcript is an unambiguous byte string: a header (domain tag, protocol version, election base hash)
 * followed by typed, labelled, length-prefixed fields. The challenge is `hashToScalar(bytes, CHALLENGE_DST)`.
 * Because every field carries its type, label and length, two different sequences of fields can never
 * produce the same bytes; and because proofs append the whole statement (keys, ciphertexts, bounds,
 * caller context) and all commitments before deriving the challenge, challenges cannot be re-used across
 * statements, elections or proof types ("Frozen Heart" attacks, Dao et al. 2022).
 *
 * Byte layout (all lengths big-endian; see docs/protocol.md §10):
 * ```
 * header = u8(len(domain)) ‖ domain ‖ u32(version) ‖ electionHash[32]
 * field  = type[1] ‖ u8(len(label)) ‖ label ‖ u32(len(value)) ‖ value
 * ```
 * Transcripts are immutable: each append returns a new transcript (sharing the prefix), so a prefix can be
 * forked safely.
 */
import type { Group, GroupElement } from './group';
import { CryptoError, cryptoAssert } from './errors';
import { assertBytes, concatBytes, u32be, u64be, utf8ToBytes } from './encoding';

/** Protocol version bound into every transcript header. */
export const PROTOCOL_VERSION = 1;

/** DST of the hash-to-scalar that turns a transcript into a challenge. */
export const CHALLENGE_DST = 'evote/v1/fiat-shamir/challenge';

/** Domain tags of the proofs of this layer. Other layers define their own `evote/v1/...` tags. */
export const DOMAIN_TAGS = Object.freeze({
  schnorr: 'evote/v1/proof/schnorr',
  chaumPedersen: 'evote/v1/proof/chaum-pedersen',
  disjunctive: 'evote/v1/proof/disjunctive',
  range: 'evote/v1/proof/range',
} as const);

/** Length in bytes of the election base hash bound into every transcript. */
export const ELECTION_HASH_BYTES = 32;

/** Field type bytes of the transcript encoding. Stable: part of the protocol. */
export const FieldType = Object.freeze({
  /** canonical 32-byte group element encoding */
  POINT: 0x01,
  /** 32-byte little-endian scalar in [0, ℓ) */
  SCALAR: 0x02,
  /** arbitrary bytes */
  BYTES: 0x03,
  /** unsigned 32-bit integer, 4 bytes big-endian */
  U32: 0x04,
  /** unsigned 64-bit integer, 8 bytes big-endian */
  U64: 0x05,
  /** UTF-8 string */
  STRING: 0x06,
  /** list of group elements: concatenation of their 32-byte encodings (count = length / 32) */
  POINTS: 0x07,
  /** list of scalars: concatenation of their 32-byte encodings (count = length / 32) */
  SCALARS: 0x08,
} as const);
export type FieldTypeCode = (typeof FieldType)[keyof typeof FieldType];

/** Parameters of a transcript header. */
export interface TranscriptHeader {
  /** Domain tag, 1..255 UTF-8 bytes, e.g. `"evote/v1/proof/disjunctive"`. */
  readonly domain: string;
  /** The election base hash (exactly 32 bytes) that binds the transcript to one election. */
  readonly electionHash: Uint8Array;
  /** Protocol version; defaults to {@link PROTOCOL_VERSION}. */
  readonly version?: number;
}

function shortString(s: string, what: string): Uint8Array {
  cryptoAssert(typeof s === 'string', 'ENCODING', `${what}: expected a string`);
  const b = utf8ToBytes(s);
  cryptoAssert(b.length >= 1 && b.length <= 255, 'ENCODING', `${what} must be 1..255 UTF-8 bytes`);
  return b;
}

/** Immutable Fiat–Shamir transcript. Create with {@link Transcript.start}. */
export class Transcript {
  private constructor(
    /** The group used to encode points and scalars and to hash the challenge. */
    readonly group: Group,
    private readonly parent: Transcript | null,
    private readonly chunk: Uint8Array,
  ) {
    Object.freeze(this);
  }

  /**
   * Starts a transcript with its header: `u8(len(domain)) ‖ domain ‖ u32(version) ‖ electionHash`.
   * @throws CryptoError `ENCODING` for an empty/oversized domain, a bad version or an election hash that is not 32 bytes.
   */
  static start(group: Group, header: TranscriptHeader): Transcript {
    const domain = shortString(header.domain, 'domain tag');
    assertBytes(header.electionHash, ELECTION_HASH_BYTES, 'election hash');
    const version = header.version ?? PROTOCOL_VERSION;
    return new Transcript(
      group,
      null,
      concatBytes(new Uint8Array([domain.length]), domain, u32be(version), header.electionHash),
    );
  }

  /** Appends a raw typed field `type ‖ u8(len(label)) ‖ label ‖ u32(len(value)) ‖ value`. */
  field(type: FieldTypeCode, label: string, value: Uint8Array): Transcript {
    cryptoAssert(Object.values(FieldType).includes(type), 'ENCODING', 'unknown transcript field type');
    const l = shortString(label, 'transcript label');
    assertBytes(value, undefined, `transcript field ${label}`);
    return new Transcript(this.group, this, concatBytes(new Uint8Array([type, l.length]), l, u32be(value.length), value));
  }

  /** Appends a group element (canonical encoding). */
  point(label: string, p: GroupElement): Transcript {
    return this.field(FieldType.POINT, label, this.group.encode(p));
  }

  /** Appends a list of group elements (concatenated encodings; the length prefix fixes the count). */
  points(label: string, ps: readonly GroupElement[]): Transcript {
    cryptoAssert(Array.isArray(ps), 'ENCODING', 'points: expected an array');
    return this.field(FieldType.POINTS, label, concatBytes(...ps.map((p) => this.group.encode(p))));
  }

  /** Appends a scalar (32-byte little-endian). @throws CryptoError `INVALID_SCALAR` if not in [0, ℓ). */
  scalar(label: string, s: bigint): Transcript {
    return this.field(FieldType.SCALAR, label, this.group.encodeScalar(s));
  }

  /** Appends a list of scalars (concatenated 32-byte encodings). */
  scalars(label: string, ss: readonly bigint[]): Transcript {
    cryptoAssert(Array.isArray(ss), 'ENCODING', 'scalars: expected an array');
    return this.field(FieldType.SCALARS, label, concatBytes(...ss.map((s) => this.group.encodeScalar(s))));
  }

  /** Appends arbitrary bytes. */
  bytes(label: string, b: Uint8Array): Transcript {
    return this.field(FieldType.BYTES, label, b);
  }

  /** Appends an unsigned 32-bit integer (4 bytes big-endian). */
  u32(label: string, n: number): Transcript {
    return this.field(FieldType.U32, label, u32be(n));
  }

  /** Appends an unsigned 64-bit integer (8 bytes big-endian). */
  u64(label: string, n: bigint | number): Transcript {
    return this.field(FieldType.U64, label, u64be(n));
  }

  /** Appends a UTF-8 string. */
  string(label: string, s: string): Transcript {
    if (typeof s !== 'string') throw new CryptoError('ENCODING', `transcript field ${label}: expected a string`);
    return this.field(FieldType.STRING, label, utf8ToBytes(s));
  }

  /** The full transcript bytes: header followed by the fields in append order. */
  toBytes(): Uint8Array {
    const chunks: Uint8Array[] = [];
    for (let t: Transcript | null = this; t !== null; t = t.parent) chunks.push(t.chunk);
    return concatBytes(...chunks.reverse());
  }

  /** The Fiat–Shamir challenge `hashToScalar(toBytes(), CHALLENGE_DST)`, a scalar in [0, ℓ). */
  challenge(): bigint {
    return this.group.hashToScalar(this.toBytes(), CHALLENGE_DST);
  }
}
