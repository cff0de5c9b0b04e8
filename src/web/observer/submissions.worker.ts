/// <reference lib="webworker" />
/**
 * Web Worker started by the verifier worker, one per core: set up once with the record minus its
 * submissions, it checks chunks of submissions (tokens, signatures, batched proofs, audits) and returns
 * the verdicts and the sum of the valid ballots (src/crypto/record/verify-chunked.ts).
 */
import { ciphertextToJSON } from '../../crypto/elgamal';
import { defaultGroup as group } from '../../crypto/group';
import { checkSubmissions, type SubmissionContext, type SubmissionInput } from '../../crypto/record/submissions';
import { recordSubmissionContext } from '../../crypto/record/verify-record';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let context: SubmissionContext | null = null;

scope.onmessage = (ev: MessageEvent<{ type: 'setup'; skeleton: unknown } | { type: 'chunk'; id: number; inputs: SubmissionInput[] }>) => {
  const m = ev.data;
  try {
    if (m.type === 'setup') {
      context = recordSubmissionContext(m.skeleton, group);
      return;
    }
    if (!context) throw new Error('the record has no context for the submission checks');
    const r = checkSubmissions(context, m.inputs);
    scope.postMessage({ id: m.id, verdicts: r.verdicts, validSeqs: r.validSeqs, validSum: r.validSum === null ? null : r.validSum.map((c) => ciphertextToJSON(group, c)) });
  } catch (e) {
    scope.postMessage({ id: m.type === 'chunk' ? m.id : 0, error: e instanceof Error ? e.message : String(e) });
  }
};
