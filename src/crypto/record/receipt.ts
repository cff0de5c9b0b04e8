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

export function verifyReceipt(receipt: unknown, expected: ReceiptExpectation): ReceiptVerdict {
  const r = obj(receipt);
  const failures: string[] = [];
  const head = obj(r.head) as unknown as SignedTreeHead;
  let signed = false;
  try {
    signed = head.electionId === expected.electionId && verifyTreeHead(head, hexToBytes(expected.boardPublicKey, 32, 'board key'));
  } catch {
    signed = false;
  }
  if (!signed) failures.push("the receipt's tree head is not signed by this election's board key");

  const entry = typeof r.entry === 'string' ? r.entry : '';
  const seq = r.seq as number;
  let included = false;
  try {
    const leaf = leafHash(utf8ToBytes(entry));
    included =
      Number.isSafeInteger(seq) &&
      bytesToHex(leaf) === r.leafHash &&
      verifyInclusion(leaf, seq, head.size, (Array.isArray(r.path) ? r.path : [null]).map((h) => hexToBytes(String(h), 32)), hexToBytes(String(head.root), 32));
  } catch {
    included = false;
  }
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
