/**
 * What a trustee program remembers of an election's board, next to its key (`<key>.election-<id>.board.json`,
 * docs/protocol.md §70.5): the board key it pinned at the ceremony, every signed head it has seen, and the
 * one aggregate it decrypted. Each new head must be signed by the pinned key and proven consistent with the
 * last saved one (RFC 9162 consistency proof), so a server cannot show the trustee a fork of the board it
 * has not seen grow; and a trustee decrypts at most one aggregate per election, ever, so a server cannot
 * have it decrypt a fork and the real board one after the other.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hexToBytes } from '../crypto/encoding';
import { verifyConsistency } from '../crypto/record/merkle';
import { type SignedTreeHead, verifyTreeHead } from '../crypto/record/tree-head';
import { writeSecretFile } from './files';
import type { ApiClient } from './http';

export interface DecryptedAggregate {
  readonly tallySeq: number;
  /** SHA-256 of the aggregate's JSON text as it was on the board. */
  readonly aggregate: string;
  /** The head of the record the trustee decrypted from. */
  readonly head: SignedTreeHead;
  /** The share computed, posted again unchanged after a lost answer (proofs are randomised). */
  readonly share: unknown;
}

export interface TrusteeBoardState {
  readonly type: 'evote-trustee-board';
  readonly version: 1;
  readonly electionId: string;
  readonly boardPublicKey: string;
  /** Every head seen, by increasing size. */
  readonly heads: readonly SignedTreeHead[];
  readonly decrypted?: DecryptedAggregate;
}

/** Raised when the server shows something that contradicts what this trustee saw: the message is evidence. */
export class BoardForkError extends Error {}

export const boardStatePath = (keyPath: string, electionId: string): string => `${keyPath}.election-${electionId}.board.json`;

export function readBoardState(keyPath: string, electionId: string): TrusteeBoardState | undefined {
  const path = boardStatePath(keyPath, electionId);
  if (!existsSync(path)) return undefined;
  const s = JSON.parse(readFileSync(path, 'utf8')) as TrusteeBoardState;
  if (s.type !== 'evote-trustee-board' || s.version !== 1 || s.electionId !== electionId || !/^[0-9a-f]{64}$/.test(s.boardPublicKey) || !Array.isArray(s.heads)) {
    throw new Error(`${path} is not this election's trustee board state`);
  }
  return s;
}

export function writeBoardState(keyPath: string, state: TrusteeBoardState): void {
  writeSecretFile(boardStatePath(keyPath, state.electionId), JSON.stringify(state, null, 2) + '\n', { overwrite: true });
}

/** A new state pinning `boardPublicKey`, with `head` (checked against it) as the first head seen. */
export function newBoardState(electionId: string, boardPublicKey: string, head: SignedTreeHead): TrusteeBoardState {
  if (!verifyTreeHead(head, hexToBytes(boardPublicKey, 32, 'board key'))) throw new Error('the head is not signed by the board key');
  return { type: 'evote-trustee-board', version: 1, electionId, boardPublicKey, heads: [head] };
}

const describe = (h: SignedTreeHead) => `size ${h.size}, root ${h.root}, signature ${h.signature}`;

/**
 * Checks `head` against the state: signed by the pinned key, not smaller than the last head seen, and
 * consistent with it (proof from the server, verified here; two heads of one size must be identical).
 * Returns the state with `head` added. Throws BoardForkError with both signed heads as evidence.
 */
export async function observeHead(api: ApiClient, state: TrusteeBoardState, head: SignedTreeHead): Promise<TrusteeBoardState> {
  const key = hexToBytes(state.boardPublicKey, 32, 'board key');
  if (head?.electionId !== state.electionId || !verifyTreeHead(head, key)) throw new Error('the tree head is not signed by the board key this trustee pinned');
  const last = state.heads[state.heads.length - 1];
  if (head.size < last.size) throw new BoardForkError(`the server shows a board of ${head.size} entries, smaller than one this trustee saw (${describe(last)})`);
  if (head.size === last.size) {
    if (head.root !== last.root) throw new BoardForkError(`two signed heads of size ${head.size} with different roots: ${describe(last)} and ${describe(head)}`);
    return state;
  }
  const id = encodeURIComponent(state.electionId);
  const proof = await api.get<{ from: SignedTreeHead; to: SignedTreeHead; path: string[] }>(`/elections/${id}/board/consistency?from=${last.size}&to=${head.size}`);
  if (proof.from?.root !== last.root && verifyTreeHead(proof.from, key)) throw new BoardForkError(`two signed heads of size ${last.size} with different roots: ${describe(last)} and ${describe(proof.from)}`);
  let ok = false;
  try {
    ok = verifyConsistency(last.size, head.size, hexToBytes(last.root, 32), hexToBytes(head.root, 32), (proof.path ?? []).map((h) => hexToBytes(h, 32)));
  } catch {
    ok = false;
  }
  if (!ok) throw new BoardForkError(`the board of ${head.size} entries (${describe(head)}) is not an extension of the one this trustee saw (${describe(last)}): no valid consistency proof`);
  return { ...state, heads: [...state.heads, head] };
}


/**
 * `evote trustee observe`: fetches the board's latest head and checks it against what this trustee saw
 * (run it now and then while the election is open: each saved head is one the server can no longer fork
 * away from without being caught at the decryption).
 */
export async function trusteeObserve(api: ApiClient, keyPath: string, electionId: string): Promise<SignedTreeHead> {
  const state = readBoardState(keyPath, electionId);
  if (!state) throw new Error(`no board state in ${boardStatePath(keyPath, electionId)}: run "evote trustee ceremony" for this election first`);
  const head = await api.get<SignedTreeHead>(`/elections/${encodeURIComponent(electionId)}/board/head`);
  writeBoardState(keyPath, await observeHead(api, state, head));
  return head;
}
