/**
 * The record verifier for records too large to hold: it reads the NDJSON form (docs/protocol.md §70.1:
 * header line, then one entry per line) from a file, and never keeps a ballot's text. Memory grows with
 * the number of entries by a few dozen bytes each (seq, kind, pseudonym, leaf hash, verdict), not with
 * their size.
 *
 *   pass 1  every entry that is not a ballot or an audit is framed and kept (the context of the checks);
 *   pass 2  the ballots and audits go, in chunks, to the worker threads: framing and leaf hash, then the
 *           submission checks with batched proofs and the sum of the valid ballots (as verify-parallel);
 *   pass 3  the few ballot texts check 11 re-reads (superseded by a revote, or counted but invalid).
 *
 * Then verifyElectionRecord runs every numbered check on the replayed log and these results: the report
 * is the same as for the record held in memory.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BoardLogReplay, checkEntryFraming, type EntryFraming } from '../crypto/record/board-log';
import { submissionClaim } from '../crypto/record/submissions';
import { heldSizes } from '../crypto/record/receipt-file';
import { SubmissionResults } from '../crypto/record/verify-chunked';
import { aggregateCorrections, type RecordVerification, recordSubmissionContext, verifyElectionRecord, type VerifyRecordOptions } from '../crypto/record/verify-record';
import { DEFAULT_WORKER_BACKEND, type GroupBackend } from './backend';
import { defaultWorkerCount, RecordWorkerPool } from './pool';
import type { StreamLine, StreamedEntry } from './record-worker';

export interface StreamVerifyOptions {
  workers?: number;
  backend?: GroupBackend;
  /** Entry lines per worker job. */
  chunkSize?: number;
  onProgress?: VerifyRecordOptions['onProgress'];
  /** The published fingerprint H (check 4). */
  fingerprint?: string;
  /** Receipts and heads held against the record (check 16). */
  receipts?: VerifyRecordOptions['receipts'];
  heads?: VerifyRecordOptions['heads'];
}

/** Cheap pre-filter for the server's framing of a submission; workers re-check every line they get. */
const SUBMISSION_PREFIX = /^\{"v":1,"electionId":"[^"]*","seq":\d+,"kind":"(?:ballot|audit)","payload":/;

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

async function* entryLines(file: string): AsyncGenerator<{ position: number; text: string }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let position = -1; // the header line
  // A blank line between entries is an entry (an empty text, which fails its framing), as when the record
  // is read whole (readRecord); blank lines at the end of the file are not.
  let blanks = 0;
  for await (const line of rl) {
    if (position < 0) {
      if (line !== '') position = 0;
      continue;
    }
    if (line === '') {
      blanks++;
      continue;
    }
    for (; blanks > 0; blanks--) yield { position: position++, text: '' };
    yield { position: position++, text: line };
  }
}

/** The header (first line) of an NDJSON record file, or undefined if the file is not in that form. */
export async function ndjsonHeader(file: string): Promise<Record<string, unknown> | undefined> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8', start: 0, end: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) {
    rl.close();
    try {
      const h = JSON.parse(line);
      return h && typeof h === 'object' && !Array.isArray(h) && !('entries' in h) ? (h as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

interface KeptEntry {
  framing: Pick<EntryFraming, 'leaf' | 'failures'>;
  seq: number;
  kind: string;
  payload: unknown;
  text: string;
}

/** Verifies an NDJSON record file on worker threads without holding it. Never throws on bad data. */
export async function verifyRecordFile(file: string, options: StreamVerifyOptions = {}): Promise<RecordVerification> {
  const header = await ndjsonHeader(file);
  if (!header) throw new Error(`${file} is not an NDJSON election record (header line, then one entry per line)`);
  const electionId = typeof header.electionId === 'string' ? header.electionId : '';

  // Pass 1: everything but the submissions (by prefix, or by parsed kind), framed and kept.
  const kept = new Map<number, KeptEntry>();
  let count = 0;
  for await (const { position, text } of entryLines(file)) {
    count = position + 1;
    if (SUBMISSION_PREFIX.test(text)) continue;
    const f = checkEntryFraming(electionId, text, position);
    const kind = f.entry ? String(f.entry.kind) : '';
    if (kind === 'ballot' || kind === 'audit') continue;
    if (f.entry) kept.set(position, { framing: f, seq: Number.isSafeInteger(f.entry.seq) ? (f.entry.seq as number) : position, kind, payload: f.entry.payload, text });
    else kept.set(position, { framing: f, seq: position, kind: '', payload: undefined, text });
  }
  const skeleton = { ...header, entries: [...kept.values()].map((e) => e.text) };

  // Pass 2: the submissions on the workers (when the record yields no context, they cannot be checked:
  // verifyElectionRecord then reports checks 6-8 as skipped, as for a record held in memory).
  // Per position, compactly: leaf hashes in one buffer, framing failures only where there are some,
  // and the small stub of each submission (a million entries cost tens of MB here, not gigabytes).
  const leaves = new Uint8Array(32 * count);
  const failuresAt = new Map<number, readonly string[]>();
  const stubs: Array<{ seq: number; kind: 'ballot' | 'audit'; pseudonym: string | undefined } | string | undefined> = new Array(count);
  const keep = (e: StreamedEntry) => {
    leaves.set(e.leaf, 32 * e.position);
    if (e.failures.length > 0) failuresAt.set(e.position, e.failures);
    stubs[e.position] = e.submission ? e.submission : e.text;
  };
  const results = new SubmissionResults();
  if (recordSubmissionContext(skeleton) === null) {
    // No context: the submissions cannot be checked (checks 6-8 skip, as in memory), only framed here.
    for await (const { position, text } of entryLines(file)) {
      if (kept.has(position)) continue;
      const f = checkEntryFraming(electionId, text, position);
      const submission = submissionClaim(f, position);
      keep({ position, leaf: f.leaf, failures: f.failures, ...(submission ? { submission } : { text }) });
    }
  } else if (count > kept.size) {
    const pool = await RecordWorkerPool.start({ backend: options.backend ?? DEFAULT_WORKER_BACKEND, skeleton }, options.workers ?? defaultWorkerCount());
    const chunkSize = options.chunkSize ?? 256;
    const total = count - kept.size;
    let done = 0;
    const inFlight = new Set<Promise<void>>();
    const dispatch = (lines: StreamLine[]) => {
      const p = pool.run({ type: 'stream', lines }).then((reply) => {
        if (reply.type !== 'stream') throw new Error('unexpected worker reply');
        for (const e of reply.entries) keep(e);
        results.add(reply);
        done += lines.length;
        options.onProgress?.({ check: '6', title: 'Submissions: tokens, signatures, proofs, audits', done, total });
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    };
    try {
      let chunk: StreamLine[] = [];
      for await (const line of entryLines(file)) {
        if (kept.has(line.position)) continue;
        chunk.push(line);
        if (chunk.length === chunkSize) {
          dispatch(chunk);
          chunk = [];
          // Backpressure: at most two chunks per worker in flight, so the file is read as fast as checked.
          while (inFlight.size >= 2 * pool.size) await Promise.race(inFlight);
        }
      }
      if (chunk.length > 0) dispatch(chunk);
      await Promise.all(inFlight);
    } finally {
      await pool.close();
    }
  }

  // The log replayed in order, and the entries as verifyElectionRecord reads them.
  const log = new BoardLogReplay(electionId, heldSizes(options.receipts, options.heads));
  const entries: Array<{ seq: number; kind: string; payload: unknown; text: string }> = [];
  const ballotPosition = new Map<number, number>(); // claimed seq → position, for pass 3
  for (let position = 0; position < count; position++) {
    const k = kept.get(position);
    if (k) {
      log.addFraming(k.framing);
      if (k.kind) entries.push({ seq: k.seq, kind: k.kind, payload: k.payload, text: k.text });
      continue;
    }
    const stub = stubs[position];
    if (stub === undefined) throw new Error(`entry ${position} was lost between the passes`);
    log.addFraming({ leaf: leaves.subarray(32 * position, 32 * position + 32), failures: failuresAt.get(position) ?? [] });
    if (typeof stub === 'string') {
      // As in memory: a text that is not JSON is no entry of the content checks (check 1 reports it).
      const parsed = safeParse(stub);
      const p = obj(parsed);
      if (parsed !== NOT_JSON) entries.push({ seq: Number.isSafeInteger(p.seq) ? (p.seq as number) : position, kind: String(p.kind), payload: p.payload, text: stub });
    } else {
      entries.push({ seq: stub.seq, kind: stub.kind, payload: { token: { pseudonym: stub.pseudonym } }, text: '' });
      if (stub.kind === 'ballot') ballotPosition.set(stub.seq, position);
    }
    stubs[position] = undefined;
  }

  // Pass 3: the ballot texts check 11 re-reads (§70.3: Σ counted = Σ valid − valid-not-counted + counted-not-valid).
  const tally = entries.filter((e) => e.kind === 'tally');
  const counted = tally.length === 1 && Array.isArray(obj(tally[0].payload).counted) ? (obj(tally[0].payload).counted as unknown[]).filter((x): x is number => typeof x === 'number') : [];
  const submissions = results.result();
  const { subtract, add } = aggregateCorrections(counted, submissions.validSeqs);
  const wanted = new Map<number, number>(); // position → seq
  for (const s of [...subtract, ...add]) if (ballotPosition.has(s)) wanted.set(ballotPosition.get(s)!, s);
  const texts = new Map<number, string>();
  if (wanted.size > 0) {
    for await (const { position, text } of entryLines(file)) {
      const s = wanted.get(position);
      if (s !== undefined) texts.set(s, text);
      if (texts.size === wanted.size) break;
    }
  }

  return verifyElectionRecord(header, { onProgress: options.onProgress, fingerprint: options.fingerprint, receipts: options.receipts, heads: options.heads, prepared: { log, entries, textOf: (seq) => texts.get(seq) }, submissions });
}

const NOT_JSON = Symbol('not JSON');

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Writes a record (as served, or as built in memory) in its NDJSON form, line by line. */
export async function writeNdjsonRecord(out: NodeJS.WritableStream, record: { readonly entries: readonly string[] }): Promise<void> {
  const { entries, ...header } = record;
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write(JSON.stringify(header));
  for (const e of entries) await write(e);
}

