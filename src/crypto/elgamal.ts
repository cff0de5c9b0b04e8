/**
 * Exponential ElGamal over a {@link Group}: a message m ∈ [0, ℓ) is encrypted "in the exponent" as m·G, so
 * ciphertexts add homomorphically and a tally decrypts to (Σm)·G, recovered by a bounded discrete log
 * (see ./dlog). With secret key x and public (election) key K = x·G:
 *
 *   Enc(m; r) = (α, β) = (r·G, m·G + r·K),   Dec(α, β) = β − x·α = m·G.
 */
import { CryptoError, cryptoAssert } from './errors';
import { expectObject } from './encoding';
import { type DecodeOptions, type Group, type GroupElement, type NonceSource, drawNonce, randomNonces } from './group';

/** An ElGamal ciphertext (α, β) = (r·G, m·G + r·K). Immutable. */
export interface Ciphertext {
  readonly alpha: GroupElement;
  readonly beta: GroupElement;
}

/** JSON form of a {@link Ciphertext}: lowercase hex (64 chars) of each component's encoding. */
export interface CiphertextJSON {
  readonly alpha: string;
  readonly beta: string;
}

/** A key pair (x, K = x·G). */
export interface ElGamalKeyPair {
  readonly secretKey: bigint;
  readonly publicKey: GroupElement;
}

/**
 * An election public key K prepared for encryption: `point` carries a fixed-window precomputed table so the
 * r·K of every encryption (and the w·K of every proof) is a fixed-base multiplication.
 */
export interface ElectionKey {
  readonly point: GroupElement;
}

/** Generates a key pair with a non-zero secret from `nonces` (default: WebCrypto). */
export function keygen(group: Group, nonces: NonceSource = randomNonces(group)): ElGamalKeyPair {
  const secretKey = drawNonce(group, nonces, 'elgamal/secret-key');
  return Object.freeze({ secretKey, publicKey: group.mulBase(secretKey) });
}

/**
 * Validates K (not the identity, an element of `group`) and attaches a precomputed table.
 * @throws CryptoError `INVALID_POINT` for the identity.
 */
export function prepareElectionKey(group: Group, publicKey: GroupElement): ElectionKey {
  cryptoAssert(!group.isIdentity(publicKey), 'INVALID_POINT', 'election key must not be the identity');
  return Object.freeze({ point: group.precompute(publicKey) });
}

function plaintextScalar(group: Group, m: bigint | number): bigint {
  const v = typeof m === 'number' ? (Number.isSafeInteger(m) ? BigInt(m) : -1n) : m;
  if (typeof v !== 'bigint' || v < 0n || v >= group.order) throw new CryptoError('INVALID_SCALAR', 'plaintext not in [0, ℓ)');
  return v;
}

/**
 * Enc(m; r) = (r·G, m·G + r·K) with an explicit nonce r ∈ [1, ℓ).
 * @throws CryptoError `INVALID_SCALAR` if m ∉ [0, ℓ) or r ∉ [1, ℓ).
 */
export function encryptWithNonce(group: Group, key: ElectionKey, m: bigint | number, r: bigint): Ciphertext {
  const ms = plaintextScalar(group, m);
  cryptoAssert(group.isScalar(r) && r !== 0n, 'INVALID_SCALAR', 'nonce must be in [1, ℓ)');
  return Object.freeze({ alpha: group.mulBase(r), beta: group.add(group.mulBase(ms), group.mul(r, key.point)) });
}

/** Enc(m; r) with r drawn from `nonces`; returns the nonce too (proofs need it). Keep r secret. */
export function encrypt(
  group: Group,
  key: ElectionKey,
  m: bigint | number,
  nonces: NonceSource = randomNonces(group),
): { readonly ciphertext: Ciphertext; readonly nonce: bigint } {
  const r = drawNonce(group, nonces, 'elgamal/nonce');
  return Object.freeze({ ciphertext: encryptWithNonce(group, key, m, r), nonce: r });
}

/** Homomorphic addition: Enc(m1; r1) ⊕ Enc(m2; r2) = Enc(m1 + m2; r1 + r2). */
export function addCiphertexts(group: Group, c1: Ciphertext, c2: Ciphertext): Ciphertext {
  return Object.freeze({ alpha: group.add(c1.alpha, c2.alpha), beta: group.add(c1.beta, c2.beta) });
}

/** Homomorphic sum of any number of ciphertexts; the empty sum is (identity, identity) = Enc(0; 0). */
export function sumCiphertexts(group: Group, cts: readonly Ciphertext[]): Ciphertext {
  let alpha = group.identity;
  let beta = group.identity;
  for (const c of cts) {
    alpha = group.add(alpha, c.alpha);
    beta = group.add(beta, c.beta);
  }
  return Object.freeze({ alpha, beta });
}

/** `n` identity ciphertexts (O, O): the sum of no ciphertext vectors (an empty tally). */
export function identityCiphertexts(group: Group, n: number): Ciphertext[] {
  return Array.from({ length: n }, () => Object.freeze({ alpha: group.identity, beta: group.identity }));
}

/** Element-wise sum of two ciphertext vectors of equal length (null is the empty sum). */
export function addCiphertextVectors(group: Group, a: readonly Ciphertext[] | null, b: readonly Ciphertext[] | null): readonly Ciphertext[] | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.map((c, i) => addCiphertexts(group, c, b[i]));
}

/** Element-wise a − b of two ciphertext vectors of equal length. */
export function subtractCiphertextVectors(group: Group, a: readonly Ciphertext[], b: readonly Ciphertext[]): readonly Ciphertext[] {
  return a.map((c, i) => Object.freeze({ alpha: group.sub(c.alpha, b[i].alpha), beta: group.sub(c.beta, b[i].beta) }));
}

/** Re-randomisation: (α + r·G, β + r·K), an encryption of the same m with nonce r_old + r. */
export function rerandomize(group: Group, key: ElectionKey, ct: Ciphertext, r: bigint): Ciphertext {
  cryptoAssert(group.isScalar(r) && r !== 0n, 'INVALID_SCALAR', 'nonce must be in [1, ℓ)');
  return Object.freeze({ alpha: group.add(ct.alpha, group.mulBase(r)), beta: group.add(ct.beta, group.mul(r, key.point)) });
}

/** Decryption to the group: β − x·α = m·G. Recover m with `discreteLog` (./dlog). */
export function decryptToPoint(group: Group, secretKey: bigint, ct: Ciphertext): GroupElement {
  return group.sub(ct.beta, group.mul(secretKey, ct.alpha));
}

/**
 * Decryption given the combined decryption factor D = x·α (e.g. from threshold shares): β − D = m·G.
 */
export function decryptWithFactor(group: Group, ct: Ciphertext, factor: GroupElement): GroupElement {
  return group.sub(ct.beta, factor);
}

/** Ciphertext equality (component-wise group equality). */
export function ciphertextEquals(group: Group, c1: Ciphertext, c2: Ciphertext): boolean {
  return group.equals(c1.alpha, c2.alpha) && group.equals(c1.beta, c2.beta);
}

/** JSON form: `{ "alpha": hex64, "beta": hex64 }`. */
export function ciphertextToJSON(group: Group, ct: Ciphertext): CiphertextJSON {
  return Object.freeze({ alpha: group.toHex(ct.alpha), beta: group.toHex(ct.beta) });
}

/**
 * Strict parsing of {@link CiphertextJSON}: a plain object with exactly the keys `alpha`, `beta`, each lowercase
 * 64-char hex of a canonical encoding. The identity is rejected unless `opts.allowIdentity` (a fresh
 * encryption never contains it; homomorphic sums may, with negligible probability, so tallies can opt in).
 * @throws CryptoError `ENCODING` or `INVALID_POINT`.
 */
export function ciphertextFromJSON(group: Group, json: unknown, opts?: DecodeOptions): Ciphertext {
  const o = expectObject(json, ['alpha', 'beta'], 'ciphertext');
  return Object.freeze({
    alpha: group.fromHex(o.alpha as string, opts),
    beta: group.fromHex(o.beta as string, opts),
  });
}
