/**
 * The record verifier on every core: the submission checks (6, 7, 8, 10 — nearly all of the work) run in
 * worker threads, chunk by chunk, each chunk one proof batch; the calling thread then runs
 * verifyElectionRecord with those verdicts and the sum of the valid ballots. Same report, same checks:
 * src/crypto/record/verify-record.ts stays the single definition of what is checked.
 */
import { type CiphertextJSON, ciphertextFromJSON, ciphertextToJSON } from '../crypto/elgamal';
import { defaultGroup } from '../crypto/group';
import { addCiphertextVectors } from '../crypto/record/submissions';
import type { SubmissionInput, SubmissionVerdict } from '../crypto/record/submissions';
import { type RecordVerification, recordSubmissionContext, verifyElectionRecord, type VerifyRecordOptions } from '../crypto/record/verify-record';
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
}

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

/** Verifies a record like verifyElectionRecord, with the per-submission checks spread over worker threads. Never throws on bad data. */
export async function verifyElectionRecordParallel(record: unknown, options: ParallelVerifyOptions = {}): Promise<RecordVerification> {
  const r = obj(record);
  const texts: unknown[] = Array.isArray(r.entries) ? r.entries : [];
  // The submissions exactly as verifyElectionRecord selects them (kind, and seq as claimed).
  const submissions: SubmissionInput[] = [];
  const others: unknown[] = [];
  texts.forEach((text, position) => {
    if (typeof text === 'string') {
      try {
        const e = obj(JSON.parse(text));
        if (e.kind === 'ballot' || e.kind === 'audit') {
          submissions.push({ seq: Number.isSafeInteger(e.seq) ? (e.seq as number) : position, kind: e.kind, text });
          return;
        }
      } catch {
        /* reported by check 1 */
      }
    }
    others.push(text);
  });
  const skeleton = { ...r, entries: others };
  if (submissions.length === 0 || recordSubmissionContext(skeleton) === null) return verifyElectionRecord(record, { onProgress: options.onProgress });

  const chunkSize = options.chunkSize ?? 256;
  const pool = await RecordWorkerPool.start({ backend: options.backend ?? DEFAULT_WORKER_BACKEND, skeleton }, options.workers ?? defaultWorkerCount());
  const verdicts: SubmissionVerdict[] = [];
  const validSeqs: number[] = [];
  let sum: ReturnType<typeof addCiphertextVectors> = null;
  let done = 0;
  try {
    const chunks: SubmissionInput[][] = [];
    for (let i = 0; i < submissions.length; i += chunkSize) chunks.push(submissions.slice(i, i + chunkSize));
    await Promise.all(
      chunks.map(async (inputs) => {
        const reply = await pool.run({ type: 'submissions', inputs });
        if (reply.type !== 'submissions') throw new Error('unexpected worker reply');
        verdicts.push(...reply.verdicts);
        validSeqs.push(...reply.validSeqs);
        if (reply.validSum) sum = addCiphertextVectors(defaultGroup, sum, reply.validSum.map((c) => ciphertextFromJSON(defaultGroup, c, { allowIdentity: true })));
        done += inputs.length;
        options.onProgress?.({ check: '6', title: 'Submissions: tokens, signatures, proofs, audits', done, total: submissions.length });
      }),
    );
  } finally {
    await pool.close();
  }
  const total = sum as ReturnType<typeof addCiphertextVectors>;
  const validSum: CiphertextJSON[] | null = total === null ? null : total.map((c) => ciphertextToJSON(defaultGroup, c));
  return verifyElectionRecord(record, { onProgress: options.onProgress, submissions: { verdicts, validSeqs, validSum } });
}
