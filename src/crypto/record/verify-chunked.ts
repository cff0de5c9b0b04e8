/**
 * Verification of a record with its submission checks done elsewhere, chunk by chunk (worker threads in
 * Node, Web Workers in a browser): this file holds the platform-neutral part — how a record is split, how
 * chunk results are combined — so both use exactly the same steps; the runner only moves chunks.
 */
import { addCiphertextVectors, type Ciphertext, type CiphertextJSON, ciphertextFromJSON, ciphertextToJSON } from '../elgamal';
import { defaultGroup } from '../group';
import type { SubmissionInput, SubmissionVerdict } from './submissions';
import { type PrecomputedSubmissions, type RecordVerification, recordSubmissionContext, verifyElectionRecord, type VerifyRecordOptions } from './verify-record';

/** A chunk's results in plain data (what crosses a thread boundary). */
export interface SubmissionChunkJSON {
  readonly verdicts: readonly SubmissionVerdict[];
  readonly validSeqs: readonly number[];
  readonly validSum: readonly CiphertextJSON[] | null;
}

/** Checks chunks of submissions against the context of `skeleton` (set up once per runner). */
export interface SubmissionRunner {
  run(inputs: readonly SubmissionInput[]): Promise<SubmissionChunkJSON>;
}

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

/**
 * The record's submissions ('ballot' and 'audit' entries, with the seq they claim, exactly as
 * verifyElectionRecord selects them) and the record without them (the context for the runners).
 */
export function splitRecord(record: unknown): { skeleton: Record<string, unknown>; submissions: SubmissionInput[] } {
  const r = obj(record);
  const texts: unknown[] = Array.isArray(r.entries) ? r.entries : [];
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
  return { skeleton: { ...r, entries: others }, submissions };
}

/** True when the submissions can be checked elsewhere (there are some, and the record yields a context). */
export function worthDistributing(skeleton: unknown, submissions: readonly SubmissionInput[]): boolean {
  return submissions.length > 0 && recordSubmissionContext(skeleton) !== null;
}

/**
 * Collects the chunk results (in any order) into what verifyElectionRecord takes: every verdict, the valid
 * seqs and the sum of the chunks' sums. Verdicts with the same set of valid issuers share one array (a
 * million verdicts would otherwise hold a million copies of the same few issuer ids).
 */
export class SubmissionResults {
  private readonly verdicts: SubmissionVerdict[] = [];
  private readonly validSeqs: number[] = [];
  private readonly issuerSets = new Map<string, readonly string[]>();
  private sum: readonly Ciphertext[] | null = null;

  add(r: SubmissionChunkJSON): void {
    for (const v of r.verdicts) {
      const key = v.validIssuers.join(',');
      const shared = this.issuerSets.get(key) ?? (this.issuerSets.set(key, v.validIssuers), v.validIssuers);
      this.verdicts.push({ ...v, validIssuers: shared });
    }
    this.validSeqs.push(...r.validSeqs);
    if (r.validSum) this.sum = addCiphertextVectors(defaultGroup, this.sum, r.validSum.map((c) => ciphertextFromJSON(defaultGroup, c, { allowIdentity: true })));
  }

  result(): PrecomputedSubmissions {
    return { verdicts: this.verdicts, validSeqs: this.validSeqs, validSum: this.sum === null ? null : this.sum.map((c) => ciphertextToJSON(defaultGroup, c)) };
  }
}

/**
 * Runs every chunk through `runner` (concurrently: the runner queues them), combines the verdicts and sums,
 * then runs verifyElectionRecord with them. Same report as verifyElectionRecord alone.
 */
export async function verifyWithRunner(
  record: unknown,
  submissions: readonly SubmissionInput[],
  runner: SubmissionRunner,
  options: { chunkSize?: number; onProgress?: VerifyRecordOptions['onProgress'] } & Pick<VerifyRecordOptions, 'fingerprint' | 'receipts' | 'heads'> = {},
): Promise<RecordVerification> {
  const chunkSize = options.chunkSize ?? 256;
  const results = new SubmissionResults();
  let done = 0;
  const jobs: Promise<void>[] = [];
  for (let i = 0; i < submissions.length; i += chunkSize) {
    const inputs = submissions.slice(i, i + chunkSize);
    jobs.push(
      runner.run(inputs).then((r) => {
        results.add(r);
        done += inputs.length;
        options.onProgress?.({ check: '6', title: 'Submissions: tokens, signatures, proofs, audits', done, total: submissions.length });
      }),
    );
  }
  await Promise.all(jobs);
  return verifyElectionRecord(record, { onProgress: options.onProgress, fingerprint: options.fingerprint, receipts: options.receipts, heads: options.heads, submissions: results.result() });
}
