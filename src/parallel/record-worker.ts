/**
 * Worker thread of src/parallel/pool.ts. Set up once with a record's context (or just a manifest), it
 * answers chunks: the submission checks of the verifier (checks 6, 7, 8, 10 with batched proofs, plus the
 * sum of the valid ballots), a plain homomorphic sum of ballots for the tally, or the checks of one cast
 * submission for the server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ballotCiphertextsFromJSON, type Manifest, parseManifest } from '../crypto/ballot';
import { addCiphertextVectors, type Ciphertext, ciphertextToJSON, type CiphertextJSON } from '../crypto/elgamal';
import type { Group } from '../crypto/group';
import { checkSubmissions, submissionClaim, type SubmissionContext, type SubmissionInput, type SubmissionVerdict } from '../crypto/record/submissions';
import { checkEntryFraming } from '../crypto/record/board-log';
import { recordSubmissionContext } from '../crypto/record/verify-record';
import { type CastCheckResult, type CastContext, type CastContextJSON, castContext, checkSubmission } from '../modules/ballots/cast-check';
import { type GroupBackend, loadGroupBackend } from './backend';
import { installNodeAccelerators } from './node-accelerators';

export interface WorkerSetup {
  readonly backend: GroupBackend;
  /** For 'submissions': the record without its submissions (context of checks 2, 4, 5). */
  readonly skeleton?: unknown;
  /** For 'sum' (board entry texts of ballots): the manifest JSON. */
  readonly manifest?: unknown;
}

export type WorkerJob =
  | { readonly type: 'submissions'; readonly inputs: readonly SubmissionInput[] }
  | { readonly type: 'sum'; readonly entries: readonly string[] }
  | { readonly type: 'stream'; readonly lines: readonly StreamLine[] }
  | { readonly type: 'cast'; readonly context: CastContextJSON; readonly submission: { token: unknown; ballot: unknown; counter: number; signature: string } };

/** An entry line of a streamed record, at its position in the log. */
export interface StreamLine {
  readonly position: number;
  readonly text: string;
}

/** What a worker returns per streamed line: its framing, and, for a submission, the seq and kind it claims. */
export interface StreamedEntry {
  readonly position: number;
  readonly leaf: Uint8Array;
  readonly failures: readonly string[];
  /** Set for a 'ballot' or 'audit' entry (its verdict is in the reply's verdicts, under `seq`). */
  readonly submission?: { readonly seq: number; readonly kind: 'ballot' | 'audit'; readonly pseudonym: string | undefined };
  /** Any other entry comes back whole (the caller keeps it). */
  readonly text?: string;
}

export type WorkerRequest = WorkerJob & { readonly id: number };

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'submissions'; readonly verdicts: readonly SubmissionVerdict[]; readonly validSeqs: readonly number[]; readonly validSum: CiphertextJSON[] | null }
  | { readonly type: 'sum'; readonly sum: CiphertextJSON[] | null }
  | { readonly type: 'cast'; readonly result: CastCheckResult }
  | {
      readonly type: 'stream';
      readonly entries: readonly StreamedEntry[];
      readonly verdicts: readonly SubmissionVerdict[];
      readonly validSeqs: readonly number[];
      readonly validSum: CiphertextJSON[] | null;
    };

const toJSON = (group: Group, v: readonly Ciphertext[] | null): CiphertextJSON[] | null => (v === null ? null : v.map((c) => ciphertextToJSON(group, c)));

async function main(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as WorkerSetup;
  let group: Group;
  let context: SubmissionContext | null = null;
  let manifest: Manifest | null = null;
  const castContexts = new Map<string, CastContext>();
  try {
    installNodeAccelerators();
    group = await loadGroupBackend(setup.backend);
    if (setup.skeleton !== undefined) context = recordSubmissionContext(setup.skeleton, group);
    if (setup.manifest !== undefined) manifest = parseManifest(setup.manifest);
  } catch (e) {
    port.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply);
    return;
  }
  port.on('message', (req: WorkerRequest) => {
    try {
      if (req.type === 'submissions') {
        if (!context) throw new Error('the record has no usable context for the submission checks');
        const r = checkSubmissions(context, req.inputs);
        port.postMessage({ type: 'submissions', verdicts: r.verdicts, validSeqs: r.validSeqs, validSum: toJSON(group, r.validSum) } satisfies WorkerReply);
      } else if (req.type === 'cast') {
        const key = `${req.context.electionId}|${req.context.setupHash}|${req.context.issuerThreshold}|${req.context.issuers.map((i) => i.id).join(',')}`;
        let ctx = castContexts.get(key);
        if (!ctx) castContexts.set(key, (ctx = castContext(group, req.context)));
        port.postMessage({ type: 'cast', result: checkSubmission(ctx, req.submission, true) } satisfies WorkerReply);
      } else if (req.type === 'stream') {
        if (!context) throw new Error('the record has no usable context for the submission checks');
        const entries: StreamedEntry[] = [];
        const inputs: SubmissionInput[] = [];
        for (const line of req.lines) {
          const f = checkEntryFraming(context.electionId, line.text, line.position);
          const submission = submissionClaim(f, line.position);
          if (submission) {
            inputs.push({ seq: submission.seq, kind: submission.kind, text: line.text });
            entries.push({ position: line.position, leaf: f.leaf, failures: f.failures, submission });
          } else entries.push({ position: line.position, leaf: f.leaf, failures: f.failures, text: line.text });
        }
        const r = checkSubmissions(context, inputs);
        port.postMessage({ type: 'stream', entries, verdicts: r.verdicts, validSeqs: r.validSeqs, validSum: toJSON(group, r.validSum) } satisfies WorkerReply);
      } else {
        if (!manifest) throw new Error('no manifest');
        let sum: readonly Ciphertext[] | null = null;
        for (const text of req.entries) sum = addCiphertextVectors(group, sum, ballotCiphertextsFromJSON(group, manifest, JSON.parse(text).payload.ballot));
        port.postMessage({ type: 'sum', sum: toJSON(group, sum) } satisfies WorkerReply);
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

void main();
