/**
 * Ballot verification throughput on one core, per group backend: one by one (verifyBallot) vs. batched
 * (invalidBallotsBatch, src/crypto/batch.ts), for ballots already in memory and for ballots parsed from their
 * JSON (as the server and observers receive them; parsing included).
 * Run: `npm run bench:verify` (`-- 400` for another number of ballots). Prints wall ms/ballot, ballots/s and the
 * process CPU time per ballot (unaffected by other processes on a shared machine).
 */
import { TEST_BINDINGS } from '../test/crypto/ballot/fixture';
import {
  type EncryptedBallot,
  ballotFromJSON,
  ballotToJSON,
  createElection,
  encryptBallot,
  invalidBallotsBatch,
  parseManifest,
  verifyBallot,
} from '../src/crypto/ballot';
import { type BackendName, loadGroup } from '../src/crypto/backends';
import { deterministicNonces } from '../src/crypto/group';
import { simulateDkg } from '../src/crypto/threshold';

const N = Number(process.argv[2] ?? 200);
const manifest = parseManifest({
  electionId: 'bench',
  title: 'Bench',
  contests: [{ id: 'c', title: 'One of five', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: false, options: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, title: id })) }],
});

const cpuMs: number[] = [];
/** Wall time of `fn`; its process CPU time (unaffected by other processes' load) goes to `cpuMs`. */
function timed(fn: () => void): number {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const used = process.cpuUsage(c);
  cpuMs.push((used.user + used.system) / 1000);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const names: BackendName[] = ['noble', 'sodium'];
  const lines: string[] = [];
  const row = (name: string, ms: number, cpu: number) =>
    `${name.padEnd(44)} ${(ms / N).toFixed(2).padStart(8)} ms/ballot  ${((N / ms) * 1000).toFixed(0).padStart(6)} ballots/s  (CPU ${(cpu / N).toFixed(2)} ms/ballot)`;
  for (const name of names) {
    const g = await loadGroup(name);
    const dkg = simulateDkg(g, new Uint8Array(32).fill(3), 2, 3, deterministicNonces(new Uint8Array(1), 'bench/dkg', g));
    const election = createElection(g, manifest, dkg.params.setupHash, dkg.keys, TEST_BINDINGS);
    process.stdout.write(`${name}: preparing ${N} five-option one-of-m ballots...\n`);
    const ballots: EncryptedBallot[] = Array.from({ length: N }, (_, i) => encryptBallot(g, election, { c: [['a', 'b', 'c', 'd', 'e'][i % 5]] }, new Uint8Array(32).fill(i % 251)).ballot);
    // JSON round trip through text, so the parsed ballots share nothing with the originals (no cached encodings).
    const texts = ballots.map((b) => JSON.stringify(ballotToJSON(g, b)));
    let single = 0;
    const singleMs = timed(() => {
      single = ballots.filter((b) => verifyBallot(g, election, b).valid).length;
    });
    let invalid: number[] = [];
    const batchMs = timed(() => {
      invalid = invalidBallotsBatch(g, election, ballots);
    });
    let invalidJson: number[] = [];
    const jsonMs = timed(() => {
      const parsed = texts.map((t) => ballotFromJSON(g, manifest, JSON.parse(t)));
      invalidJson = invalidBallotsBatch(g, election, parsed);
    });
    if (single !== N || invalid.length !== 0 || invalidJson.length !== 0) throw new Error('benchmark ballots did not verify');
    const [c1, c2, c3] = cpuMs.splice(0);
    lines.push(row(`${name}: one by one (verifyBallot)`, singleMs, c1), row(`${name}: batched (one msm)`, batchMs, c2), row(`${name}: from JSON: parse + batched`, jsonMs, c3));
  }
  process.stdout.write(`ballot verification, ${N} ballots, one core (node ${process.version})\n${lines.join('\n')}\n`);
}

void main();
