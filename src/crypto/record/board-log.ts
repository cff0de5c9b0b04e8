/**
 * Replays an election's bulletin board (docs/protocol.md §50): entry framing, the Merkle tree hash and the
 * signed head. Pure; never throws on bad data: every problem is a failed check with its reason.
 */
import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding';
import { CompactRange, leafHash } from './merkle';
import { type SignedTreeHead, verifyTreeHead } from './tree-head';

export const BOARD_ENTRY_KINDS = [
  'manifest', 'issuer-keys', 'trustee-commitments', 'election-key', 'issuance-log', 'open',
  'ballot', 'audit', 'close', 'tally', 'decryption-share', 'result',
] as const;
export type BoardEntryKind = (typeof BOARD_ENTRY_KINDS)[number];

export interface ParsedEntry {
  seq: number;
  kind: BoardEntryKind;
  payload: unknown;
  leafHash: string;
}

export interface BoardLogVerification {
  ok: boolean;
  failures: string[];
  entries: ParsedEntry[];
  /** Root recomputed from the entries. */
  root: string;
}

/**
 * Checks that `entries` (the exact JSON texts, in order) are this election's board: each frames itself
 * correctly ({v: 1, electionId, seq = position, kind, payload}), and their tree hash is the root of
 * `head`, which the board key signed for exactly that size.
 */
export function verifyBoardLog(electionId: string, entries: readonly string[], head: SignedTreeHead, boardPublicKey: Uint8Array): BoardLogVerification {
  const failures: string[] = [];
  const parsed: ParsedEntry[] = [];
  let range = CompactRange.empty();
  entries.forEach((text, seq) => {
    let bytes: Uint8Array;
    try {
      bytes = utf8ToBytes(text);
    } catch {
      failures.push(`entry ${seq}: not well-formed text`);
      bytes = new Uint8Array(0);
    }
    const leaf = leafHash(bytes);
    range = range.append(leaf);
    let e: { v?: unknown; electionId?: unknown; seq?: unknown; kind?: unknown; payload?: unknown };
    try {
      e = JSON.parse(text);
    } catch {
      failures.push(`entry ${seq}: not JSON`);
      return;
    }
    const keys = e && typeof e === 'object' ? Object.keys(e) : [];
    if (keys.join(',') !== 'v,electionId,seq,kind,payload') failures.push(`entry ${seq}: fields must be exactly v, electionId, seq, kind, payload in that order`);
    if (e.v !== 1) failures.push(`entry ${seq}: unsupported version`);
    if (e.electionId !== electionId) failures.push(`entry ${seq}: belongs to another election`);
    if (e.seq !== seq) failures.push(`entry ${seq}: claims position ${String(e.seq)}`);
    if (!BOARD_ENTRY_KINDS.includes(e.kind as BoardEntryKind)) failures.push(`entry ${seq}: unknown kind ${String(e.kind)}`);
    parsed.push({ seq, kind: e.kind as BoardEntryKind, payload: e.payload, leafHash: bytesToHex(leaf) });
  });
  const root = bytesToHex(range.root());
  if (head.electionId !== electionId) failures.push('signed head: belongs to another election');
  if (head.size !== entries.length) failures.push(`signed head: covers ${head.size} entries, the record has ${entries.length}`);
  if (head.root !== root) failures.push('signed head: its root is not the tree hash of the entries');
  if (!verifyTreeHead(head, boardPublicKey)) failures.push('signed head: the board signature does not verify');
  return { ok: failures.length === 0, failures, entries: parsed, root };
}

/** Hex helper for callers holding the board key as hex. */
export const boardKeyFromHex = (hex: string): Uint8Array => hexToBytes(hex, 32, 'board public key');
