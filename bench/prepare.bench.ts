/**
 * Ballot preparation on the voter's device, per group backend: one 5-option one-of-m ballot, encrypt + prove
 * (encryptBallot), ballot hash, Ed25519 pseudonym signature and JSON (what src/client/voter-client.ts
 * prepareBallot does; token finalize excluded). Run: `node -r @swc-node/register bench/prepare.bench.ts [runs]`.
 * Prints medians in ms per ballot, the fastest total and the CPU time per ballot (both less sensitive to a
 * loaded machine). Numbers depend on the machine and its load; compare runs on one machine only.
 */
import { TEST_BINDINGS } from '../test/crypto/ballot/fixture';
import { type BallotChoices, ballotHash, ballotToJSON, createElection, encryptBallot, parseManifest } from '../src/crypto/ballot';
import { type BackendName, loadGroup } from '../src/crypto/backends';
import type { Group } from '../src/crypto/group';
import { simulateDkg } from '../src/crypto/threshold';
import { deterministicNonces } from '../src/crypto/group';
import { generatePseudonymKeyPair, signBallot } from '../src/crypto/tokens/pseudonym';

const RUNS = Number(process.argv[2] ?? 40);
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function measure(g: Group): Record<string, number> {
  const dkg = simulateDkg(g, new Uint8Array(32).fill(1), 2, 3, deterministicNonces(new Uint8Array(1), 'bench/dkg', g));
  const election = createElection(g, manifest, dkg.params.setupHash, dkg.keys, TEST_BINDINGS);
  const pseudonym = generatePseudonymKeyPair();
  const phases: Record<string, number[]> = { 'encrypt + prove': [], 'ballot hash': [], 'Ed25519 sign': [], 'to JSON': [], total: [] };
  let cpu: NodeJS.CpuUsage | undefined;
  for (let i = -3; i < RUNS; i++) {
    if (i === 0) cpu = process.cpuUsage();
    const choice: BallotChoices = { c: [['a', 'b', 'c', 'd', 'e'][(i + 5) % 5]] };
    const t0 = performance.now();
    const { ballot } = encryptBallot(g, election, choice, pseudonym.publicKey);
    const t1 = performance.now();
    const h = ballotHash(g, ballot);
    const t2 = performance.now();
    signBallot(pseudonym.secretKey, 'bench', 1, h);
    const t3 = performance.now();
    ballotToJSON(g, ballot);
    const t4 = performance.now();
    if (i < 0) continue; // warm-up
    phases['encrypt + prove'].push(t1 - t0);
    phases['ballot hash'].push(t2 - t1);
    phases['Ed25519 sign'].push(t3 - t2);
    phases['to JSON'].push(t4 - t3);
    phases.total.push(t4 - t0);
  }
  const out = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)]));
  out['total, minimum (least disturbed run)'] = Math.min(...phases.total);
  // CPU time of the process (all threads, GC included) per ballot: unaffected by other processes' load.
  const used = process.cpuUsage(cpu);
  out['total, CPU time per ballot'] = (used.user + used.system) / 1000 / RUNS;
  return out;
}

async function main(): Promise<void> {
  const names: BackendName[] = ['noble', 'sodium'];
  const results: Record<string, Record<string, number>> = {};
  for (const n of names) results[n] = measure(await loadGroup(n));
  const ops = Object.keys(results.noble);
  const w = Math.max(...ops.map((o) => o.length), 40);
  const lines = [`${'one 5-option one-of-m ballot (median ms)'.padEnd(w)}  ${names.map((n) => n.padStart(8)).join('  ')}`];
  for (const o of ops) lines.push(`${o.padEnd(w)}  ${names.map((n) => results[n][o].toFixed(2).padStart(8)).join('  ')}`);
  process.stdout.write(`ballot preparation, ${RUNS} runs, one core (node ${process.version})\n${lines.join('\n')}\n`);
}

void main();
