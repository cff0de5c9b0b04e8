/**
 * Check 16 (docs/protocol.md §70.3): receipt files and signed heads that voters, observers or monitors
 * kept, held against a whole record. A held head the board key signed must be a prefix of the record (its
 * root recomputed while the log was replayed); a receipt must be anchored to this record's fingerprint and
 * board key, prove itself, and its ballot must be on the board and counted (or replaced by a counted ballot
 * of the same pseudonym). Every failure that is the board's prints the signed head as evidence. Pure; never
 * throws on bad data.
 */
import { trackingCode } from '../ballot';
import { hexToBytes } from '../encoding';
import { type CountStatus, countStatus, parseReceiptFile, parseSignedHead, receiptSelfCheck } from './receipt-file';
import { type SignedTreeHead, verifyTreeHead } from './tree-head';

/** A receipt held against the record: what it proves and how its ballot fared. */
export interface HeldReceipt {
  readonly trackingCode: string | null;
  readonly seq: number | null;
  /** The receipt is a valid, signed receipt of this record's board and the record extends its head. */
  readonly ok: boolean;
  readonly count: CountStatus | null;
  readonly failures: readonly string[];
}

/** What check 16 needs of the record, as the verifier has read it. */
export interface RecordView {
  readonly electionId: string | null;
  readonly boardPublicKey: string;
  /** The record's base hash H (its election-key entry), if it has one. */
  readonly baseHash: unknown;
  /** The published fingerprint the verifier was given, if any. */
  readonly fingerprint?: string;
  readonly size: number;
  /** Root of each prefix a held head names (BoardLogReplay), hex. */
  readonly prefixRoots: ReadonlyMap<number, string> | undefined;
  /** The kind of the entry at `seq`, and for a submission the ballot hash the verifier computed ('' if not). */
  readonly entryAt: (seq: number) => { readonly kind: string; readonly ballotHash: string } | undefined;
  readonly pseudonymOf: (seq: number) => string | undefined;
  /** The tally's counted seqs; undefined before the tally. */
  readonly counted: readonly number[] | undefined;
}

export function checkHeldEvidence(record: RecordView, receipts: readonly unknown[], heads: readonly unknown[]): { failures: string[]; receipts: HeldReceipt[] } {
  const all: string[] = [];
  const { electionId, boardPublicKey: boardKey, size } = record;

  // Is `head` (signed by this board's key) a prefix of this record? Failures are the board's, with the evidence.
  const asPrefix = (head: SignedTreeHead, label: string): string[] => {
    if (head.size > size) return [`${label}: the board key signed a head of ${head.size} entries, the record has only ${size}: entries were dropped (evidence: ${JSON.stringify(head)})`];
    const root = record.prefixRoots?.get(head.size);
    if (root === undefined) return [`${label}: the record's log could not be replayed (check 1)`];
    if (root !== head.root) return [`${label}: the board key signed a head of size ${head.size} with root ${head.root}, but the record's first ${head.size} entries hash to ${root}: the record is not the history that was shown (evidence: ${JSON.stringify(head)})`];
    return [];
  };

  const held = receipts.map((x, i): HeldReceipt => {
    const parsed = parseReceiptFile(x);
    const failures: string[] = [];
    const rc = parsed.receipt;
    const label = `receipt ${rc ? rc.trackingCode : `#${i + 1}`}`;
    let count: CountStatus | null = null;
    if (!rc) failures.push(`${label}: not a receipt: ${parsed.failure}`);
    else if (rc.electionId !== electionId) failures.push(`${label}: a receipt of election ${rc.electionId}, not of this one`);
    else {
      if (record.fingerprint !== undefined && rc.fingerprint !== record.fingerprint) failures.push(`${label}: anchored to fingerprint ${rc.fingerprint}, not the published ${record.fingerprint}`);
      if (rc.fingerprint !== record.baseHash) failures.push(`${label}: anchored to fingerprint ${rc.fingerprint}, but the record's base hash is ${String(record.baseHash)}: the record is not the election the voter's device checked`);
      if (rc.boardPublicKey !== boardKey) failures.push(`${label}: signed under board key ${rc.boardPublicKey}, the record under ${boardKey}: the record was re-signed`);
      const own = receiptSelfCheck(rc);
      if (own.length) failures.push(...own.map((f) => `${label} proves nothing: ${f}`));
      else if (rc.boardPublicKey === boardKey) {
        failures.push(...asPrefix(rc.head, label));
        // The entry is the record's (prefix root); its kind and ballot must be what the receipt names.
        const onBoard = record.entryAt(rc.seq);
        const hash = onBoard?.ballotHash ?? '';
        if (failures.length === 0 && onBoard?.kind !== (rc.audited ? 'audit' : 'ballot')) failures.push(`${label}: entry ${rc.seq} is a '${String(onBoard?.kind)}' entry, not the ${rc.audited ? 'audit' : 'ballot'} the receipt names`);
        else if (failures.length === 0 && hash && (hash !== rc.ballotHash || trackingCode(hexToBytes(hash, 32)) !== rc.trackingCode)) failures.push(`${label}: entry ${rc.seq} holds the ballot with tracking code ${trackingCode(hexToBytes(hash, 32))}, not ${rc.trackingCode}`);
        if (failures.length === 0) {
          count = countStatus(rc.seq, rc.audited, record.counted, record.pseudonymOf);
          if (count.status === 'not-counted') failures.push(`${label}: the ballot at entry ${rc.seq} is on the board but not counted, and no other ballot of its pseudonym is`);
        }
      }
    }
    all.push(...failures);
    return { trackingCode: rc?.trackingCode ?? null, seq: rc?.seq ?? null, ok: failures.length === 0, count, failures };
  });

  heads.forEach((x, i) => {
    const parsed = parseSignedHead(x);
    const label = `head #${i + 1}`;
    if (!parsed.head) return void all.push(`${label}: not a signed head: ${parsed.failure}`);
    const head = parsed.head;
    if (head.electionId !== electionId) return void all.push(`${label}: a head of election ${head.electionId}, not of this one`);
    let signed = false;
    try {
      signed = verifyTreeHead(head, hexToBytes(boardKey, 32, 'board key'));
    } catch {
      signed = false;
    }
    if (!signed) return void all.push(`${label}: not signed by this record's board key (proves nothing, or the record was re-signed)`);
    all.push(...asPrefix(head, `${label} (size ${head.size})`));
  });
  return { failures: all, receipts: held };
}
