/**
 * The homomorphic sum of many ballots on every core (the tally's aggregate, §40.8): the ballot entries are
 * split into chunks, each worker parses (strictly) and adds its chunk, the caller adds the partial sums.
 */
import { type Manifest } from '../crypto/ballot';
import { addCiphertextVectors, type Ciphertext, ciphertextFromJSON, identityCiphertexts } from '../crypto/elgamal';
import { defaultGroup, type Group } from '../crypto/group';
import { DEFAULT_WORKER_BACKEND, type GroupBackend } from './backend';
import { defaultWorkerCount, RecordWorkerPool } from './pool';

export interface ParallelSumOptions {
  workers?: number;
  backend?: GroupBackend;
  chunkSize?: number;
  /** Group of the returned ciphertexts (default: the reference backend). */
  group?: Group;
}

/**
 * Σ of the ballots in `entries` (board entry texts of kind 'ballot'), flattened in manifest order; the
 * identity ciphertexts when there is none. @throws Error if a ballot is malformed.
 */
export async function sumBallotEntriesParallel(manifest: Manifest, entries: readonly string[], options: ParallelSumOptions = {}): Promise<Ciphertext[]> {
  const group = options.group ?? defaultGroup;
  const width = manifest.contests.reduce((n, c) => n + c.options.length, 0);
  let sum: readonly Ciphertext[] | null = null;
  if (entries.length > 0) {
    const chunkSize = options.chunkSize ?? 1024;
    const workers = Math.min(options.workers ?? defaultWorkerCount(), Math.ceil(entries.length / chunkSize));
    const pool = await RecordWorkerPool.start({ backend: options.backend ?? DEFAULT_WORKER_BACKEND, manifest }, workers);
    try {
      const jobs: Promise<void>[] = [];
      for (let i = 0; i < entries.length; i += chunkSize) {
        jobs.push(
          pool.run({ type: 'sum', entries: entries.slice(i, i + chunkSize) }).then((reply) => {
            if (reply.type !== 'sum') throw new Error('unexpected worker reply');
            if (reply.sum) sum = addCiphertextVectors(group, sum, reply.sum.map((c) => ciphertextFromJSON(group, c, { allowIdentity: true })));
          }),
        );
      }
      await Promise.all(jobs);
    } finally {
      await pool.close();
    }
  }
  return (sum as readonly Ciphertext[] | null)?.slice() ?? identityCiphertexts(group, width);
}
