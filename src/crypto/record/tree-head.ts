/**
 * Signed tree heads of the bulletin board (RFC 9162 §4.10 in spirit, our own byte layout): the board's
 * Ed25519 key signs (election id, tree size, root hash, timestamp). A receipt carries one, so a voter
 * can later prove that the board once included their ballot.
 */
import { bytesToHex, concatBytes, hexToBytes, u32be, u64be, utf8ToBytes } from '../encoding';
import { CryptoError } from '../errors';
import { pseudonymSign, pseudonymVerify } from '../tokens/pseudonym';
import { HASH_BYTES } from './merkle';

export const TREE_HEAD_DOMAIN = 'evote/v1/tree-head';

export interface TreeHead {
  electionId: string;
  /** Number of leaves. */
  size: number;
  /** RFC 9162 Merkle tree hash, lowercase hex. */
  root: string;
  /** Milliseconds since the Unix epoch, when the board signed. */
  timestamp: number;
}

export interface SignedTreeHead extends TreeHead {
  /** Ed25519 signature over treeHeadMessage(head), lowercase hex (64 bytes). */
  signature: string;
}

function field(bytes: Uint8Array): Uint8Array {
  return concatBytes(u32be(bytes.length), bytes);
}

/**
 * The signed bytes: len‖"evote/v1/tree-head" ‖ len‖electionId(UTF-8) ‖ u64(size) ‖ root(32) ‖ u64(timestamp),
 * where len is a 4-byte big-endian length and u64 an 8-byte big-endian integer.
 */
export function treeHeadMessage(head: TreeHead): Uint8Array {
  if (!Number.isSafeInteger(head.size) || head.size < 0) throw new CryptoError('ENCODING', 'tree size must be a non-negative integer');
  if (!Number.isSafeInteger(head.timestamp) || head.timestamp < 0) throw new CryptoError('ENCODING', 'timestamp must be a non-negative integer');
  return concatBytes(
    field(utf8ToBytes(TREE_HEAD_DOMAIN)),
    field(utf8ToBytes(head.electionId)),
    u64be(head.size),
    hexToBytes(head.root, HASH_BYTES, 'tree root'),
    u64be(head.timestamp),
  );
}

export function signTreeHead(head: TreeHead, boardSecretKey: Uint8Array): SignedTreeHead {
  return { ...head, signature: bytesToHex(pseudonymSign(boardSecretKey, treeHeadMessage(head))) };
}

/** True iff the signature is a strict Ed25519 signature of the head by `boardPublicKey`. Never throws. */
export function verifyTreeHead(head: SignedTreeHead, boardPublicKey: Uint8Array): boolean {
  try {
    return pseudonymVerify(boardPublicKey, treeHeadMessage(head), hexToBytes(head.signature, 64, 'signature'));
  } catch {
    return false;
  }
}
