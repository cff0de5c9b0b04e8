/// <reference lib="webworker" />
/**
 * Web Worker: verifies a downloaded election record off the page's thread and reports progress. The
 * per-ballot checks are spread over one sub-worker per core (submissions.worker.ts) when the browser
 * allows workers to start workers; otherwise everything runs here.
 */
import type { SubmissionInput } from '../../crypto/record/submissions';
import { type SubmissionChunkJSON, splitRecord, verifyWithRunner, worthDistributing } from '../../crypto/record/verify-chunked';
import { type HeldOptions, type Progress, type Record_, runVerifier, toVerification } from './verify';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** From this many submissions on, sub-workers check them (tiny records are checked here). */
const DISTRIBUTE_FROM = 2;

function subWorkers(skeleton: unknown): { size: number; run: (inputs: readonly SubmissionInput[]) => Promise<SubmissionChunkJSON>; close: () => void } {
  const n = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));
  const workers = Array.from({ length: n }, () => new Worker('/observer/submissions.worker.js', { type: 'module' }));
  const pending = new Map<number, { resolve: (r: SubmissionChunkJSON) => void; reject: (e: Error) => void }>();
  let next = 1;
  for (const w of workers) {
    w.postMessage({ type: 'setup', skeleton });
    w.onmessage = (ev: MessageEvent<SubmissionChunkJSON & { id: number; error?: string }>) => {
      const p = pending.get(ev.data.id);
      pending.delete(ev.data.id);
      if (ev.data.error !== undefined) p?.reject(new Error(ev.data.error));
      else p?.resolve(ev.data);
    };
    w.onerror = (e) => {
      for (const p of pending.values()) p.reject(new Error(e.message));
      pending.clear();
    };
  }
  return {
    size: n,
    // Round-robin: chunks are equal in size, and each worker queues its messages.
    run: (inputs) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        workers[id % n].postMessage({ type: 'chunk', id, inputs });
      }),
    close: () => workers.forEach((w) => w.terminate()),
  };
}

scope.onmessage = async (ev: MessageEvent<{ record: Record_; held?: HeldOptions }>) => {
  const held = ev.data.held ?? {};
  let last = 0;
  const progress = (p: Progress) => {
    const now = Date.now();
    if (now - last > 50 || p.done === p.total) {
      last = now;
      scope.postMessage({ type: 'progress', ...p });
    }
  };
  try {
    const { skeleton, submissions } = splitRecord(ev.data.record);
    if (typeof Worker === 'function' && submissions.length >= DISTRIBUTE_FROM && worthDistributing(skeleton, submissions)) {
      const pool = subWorkers(skeleton);
      try {
        // About four chunks per worker (each one proof batch), at most 256 submissions each.
        const chunkSize = Math.max(1, Math.min(256, Math.ceil(submissions.length / (4 * pool.size))));
        const v = await verifyWithRunner(ev.data.record, submissions, pool, { chunkSize, onProgress: progress, ...held });
        scope.postMessage({ type: 'result', result: toVerification(v), workers: pool.size });
        return;
      } catch {
        /* fall back to this thread below */
      } finally {
        pool.close();
      }
    }
    scope.postMessage({ type: 'result', result: runVerifier(ev.data.record, progress, held), workers: 0 });
  } catch (e) {
    scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
