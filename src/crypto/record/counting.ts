/**
 * Which ballots count, and their homomorphic aggregate, computed from board entries alone
 * (docs/protocol.md §70). Shared by the server (which publishes the tally), the trustee program (which
 * re-derives it before decrypting) and the verifier, so all three read the record the same way.
 */
import { ballotCiphertextsFromJSON, type EncryptedTally, type Manifest, tallyFromCiphertexts } from '../ballot';
import { addCiphertextVectors, type Ciphertext, identityCiphertexts } from '../elgamal';
import { CryptoError } from '../errors';
import type { Group } from '../group';

/** A board entry as the counting rules see it: position, kind and payload. */
export interface CountableEntry {
  readonly seq: number;
  readonly kind: string;
  readonly payload: unknown;
}

/** Revoting policy of the election (manifest entry's `parameters.revoting`). */
export type RevotingPolicy = 'last' | 'first';

/** The pseudonym (hex) of a 'ballot' or 'audit' entry's token, or undefined if the payload has none. */
export function entryPseudonym(payload: unknown): string | undefined {
  const token = (payload as { token?: { pseudonym?: unknown } } | null)?.token;
  return typeof token?.pseudonym === 'string' ? token.pseudonym : undefined;
}

/**
 * The counted ballots: among the 'ballot' entries with seq < `boardSize` (audits never count), one per
 * pseudonym — the last by board order when `revoting` is 'last', the first when it is 'first'.
 * @returns their seqs, increasing.
 */
export function countedBallotSeqs(entries: readonly CountableEntry[], revoting: RevotingPolicy, boardSize = Infinity): number[] {
  const byPseudonym = new Map<string, number>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (e.kind !== 'ballot' || !(e.seq < boardSize)) continue;
    const p = entryPseudonym(e.payload);
    if (p === undefined) continue;
    if (revoting === 'first' && byPseudonym.has(p)) continue;
    byPseudonym.set(p, e.seq);
  }
  return [...byPseudonym.values()].sort((a, b) => a - b);
}

/**
 * Σ of the counted ballots' ciphertexts (the tally of §40.8). Each ballot's ciphertexts are parsed strictly
 * against the manifest (its proofs were checked when it was cast, and are checked again by any verifier).
 * @throws CryptoError if a counted seq is missing or a ballot is malformed.
 */
export function aggregateCounted(group: Group, manifest: Manifest, entries: readonly CountableEntry[], counted: readonly number[]): EncryptedTally {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const width = manifest.contests.reduce((n, c) => n + c.options.length, 0);
  let sum: readonly Ciphertext[] = identityCiphertexts(group, width);
  for (const seq of counted) {
    const e = bySeq.get(seq);
    if (!e || e.kind !== 'ballot') throw new CryptoError('INVALID_BALLOT', `counted entry ${seq} is not a ballot on the board`);
    sum = addCiphertextVectors(group, sum, ballotCiphertextsFromJSON(group, manifest, (e.payload as { ballot?: unknown }).ballot))!;
  }
  return tallyFromCiphertexts(manifest, sum);
}
