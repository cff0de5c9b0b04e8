/**
 * Distributed key generation without a dealer (Pedersen's DKG with Feldman commitments) for k-of-n trustees
 * with indices 1..n. See docs/protocol.md §30 for the rounds, byte layouts and equations.
 *
 *   Round 1 (each dealer i): f_i(z) = Σ_{j<k} a_{i,j}·z^j with random a_{i,j}; publishes A_{i,j} = a_{i,j}·G with a
 *           Schnorr proof of knowledge of each a_{i,j}; encrypts s_{i→ℓ} = f_i(ℓ) to every other trustee ℓ
 *           under ℓ's registered key E_ℓ (ECIES).
 *   Round 2 (each recipient ℓ): decrypts s_{i→ℓ} and checks s_{i→ℓ}·G = Σ_j ℓ^j·A_{i,j}; on failure publishes a
 *           complaint revealing the ECIES shared secret Z = e_ℓ·R with a Chaum–Pedersen proof, which anyone
 *           judges by decrypting and re-checking.
 *   Result: qualified dealers Q (publicly valid dealing, no upheld complaint); K = Σ_{i∈Q} A_{i,0};
 *           x_ℓ = Σ_{i∈Q} s_{i→ℓ}; X_ℓ = Σ_{i∈Q} Σ_j ℓ^j·A_{i,j} = x_ℓ·G.
 */
import { assertBytes, expectArray, expectObject, isBytes } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import { type Group, type GroupElement, type NonceSource, drawNonce, randomNonces } from '../group';
import { type ProofContext, checkPoint } from '../proofs/common';
import {
  type ChaumPedersenProof,
  type ChaumPedersenProofJSON,
  chaumPedersenProofFromJSON,
  chaumPedersenProofToJSON,
  proveChaumPedersen,
  verifyChaumPedersen,
} from '../proofs/chaum-pedersen';
import {
  type SchnorrProof,
  type SchnorrProofJSON,
  proveSchnorr,
  schnorrProofFromJSON,
  schnorrProofToJSON,
  verifySchnorr,
} from '../proofs/schnorr';
import { ELECTION_HASH_BYTES } from '../transcript';
import { ZERO_HASH, indexContext, transcriptHash } from './binding';
import {
  type EciesBinding,
  type EciesCiphertext,
  type EciesCiphertextJSON,
  ECIES_TAG_BYTES,
  eciesCiphertextFromJSON,
  eciesCiphertextToJSON,
  eciesDecrypt,
  eciesDecryptWithSharedSecret,
  eciesEncryptWithEphemeral,
  eciesSharedSecret,
} from './ecies';
import { MAX_TRUSTEES } from './lagrange';

/** Domain tag of the DKG setup hash. */
export const DKG_SETUP_DOMAIN = 'evote/v1/dkg/setup';
/** Context purposes (see {@link indexContext}) of the DKG's proofs and ciphertexts. */
export const DKG_CONTEXT = Object.freeze({
  coefficient: 'dkg/coefficient', // Schnorr proof of a_{i,j}: (i, j)
  share: 'dkg/share', // ECIES of s_{i→ℓ}: (i, ℓ)
  ephemeral: 'dkg/share-ephemeral', // Schnorr proof of the ECIES ephemeral scalar r of s_{i→ℓ}: (i, ℓ)
  complaint: 'dkg/complaint', // Chaum–Pedersen proof of Z: (i, ℓ)
} as const);

/** Public parameters of one DKG ceremony. */
export interface DkgParameters {
  /** k: any k trustees can decrypt, k − 1 cannot. */
  readonly threshold: number;
  /** n = trusteeKeys.length. */
  readonly trustees: number;
  /** Registered ECIES keys E_1..E_n (E_ℓ at position ℓ − 1). */
  readonly trusteeKeys: readonly GroupElement[];
  /** The 32-byte setup hash bound into every DKG proof and ciphertext (see {@link dkgSetupHash}). */
  readonly setupHash: Uint8Array;
}

/** One encrypted share s_{i→ℓ} of a dealing. */
export interface DkgEncryptedShare {
  /** ℓ */
  readonly recipient: number;
  readonly ciphertext: EciesCiphertext;
  /**
   * Schnorr proof that the dealer knows r with R = r·G (R the ciphertext's ephemeral key), bound to (setup
   * hash, i, ℓ). Without it a dealer could put another ciphertext's R (of an earlier election, say) in its
   * dealing and have the recipient's complaint reveal e_ℓ·R: a decryption oracle (§30.4).
   */
  readonly proof: SchnorrProof;
}

/** A dealer's public round-1 message. */
export interface DkgDealing {
  /** i */
  readonly dealer: number;
  /** A_{i,0}, ..., A_{i,k−1} */
  readonly commitments: readonly GroupElement[];
  /** Schnorr proofs of knowledge of a_{i,0}, ..., a_{i,k−1} (same order). */
  readonly proofs: readonly SchnorrProof[];
  /** s_{i→ℓ} for every ℓ ≠ i, in increasing ℓ. */
  readonly shares: readonly DkgEncryptedShare[];
}

/** A dealer's secret polynomial. Keep it secret; erase it after the ceremony. */
export interface DkgDealerSecret {
  readonly dealer: number;
  /** a_{i,0}, ..., a_{i,k−1} */
  readonly coefficients: readonly bigint[];
}

/** A recipient's complaint against a dealer: the revealed ECIES shared secret with its proof. */
export interface DkgComplaint {
  /** ℓ */
  readonly complainer: number;
  /** i */
  readonly dealer: number;
  /** Z = e_ℓ·R where R is the ephemeral key of the ECIES ciphertext of s_{i→ℓ}. */
  readonly Z: GroupElement;
  /** Chaum–Pedersen proof that log_G E_ℓ = log_R Z (g = G, X = E_ℓ, h = R, Y = Z). */
  readonly proof: ChaumPedersenProof;
}

/** Result of receiving a share: the verified share, or a complaint to publish. */
export type ShareReceipt =
  | { readonly ok: true; readonly share: bigint }
  | { readonly ok: false; readonly reason: string; readonly complaint: DkgComplaint };

/** Verdict on a complaint. `dealer-faulty`: the dealer is disqualified; `complaint-rejected`: the complainer lied. */
export interface ComplaintVerdict {
  readonly verdict: 'dealer-faulty' | 'complaint-rejected';
  readonly reason: string;
}

/** The public outcome of a DKG. */
export interface ElectionKeySet {
  readonly threshold: number;
  /** Qualified dealers Q, increasing. */
  readonly qualified: readonly number[];
  /** K = Σ_{i∈Q} A_{i,0}. */
  readonly jointKey: GroupElement;
  /** X_1..X_n (X_ℓ at position ℓ − 1). */
  readonly verificationKeys: readonly GroupElement[];
}

function checkIndex(i: number, n: number, what: string): number {
  cryptoAssert(Number.isSafeInteger(i) && i >= 1 && i <= n, 'THRESHOLD', `${what}: ${String(i)} not in [1, ${n}]`);
  return i;
}

/**
 * The setup hash SHA-256(transcript) with domain `evote/v1/dkg/setup`, a zero election hash and the fields
 * bytes "context-hash" (32 bytes, e.g. the manifest hash), u32 "k", u32 "n", points "E" (E_1..E_n).
 */
export function dkgSetupHash(
  group: Group,
  contextHash: Uint8Array,
  threshold: number,
  trusteeKeys: readonly GroupElement[],
): Uint8Array {
  assertBytes(contextHash, ELECTION_HASH_BYTES, 'dkg context hash');
  return transcriptHash(group, DKG_SETUP_DOMAIN, ZERO_HASH, (t) =>
    t.bytes('context-hash', contextHash).u32('k', threshold).u32('n', trusteeKeys.length).points('E', trusteeKeys),
  );
}

/**
 * Validates and freezes the ceremony parameters: 1 ≤ k ≤ n ≤ 255, keys non-identity and distinct; computes the
 * setup hash from `contextHash` (32 bytes, e.g. the manifest hash).
 * @throws CryptoError `THRESHOLD` or `INVALID_POINT`.
 */
export function createDkgParameters(
  group: Group,
  contextHash: Uint8Array,
  threshold: number,
  trusteeKeys: readonly GroupElement[],
): DkgParameters {
  cryptoAssert(Array.isArray(trusteeKeys), 'THRESHOLD', 'trustee keys: expected an array');
  const n = trusteeKeys.length;
  cryptoAssert(n >= 1 && n <= MAX_TRUSTEES, 'THRESHOLD', `need 1..${MAX_TRUSTEES} trustees`);
  cryptoAssert(Number.isSafeInteger(threshold) && threshold >= 1 && threshold <= n, 'THRESHOLD', 'need 1 ≤ k ≤ n');
  trusteeKeys.forEach((E, i) => checkPoint(group, E, `trustee key E_${i + 1}`));
  const hexes = new Set(trusteeKeys.map((E) => group.toHex(E)));
  cryptoAssert(hexes.size === n, 'THRESHOLD', 'trustee keys must be distinct');
  return Object.freeze({
    threshold,
    trustees: n,
    trusteeKeys: Object.freeze([...trusteeKeys]),
    setupHash: dkgSetupHash(group, contextHash, threshold, trusteeKeys),
  });
}

function coefficientContext(params: DkgParameters, i: number, j: number): ProofContext {
  return { electionHash: params.setupHash, context: indexContext(DKG_CONTEXT.coefficient, i, j) };
}

function shareBinding(params: DkgParameters, i: number, l: number): EciesBinding {
  return { electionHash: params.setupHash, context: indexContext(DKG_CONTEXT.share, i, l) };
}

function ephemeralContext(params: DkgParameters, i: number, l: number): ProofContext {
  return { electionHash: params.setupHash, context: indexContext(DKG_CONTEXT.ephemeral, i, l) };
}

function complaintContext(params: DkgParameters, i: number, l: number): ProofContext {
  return { electionHash: params.setupHash, context: indexContext(DKG_CONTEXT.complaint, i, l) };
}

/** f(z) = Σ_j a_j·z^j at z = ℓ (Horner, mod ℓ_group). */
export function evaluatePolynomial(group: Group, coefficients: readonly bigint[], x: number): bigint {
  const z = group.scalarFromInt(x);
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = group.scalarAdd(group.scalarMul(acc, z), coefficients[j]);
  return acc;
}

/** Σ_j ℓ^j·A_j: the public image f(ℓ)·G of a committed polynomial (variable-time; public inputs). */
export function evaluateCommitments(group: Group, commitments: readonly GroupElement[], x: number): GroupElement {
  const z = group.scalarFromInt(x);
  const powers: bigint[] = [];
  let p = 1n;
  for (let j = 0; j < commitments.length; j++) {
    powers.push(p);
    p = group.scalarMul(p, z);
  }
  return group.msm(powers, commitments);
}

/** Feldman check s·G = Σ_j ℓ^j·A_j. */
export function shareMatchesCommitments(group: Group, commitments: readonly GroupElement[], recipient: number, share: bigint): boolean {
  if (!group.isScalar(share)) return false;
  return group.equals(group.mulBase(share), evaluateCommitments(group, commitments, recipient));
}

/**
 * Round 1 for dealer i: draws the polynomial, commits, proves and encrypts the shares.
 * @throws CryptoError `THRESHOLD` for a bad dealer index.
 */
export function createDealing(
  group: Group,
  params: DkgParameters,
  dealer: number,
  nonces: NonceSource = randomNonces(group),
): { readonly dealing: DkgDealing; readonly secret: DkgDealerSecret } {
  checkIndex(dealer, params.trustees, 'dealer');
  const coefficients: bigint[] = [];
  for (let j = 0; j < params.threshold; j++) coefficients.push(drawNonce(group, nonces, 'dkg/coefficient'));
  const commitments = coefficients.map((a) => group.mulBase(a));
  const proofs = coefficients.map((a, j) =>
    proveSchnorr(group, { publicKey: commitments[j] }, a, coefficientContext(params, dealer, j), nonces),
  );
  const shares: DkgEncryptedShare[] = [];
  for (let l = 1; l <= params.trustees; l++) {
    if (l === dealer) continue;
    const s = evaluatePolynomial(group, coefficients, l);
    const r = drawNonce(group, nonces, 'ecies/ephemeral');
    const ciphertext = eciesEncryptWithEphemeral(group, params.trusteeKeys[l - 1], group.encodeScalar(s), shareBinding(params, dealer, l), r);
    const proof = proveSchnorr(group, { publicKey: ciphertext.R }, r, ephemeralContext(params, dealer, l), nonces);
    shares.push(Object.freeze({ recipient: l, ciphertext, proof }));
  }
  return Object.freeze({
    dealing: Object.freeze({
      dealer,
      commitments: Object.freeze(commitments),
      proofs: Object.freeze(proofs),
      shares: Object.freeze(shares),
    }),
    secret: Object.freeze({ dealer, coefficients: Object.freeze(coefficients) }),
  });
}

/**
 * Public checks of a dealing (anyone): dealer index; exactly k commitments, none the identity, each with a valid
 * Schnorr proof bound to (setup hash, i, j); exactly one encrypted share per ℓ ≠ i, in increasing ℓ.
 * @returns the list of failures; empty iff the dealing is publicly valid.
 */
export function checkDealing(group: Group, params: DkgParameters, dealing: DkgDealing): readonly string[] {
  const reasons: string[] = [];
  try {
    const i = dealing.dealer;
    checkIndex(i, params.trustees, 'dealer');
    if (!Array.isArray(dealing.commitments) || dealing.commitments.length !== params.threshold) {
      reasons.push(`dealer ${i}: expected ${params.threshold} commitments`);
    } else if (!Array.isArray(dealing.proofs) || dealing.proofs.length !== params.threshold) {
      reasons.push(`dealer ${i}: expected ${params.threshold} proofs`);
    } else {
      for (let j = 0; j < params.threshold; j++) {
        let ok = false;
        try {
          ok = verifySchnorr(group, { publicKey: dealing.commitments[j] }, dealing.proofs[j], coefficientContext(params, i, j));
        } catch {
          ok = false;
        }
        if (!ok) reasons.push(`dealer ${i}: proof of knowledge of coefficient ${j} is invalid`);
      }
    }
    const expected: number[] = [];
    for (let l = 1; l <= params.trustees; l++) if (l !== i) expected.push(l);
    const got = Array.isArray(dealing.shares) ? dealing.shares.map((s) => s.recipient) : [];
    if (got.length !== expected.length || got.some((l, k) => l !== expected[k])) {
      reasons.push(`dealer ${i}: expected one encrypted share for each of ${expected.join(', ') || '(none)'}`);
    } else {
      // A share that cannot even be parsed (identity R, wrong length) is publicly faulty: no complaint needed.
      // So is one whose ephemeral key R the dealer cannot prove it knows: a complaint must never make a
      // recipient apply its secret key to a point the dealer did not make itself (§30.4).
      for (const s of dealing.shares) {
        const c = s.ciphertext;
        const ok = isBytes(c.c) && c.c.length === group.scalarBytes + ECIES_TAG_BYTES && !group.isIdentity(c.R);
        if (!ok) {
          reasons.push(`dealer ${i}: malformed encrypted share for ${s.recipient}`);
          continue;
        }
        let known = false;
        try {
          known = verifySchnorr(group, { publicKey: c.R }, s.proof, ephemeralContext(params, i, s.recipient));
        } catch {
          known = false;
        }
        if (!known) reasons.push(`dealer ${i}: no valid proof of knowledge of the ephemeral key of the share for ${s.recipient}`);
      }
    }
  } catch (e) {
    reasons.push(e instanceof CryptoError ? e.message : 'malformed dealing');
  }
  return Object.freeze(reasons);
}

function encryptedShareFor(dealing: DkgDealing, l: number): EciesCiphertext {
  const s = dealing.shares.find((x) => x.recipient === l);
  if (!s) throw new CryptoError('THRESHOLD', `dealer ${dealing.dealer} has no share for trustee ${l}`);
  return s.ciphertext;
}

/**
 * Round 2 for recipient ℓ: decrypts s_{i→ℓ} and checks it against the dealer's commitments. On failure returns
 * a complaint (revealing Z = e_ℓ·R with a Chaum–Pedersen proof) to publish. Call only for a dealing that passed
 * {@link checkDealing} (publicly invalid dealings are disqualified without complaints).
 * @throws CryptoError `THRESHOLD` for bad indices or a missing share, `INVALID_STATEMENT` if e_ℓ does not match E_ℓ.
 */
export function receiveShare(
  group: Group,
  params: DkgParameters,
  dealing: DkgDealing,
  recipient: number,
  recipientSecret: bigint,
  nonces: NonceSource = randomNonces(group),
): ShareReceipt {
  checkIndex(recipient, params.trustees, 'recipient');
  cryptoAssert(recipient !== dealing.dealer, 'THRESHOLD', 'a dealer does not receive its own share');
  const E = params.trusteeKeys[recipient - 1];
  cryptoAssert(group.equals(group.mulBase(recipientSecret), E), 'INVALID_STATEMENT', 'recipient secret does not match E_ℓ');
  const ct = encryptedShareFor(dealing, recipient);
  let reason: string;
  try {
    const s = group.decodeScalar(eciesDecrypt(group, recipientSecret, ct, shareBinding(params, dealing.dealer, recipient)));
    if (shareMatchesCommitments(group, dealing.commitments, recipient, s)) return Object.freeze({ ok: true, share: s });
    reason = 'share does not match the commitments';
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    reason = `share does not decrypt to a scalar (${e.message})`;
  }
  const Z = eciesSharedSecret(group, recipientSecret, ct);
  const proof = proveChaumPedersen(
    group,
    { h: ct.R, X: E, Y: Z },
    recipientSecret,
    complaintContext(params, dealing.dealer, recipient),
    nonces,
  );
  return Object.freeze({
    ok: false,
    reason,
    complaint: Object.freeze({ complainer: recipient, dealer: dealing.dealer, Z, proof }),
  });
}

/**
 * Judges a complaint (anyone). Dealer faulty if the dealing is publicly invalid, or if, with the proven shared
 * secret Z, the share does not decrypt, is not a canonical scalar, or fails s·G = Σ_j ℓ^j·A_j. Complaint rejected if
 * it is malformed, names the wrong dealer, its proof of Z fails, or the share is consistent.
 */
export function judgeComplaint(group: Group, params: DkgParameters, dealing: DkgDealing, complaint: DkgComplaint): ComplaintVerdict {
  const reject = (reason: string): ComplaintVerdict => Object.freeze({ verdict: 'complaint-rejected', reason });
  const fault = (reason: string): ComplaintVerdict => Object.freeze({ verdict: 'dealer-faulty', reason });
  const l = complaint.complainer;
  const i = complaint.dealer;
  if (!(Number.isSafeInteger(l) && l >= 1 && l <= params.trustees) || l === i) return reject('bad complainer index');
  if (i !== dealing.dealer) return reject('complaint names another dealer');
  const publicFailures = checkDealing(group, params, dealing);
  if (publicFailures.length > 0) return fault(`dealing is publicly invalid: ${publicFailures.join('; ')}`);
  const ct = encryptedShareFor(dealing, l);
  const E = params.trusteeKeys[l - 1];
  let proven = false;
  try {
    proven = verifyChaumPedersen(group, { h: ct.R, X: E, Y: complaint.Z }, complaint.proof, complaintContext(params, i, l));
  } catch {
    proven = false;
  }
  if (!proven) return reject('invalid proof of the ECIES shared secret');
  let s: bigint;
  try {
    s = group.decodeScalar(eciesDecryptWithSharedSecret(group, E, ct, complaint.Z, shareBinding(params, i, l)));
  } catch {
    return fault('share does not decrypt to a canonical scalar');
  }
  return shareMatchesCommitments(group, dealing.commitments, l, s)
    ? reject('share matches the commitments')
    : fault('share does not match the commitments');
}

/**
 * The qualified set Q: dealers with a publicly valid dealing and no complaint judged `dealer-faulty`. Complaints
 * against dealers not in `dealings` are ignored. Dealers that sent no dealing are not qualified.
 * @throws CryptoError `THRESHOLD` if two dealings have the same dealer or Q is empty.
 */
export function qualifiedDealers(
  group: Group,
  params: DkgParameters,
  dealings: readonly DkgDealing[],
  complaints: readonly DkgComplaint[] = [],
): readonly number[] {
  const seen = new Set<number>();
  for (const d of dealings) {
    cryptoAssert(!seen.has(d.dealer), 'THRESHOLD', `two dealings from dealer ${d.dealer}`);
    seen.add(d.dealer);
  }
  const q = dealings
    .filter((d) => checkDealing(group, params, d).length === 0)
    .filter((d) =>
      complaints.every((c) => c.dealer !== d.dealer || judgeComplaint(group, params, d, c).verdict !== 'dealer-faulty'),
    )
    .map((d) => d.dealer)
    .sort((a, b) => a - b);
  cryptoAssert(q.length > 0, 'THRESHOLD', 'no qualified dealer');
  return Object.freeze(q);
}

function qualifiedDealings(dealings: readonly DkgDealing[], qualified: readonly number[]): DkgDealing[] {
  return qualified.map((i) => {
    const d = dealings.find((x) => x.dealer === i);
    if (!d) throw new CryptoError('THRESHOLD', `no dealing from qualified dealer ${i}`);
    return d;
  });
}

/**
 * The public outcome (anyone): K = Σ_{i∈Q} A_{i,0} and X_ℓ = Σ_{i∈Q} Σ_j ℓ^j·A_{i,j} for ℓ = 1..n.
 * `qualified` must come from {@link qualifiedDealers}.
 * @throws CryptoError `THRESHOLD` if a qualified dealer has no dealing, `INVALID_POINT` if K is the identity.
 */
export function deriveElectionKeys(
  group: Group,
  params: DkgParameters,
  dealings: readonly DkgDealing[],
  qualified: readonly number[],
): ElectionKeySet {
  const ds = qualifiedDealings(dealings, qualified);
  const jointKey = ds.reduce((acc, d) => group.add(acc, d.commitments[0]), group.identity);
  cryptoAssert(!group.isIdentity(jointKey), 'INVALID_POINT', 'joint key is the identity');
  const verificationKeys: GroupElement[] = [];
  for (let l = 1; l <= params.trustees; l++) {
    verificationKeys.push(ds.reduce((acc, d) => group.add(acc, evaluateCommitments(group, d.commitments, l)), group.identity));
  }
  return Object.freeze({
    threshold: params.threshold,
    qualified: Object.freeze([...qualified]),
    jointKey,
    verificationKeys: Object.freeze(verificationKeys),
  });
}

/**
 * Trustee ℓ's final secret share x_ℓ = Σ_{i∈Q} s_{i→ℓ}, from its verified received shares (dealer → share) and,
 * if ℓ ∈ Q, its own f_ℓ(ℓ). Checks the result against X_ℓ.
 * @throws CryptoError `THRESHOLD` if a share from a qualified dealer is missing or x_ℓ·G ≠ X_ℓ.
 */
export function finalSecretShare(
  group: Group,
  keys: ElectionKeySet,
  trustee: number,
  received: ReadonlyMap<number, bigint>,
  own?: DkgDealerSecret,
): bigint {
  let x = 0n;
  for (const i of keys.qualified) {
    let s: bigint | undefined;
    if (i === trustee) s = own && own.dealer === trustee ? evaluatePolynomial(group, own.coefficients, trustee) : undefined;
    else s = received.get(i);
    cryptoAssert(s !== undefined, 'THRESHOLD', `missing share from qualified dealer ${i}`);
    x = group.scalarAdd(x, s);
  }
  cryptoAssert(
    group.equals(group.mulBase(x), keys.verificationKeys[trustee - 1]),
    'THRESHOLD',
    'final share does not match the verification key',
  );
  return x;
}

// ---------------------------------------------------------------------------------------------- JSON forms

/** JSON form of a {@link DkgDealing}. */
export interface DkgDealingJSON {
  readonly dealer: number;
  readonly commitments: readonly string[];
  readonly proofs: readonly SchnorrProofJSON[];
  readonly shares: readonly { readonly recipient: number; readonly ciphertext: EciesCiphertextJSON; readonly proof: SchnorrProofJSON }[];
}

/** JSON form of a {@link DkgComplaint}. */
export interface DkgComplaintJSON {
  readonly complainer: number;
  readonly dealer: number;
  readonly Z: string;
  readonly proof: ChaumPedersenProofJSON;
}

/** Strict JSON trustee index: an integer in [1, 255]. */
export function indexFromJSON(v: unknown, what: string): number {
  cryptoAssert(
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= MAX_TRUSTEES,
    'ENCODING',
    `${what}: expected an integer in [1, ${MAX_TRUSTEES}]`,
  );
  return v;
}

/** JSON form of a dealing (points lowercase hex; shares `{ recipient, ciphertext: { R, c }, proof }`, c 48 bytes). */
export function dealingToJSON(group: Group, d: DkgDealing): DkgDealingJSON {
  return Object.freeze({
    dealer: d.dealer,
    commitments: Object.freeze(d.commitments.map((A) => group.toHex(A))),
    proofs: Object.freeze(d.proofs.map((p) => schnorrProofToJSON(group, p))),
    shares: Object.freeze(
      d.shares.map((s) => Object.freeze({ recipient: s.recipient, ciphertext: eciesCiphertextToJSON(group, s.ciphertext), proof: schnorrProofToJSON(group, s.proof) })),
    ),
  });
}

/** Strict parsing of {@link DkgDealingJSON} (exact keys, canonical hex; the protocol checks are {@link checkDealing}). */
export function dealingFromJSON(group: Group, json: unknown): DkgDealing {
  const o = expectObject(json, ['dealer', 'commitments', 'proofs', 'shares'], 'dkg dealing');
  return Object.freeze({
    dealer: indexFromJSON(o.dealer, 'dealer'),
    commitments: Object.freeze(expectArray(o.commitments, 'commitments', MAX_TRUSTEES).map((h) => group.fromHex(h as string))),
    proofs: Object.freeze(expectArray(o.proofs, 'proofs', MAX_TRUSTEES).map((p) => schnorrProofFromJSON(group, p))),
    shares: Object.freeze(
      expectArray(o.shares, 'shares', MAX_TRUSTEES).map((s) => {
        const so = expectObject(s, ['recipient', 'ciphertext', 'proof'], 'encrypted share');
        return Object.freeze({
          recipient: indexFromJSON(so.recipient, 'recipient'),
          ciphertext: eciesCiphertextFromJSON(group, so.ciphertext, group.scalarBytes),
          proof: schnorrProofFromJSON(group, so.proof),
        });
      }),
    ),
  });
}

/** JSON form of a complaint. */
export function complaintToJSON(group: Group, c: DkgComplaint): DkgComplaintJSON {
  return Object.freeze({
    complainer: c.complainer,
    dealer: c.dealer,
    Z: group.toHex(c.Z),
    proof: chaumPedersenProofToJSON(group, c.proof),
  });
}

/** Strict parsing of {@link DkgComplaintJSON}. */
export function complaintFromJSON(group: Group, json: unknown): DkgComplaint {
  const o = expectObject(json, ['complainer', 'dealer', 'Z', 'proof'], 'dkg complaint');
  return Object.freeze({
    complainer: indexFromJSON(o.complainer, 'complainer'),
    dealer: indexFromJSON(o.dealer, 'dealer'),
    Z: group.fromHex(o.Z as string),
    proof: chaumPedersenProofFromJSON(group, o.proof),
  });
}

/** JSON form of an {@link ElectionKeySet}. */
export interface ElectionKeySetJSON {
  readonly threshold: number;
  readonly qualified: readonly number[];
  readonly jointKey: string;
  readonly verificationKeys: readonly string[];
}

/** JSON form `{ threshold, qualified, jointKey: hex64, verificationKeys: hex64[] }`. */
export function electionKeySetToJSON(group: Group, k: ElectionKeySet): ElectionKeySetJSON {
  return Object.freeze({
    threshold: k.threshold,
    qualified: Object.freeze([...k.qualified]),
    jointKey: group.toHex(k.jointKey),
    verificationKeys: Object.freeze(k.verificationKeys.map((X) => group.toHex(X))),
  });
}

/**
 * Strict parsing of {@link ElectionKeySetJSON} (shape only: a verifier recomputes the key set from the dealings
 * with {@link deriveElectionKeys} and compares).
 */
export function electionKeySetFromJSON(group: Group, json: unknown): ElectionKeySet {
  const o = expectObject(json, ['threshold', 'qualified', 'jointKey', 'verificationKeys'], 'election key set');
  const verificationKeys = expectArray(o.verificationKeys, 'verificationKeys', MAX_TRUSTEES).map((h) => group.fromHex(h as string));
  const threshold = indexFromJSON(o.threshold, 'threshold');
  cryptoAssert(threshold <= verificationKeys.length, 'ENCODING', 'threshold larger than the number of trustees');
  return Object.freeze({
    threshold,
    qualified: Object.freeze(expectArray(o.qualified, 'qualified', MAX_TRUSTEES).map((v) => indexFromJSON(v, 'qualified'))),
    jointKey: group.fromHex(o.jointKey as string),
    verificationKeys: Object.freeze(verificationKeys),
  });
}

/** True iff two key sets are identical (threshold, Q, K, every X_ℓ). */
export function electionKeySetEquals(group: Group, a: ElectionKeySet, b: ElectionKeySet): boolean {
  return (
    a.threshold === b.threshold &&
    a.qualified.length === b.qualified.length &&
    a.qualified.every((i, k) => i === b.qualified[k]) &&
    group.equals(a.jointKey, b.jointKey) &&
    a.verificationKeys.length === b.verificationKeys.length &&
    a.verificationKeys.every((X, k) => group.equals(X, b.verificationKeys[k]))
  );
}
