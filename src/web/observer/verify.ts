/**
 * The observer's in-browser verification, run in a Web Worker: src/crypto/record/verify-record.ts's
 * `verifyElectionRecord` (the same 15 numbered checks as `evote verify`), on the record exactly as
 * downloaded. `verifyRecordInBrowser` below is the earlier, smaller replay (board, tokens, signatures,
 * proofs, audits), kept as a fallback should the full verifier throw.
 */
import { electionFromPublic, type PublicElection } from '../../client/voter-client';
import { auditedBallotFromJSON, ballotFromJSON, ballotHash, verifyAuditedBallot, verifyBallot } from '../../crypto/ballot';
import { hexToBytes } from '../../crypto/encoding';
import { defaultGroup as group } from '../../crypto/group';
import { verifyBoardLog } from '../../crypto/record/board-log';
import type { SignedTreeHead } from '../../crypto/record/tree-head';
import type { Election } from '../../crypto/ballot';
import { verifyTokenSignatures } from '../../crypto/tokens/ballot-token';
import { verifyBallotSignature } from '../../crypto/tokens/pseudonym';
import { parseIssuerPublicKeyJwk } from '../../crypto/tokens/rsa-key';
import { type RecordVerification, verifyElectionRecord } from '../../crypto/record/verify-record';

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
  verifier: 'browser' | 'record';
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

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The page's form of the record verifier's report. */
export function toVerification(v: RecordVerification): Verification {
  return {
    ok: v.ok,
    verifier: 'record',
    checks: v.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.checked !== undefined ? { checked: c.checked } : {}) })),
  };
}

export function runVerifier(record: Record_, view: PublicElection, onProgress: (p: Progress) => void): Verification {
  try {
    return toVerification(verifyElectionRecord(record, { onProgress }));
  } catch {
    return verifyRecordInBrowser(record, view, onProgress);
  }
}

export function verifyRecordInBrowser(record: Record_, view: PublicElection, onProgress: (p: Progress) => void): Verification {
  const checks: Check[] = [];
  const add = (id: string, title: string, failures: string[], checked?: number, skip?: string) =>
    checks.push({ id, title, status: skip ? 'skip' : failures.length ? 'fail' : 'pass', ...(skip || failures.length ? { reason: skip ?? failures[0] } : {}), ...(checked !== undefined ? { checked } : {}) });

  const log = verifyBoardLog(record.electionId, record.entries, record.head, hexToBytes(record.boardPublicKey));
  add('1', 'Board log: entry framing, tree hash, signed tree head', log.failures, record.entries.length);

  let election: Election | undefined;
  try {
    election = electionFromPublic(view);
    const manifestEntry = log.entries.find((e) => e.kind === 'manifest');
    add('2', 'Manifest and election key: base hash recomputed', manifestEntry ? [] : ['no manifest entry on the board']);
  } catch (e) {
    add('2', 'Manifest and election key: base hash recomputed', [msg(e)]);
  }
  const ballots = log.entries.filter((e) => e.kind === 'ballot' || e.kind === 'audit');
  const issuerEntry = log.entries.find((e) => e.kind === 'issuer-keys')?.payload as { threshold: number; issuers: Array<{ id: string; publicKey: unknown }> } | undefined;

  const tokenFailures: string[] = [];
  const sigFailures: string[] = [];
  const proofFailures: string[] = [];
  const auditFailures: string[] = [];
  let casts = 0;
  let audits = 0;
  ballots.forEach((entry, i) => {
    const p = entry.payload as { token: { pseudonym: string }; ballot: unknown; signature: string; reveal?: unknown };
    onProgress({ check: '3-6', title: 'ballots', done: i, total: ballots.length });
    try {
      if (!issuerEntry) throw new Error('no issuer-keys entry');
      const issuers = issuerEntry.issuers.map((x) => ({ id: x.id, publicKey: parseIssuerPublicKeyJwk(x.publicKey) }));
      if (!election || !verifyTokenSignatures(p.token as never, issuers, issuerEntry.threshold, { electionBaseHash: election.electionHash }).valid) tokenFailures.push(`entry ${entry.seq}: token`);
    } catch (e) {
      tokenFailures.push(`entry ${entry.seq}: ${msg(e)}`);
    }
    if (!election) return;
    try {
      const b = ballotFromJSON(group, election.manifest, p.ballot);
      if (!verifyBallotSignature(hexToBytes(p.token.pseudonym), record.electionId, ballotHash(group, b), hexToBytes(p.signature))) sigFailures.push(`entry ${entry.seq}: signature`);
      if (entry.kind === 'ballot') {
        casts++;
        if (!verifyBallot(group, election, b).valid) proofFailures.push(`entry ${entry.seq}: proof`);
      } else {
        audits++;
        const v = verifyAuditedBallot(group, election, auditedBallotFromJSON(group, election.manifest, { ballot: p.ballot, reveal: p.reveal }));
        if (!v.valid) auditFailures.push(`entry ${entry.seq}: audit does not open`);
      }
    } catch (e) {
      (entry.kind === 'ballot' ? proofFailures : auditFailures).push(`entry ${entry.seq}: ${msg(e)}`);
    }
  });
  onProgress({ check: '3-6', title: 'ballots', done: ballots.length, total: ballots.length });
  add('3', 'Every ballot token: issuers’ blind signatures, bound to the base hash', tokenFailures, ballots.length);
  add('4', 'Every pseudonym signature', sigFailures, ballots.length);
  add('5', 'Every cast ballot proof', proofFailures, casts);
  add('6', 'Every audited ballot opens to its reveal', auditFailures, audits);
  const close = log.entries.find((e) => e.kind === 'close')?.payload as { ballotsCast?: number } | undefined;
  if (close) add('7', 'Close entry: number of ballots cast', close.ballotsCast === casts ? [] : [`close says ${close.ballotsCast}, the board has ${casts}`]);
  else add('7', 'Close entry: number of ballots cast', [], undefined, 'not closed yet');
  return { ok: checks.every((c) => c.status !== 'fail'), checks, verifier: 'browser' };
}
