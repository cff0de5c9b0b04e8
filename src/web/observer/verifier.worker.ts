/// <reference lib="webworker" />
/** Web Worker: verifies a downloaded election record off the page's thread and reports progress. */
import type { PublicElection } from '../../client/voter-client';
import { runVerifier, type Record_ } from './verify';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (ev: MessageEvent<{ record: Record_; view: PublicElection }>) => {
  let last = 0;
  try {
    const result = runVerifier(ev.data.record, ev.data.view, (p) => {
      const now = Date.now();
      if (now - last > 50 || p.done === p.total) {
        last = now;
        scope.postMessage({ type: 'progress', ...p });
      }
    });
    scope.postMessage({ type: 'result', result });
  } catch (e) {
    scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
