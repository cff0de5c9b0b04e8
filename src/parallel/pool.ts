/**
 * A small pool of worker threads running src/parallel/record-worker.ts: the heavy, chunkable parts of
 * verification and tallying (proof batches, homomorphic sums) run on every core while the calling thread
 * (the CLI, or the server's event loop) only distributes chunks and adds up the results.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerJob, WorkerReply, WorkerRequest, WorkerSetup } from './record-worker';

/** Default number of workers: one per core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

interface Pending {
  resolve: (r: WorkerReply) => void;
  reject: (e: Error) => void;
}

export class RecordWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ req: WorkerRequest; pending: Pending }> = [];
  private readonly inFlight = new Map<Worker, Pending>();
  private failure: Error | undefined;
  private nextId = 1;

  private constructor() {}

  /** Starts `size` workers, each set up with the record context (`setup`) once. */
  static async start(setup: WorkerSetup, size = defaultWorkerCount()): Promise<RecordWorkerPool> {
    const pool = new RecordWorkerPool();
    const file = join(__dirname, `record-worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
    // Under ts sources (tests, `node -r @swc-node/register`) the worker needs the same loader.
    const execArgv = file.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
    await Promise.all(
      Array.from({ length: Math.max(1, size) }, async () => {
        const w = new Worker(file, { execArgv, workerData: setup });
        pool.workers.push(w);
        await new Promise<void>((resolve, reject) => {
          w.once('message', (m: WorkerReply) => (m.type === 'ready' ? resolve() : reject(new Error(m.type === 'error' ? m.message : 'worker did not start'))));
          w.once('error', reject);
        });
        w.on('message', (m: WorkerReply) => pool.settle(w, m));
        w.on('error', (e) => pool.fail(e));
        w.on('exit', (code) => code !== 0 && pool.fail(new Error(`a verification worker exited with code ${code}`)));
        pool.idle.push(w);
      }),
    );
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs one request on the next free worker. */
  run(job: WorkerJob): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { ...job, id: this.nextId++ }, pending: { resolve, reject } });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const { req, pending } = this.queue.shift()!;
      this.inFlight.set(w, pending);
      w.postMessage(req);
    }
  }

  private settle(w: Worker, m: WorkerReply): void {
    const p = this.inFlight.get(w);
    if (!p) return;
    this.inFlight.delete(w);
    this.idle.push(w);
    if (m.type === 'error') p.reject(new Error(m.message));
    else p.resolve(m);
    this.pump();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.inFlight.values()) p.reject(e);
    this.inFlight.clear();
    for (const q of this.queue.splice(0)) q.pending.reject(e);
  }
}
