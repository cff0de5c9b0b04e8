/**
 * Choice of the ristretto255 {@link Group} backend. Both are byte-identical (same encodings, hashes, proofs;
 * see src/crypto/group-sodium.spec.ts), so the choice is a matter of speed and of where the code runs:
 *
 * - `noble` (@noble/curves, pure JS): synchronous, no WebAssembly; the reference and the fallback.
 * - `sodium` (libsodium-wrappers-sumo, WASM): 5-9x faster scalar multiplications by G or by a new point, ~10x
 *   faster decoding and free encoding, but additions cost ~14 µs (noble: 2 µs) and a precomputed-key
 *   multiplication is about the same as noble's (~80 vs ~105 µs). Needs an async initialisation, ~0.6 MB more
 *   script, and WebAssembly (a browser CSP then needs 'wasm-unsafe-eval').
 *
 * Measured on the 2-core dev machine (bench/crypto.bench.ts, bench/prepare.bench.ts, bench/verify.bench.ts):
 * see {@link RECOMMENDED_BACKEND}.
 */
import { type Group, ristretto255Group } from './group';
import { createSodiumGroup } from './group-sodium';

/** Names of the available backends. */
export type BackendName = 'noble' | 'sodium';

/** What a caller is about to do with the group. */
export type BackendUse = 'prepare' | 'verify' | 'tally';

/**
 * The faster backend per use, by measurement (node 20, shared 2-core machine under load; fastest run or
 * process CPU time, which the load disturbs least):
 * - `prepare` (browser booth, CLI; bench/prepare.bench.ts): one 5-option one-of-m ballot, encrypt + prove +
 *   hash + Ed25519 sign + JSON: noble 10.1 ms (CPU 13.2), sodium 3.3 ms (CPU 4.4) → sodium; noble stays the
 *   fallback where WebAssembly is unavailable (see {@link loadGroupFor}).
 * - `verify` (server, observers; bench/verify.bench.ts): batched verification, CPU per ballot: ballots already
 *   in memory noble 3.6 ms, sodium 3.7 ms (a tie: noble's Pippenger vs sodium's ~80 µs ladder per point); from
 *   JSON, as they arrive, noble 5.7 ms, sodium 4.0 ms (decoding: noble ~59 µs, sodium ~5 µs per point) → sodium.
 * - `tally` (summing encoded ciphertexts; bench/crypto.bench.ts): decode + add per component, noble ~61 µs,
 *   sodium ~19 µs → sodium.
 */
export const RECOMMENDED_BACKEND: Readonly<Record<BackendUse, BackendName>> = Object.freeze({
  prepare: 'sodium',
  verify: 'sodium',
  tally: 'sodium',
});

/**
 * The named backend. `sodium` initialises the WASM module on first use (then cached). Importing this module loads
 * libsodium's script; code that only ever uses noble should import `ristretto255Group` from ./group instead.
 */
export async function loadGroup(name: BackendName): Promise<Group> {
  if (name === 'noble') return ristretto255Group;
  if (name === 'sodium') {
    return createSodiumGroup();
  }
  throw new TypeError(`unknown group backend: ${String(name)}`);
}

/**
 * The recommended backend for `use`, falling back to noble if it cannot be loaded (e.g. WebAssembly blocked
 * by a Content-Security-Policy). Both produce the same bytes, so the fallback only costs speed.
 */
export async function loadGroupFor(use: BackendUse): Promise<Group> {
  const name = RECOMMENDED_BACKEND[use];
  try {
    return await loadGroup(name);
  } catch {
    return ristretto255Group;
  }
}
