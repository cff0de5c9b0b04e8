/**
 * Micro-benchmarks of the crypto core, both group backends side by side (noble = @noble/curves, pure JS;
 * sodium = libsodium WASM). Run: `npm run bench:crypto` (= node -r @swc-node/register bench/crypto.bench.ts).
 * Prints the median (and the minimum, less sensitive to a loaded machine) time per operation.
 * Numbers depend on the machine and its load; compare runs on the same machine only.
 */
import {
  DLOG_DEFAULT_BABY_STEPS,
  type Group,
  type GroupElement,
  discreteLog,
  dlogTable,
  encrypt,
  keygen,
  prepareElectionKey,
  utf8ToBytes,
} from '../src/crypto';
import { type BackendName, loadGroup } from '../src/crypto/backends';
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
  median: number; // milliseconds
  min: number;
  unit: string;
}
type Rows = Map<string, Row>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function measure(g: Group): Rows {
  const rows: Rows = new Map();
  /** Runs `fn` `runs` times after `warmup` untimed runs; records median and min (divided by `perCall`). */
  const bench = (op: string, fn: () => unknown, runs: number, opts: { warmup?: number; perCall?: number; unit?: string } = {}) => {
    for (let i = 0; i < (opts.warmup ?? 2); i++) fn();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      fn();
      times.push(performance.now() - t);
    }
    const per = opts.perCall ?? 1;
    rows.set(op, { median: median(times) / per, min: Math.min(...times) / per, unit: opts.unit ?? 'op' });
  };
  // Fast operations are timed in blocks of 50 so the timer's resolution does not matter.
  const block = (fn: () => unknown) => () => {
    for (let i = 0; i < 50; i++) fn();
  };

  const ctx = { electionHash: new Uint8Array(32).fill(9), context: utf8ToBytes('bench') };
  const kp = keygen(g);
  const key = prepareElectionKey(g, kp.publicKey);
  const rnd = () => g.randomScalar();
  const P = g.mulBase(rnd());
  const Q = g.mulBase(rnd());
  const enc = g.encode(P);
  const encQ = g.encode(Q);

  // group
  bench('decode point (32 B → element)', block(() => g.decode(enc)), 40, { perCall: 50 });
  bench('encode point (fresh element)', block(() => g.encode(g.add(P, Q))), 40, { perCall: 50 });
  bench('add', block(() => g.add(P, Q)), 40, { perCall: 50 });
  bench('decode + add + encode (tally step)', block(() => g.encode(g.add(g.decode(enc), g.decode(encQ)))), 40, { perCall: 50 });
  bench('mulBase (fixed base G)', block(() => g.mulBase(rnd())), 20, { perCall: 50 });
  bench('mul (variable base, constant-time)', () => g.mul(rnd(), P), 100);
  bench('mulPublic (variable base, variable-time)', () => g.mulPublic(rnd(), P), 100);
  bench('mul by precomputed election key K', () => g.mul(rnd(), key.point), 200);
  for (const n of [3, 64, 1024]) {
    const pts: GroupElement[] = Array.from({ length: n }, (_, i) => g.mulBase(BigInt(i + 1) * 7919n));
    const scs = Array.from({ length: n }, rnd);
    bench(`msm n=${n} (per point)`, () => g.msm(scs, pts), n === 1024 ? 6 : n === 64 ? 20 : 100, { perCall: n, unit: 'point' });
  }
  const msg = utf8ToBytes('bench message');
  bench('hashToScalar (xmd SHA-512)', block(() => g.hashToScalar(msg, 'bench')), 20, { perCall: 50 });
  bench('hashToGroup (RFC 9380 ristretto255)', block(() => g.hashToGroup(msg, 'bench')), 10, { perCall: 50 });

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

  // dlog: the table is built once per group object (lazily) and cached, so its build time is reported separately
  const t0 = performance.now();
  dlogTable(g, DLOG_DEFAULT_BABY_STEPS);
  const build = performance.now() - t0;
  rows.set(`dlog table build (T = ${DLOG_DEFAULT_BABY_STEPS} baby steps, once)`, { median: build, min: build, unit: 'once' });
  const M = g.mulBase(1_000_000n);
  bench('dlog of a 10^6 total (cached table)', () => discreteLog(g, M), 5, { warmup: 1 });
  // Whole ballots: bench/prepare.bench.ts (preparation), bench/verify.bench.ts (verification).
  return rows;
}

async function main(): Promise<void> {
  const names: BackendName[] = ['noble', 'sodium'];
  const results = new Map<BackendName, Rows>();
  for (const n of names) results.set(n, measure(await loadGroup(n)));
  const ops = [...results.get('noble')!.keys()];
  const w = Math.max(...ops.map((o) => o.length));
  const cell = (r: Row | undefined) => (r ? `${fmt(r.median).padStart(10)} ${`(${fmt(r.min)})`.padStart(12)}` : ''.padStart(23));
  const lines = [
    `${'operation'.padEnd(w)}  ${names.map((n) => `${n} median (min)`.padStart(23)).join('  ')}  per   sodium speed-up`,
    `${'-'.repeat(w)}  ${names.map(() => '-'.repeat(23)).join('  ')}  ----  ---------------`,
  ];
  for (const op of ops) {
    const [a, b] = names.map((n) => results.get(n)!.get(op));
    const speedup = a && b ? `${(a.median / b.median).toFixed(1)}x` : '';
    lines.push(`${op.padEnd(w)}  ${cell(a)}  ${cell(b)}  ${a!.unit.padEnd(5)} ${speedup.padStart(6)}`);
  }
  process.stdout.write(`crypto core benchmarks (node ${process.version}, ${new Date().toISOString()})\n${lines.join('\n')}\n`);
}

void main();
