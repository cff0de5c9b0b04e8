// Shared loaders for the published vectors under test/vectors (provenance is kept in the JSON files).
import rsaVectors from '../../vectors/rsa-blind-rfc9474.json';
import { hexToBytes as fromHex } from '../../../src/crypto/encoding';

export interface RsaBlindVector {
  name: string;
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  msg: Uint8Array;
  msgPrefix: Uint8Array;
  inputMsg: Uint8Array;
  sLen: number;
  salt: Uint8Array;
  isRandomized: boolean;
  inv: bigint;
  blindedMsg: Uint8Array;
  blindSig: Uint8Array;
  sig: Uint8Array;
}

const big = (h: string): bigint => BigInt(h);
const hex = (h: string): Uint8Array => fromHex(h.toLowerCase());

export const RSA_PROVENANCE: string = rsaVectors.provenance;

export const RSA_VECTORS: RsaBlindVector[] = rsaVectors.vectors.map((v) => ({
  name: v.name,
  n: big(v.n),
  e: big(v.e),
  d: big(v.d),
  p: big(v.p),
  q: big(v.q),
  msg: hex(v.msg),
  msgPrefix: hex(v.msg_prefix),
  inputMsg: hex(v.input_msg),
  sLen: Number(big(v.sLen)),
  salt: hex(v.salt),
  isRandomized: big(v.is_randomized) === 1n,
  inv: big(v.inv),
  blindedMsg: hex(v.blinded_msg),
  blindSig: hex(v.blind_sig),
  sig: hex(v.sig),
}));

/** A random source replaying the given chunks in order, each request must match the next chunk's length. */
export function replayRandom(...chunks: Uint8Array[]): (len: number) => Uint8Array {
  let i = 0;
  return (len: number) => {
    const c = chunks[i++];
    if (!c || c.length !== len) throw new Error(`replayRandom: unexpected request #${i} of ${len} bytes`);
    return Uint8Array.from(c);
  };
}
