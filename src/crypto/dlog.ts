/**
 * Bounded discrete logarithm base G: given M = m·G with 0 ≤ m ≤ max, find m (baby-step giant-step).
 *
 * Time/memory trade-off. With a table of T "baby steps" {j·G : 0 ≤ j < T}, a lookup walks the giant steps
 * M − i·(T·G) for i = 0, 1, ... until one is in the table, so finding m costs ⌊m/T⌋ + 1 point subtractions
 * and encodings, and a table costs T additions + T encodings to build and ~T·(32 + ~40) bytes to keep.
 * The dominant cost on both sides is one point encoding (~0.1 ms with noble), so build ≈ T·0.1 ms and a
 * lookup ≈ (m/T)·0.1 ms. T = √max balances a single lookup; since the table is built once (lazily) and reused
 * for every contest option of a tally, the default T = 4096 (build ≈ 0.4 s, ≈ 0.3 MB) is sized for totals up to
 * 10^7: a worst-case lookup at m = 10^7 is 2,442 giant steps (≈ 0.25 s), and small totals are near-instant
 * because the walk stops at m, not at max. Larger T (e.g. 2^16: ≈ 7 s build, ≈ 5 MB) buys faster lookups
 * for very large electorates.
 *
 * Table keys are a compact 48-bit hash of the canonical encoding (bytes 0..5, read little-endian, as a JS
 * number, which is fast as a Map key); every hit is confirmed by comparing the full 32-byte encoding stored
 * in a flat array, so key collisions can cost time but never produce a wrong answer.
 */
import { cryptoAssert, CryptoError } from './errors';
import type { Group, GroupElement } from './group';
import { bytesEqual } from './encoding';

/** Default number of baby steps (see the trade-off above). */
export const DLOG_DEFAULT_BABY_STEPS = 4096;
/** The default upper bound for tallies: 10^7. */
export const DLOG_DEFAULT_MAX = 10_000_000;
/** Hard cap on `max` so a hostile or mistaken bound cannot make a lookup run for hours (2^40 ≈ 10^12). */
export const DLOG_MAX_SUPPORTED = 2 ** 40;

/** A baby-step table for one group and one T. Immutable once built. */
export interface DlogTable {
  readonly group: Group;
  /** Number of baby steps T. */
  readonly babySteps: number;
  /** The giant step −T·G, added once per step. */
  readonly giantStep: GroupElement;
  /** Looks up an encoded point among {j·G : 0 ≤ j < T}; returns j or −1. */
  lookup(encoded: Uint8Array): number;
}

function key48(b: Uint8Array): number {
  return b[0] + b[1] * 2 ** 8 + b[2] * 2 ** 16 + b[3] * 2 ** 24 + b[4] * 2 ** 32 + b[5] * 2 ** 40;
}

function buildTable(group: Group, babySteps: number): DlogTable {
  const encodings = new Uint8Array(babySteps * group.elementBytes);
  // key → j, or a list of j on the (≈2^-25 for T = 4096) chance that two baby steps share a 48-bit key.
  const index = new Map<number, number | number[]>();
  let p = group.identity;
  for (let j = 0; j < babySteps; j++) {
    const e = group.encode(p);
    encodings.set(e, j * group.elementBytes);
    const k = key48(e);
    const prev = index.get(k);
    if (prev === undefined) index.set(k, j);
    else index.set(k, typeof prev === 'number' ? [prev, j] : [...prev, j]);
    p = group.add(p, group.generator);
  }
  const eb = group.elementBytes;
  const matches = (j: number, enc: Uint8Array) => bytesEqual(encodings.subarray(j * eb, (j + 1) * eb), enc);
  return Object.freeze({
    group,
    babySteps,
    giantStep: group.neg(p), // p = T·G after the loop
    lookup(encoded: Uint8Array): number {
      const hit = index.get(key48(encoded));
      if (hit === undefined) return -1;
      if (typeof hit === 'number') return matches(hit, encoded) ? hit : -1;
      for (const j of hit) if (matches(j, encoded)) return j;
      return -1;
    },
  });
}

const cache = new WeakMap<Group, Map<number, DlogTable>>();

/**
 * The cached baby-step table of `group` with `babySteps` entries, built on first use.
 * @throws CryptoError `INVALID_STATEMENT` if `babySteps` is not an integer in [1, 2^22].
 */
export function dlogTable(group: Group, babySteps: number = DLOG_DEFAULT_BABY_STEPS): DlogTable {
  cryptoAssert(
    Number.isSafeInteger(babySteps) && babySteps >= 1 && babySteps <= 1 << 22,
    'INVALID_STATEMENT',
    'babySteps must be an integer in [1, 2^22]',
  );
  let perGroup = cache.get(group);
  if (!perGroup) {
    perGroup = new Map();
    cache.set(group, perGroup);
  }
  let t = perGroup.get(babySteps);
  if (!t) {
    t = buildTable(group, babySteps);
    perGroup.set(babySteps, t);
  }
  return t;
}

/** Options of {@link discreteLog}. */
export interface DlogOptions {
  /** Inclusive upper bound on m. Default {@link DLOG_DEFAULT_MAX} (10^7). At most {@link DLOG_MAX_SUPPORTED}. */
  readonly max?: number;
  /** Table size T. Default {@link DLOG_DEFAULT_BABY_STEPS}. */
  readonly babySteps?: number;
}

/**
 * Finds m ∈ [0, max] with m·G = M.
 * @throws CryptoError `DLOG_OUT_OF_RANGE` if there is no such m (M is not a small multiple of G), or
 *   `INVALID_STATEMENT` for a bad bound.
 */
export function discreteLog(group: Group, point: GroupElement, opts: DlogOptions = {}): number {
  const max = opts.max ?? DLOG_DEFAULT_MAX;
  cryptoAssert(
    Number.isSafeInteger(max) && max >= 0 && max <= DLOG_MAX_SUPPORTED,
    'INVALID_STATEMENT',
    'dlog bound must be an integer in [0, 2^40]',
  );
  const table = dlogTable(group, opts.babySteps);
  const T = table.babySteps;
  const giantSteps = Math.floor(max / T);
  let q = point;
  for (let i = 0; i <= giantSteps; i++) {
    const j = table.lookup(group.encode(q));
    if (j >= 0) {
      const m = i * T + j;
      if (m <= max) return m;
      break; // the unique m < ℓ exceeds the bound
    }
    q = group.add(q, table.giantStep);
  }
  throw new CryptoError('DLOG_OUT_OF_RANGE', `discrete log not in [0, ${max}]`);
}
