/**
 * Benchmarks of the threshold and ballot layers. Run: `node -r @swc-node/register bench/ballot.bench.ts`.
 * Prints the median time per operation. Numbers depend on the machine and its load; compare runs on the same
 * machine only.
 */
import { TEST_BINDINGS } from '../test/crypto/ballot/fixture';
import {
  type BallotChoices,
  createElection,
  encryptBallot,
  parseManifest,
  verifyBallot,
} from '../src/crypto/ballot';
import { type Ciphertext, encrypt } from '../src/crypto/elgamal';
import { dlogTable } from '../src/crypto/dlog';
import { ristretto255Group as g } from '../src/crypto/group';
import {
  checkCombination,
  combineDecryptionShares,
  computeDecryptionShare,
  simulateDkg,
  verifyDecryptionShare,
} from '../src/crypto/threshold';

interface Row {
  op: string;
  median: number;
  runs: number;
}
const rows: Row[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function bench(op: string, fn: () => unknown, runs: number, perCall = 1): void {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  rows.push({ op, median: median(times) / perCall, runs });
}

function main(): void {
  const manifest = parseManifest({
    electionId: 'bench',
    title: 'Bench',
    contests: [
      {
        id: 'c',
        title: 'One of five',
        kind: 'one-of-m',
        minSelections: 1,
        maxSelections: 1,
        blankAllowed: false,
        options: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, title: id.toUpperCase() })),
      },
    ],
  });
  const ctx = new Uint8Array(32).fill(1);
  bench('DKG 2-of-3, whole ceremony (3 dealings, 6 shares, derivation)', () => simulateDkg(g, ctx, 2, 3), 10);
  bench('DKG 3-of-5, whole ceremony', () => simulateDkg(g, ctx, 3, 5), 5);
  const dkg = simulateDkg(g, ctx, 2, 3);
  const election = createElection(g, manifest, dkg.params.setupHash, dkg.keys, TEST_BINDINGS);
  const choice: BallotChoices = { c: ['c'] };
  const cred = new Uint8Array(32).fill(7);
  bench('ballot encrypt + prove (5-option one-of-m)', () => encryptBallot(g, election, choice, cred), 30);
  const { ballot } = encryptBallot(g, election, choice, cred);
  bench('ballot verify (5-option one-of-m)', () => verifyBallot(g, election, ballot), 30);

  const T = 20;
  const cts: Ciphertext[] = Array.from({ length: T }, (_, i) => encrypt(g, election.key, i).ciphertext);
  const H = election.electionHash;
  bench('partial decryption + proof, per ciphertext', () => computeDecryptionShare(g, H, dkg.keys, 1, dkg.secretShares[0], cts), 10, T);
  const shares = [1, 2].map((l) => computeDecryptionShare(g, H, dkg.keys, l, dkg.secretShares[l - 1], cts));
  bench('verify partial decryption, per ciphertext', () => verifyDecryptionShare(g, H, dkg.keys, cts, shares[0]), 10, T);
  dlogTable(g); // built once per process; excluded from the combination figure
  bench(
    'combine 2 shares (verify both + Lagrange + dlog ≤ 20), per ciphertext',
    () => combineDecryptionShares(g, H, dkg.keys, cts, shares),
    10,
    T,
  );
  const totals = combineDecryptionShares(g, H, dkg.keys, cts, shares).results;
  bench('verify combination (both shares + M = m·G), per ciphertext', () => checkCombination(g, H, dkg.keys, cts, shares, totals), 10, T);

  const w = Math.max(...rows.map((r) => r.op.length));
  process.stdout.write(`${'operation'.padEnd(w)}  median\n`);
  for (const r of rows) process.stdout.write(`${r.op.padEnd(w)}  ${r.median.toFixed(2)} ms  (${r.runs} runs)\n`);
}

main();
