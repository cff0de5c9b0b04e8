/**
 * Micro-benchmarks of the crypto core. Run: `npm run bench:crypto`
 * (= node -r @swc-node/register bench/crypto.bench.ts). Prints the median time per operation as a plain table.
 * Numbers depend on the machine and its load; compare runs on the same machine only.
 */
import {
  DLOG_DEFAULT_BABY_STEPS,
  type GroupElement,
  discreteLog,
  dlogTable,
  encrypt,
  keygen,
  prepareElectionKey,
  ristretto255Group as g,
  utf8ToBytes,
} from '../src/crypto';
import {
  proveChaumPedersen,
  proveDisjunctive,
  proveRange,
  proveSchnorr,
  verifyChaumPedersen,
  verifyDisjunctive,
  verifyRange,
  verifySchnorr,
} from '../src/crypto/proofs';

interface Row {
  op: string;
  median: number; // milliseconds
  unit: string;
  runs: number;
}
const rows: Row[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `runs` times after `warmup` untimed runs; records the median (divided by `perCall`, e.g. points). */
function bench(op: string, fn: () => unknown, runs: number, opts: { warmup?: number; perCall?: number; unit?: string } = {}): void {
  for (let i = 0; i < (opts.warmup ?? 2); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  rows.push({ op, median: median(times) / (opts.perCall ?? 1), unit: opts.unit ?? 'op', runs });
}

function fmt(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function main(): void {
  const ctx = { electionHash: new Uint8Array(32).fill(9), context: utf8ToBytes('bench') };
  const kp = keygen(g);
  const key = prepareElectionKey(g, kp.publicKey);
  const rnd = () => g.randomScalar();
  const P = g.mulBase(rnd());
  const enc = g.encode(P);

  // group
  bench('decode point (32 B → element)', () => g.decode(enc), 500);
  bench('encode point', () => g.encode(P), 500);
  bench('mulBase (fixed base G, W=8 table)', () => g.mulBase(rnd()), 200);
  bench('mul (variable base, constant-time)', () => g.mul(rnd(), P), 100);
  bench('mulPublic (variable base, variable-time)', () => g.mulPublic(rnd(), P), 100);
  bench('mul by precomputed election key K', () => g.mul(rnd(), key.point), 200);
  for (const n of [64, 1024]) {
    const pts: GroupElement[] = Array.from({ length: n }, (_, i) => g.mulBase(BigInt(i + 1) * 7919n));
    const scs = Array.from({ length: n }, rnd);
    bench(`msm n=${n} (per point)`, () => g.msm(scs, pts), n === 64 ? 30 : 8, { perCall: n, unit: 'point' });
  }
  const msg = utf8ToBytes('bench message');
  bench('hashToScalar (xmd SHA-512)', () => g.hashToScalar(msg, 'bench'), 500);
  bench('hashToGroup (RFC 9380 ristretto255)', () => g.hashToGroup(msg, 'bench'), 300);

  // ElGamal
  bench('ElGamal encrypt (m·G + r·K, precomputed)', () => encrypt(g, key, 1), 200);

  // proofs
  const x = kp.secretKey;
  const sSt = { publicKey: kp.publicKey };
  const sP = proveSchnorr(g, sSt, x, ctx);
  bench('Schnorr prove', () => proveSchnorr(g, sSt, x, ctx), 100);
  bench('Schnorr verify', () => verifySchnorr(g, sSt, sP, ctx), 100);

  const { ciphertext: ct1, nonce: r1 } = encrypt(g, key, 1);
  const D = g.mul(x, ct1.alpha);
  const cSt = { h: ct1.alpha, X: kp.publicKey, Y: D };
  const cP = proveChaumPedersen(g, cSt, x, ctx);
  bench('Chaum–Pedersen prove', () => proveChaumPedersen(g, cSt, x, ctx), 100);
  bench('Chaum–Pedersen verify', () => verifyChaumPedersen(g, cSt, cP, ctx), 100);

  const dSt = { key: key.point, ciphertext: ct1 };
  const dP = proveDisjunctive(g, dSt, 1, r1, ctx);
  bench('disjunctive 0/1 prove', () => proveDisjunctive(g, dSt, 1, r1, ctx), 60);
  bench('disjunctive 0/1 verify', () => verifyDisjunctive(g, dSt, dP, ctx), 60);

  const { ciphertext: ct3, nonce: r3 } = encrypt(g, key, 3);
  const rSt = { key: key.point, ciphertext: ct3, min: 0, max: 5 };
  const rP = proveRange(g, rSt, 3, r3, ctx);
  bench('range [0,5] prove', () => proveRange(g, rSt, 3, r3, ctx), 20);
  bench('range [0,5] verify', () => verifyRange(g, rSt, rP, ctx), 20);

  // dlog: the table is built once (lazily) and cached, so its build time is reported separately
  const t0 = performance.now();
  dlogTable(g, DLOG_DEFAULT_BABY_STEPS);
  rows.push({ op: `dlog table build (T = ${DLOG_DEFAULT_BABY_STEPS} baby steps, once)`, median: performance.now() - t0, unit: 'once', runs: 1 });
  const M = g.mulBase(1_000_000n);
  bench('dlog of a 10^6 total (cached table)', () => discreteLog(g, M), 5, { warmup: 1 });
  const M7 = g.mulBase(10_000_000n);
  bench('dlog of a 10^7 total (cached table, worst case)', () => discreteLog(g, M7), 3, { warmup: 0 });

  // Whole ballots (5-option one-of-m encrypt+prove, verify) are measured in bench/ballot.bench.ts.

  const w = Math.max(...rows.map((r) => r.op.length));
  const lines = [`${'operation'.padEnd(w)}  ${'median'.padStart(10)}  per      runs`, `${'-'.repeat(w)}  ${'-'.repeat(10)}  -------  ----`];
  for (const r of rows) lines.push(`${r.op.padEnd(w)}  ${fmt(r.median).padStart(10)}  ${r.unit.padEnd(7)}  ${String(r.runs).padStart(4)}`);
  process.stdout.write(`crypto core benchmarks (node ${process.version}, ${new Date().toISOString()})\n${lines.join('\n')}\n`);
}

main();
