/**
 * A kept receipt checked against the board as it is now (docs/protocol.md §55.7, "later"): the board's
 * current head is signed by the anchored board key and extends the receipt's head (RFC 9162 consistency
 * proof), so the ballot is still where it was; once tallied, the tally entry (proven in that head) says
 * whether it counted. Trusts nothing the server says that it cannot check. Shared by the booth and the
 * observer page; pure TypeScript on src/crypto and `fetch`.
 */
import { hexToBytes } from '../crypto/encoding';
import { checkEntryFraming } from '../crypto/record/board-log';
import { checkInclusion } from '../crypto/record/receipt';
import { checkLaterHead, type CountStatus, countStatus, type ForkEvidence, type ReceiptFile, receiptSelfCheck } from '../crypto/record/receipt-file';
import { type SignedTreeHead, verifyTreeHead } from '../crypto/record/tree-head';
import type { Fetch } from './voter-client';

export interface ReceiptOnBoard {
  /** The receipt proves itself and the board now still holds its entry (consistent heads). */
  readonly ok: boolean;
  readonly failures: readonly string[];
  /** Two signed heads of one size with different roots, when the board forked. */
  readonly fork?: ForkEvidence;
  /** The board's current head, when it verified. */
  readonly head?: SignedTreeHead;
  /**
   * The board's current head when its board-key signature verifies but it does not extend the receipt's
   * head (fewer entries, or no valid consistency proof): with the receipt's head, the voter's evidence.
   */
  readonly current?: SignedTreeHead;
  /** null while the board is not closed or the check failed. */
  readonly count: CountStatus | null;
  readonly closed: boolean;
}

/** Entries read back from the end of the board to find the tally (close, tally, ≤ 255 shares, result follow the ballots). */
const TAIL = 300;

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

async function getJSON(send: Fetch, url: string): Promise<unknown> {
  const res = await send(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

/**
 * Checks `receipt` against the board now. `boardPublicKey` is the key the device anchored through the
 * fingerprint (it must be the receipt's). `laterOfSameVoter` are this voter's later receipts, so that a
 * ballot replaced by a re-vote reads as replaced, not as lost. Never throws on a dishonest server: every
 * problem is a failure.
 */
export async function checkReceiptOnBoard(
  baseUrl: string,
  receipt: ReceiptFile,
  boardPublicKey: string,
  send: Fetch,
  laterOfSameVoter: readonly ReceiptFile[] = [],
): Promise<ReceiptOnBoard> {
  const failures: string[] = [];
  const fail = (m: string): ReceiptOnBoard => ({ ok: false, failures: [...failures, m], count: null, closed: false });
  if (receipt.boardPublicKey !== boardPublicKey) return fail("the receipt is signed under another board key than this election's");
  const own = receiptSelfCheck(receipt);
  if (own.length) return { ok: false, failures: own.map((f) => `the receipt proves nothing: ${f}`), count: null, closed: false };
  const base = `${baseUrl}/elections/${encodeURIComponent(receipt.electionId)}/board`;
  try {
    const current = (await getJSON(send, `${base}/head`)) as SignedTreeHead;
    let later: unknown = current;
    let path: unknown = [];
    if (obj(current).size !== receipt.head.size) {
      const proof = obj(await getJSON(send, `${base}/consistency?from=${receipt.head.size}&to=${Number(obj(current).size)}`));
      later = proof.to;
      path = proof.path;
      // The server's own head of the receipt's size: another root under the same key is a fork.
      const from = obj(proof.from);
      if (from.size === receipt.head.size && from.root !== receipt.head.root) {
        const same = checkLaterHead(receipt.head, from, [], boardPublicKey);
        if (same.fork) return { ok: false, failures: same.failures, fork: same.fork, count: null, closed: false };
      }
    }
    const linked = checkLaterHead(receipt.head, later, path, boardPublicKey);
    if (!linked.ok || !linked.later) {
      const signed = !linked.fork && linked.later && linked.later.electionId === receipt.electionId && verifyTreeHead(linked.later, hexToBytes(boardPublicKey, 32));
      return { ok: false, failures: linked.failures, ...(linked.fork ? { fork: linked.fork } : {}), ...(signed ? { current: linked.later } : {}), count: null, closed: false };
    }
    const head = linked.later;

    // The end of the board: the tally entry, if any, proven in `head`.
    const from = Math.max(0, head.size - TAIL);
    const tail = (await getJSON(send, `${base}/entries?from=${from}&limit=${TAIL}`)) as Array<{ seq: number; kind: string; entry: string }>;
    const inHead = Array.isArray(tail) ? tail.filter((e) => obj(e).seq !== undefined && Number(obj(e).seq) < head.size) : [];
    const closed = inHead.some((e) => e.kind === 'close');
    const tally = inHead.filter((e) => e.kind === 'tally').pop();
    if (!tally) return { ok: true, failures, head, count: closed ? { status: 'not-tallied' } : null, closed };
    const counted = await provenCounted(send, base, head, boardPublicKey, tally, receipt.electionId);
    if (typeof counted === 'string') return { ok: false, failures: [counted], head, count: null, closed };
    const voterSeqs = new Set([receipt.seq, ...laterOfSameVoter.map((r) => r.seq)]);
    const count = countStatus(receipt.seq, receipt.audited, counted, (s) => (voterSeqs.has(s) ? 'this voter' : undefined));
    return { ok: true, failures, head, count, closed: true };
  } catch (e) {
    return fail(`the board could not be read: ${(e as Error).message}`);
  }
}

/** The tally's counted seqs, once its entry is proven to be leaf `seq` of `head`; a string says why not. */
async function provenCounted(send: Fetch, base: string, head: SignedTreeHead, boardPublicKey: string, tally: { seq: number; entry: string }, electionId: string): Promise<readonly number[] | string> {
  const proof = obj(await getJSON(send, `${base}/entries/${tally.seq}/inclusion?size=${head.size}`));
  const inclusion = checkInclusion(tally.entry, { seq: tally.seq, leafHash: proof.leafHash, head, path: proof.path }, boardPublicKey);
  const included = inclusion.leafMatches && inclusion.included;
  if (!included) return `the tally entry ${tally.seq} is not proven to be on the board (inclusion proof against head ${head.size})`;
  const framing = checkEntryFraming(electionId, tally.entry, tally.seq);
  const counted = obj(framing.entry?.payload).counted;
  if (framing.failures.length || framing.entry?.kind !== 'tally' || !Array.isArray(counted) || !counted.every((s) => Number.isSafeInteger(s))) return `the tally entry ${tally.seq} is malformed`;
  return counted as number[];
}
