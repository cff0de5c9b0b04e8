/**
 * Choice of the ristretto255 {@link Group} backend. Both are byte-identical (same encodings, hashes, proofs;
 * see src/crypto/group-sodium.spec.ts), so the choice is a matter of speed and of where the code runs:
 *
 * - `noble` (@noble/curves, pure JS): synchronous, no WebAssembly; the reference and the fallback.
 * - `sodium` (libsodium-wrappers-sumo, WASM): ~4x faster scalar multiplications and ~8x faster decoding, but
 *   needs an async initialisation, ~1.2 MB of script, and WebAssembly (a browser CSP needs 'wasm-unsafe-eval').
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
 * The faster backend per use, by measurement (medians, ms):
 * - `prepare` (browser booth, CLI): one 5-option one-of-m ballot, encrypt + prove + sign:
 *   noble 9.3, sodium 3.6 → sodium (noble stays the fallback when WebAssembly is unavailable).
 * - `verify` (server, observers): batched verification of in-memory ballots, per ballot: noble 3.4, sodium 4.6;
 *   but ballots arrive as JSON and decoding costs noble ~75 µs vs sodium ~5 µs per point (≈ 40 points per
 *   ballot), so from JSON: noble 6.6, sodium 4.9 → sodium.
 * - `tally` (summing encoded ciphertexts): per ciphertext component decode + add, noble ~77 µs, sodium ~20 µs
 *   → sodium.
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
