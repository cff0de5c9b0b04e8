/**
 * `evote verify`: the observer's independent check of an election record (docs/protocol.md §70), from a
 * file or downloaded from a server. Only src/crypto does the checking; this file reads, prints and exits.
 */
import { readFileSync } from 'node:fs';
import { formatRecordVerification, type RecordVerification, verifyElectionRecord } from '../crypto/record/verify-record';
import type { CliIO } from './args';
import { UsageError } from './args';
import { ApiClient } from './http';

export interface VerifyCommandOptions {
  record?: string;
  server?: string;
  election?: string;
  json?: boolean;
  /** Show a progress line (default: when stderr is a terminal). */
  progress?: boolean;
}

/** Loads the record (file or server), verifies it, prints the checks. Resolves to the exit code: 0 only if every check passes. */
export async function verifyCommand(o: VerifyCommandOptions, io: CliIO): Promise<number> {
  if (!!o.record === !!o.server) throw new UsageError('give either --record FILE or --server URL --election ID');
  let record: unknown;
  if (o.record) {
    try {
      record = JSON.parse(readFileSync(o.record, 'utf8'));
    } catch (e) {
      throw new Error(`cannot read ${o.record}: ${(e as Error).message}`);
    }
  } else {
    if (!o.election) throw new UsageError('--election is required with --server');
    record = await new ApiClient(o.server!).get(`/elections/${encodeURIComponent(o.election)}/record`);
  }
  const tty = o.progress ?? (!o.json && process.stderr.isTTY === true);
  let last = 0;
  const v: RecordVerification = verifyElectionRecord(record, {
    onProgress: tty
      ? (p) => {
          const now = Date.now();
          if (now - last < 100 && p.done !== p.total) return;
          last = now;
          process.stderr.write(`\r\x1b[K  check ${p.check}: ${p.done}/${p.total} — ${p.title}`);
        }
      : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (o.json) {
    io.out(JSON.stringify(v, null, 2));
  } else {
    io.out(`Election ${v.electionId ?? '(unknown)'}`);
    for (const line of formatRecordVerification(v)) io.out(line);
    if (v.result) io.out(`Result: ${JSON.stringify(v.result)}`);
    io.out(v.ok ? 'The record verifies: every check passed.' : `The record does NOT verify: ${v.checks.filter((c) => c.status !== 'pass').map((c) => c.id).join(', ')} did not pass.`);
  }
  return v.ok ? 0 : 1;
}
