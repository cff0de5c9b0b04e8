/**
 * The observer's in-browser verification, run in a Web Worker: src/crypto/record/verify-record.ts's
 * `verifyElectionRecord` (the same numbered checks as `evote verify`: 16 when receipts are held), on the record exactly as
 * downloaded.
 */
import type { SignedTreeHead } from '../../crypto/record/tree-head';
import { type RecordVerification, verifyElectionRecord, type VerifyRecordOptions } from '../../crypto/record/verify-record';

export type CheckStatus = 'pass' | 'fail' | 'skip';
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  reason?: string;
  checked?: number;
}
export interface Verification {
  ok: boolean;
  checks: Check[];
  /** Which verifier's numbering the check ids follow (the page's message keys are check.<verifier>.<id>). */
  verifier: 'record';
}
export interface Progress {
  check: string;
  title: string;
  done: number;
  total: number;
}
export interface Record_ {
  electionId: string;
  boardPublicKey: string;
  head: SignedTreeHead;
  entries: string[];
}

/** The page's form of the record verifier's report. */
export function toVerification(v: RecordVerification): Verification {
  return {
    ok: v.ok,
    verifier: 'record',
    checks: v.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.checked !== undefined ? { checked: c.checked } : {}) })),
  };
}

/** What the page holds against the record: the fingerprint from its link (check 4) and uploaded receipts (check 16). */
export type HeldOptions = Pick<VerifyRecordOptions, 'fingerprint' | 'receipts'>;

/** The record verifier on this thread (it never throws on bad data: every problem is a numbered check). */
export function runVerifier(record: Record_, onProgress: (p: Progress) => void, held: HeldOptions = {}): Verification {
  return toVerification(verifyElectionRecord(record, { onProgress, ...held }));
}
