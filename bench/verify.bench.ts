/**
 * Ballot verification throughput, one by one vs. batched (src/crypto/batch.ts), on one core.
 * Run: `npm run bench:verify` (`-- 400` for another number of ballots). Prints ballots/s for each.
 */
import { makeElection } from '../test/crypto/ballot/fixture';
import { encryptBallot, invalidBallotsBatch, parseManifest, verifyBallot, type EncryptedBallot } from '../src/crypto/ballot';
import { ristretto255Group as g } from '../src/crypto/group';

const N = Number(process.argv[2] ?? 200);
const manifest = parseManifest({
  electionId: 'bench',
  title: 'Bench',
  contests: [{ id: 'c', title: 'One of five', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: false, options: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, title: id })) }],
});
const { election } = makeElection(manifest);
process.stdout.write(`preparing ${N} five-option one-of-m ballots...\n`);
const ballots: EncryptedBallot[] = Array.from({ length: N }, (_, i) => encryptBallot(g, election, { c: [['a', 'b', 'c', 'd', 'e'][i % 5]] }, new Uint8Array(32).fill(i % 251)).ballot);

let t = performance.now();
const single = ballots.filter((b) => verifyBallot(g, election, b).valid).length;
const singleMs = performance.now() - t;
t = performance.now();
const invalid = invalidBallotsBatch(g, election, ballots);
const batchMs = performance.now() - t;
if (single !== N || invalid.length !== 0) throw new Error('benchmark ballots did not verify');
const row = (name: string, ms: number) => `${name.padEnd(28)} ${(ms / N).toFixed(2).padStart(8)} ms/ballot  ${((N / ms) * 1000).toFixed(0).padStart(6)} ballots/s`;
process.stdout.write(`ballot verification, ${N} ballots, one core (node ${process.version})\n${row('one by one (verifyBallot)', singleMs)}\n${row('batched (one msm)', batchMs)}\n`);
