/**
 * `evote verify`: the observer's independent check of an election record (docs/protocol.md §70), from a
 * file or downloaded from a server. Only src/crypto does the checking; this file reads, prints and exits.
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatRecordVerification, type RecordVerification, verifyElectionRecord } from '../crypto/record/verify-record';
import { verifyElectionRecordParallel } from '../parallel/verify-parallel';
import { ndjsonHeader, verifyRecordFile } from '../parallel/verify-stream';
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
  /** Worker threads for the per-ballot checks (default: one per core; 0: all on this thread). */
  workers?: number;
  /** The election's published fingerprint (base hash H, 64 hex; spaces, colons and dashes ignored). */
  fingerprint?: string;
  /** Exit 1 unless every check passed (the result included): for the final check after the tally. */
  requireResult?: boolean;
  /** Voters' receipt files and files of signed heads, held against the record (check 16). */
  receiptFiles?: readonly string[];
  headFiles?: readonly string[];
}

/** A receipt file's JSON (anything: check 16 judges it). */
function readReceipt(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read the receipt ${file}: ${(e as Error).message}`);
  }
}

/** Signed heads from a file: one head, a JSON array of heads, or one head per line. */
export function readHeads(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the heads ${file}: ${(e as Error).message}`);
  }
  try {
    const all = JSON.parse(text) as unknown;
    return Array.isArray(all) ? all : [all];
  } catch {
    try {
      return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    } catch (e) {
      throw new UsageError(`${file} holds neither a head, a JSON array of heads, nor one head per line: ${(e as Error).message}`);
    }
  }
}

const COUNT_TEXT: Record<string, string> = {
  counted: 'on the board and counted',
  audited: 'on the board, audited (an audited ballot is never counted)',
  'not-counted': 'on the board but NOT counted',
  'not-tallied': 'on the board; not tallied yet',
};

/** The fingerprint as the verifier compares it: 64 lowercase hex, separators dropped. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[\s:-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError('--fingerprint takes the election fingerprint: 64 hexadecimal characters (the election base hash)');
  return hex;
}

/**
 * Reads a record in either published form: one JSON document, or NDJSON (header line, then one entry text
 * per line; docs/protocol.md §70.1). Line by line, so a record larger than a JavaScript string still loads.
 */
export async function readRecord(input: NodeJS.ReadableStream): Promise<unknown> {
  const lines: string[] = [];
  for await (const line of createInterface({ input, crlfDelay: Infinity })) lines.push(line);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const first = lines.length > 0 ? JSON.parse(lines[0]) : undefined;
  const isNdjson = first !== null && typeof first === 'object' && !Array.isArray(first) && !('entries' in first) && lines.length >= 1;
  if (isNdjson) return { ...first, entries: lines.slice(1) };
  return JSON.parse(lines.join('\n'));
}

/** Loads the record (file or server), verifies it, prints the checks. Resolves to the exit code: 0 only if every check passes. */
export async function verifyCommand(o: VerifyCommandOptions, io: CliIO): Promise<number> {
  if (!!o.record === !!o.server) throw new UsageError('give either --record FILE or --server URL --election ID');
  const tty = o.progress ?? (!o.json && process.stderr.isTTY === true);
  let last = 0;
  const onProgress = tty
    ? (p: { check: string; title: string; done: number; total: number }) => {
        const now = Date.now();
        if (now - last < 100 && p.done !== p.total) return;
        last = now;
        process.stderr.write(`\r\x1b[K  check ${p.check}: ${p.done}/${p.total} — ${p.title}`);
      }
    : undefined;
  const workers = o.workers ? { workers: o.workers } : {};
  const fingerprint = o.fingerprint === undefined ? undefined : normalizeFingerprint(o.fingerprint);
  const held = { receipts: (o.receiptFiles ?? []).map(readReceipt), heads: (o.headFiles ?? []).flatMap(readHeads) };
  let v: RecordVerification;
  let download: string | undefined;
  try {
    let file = o.record;
    if (!file) {
      if (!o.election) throw new UsageError('--election is required with --server');
      // Downloaded as NDJSON into a temporary file, then streamed: a large record fits in neither a string nor memory.
      const url = `${new ApiClient(o.server!).base}/elections/${encodeURIComponent(o.election)}/record`;
      const res = await fetch(url, { headers: { accept: 'application/x-ndjson' } });
      if (!res.ok || !res.body) throw new Error(`GET ${url}: HTTP ${res.status}`);
      download = mkdtempSync(join(tmpdir(), 'evote-record-'));
      file = join(download, 'record.ndjson');
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(file));
    }
    if (o.workers !== 0 && (await ndjsonHeader(file))) {
      v = await verifyRecordFile(file, { onProgress, fingerprint, ...held, ...workers });
    } else {
      let record: unknown;
      try {
        record = await readRecord(createReadStream(file, 'utf8'));
      } catch (e) {
        throw new Error(`cannot read ${file}: ${(e as Error).message}`);
      }
      v = o.workers === 0 ? verifyElectionRecord(record, { onProgress, fingerprint, ...held }) : await verifyElectionRecordParallel(record, { onProgress, fingerprint, ...held, ...workers });
    }
  } finally {
    if (download) rmSync(download, { recursive: true, force: true });
  }
  if (tty) process.stderr.write('\r\x1b[K');
  if (o.json) {
    io.out(JSON.stringify(v, null, 2));
  } else {
    io.out(`Election ${v.electionId ?? '(unknown)'}`);
    for (const line of formatRecordVerification(v)) io.out(line);
    for (const r of v.receipts ?? []) {
      const what = !r.ok || !r.count ? 'does NOT check out (see check 16)' : r.count.status === 'superseded' ? `on the board, replaced by a later ballot of the same voter (entry ${r.count.by}), which is counted` : COUNT_TEXT[r.count.status];
      io.out(`Receipt ${r.trackingCode ?? '(unreadable)'}${r.seq !== null ? ` (entry ${r.seq})` : ''}: ${what}`);
    }
    if (v.result) io.out(`Result: ${JSON.stringify(v.result)}`);
    io.out(verdictLine(v));
  }
  const failed = v.checks.some((c) => c.status === 'fail');
  return failed || (o.requireResult && !v.ok) ? 1 : 0;
}

/**
 * The closing line. A record of an election still open (or not yet tallied) has checks that do not apply
 * yet: they are skipped, not failed, and the record "verifies so far".
 */
function verdictLine(v: RecordVerification): string {
  const failed = v.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  if (failed.length > 0) return `The record does NOT verify: check${failed.length > 1 ? 's' : ''} ${failed.join(', ')} failed.`;
  if (v.ok) return 'The record verifies: every check passed.';
  const ballots = v.checks.find((c) => c.id === '8')?.checked ?? 0;
  const skipped = v.checks.filter((c) => c.status === 'skip').map((c) => c.id);
  return `The record verifies so far: ${ballots} ballot${ballots === 1 ? '' : 's'}, no result yet (checks ${skipped.join(', ')} do not apply yet; --require-result makes that a failure).`;
}
