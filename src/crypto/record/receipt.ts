/**
 * A cast or audit receipt as the voter's device checks it (docs/protocol.md §55.7): the board key that signed
 * its head is the anchored one (from the setup proof, bound into H), the entry is leaf `seq` of that head,
 * and the entry holds exactly the ballot this device sent, whose tracking code the device recomputes.
 * Pure; never throws on bad data.
 */
import { trackingCode } from '../ballot/tracking-code';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding';
import { checkEntryFraming } from './board-log';
import { leafHash, verifyInclusion } from './merkle';
import { type SignedTreeHead, verifyTreeHead } from './tree-head';

/** What the device knows independently of the server's answer. */
export interface ReceiptExpectation {
  readonly electionId: string;
  /** The board key the device anchored (the setup proof's, bound into H), 64 hex. */
  readonly boardPublicKey: string;
  /** The ballot JSON it sent (exactly as sent). */
  readonly ballot: unknown;
  /** The ballot hash it computed itself. */
  readonly ballotHash: Uint8Array;
  readonly audited: boolean;
}

/** The named checks of a receipt, and the first reason of each failure. */
export interface ReceiptVerdict {
  readonly ok: boolean;
  readonly signed: boolean;
  readonly included: boolean;
  readonly holdsBallot: boolean;
  readonly trackingCode: boolean;
  readonly failures: readonly string[];
}

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

/** The three checks of an entry's inclusion proof (also the pages' "check my ballot"). */
export interface InclusionResult {
  readonly leafMatches: boolean;
  readonly included: boolean;
  readonly headSigned: boolean;
}

/** Checks that `entryText` is leaf `seq` of the tree whose head `boardKeyHex` signed. Never throws. */
export function checkInclusion(entryText: string, proof: { seq: number; leafHash: unknown; head: SignedTreeHead; path: unknown }, boardKeyHex: string): InclusionResult {
  let leaf: Uint8Array | undefined;
  let included = false;
  try {
    leaf = leafHash(utf8ToBytes(entryText));
    included =
      Number.isSafeInteger(proof.seq) &&
      verifyInclusion(leaf, proof.seq, proof.head.size, (Array.isArray(proof.path) ? proof.path : [null]).map((h) => hexToBytes(String(h), 32)), hexToBytes(String(proof.head.root), 32));
  } catch {
    included = false;
  }
  let headSigned = false;
  try {
    headSigned = verifyTreeHead(proof.head, hexToBytes(boardKeyHex, 32, 'board key'));
  } catch {
    headSigned = false;
  }
  return { leafMatches: leaf !== undefined && bytesToHex(leaf) === proof.leafHash, included, headSigned };
}

export function verifyReceipt(receipt: unknown, expected: ReceiptExpectation): ReceiptVerdict {
  const r = obj(receipt);
  const failures: string[] = [];
  const head = obj(r.head) as unknown as SignedTreeHead;
  const entry = typeof r.entry === 'string' ? r.entry : '';
  const seq = r.seq as number;
  const inclusion = checkInclusion(entry, { seq, leafHash: r.leafHash, head, path: r.path }, expected.boardPublicKey);
  const signed = head.electionId === expected.electionId && inclusion.headSigned;
  if (!signed) failures.push("the receipt's tree head is not signed by this election's board key");
  const included = inclusion.leafMatches && inclusion.included;
  if (!included) failures.push('the entry is not proven to be in the signed tree (inclusion proof)');

  let holdsBallot = false;
  const framing = Number.isSafeInteger(seq) ? checkEntryFraming(expected.electionId, entry, seq) : undefined;
  if (framing && framing.failures.length === 0 && framing.entry) {
    const kind = framing.entry.kind;
    const payload = obj(framing.entry.payload);
    holdsBallot = kind === (expected.audited ? 'audit' : 'ballot') && JSON.stringify(payload.ballot) === JSON.stringify(expected.ballot);
  }
  if (!holdsBallot) failures.push(`the entry does not hold the ballot this device ${expected.audited ? 'audited' : 'cast'}`);

  const code = trackingCode(expected.ballotHash);
  const codeOk = r.trackingCode === code && r.ballotHash === bytesToHex(expected.ballotHash);
  if (!codeOk) failures.push(`the receipt's tracking code is not ${code}, the one this device computed`);

  return { ok: failures.length === 0, signed, included, holdsBallot, trackingCode: codeOk, failures };
}
