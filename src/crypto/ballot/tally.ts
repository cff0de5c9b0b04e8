/**
 * The homomorphic aggregate of counted ballots: per contest and option, the sum of that option's ciphertexts,
 * which decrypts (threshold/decryption) to the option's total. Flattened in manifest order (contest, then
 * option) it is the vector of ciphertexts that trustees decrypt.
 */
import { type Ciphertext, ciphertextFromJSON, ciphertextToJSON, type CiphertextJSON, sumCiphertexts } from '../elgamal';
import { expectArray, expectObject } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import type { Group } from '../group';
import type { EncryptedBallot } from './encrypt';
import { ballotStructureFailures } from './json';
import { MANIFEST_LIMITS, type Manifest } from './manifest';

/** Per contest, per option (manifest order): the summed ciphertext. */
export interface EncryptedTally {
  readonly contests: readonly { readonly contestId: string; readonly options: readonly { readonly optionId: string; readonly ciphertext: Ciphertext }[] }[];
}

/** Totals per contest id and option id. */
export type ElectionResult = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * Σ over `ballots` (which must already have been verified) of each option's ciphertext.
 * @throws CryptoError `INVALID_BALLOT` if a ballot does not have the manifest's structure.
 */
export function aggregateBallots(group: Group, manifest: Manifest, ballots: readonly EncryptedBallot[]): EncryptedTally {
  for (const b of ballots) {
    const f = ballotStructureFailures(manifest, b);
    if (f.length > 0) throw new CryptoError('INVALID_BALLOT', f.join('; '));
  }
  return Object.freeze({
    contests: Object.freeze(
      manifest.contests.map((c, ci) =>
        Object.freeze({
          contestId: c.id,
          options: Object.freeze(
            c.options.map((o, oi) =>
              Object.freeze({ optionId: o.id, ciphertext: sumCiphertexts(group, ballots.map((b) => b.contests[ci].selections[oi].ciphertext)) }),
            ),
          ),
        }),
      ),
    ),
  });
}

/**
 * The inverse of {@link tallyCiphertexts}: a flattened vector (manifest order) as a tally.
 * @throws CryptoError `INVALID_STATEMENT` if the length does not match the manifest.
 */
export function tallyFromCiphertexts(manifest: Manifest, ciphertexts: readonly Ciphertext[]): EncryptedTally {
  const n = manifest.contests.reduce((a, c) => a + c.options.length, 0);
  cryptoAssert(ciphertexts.length === n, 'INVALID_STATEMENT', `expected ${n} ciphertexts`);
  let k = 0;
  return Object.freeze({
    contests: Object.freeze(
      manifest.contests.map((c) => Object.freeze({ contestId: c.id, options: Object.freeze(c.options.map((o) => Object.freeze({ optionId: o.id, ciphertext: ciphertexts[k++] }))) })),
    ),
  });
}

/** The tally's ciphertexts flattened in manifest order (the vector to decrypt). */
export function tallyCiphertexts(tally: EncryptedTally): readonly Ciphertext[] {
  return Object.freeze(tally.contests.flatMap((c) => c.options.map((o) => o.ciphertext)));
}

/**
 * Maps decrypted totals (flattened manifest order) back to contest and option ids.
 * @throws CryptoError `INVALID_STATEMENT` if the count does not match the manifest.
 */
export function resultFromTotals(manifest: Manifest, totals: readonly number[]): ElectionResult {
  const n = manifest.contests.reduce((a, c) => a + c.options.length, 0);
  cryptoAssert(totals.length === n, 'INVALID_STATEMENT', `expected ${n} totals`);
  let k = 0;
  return Object.freeze(
    Object.fromEntries(manifest.contests.map((c) => [c.id, Object.freeze(Object.fromEntries(c.options.map((o) => [o.id, totals[k++]])))])),
  );
}

/** JSON form of an {@link EncryptedTally}. */
export interface EncryptedTallyJSON {
  readonly contests: readonly { readonly contestId: string; readonly options: readonly { readonly optionId: string; readonly ciphertext: CiphertextJSON }[] }[];
}

/** JSON form `{ contests: [{ contestId, options: [{ optionId, ciphertext: { alpha, beta } }] }] }`. */
export function tallyToJSON(group: Group, t: EncryptedTally): EncryptedTallyJSON {
  return Object.freeze({
    contests: Object.freeze(
      t.contests.map((c) =>
        Object.freeze({
          contestId: c.contestId,
          options: Object.freeze(c.options.map((o) => Object.freeze({ optionId: o.optionId, ciphertext: ciphertextToJSON(group, o.ciphertext) }))),
        }),
      ),
    ),
  });
}

/** Strict parsing against `manifest` (identity components allowed: sums may contain them). */
export function tallyFromJSON(group: Group, manifest: Manifest, json: unknown): EncryptedTally {
  const o = expectObject(json, ['contests'], 'tally');
  const cs = expectArray(o.contests, 'tally contests', MANIFEST_LIMITS.contests);
  cryptoAssert(cs.length === manifest.contests.length, 'INVALID_BALLOT', 'tally: one entry per contest expected');
  return Object.freeze({
    contests: Object.freeze(
      manifest.contests.map((mc, ci) => {
        const c = expectObject(cs[ci], ['contestId', 'options'], 'tally contest');
        cryptoAssert(c.contestId === mc.id, 'INVALID_BALLOT', `tally contest ${ci}: expected ${mc.id}`);
        const os = expectArray(c.options, 'tally options', MANIFEST_LIMITS.options);
        cryptoAssert(os.length === mc.options.length, 'INVALID_BALLOT', `tally contest ${mc.id}: one entry per option expected`);
        return Object.freeze({
          contestId: mc.id,
          options: Object.freeze(
            mc.options.map((mo, oi) => {
              const x = expectObject(os[oi], ['optionId', 'ciphertext'], 'tally option');
              cryptoAssert(x.optionId === mo.id, 'INVALID_BALLOT', `tally contest ${mc.id} option ${oi}: expected ${mo.id}`);
              return Object.freeze({ optionId: mo.id, ciphertext: ciphertextFromJSON(group, x.ciphertext, { allowIdentity: true }) });
            }),
          ),
        });
      }),
    ),
  });
}
