/**
 * The record verifier on every core: the submission checks (6, 7, 8, 10 — nearly all of the work) run in
 * worker threads, chunk by chunk, each chunk one proof batch; the calling thread then runs
 * verifyElectionRecord with those verdicts and the sum of the valid ballots (src/crypto/record/verify-chunked.ts).
 * Same report, same checks: src/crypto/record/verify-record.ts stays the single definition of what is checked.
 */
import { splitRecord, verifyWithRunner, worthDistributing } from '../crypto/record/verify-chunked';
import { type RecordVerification, verifyElectionRecord, type VerifyRecordOptions } from '../crypto/record/verify-record';
import { DEFAULT_WORKER_BACKEND, type GroupBackend } from './backend';
import { defaultWorkerCount, RecordWorkerPool } from './pool';

export interface ParallelVerifyOptions {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Group backend of the workers (default: the recommended one). */
  backend?: GroupBackend;
  /** Submissions per chunk (one proof batch each). */
  chunkSize?: number;
  onProgress?: VerifyRecordOptions['onProgress'];
  /** The published fingerprint H (check 4). */
  fingerprint?: string;
  /** Receipts and heads held against the record (check 16). */
  receipts?: VerifyRecordOptions['receipts'];
  heads?: VerifyRecordOptions['heads'];
}

/** Verifies a record like verifyElectionRecord, with the per-submission checks spread over worker threads. Never throws on bad data. */
export async function verifyElectionRecordParallel(record: unknown, options: ParallelVerifyOptions = {}): Promise<RecordVerification> {
  const { skeleton, submissions } = splitRecord(record);
  if (!worthDistributing(skeleton, submissions)) return verifyElectionRecord(record, { onProgress: options.onProgress, fingerprint: options.fingerprint, receipts: options.receipts, heads: options.heads });
  const pool = await RecordWorkerPool.start({ backend: options.backend ?? DEFAULT_WORKER_BACKEND, skeleton }, options.workers ?? defaultWorkerCount());
  try {
    return await verifyWithRunner(
      record,
      submissions,
      {
        run: async (inputs) => {
          const reply = await pool.run({ type: 'submissions', inputs });
          if (reply.type !== 'submissions') throw new Error('unexpected worker reply');
          return reply;
        },
      },
      { chunkSize: options.chunkSize, onProgress: options.onProgress, fingerprint: options.fingerprint, receipts: options.receipts, heads: options.heads },
    );
  } finally {
    await pool.close();
  }
}
