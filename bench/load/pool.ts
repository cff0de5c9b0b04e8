/** Runs the benchmark's preparation tasks on worker threads, one per core, in chunks. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerTask } from './ballot-worker';

const WORKER = require.resolve('./ballot-worker');

/** Splits `total` items into chunks, runs `makeTask(start, end)` for each on the pool, results in order. */
export async function runChunked<R>(total: number, chunk: number, makeTask: (start: number, end: number) => WorkerTask, threads = availableParallelism(), onProgress?: (done: number) => void): Promise<R[]> {
  // The worker loads TypeScript through the same -r @swc-node/register this process was started with.
  const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(`require(${JSON.stringify(WORKER)})`, { eval: true, execArgv: process.execArgv }));
  const results: R[][] = [];
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      workers.map(async (w) => {
        for (let start = next; start < total; start = next) {
          next = Math.min(total, start + chunk);
          const end = next;
          const reply = await new Promise<{ ok: boolean; result?: R[]; error?: string }>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
            w.postMessage(makeTask(start, end));
          });
          w.removeAllListeners('error');
          if (!reply.ok) throw new Error(`worker: ${reply.error}`);
          results[start / chunk] = reply.result!;
          done += end - start;
          onProgress?.(done);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.flat();
}
