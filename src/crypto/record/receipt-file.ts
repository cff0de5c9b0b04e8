/**
 * What a voter or observer keeps of the board and later holds against it (docs/protocol.md §55.7, §70.3
 * check 16): the receipt file the booth saves, signed heads seen at any time, and the checks of both
 * against a later head (consistency proof) or a whole record (prefix root recomputed). A kept receipt is
 * the voter's evidence: a board that drops, rewrites or forks their ballot must contradict a head its own
 * key signed. Pure; never throws on bad data.
 */
import { hexToBytes } from '../encoding';
import { verifyConsistency } from './merkle';
import { checkInclusion } from './receipt';
import { type SignedTreeHead, verifyTreeHead } from './tree-head';

export const RECEIPT_FORMAT = 'evote-receipt';
/** The protocol version (§70.1) whose receipts these are. */
export const RECEIPT_VERSION = 3;

/** The server's answer to a cast or audit (§55.7). */
export interface CastAnswer {
  readonly trackingCode: string;
  readonly ballotHash: string;
  readonly audited: boolean;
  readonly seq: number;
  readonly entry: string;
  readonly leafHash: string;
  readonly head: SignedTreeHead;
  readonly path: readonly string[];
}

/** The receipt file (`receipt-<tracking code>.json`): the cast answer, plus what anchors it. */
export interface ReceiptFile extends CastAnswer {
  readonly format: typeof RECEIPT_FORMAT;
  readonly version: typeof RECEIPT_VERSION;
  readonly electionId: string;
  /** The election's fingerprint H (64 hex) the device anchored. */
  readonly fingerprint: string;
  /** The board key bound into H, that signed `head`. */
  readonly boardPublicKey: string;
}

/** The receipt file of a cast answer the device has checked (verifyReceipt), with its anchors. Members in the order of §55.7. */
export function receiptFile(answer: CastAnswer, anchors: { electionId: string; fingerprint: string; boardPublicKey: string }): ReceiptFile {
  return {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    electionId: anchors.electionId,
    fingerprint: anchors.fingerprint,
    boardPublicKey: anchors.boardPublicKey,
    trackingCode: answer.trackingCode,
    ballotHash: answer.ballotHash,
    audited: answer.audited,
    seq: answer.seq,
    entry: answer.entry,
    leafHash: answer.leafHash,
    head: signedHeadOf(answer.head),
    path: [...answer.path],
  };
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RECEIPT_MEMBERS = ['format', 'version', 'electionId', 'fingerprint', 'boardPublicKey', 'trackingCode', 'ballotHash', 'audited', 'seq', 'entry', 'leafHash', 'head', 'path'];
const HEAD_MEMBERS = ['electionId', 'size', 'root', 'timestamp', 'signature'];

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const sameMembers = (x: Record<string, unknown>, members: readonly string[]): boolean => {
  const keys = Object.keys(x);
  return keys.length === members.length && members.every((m) => keys.includes(m));
};

function signedHeadOf(h: SignedTreeHead): SignedTreeHead {
  return { electionId: h.electionId, size: h.size, root: h.root, timestamp: h.timestamp, signature: h.signature };
}

/** A signed tree head parsed strictly (§50: exact members, lowercase hex, whole-minute timestamp). */
export function parseSignedHead(x: unknown): { head?: SignedTreeHead; failure?: string } {
  if (!isObject(x) || !sameMembers(x, HEAD_MEMBERS)) return { failure: `a signed head has exactly the members ${HEAD_MEMBERS.join(', ')}` };
  if (typeof x.electionId !== 'string' || !UUID.test(x.electionId)) return { failure: 'head: electionId is not a lowercase UUID' };
  if (!Number.isSafeInteger(x.size) || (x.size as number) < 0) return { failure: 'head: size is not a non-negative integer' };
  if (typeof x.root !== 'string' || !HEX64.test(x.root)) return { failure: 'head: root is not 64 lowercase hex' };
  if (!Number.isSafeInteger(x.timestamp) || (x.timestamp as number) < 0 || (x.timestamp as number) % 60_000 !== 0) return { failure: 'head: timestamp is not a whole minute' };
  if (typeof x.signature !== 'string' || !HEX128.test(x.signature)) return { failure: 'head: signature is not 128 lowercase hex' };
  return { head: signedHeadOf(x as unknown as SignedTreeHead) };
}

/** A receipt file parsed strictly; `failure` says why it is not one. */
export function parseReceiptFile(x: unknown): { receipt?: ReceiptFile; failure?: string } {
  if (!isObject(x)) return { failure: 'a receipt is a JSON object' };
  if (x.format !== RECEIPT_FORMAT || x.version !== RECEIPT_VERSION) return { failure: `not an ${RECEIPT_FORMAT} of version ${RECEIPT_VERSION}` };
  if (!sameMembers(x, RECEIPT_MEMBERS)) return { failure: `a receipt has exactly the members ${RECEIPT_MEMBERS.join(', ')}` };
  if (typeof x.electionId !== 'string' || !UUID.test(x.electionId)) return { failure: 'electionId is not a lowercase UUID' };
  for (const m of ['fingerprint', 'boardPublicKey', 'ballotHash', 'leafHash'] as const) if (typeof x[m] !== 'string' || !HEX64.test(x[m] as string)) return { failure: `${m} is not 64 lowercase hex` };
  if (typeof x.trackingCode !== 'string' || x.trackingCode.length === 0 || x.trackingCode.length > 64) return { failure: 'trackingCode is not a tracking code' };
  if (typeof x.audited !== 'boolean') return { failure: 'audited is not a boolean' };
  if (!Number.isSafeInteger(x.seq) || (x.seq as number) < 0) return { failure: 'seq is not a non-negative integer' };
  if (typeof x.entry !== 'string') return { failure: 'entry is not the entry text' };
  if (!Array.isArray(x.path) || x.path.length > 64 || !x.path.every((p) => typeof p === 'string' && HEX64.test(p))) return { failure: 'path is not a list of 64-hex hashes' };
  const head = parseSignedHead(x.head);
  if (!head.head) return { failure: head.failure };
  if (head.head.electionId !== x.electionId) return { failure: "the receipt's head is another election's" };
  if (!((x.seq as number) < head.head.size)) return { failure: "seq is not inside the receipt's head" };
  return { receipt: { ...(x as unknown as ReceiptFile), head: head.head, path: [...(x.path as string[])] } };
}

/** What a receipt file proves by itself: its head is signed by its board key, and its entry is in that head. */
export function receiptSelfCheck(r: ReceiptFile): string[] {
  const failures: string[] = [];
  const inc = checkInclusion(r.entry, { seq: r.seq, leafHash: r.leafHash, head: r.head, path: r.path }, r.boardPublicKey);
  if (!inc.headSigned) failures.push("its head's signature does not verify under its board key");
  if (!inc.leafMatches) failures.push('its leaf hash is not the hash of its entry');
  if (!inc.included) failures.push('its inclusion proof does not verify against its head');
  return failures;
}

/** Evidence of equivocation: two heads of one size, both signed by the board key, with different roots. */
export interface ForkEvidence {
  readonly size: number;
  readonly a: SignedTreeHead;
  readonly b: SignedTreeHead;
}

/**
 * Checks that a later head extends an earlier one the holder kept: both signed by `boardPublicKey` (the
 * anchored one), for this election, and the RFC 9162 consistency proof `path` from the earlier to the later
 * verifies. A later head of the same size with another root is a fork (returned as evidence).
 */
export function checkLaterHead(
  earlier: SignedTreeHead,
  later: unknown,
  path: unknown,
  boardPublicKeyHex: string,
): { ok: boolean; failures: string[]; later?: SignedTreeHead; fork?: ForkEvidence } {
  const parsed = parseSignedHead(later);
  if (!parsed.head) return { ok: false, failures: [`the board's current head is malformed: ${parsed.failure}`] };
  const head = parsed.head;
  const failures: string[] = [];
  let key: Uint8Array;
  try {
    key = hexToBytes(boardPublicKeyHex, 32, 'board key');
  } catch {
    return { ok: false, failures: ['the anchored board key is malformed'] };
  }
  if (head.electionId !== earlier.electionId) failures.push("the board's current head is another election's");
  if (!verifyTreeHead(head, key)) failures.push("the board's current head is not signed by the election's board key");
  if (head.size < earlier.size) failures.push(`the board now has ${head.size} entries, fewer than the ${earlier.size} your receipt's head covers`);
  if (failures.length) return { ok: false, failures, later: head };
  if (head.size === earlier.size) {
    if (head.root === earlier.root) return { ok: true, failures, later: head };
    return { ok: false, failures: [`two heads of size ${head.size} signed by the board key with different roots: the board forked`], later: head, fork: { size: head.size, a: earlier, b: head } };
  }
  let consistent = false;
  try {
    const proof = (Array.isArray(path) ? path : [null]).map((h) => hexToBytes(String(h), 32));
    consistent = earlier.size > 0 && verifyConsistency(earlier.size, head.size, hexToBytes(earlier.root, 32), hexToBytes(head.root, 32), proof);
  } catch {
    consistent = false;
  }
  if (!consistent) failures.push(`the board's head of size ${head.size} is not proven to extend your receipt's head of size ${earlier.size} (consistency proof): the board was rewritten`);
  return { ok: failures.length === 0, failures, later: head };
}

/** How a kept ballot fared in the count. */
export type CountStatus =
  | { readonly status: 'counted' }
  | { readonly status: 'superseded'; readonly by: number }
  | { readonly status: 'audited' }
  | { readonly status: 'not-counted' }
  | { readonly status: 'not-tallied' };

/**
 * The count status of the submission at `seq` from the tally's published counted seqs (§70.2; check 9
 * verifies that list) and the pseudonym of each entry: counted; superseded by another counted ballot of the
 * same pseudonym (a re-vote); an audit (never counted); or not counted, which a voter must be told.
 */
export function countStatus(seq: number, audited: boolean, counted: readonly number[] | undefined, pseudonymOf: (seq: number) => string | undefined): CountStatus {
  if (audited) return { status: 'audited' };
  if (counted === undefined) return { status: 'not-tallied' };
  if (counted.includes(seq)) return { status: 'counted' };
  const mine = pseudonymOf(seq);
  const by = mine === undefined ? undefined : counted.find((s) => pseudonymOf(s) === mine);
  return by === undefined ? { status: 'not-counted' } : { status: 'superseded', by };
}

/** The tree sizes a verifier must keep the root of to check these receipts and heads (check 16). */
export function heldSizes(receipts: readonly unknown[] = [], heads: readonly unknown[] = []): number[] {
  const sizes = new Set<number>();
  for (const x of receipts) {
    const r = parseReceiptFile(x).receipt;
    if (r) sizes.add(r.head.size);
  }
  for (const x of heads) {
    const h = parseSignedHead(x).head;
    if (h) sizes.add(h.size);
  }
  return [...sizes];
}
