import { encryptWithNonce, prepareElectionKey, sumCiphertexts, type Ciphertext } from '../elgamal';
import { CryptoError } from '../errors';
import { deterministicNonces, ristretto255Group as group } from '../group';
import {
  checkCombination,
  checkDealing,
  combineDecryptionShares,
  complaintFromJSON,
  complaintToJSON,
  computeDecryptionShare,
  dealingFromJSON,
  dealingToJSON,
  decryptionShareFromJSON,
  decryptionShareToJSON,
  judgeComplaint,
  lagrangeCoefficient,
  receiveShare,
  simulateDkg,
  verifyDecryptionShare,
  type DecryptionShare,
  type DkgDealing,
  type SimulatedDkg,
  qualifiedDealers,
  eciesEncryptWithEphemeral,
  indexContext,
  DKG_CONTEXT,
  createDealing,
  createDkgParameters,
  type DkgParameters,
} from '.';
import { proveSchnorr } from '../proofs/schnorr';
import { dlogTable } from '../dlog';

const CONTEXT = new Uint8Array(32).fill(7);
const H = new Uint8Array(32).fill(9);
const seed = (s: string) => new TextEncoder().encode(s);

function subsets<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [h, ...t] = xs;
  return [...subsets(t, k - 1).map((s) => [h, ...s]), ...subsets(t, k)];
}

function encryptVotes(dkg: SimulatedDkg, votes: readonly number[], label: string): Ciphertext[] {
  const K = prepareElectionKey(group, dkg.keys.jointKey);
  const n = deterministicNonces(seed(label), 'test/votes');
  return votes.map((m) => encryptWithNonce(group, K, m, n('r')));
}

beforeAll(() => {
  dlogTable(group, 64);
});

describe.each([
  [2, 3],
  [3, 5],
])('DKG %i-of-%i', (k, n) => {
  const dkg = simulateDkg(group, CONTEXT, k, n, deterministicNonces(seed(`dkg-${k}-${n}`), 'test/dkg'));
  const totals = [3, 0, 5];
  // three "options", each the sum of several ballots
  const ballots = [
    [1, 0, 1],
    [1, 0, 1],
    [1, 0, 1],
    [0, 0, 1],
    [0, 0, 1],
  ];
  const cts = totals.map((_, t) =>
    sumCiphertexts(
      group,
      encryptVotes(
        dkg,
        ballots.map((b) => b[t]),
        `ballots-${t}`,
      ),
    ),
  );
  const shares = dkg.secretShares.map((x, i) =>
    computeDecryptionShare(group, H, dkg.keys, i + 1, x, cts, deterministicNonces(seed(`share-${i}`), 'test/share')),
  );

  it('qualifies every honest dealer, with no complaints, and K = Σ x_ℓ λ_ℓ·G', () => {
    expect(dkg.complaints).toHaveLength(0);
    expect(dkg.keys.qualified).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const S = Array.from({ length: k }, (_, i) => i + 1);
    let x = 0n;
    for (const l of S) x = group.scalarAdd(x, group.scalarMul(lagrangeCoefficient(group, S, l), dkg.secretShares[l - 1]));
    expect(group.equals(group.mulBase(x), dkg.keys.jointKey)).toBe(true);
    dkg.dealings.forEach((d) => expect(checkDealing(group, dkg.params, d)).toEqual([]));
  });

  it('every k-subset decrypts correctly and the combination verifies', () => {
    for (const S of subsets(shares, k)) {
      const r = combineDecryptionShares(group, H, dkg.keys, cts, S, { max: 100, babySteps: 64 });
      expect(r.results).toEqual(totals);
      expect(checkCombination(group, H, dkg.keys, cts, S, totals)).toEqual([]);
      expect(checkCombination(group, H, dkg.keys, cts, S, [3, 1, 5])).toEqual(['result 1 is not the decryption of ciphertext 1']);
    }
  });

  it('more than k shares also decrypt; k − 1 shares are refused and, forced, give a wrong result', () => {
    expect(combineDecryptionShares(group, H, dkg.keys, cts, shares, { max: 100, babySteps: 64 }).results).toEqual(totals);
    const few = shares.slice(0, k - 1);
    expect(() => combineDecryptionShares(group, H, dkg.keys, cts, few, { max: 100 })).toThrow(CryptoError);
    // Interpolating k − 1 shares as if the threshold were k − 1 does not recover the plaintext.
    if (k > 1) {
      const weak = { ...dkg.keys, threshold: k - 1 };
      expect(() => combineDecryptionShares(group, H, weak, cts, few, { max: 100, babySteps: 64 })).toThrow(
        expect.objectContaining({ code: 'DLOG_OUT_OF_RANGE' }),
      );
    }
  });

  it('rejects a bad decryption share (wrong D, wrong proof, wrong trustee, wrong election hash, duplicates)', () => {
    const s = shares[0];
    const badD: DecryptionShare = {
      ...s,
      partials: s.partials.map((p, t) => (t === 1 ? { ...p, D: group.add(p.D, group.generator) } : p)),
    };
    expect(verifyDecryptionShare(group, H, dkg.keys, cts, s)).toBe(true);
    expect(verifyDecryptionShare(group, H, dkg.keys, cts, badD)).toBe(false);
    const badV: DecryptionShare = {
      ...s,
      partials: s.partials.map((p, t) => (t === 0 ? { ...p, proof: { ...p.proof, v: group.scalarAdd(p.proof.v, 1n) } } : p)),
    };
    expect(verifyDecryptionShare(group, H, dkg.keys, cts, badV)).toBe(false);
    expect(verifyDecryptionShare(group, H, dkg.keys, cts, { ...s, trustee: 2 })).toBe(false);
    expect(verifyDecryptionShare(group, new Uint8Array(32), dkg.keys, cts, s)).toBe(false);
    expect(verifyDecryptionShare(group, H, dkg.keys, cts.slice(1), s)).toBe(false);
    expect(() => combineDecryptionShares(group, H, dkg.keys, cts, [badD, ...shares.slice(1, k)])).toThrow(
      expect.objectContaining({ code: 'INVALID_PROOF' }),
    );
    expect(() => combineDecryptionShares(group, H, dkg.keys, cts, Array(k).fill(shares[1]))).toThrow(
      expect.objectContaining({ code: 'THRESHOLD' }),
    );
    expect(checkCombination(group, H, dkg.keys, cts, [badD, ...shares.slice(1, k)], totals).length).toBeGreaterThan(0);
  });

  it('JSON round trips of dealings and decryption shares', () => {
    for (const d of dkg.dealings) {
      const j = JSON.parse(JSON.stringify(dealingToJSON(group, d)));
      expect(dealingToJSON(group, dealingFromJSON(group, j))).toEqual(j);
      expect(checkDealing(group, dkg.params, dealingFromJSON(group, j))).toEqual([]);
      expect(() => dealingFromJSON(group, { ...j, extra: 1 })).toThrow(CryptoError);
    }
    const j = JSON.parse(JSON.stringify(decryptionShareToJSON(group, shares[0])));
    expect(verifyDecryptionShare(group, H, dkg.keys, cts, decryptionShareFromJSON(group, j))).toBe(true);
    expect(() => decryptionShareFromJSON(group, { ...j, trustee: 0 })).toThrow(CryptoError);
    expect(() => decryptionShareFromJSON(group, { ...j, trustee: '1' })).toThrow(CryptoError);
  });
});

describe('DKG complaints', () => {
  const nonces = () => deterministicNonces(seed('complaints'), 'test/dkg');
  const dkg = simulateDkg(group, CONTEXT, 2, 3, nonces());
  it('a tampered share is detected, the complaint is upheld and the dealer disqualified', () => {
    // Dealer 2's share for trustee 3 replaced by a correctly bound encryption of a wrong scalar.
    const d = dkg.dealings[1];
    const wrong = group.scalarFromInt(12345);
    const tamperedDealing: DkgDealing = { ...d, shares: d.shares.map((s) => (s.recipient === 3 ? dealerMadeShare(dkg.params, 2, 3, group.encodeScalar(wrong)) : s)) };
    expect(checkDealing(group, dkg.params, tamperedDealing)).toEqual([]); // publicly it looks fine
    const r = receiveShare(group, dkg.params, tamperedDealing, 3, dkg.trusteeSecrets[2], nonces());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('share does not match the commitments');
    const c = complaintFromJSON(group, JSON.parse(JSON.stringify(complaintToJSON(group, r.complaint))));
    expect(judgeComplaint(group, dkg.params, tamperedDealing, c).verdict).toBe('dealer-faulty');
    const q = qualifiedDealers(group, dkg.params, [dkg.dealings[0], tamperedDealing, dkg.dealings[2]], [c]);
    expect(q).toEqual([1, 3]);

    // Garbage ciphertext: does not decrypt at all.
    const garbled = {
      ...d,
      shares: d.shares.map((s) =>
        s.recipient === 3 ? { ...s, ciphertext: { ...s.ciphertext, c: s.ciphertext.c.map((b, i) => (i === 0 ? b ^ 1 : b)) } } : s,
      ),
    };
    const r2 = receiveShare(group, dkg.params, garbled, 3, dkg.trusteeSecrets[2], nonces());
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(judgeComplaint(group, dkg.params, garbled, r2.complaint).verdict).toBe('dealer-faulty');
  });

  it('a false complaint against an honest dealer is rejected', () => {
    const d = dkg.dealings[1];
    const ct = d.shares.find((s) => s.recipient === 3)!.ciphertext;
    const e = dkg.trusteeSecrets[2];
    // Trustee 3 complains about an honest share (its check ran against altered commitments): judged consistent.
    const honest = receiveShare(group, dkg.params, { ...d, commitments: d.commitments.map((A) => group.add(A, group.generator)) }, 3, e, nonces());
    expect(honest.ok).toBe(false);
    if (honest.ok) return;
    expect(judgeComplaint(group, dkg.params, d, honest.complaint)).toEqual({
      verdict: 'complaint-rejected',
      reason: 'share matches the commitments',
    });
    // A wrong Z (not e·R) fails its proof.
    const fakeZ = { ...honest.complaint, Z: group.add(group.mul(e, ct.R), group.generator) };
    expect(judgeComplaint(group, dkg.params, d, fakeZ).verdict).toBe('complaint-rejected');
    expect(judgeComplaint(group, dkg.params, d, { ...honest.complaint, dealer: 1 }).verdict).toBe('complaint-rejected');
    expect(qualifiedDealers(group, dkg.params, dkg.dealings, [honest.complaint])).toEqual([1, 2, 3]);
  });

  it('a publicly invalid dealing (bad proof of knowledge, missing share) is disqualified without complaint', () => {
    const d = dkg.dealings[0];
    const badProof = { ...d, proofs: [d.proofs[1], d.proofs[0]] };
    expect(checkDealing(group, dkg.params, badProof).length).toBe(2);
    const missing = { ...d, shares: d.shares.slice(1) };
    expect(checkDealing(group, dkg.params, missing)).toHaveLength(1);
    const badCommit = { ...d, commitments: [d.commitments[0], group.generator] };
    expect(checkDealing(group, dkg.params, badCommit)).toHaveLength(1);
    const missing3 = { ...dkg.dealings[2], shares: dkg.dealings[2].shares.slice(1) };
    expect(qualifiedDealers(group, dkg.params, [badProof, dkg.dealings[1], missing3])).toEqual([2]);
    const identityR = { ...d, shares: d.shares.map((s, k) => (k === 0 ? { ...s, ciphertext: { ...s.ciphertext, R: group.identity } } : s)) };
    expect(checkDealing(group, dkg.params, identityR)).toHaveLength(1);
    // any complaint against a publicly invalid dealing is upheld (the dealer is out either way)
    const r = receiveShare(group, dkg.params, { ...d, commitments: d.commitments.map((A) => group.add(A, group.generator)) }, 2, dkg.trusteeSecrets[1], nonces());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(judgeComplaint(group, dkg.params, badProof, r.complaint).verdict).toBe('dealer-faulty');
    expect(() => qualifiedDealers(group, dkg.params, [d, d])).toThrow(CryptoError);
  });
});

function indexContextFor(i: number, l: number): Uint8Array {
  return indexContext(DKG_CONTEXT.share, i, l);
}

/** An encrypted share as a (dishonest but self-consistent) dealer i makes it: its own R, with the proof it knows r. */
function dealerMadeShare(params: DkgParameters, i: number, l: number, plaintext: Uint8Array) {
  const r = group.scalarFromInt(987654321 + i * 1000 + l);
  const ciphertext = eciesEncryptWithEphemeral(group, params.trusteeKeys[l - 1], plaintext, { electionHash: params.setupHash, context: indexContextFor(i, l) }, r);
  const proof = proveSchnorr(group, { publicKey: ciphertext.R }, r, { electionHash: params.setupHash, context: indexContext(DKG_CONTEXT.ephemeral, i, l) }, deterministicNonces(seed('pok'), 'test'));
  return { recipient: l, ciphertext, proof };
}

describe('attack: a dealer turns complaints into a decryption oracle for an earlier election\'s shares', () => {
  // The same three trustees (same long-term ECIES keys) in two elections.
  const earlier = simulateDkg(group, new Uint8Array(32).fill(0xe1), 2, 3, deterministicNonces(seed('earlier'), 'test/dkg'));
  const keys = earlier.params.trusteeKeys;
  const later = createDkgParameters(group, new Uint8Array(32).fill(0xe2), 2, keys);
  const attacker = 3;
  const victim = 1; // the recipient whose complaint would reveal e_1·R

  /**
   * Dealer 3's dealing in the later election with the share for trustee 1 replaced by the copied, blinded R:
   * with its own proof, the earlier election's proof of the copied R, or a proof of the blinding t alone.
   */
  function oracleDealing(withProof: 'none' | 'copied' | 'own') {
    const honest = createDealing(group, later, attacker, deterministicNonces(seed('attacker'), 'test/dkg')).dealing;
    const copiedR = earlier.dealings[1].shares.find((s) => s.recipient === victim)!; // dealer 2 → trustee 1, earlier election
    const t = group.scalarFromInt(4242);
    const blinded = group.add(copiedR.ciphertext.R, group.mulBase(t));
    const garbage = new Uint8Array(group.scalarBytes + 16).fill(7);
    return {
      ...honest,
      shares: honest.shares.map((s) => {
        if (s.recipient !== victim) return s;
        const proof = withProof === 'copied' ? copiedR.proof : withProof === 'own' ? proveSchnorr(group, { publicKey: group.mulBase(t) }, t, { electionHash: later.setupHash, context: indexContext(DKG_CONTEXT.ephemeral, attacker, victim) }, deterministicNonces(seed('t'), 'test')) : s.proof;
        return { recipient: victim, ciphertext: { R: blinded, c: garbage }, proof };
      }),
    };
  }

  it('a copied or blinded ephemeral key without a proof of its discrete log is refused publicly, before anyone decrypts or complains', () => {
    for (const mode of ['none', 'copied', 'own'] as const) {
      const d = oracleDealing(mode);
      const failures = checkDealing(group, later, d);
      expect(failures).toEqual([`dealer ${attacker}: no valid proof of knowledge of the ephemeral key of the share for ${victim}`]);
      // The dealer is out without a complaint, so no recipient ever publishes e_ℓ·R for it.
      const others = [1, 2].map((i) => createDealing(group, later, i, deterministicNonces(seed(`honest-${i}`), 'test/dkg')).dealing);
      expect(qualifiedDealers(group, later, [...others, d], [])).toEqual([1, 2]);
    }
  });

  it("the earlier election's key is not recoverable: a complaint only ever reveals e_ℓ·R for an R whose r the dealer knows", () => {
    // What a complaint against a publicly valid dealing reveals, Z = e_ℓ·R, the dealer computes itself as r·E_ℓ.
    const d = { ...createDealing(group, later, attacker, deterministicNonces(seed('attacker'), 'test/dkg')).dealing };
    const forged = dealerMadeShare(later, attacker, victim, new Uint8Array(group.scalarBytes).fill(1));
    const bad = { ...d, shares: d.shares.map((s) => (s.recipient === victim ? forged : s)) };
    expect(checkDealing(group, later, bad)).toEqual([]);
    const r = receiveShare(group, later, bad, victim, earlier.trusteeSecrets[victim - 1], deterministicNonces(seed('c'), 'test'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const rDealer = group.scalarFromInt(987654321 + attacker * 1000 + victim);
    expect(group.equals(r.complaint.Z, group.mul(rDealer, keys[victim - 1]))).toBe(true);
    expect(judgeComplaint(group, later, bad, r.complaint).verdict).toBe('dealer-faulty');
  });
});
