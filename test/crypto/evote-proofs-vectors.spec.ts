/**
 * test/vectors/evote-proofs.json: recomputed byte for byte from its seed, and every item verified with the strict
 * JSON parsers and verifiers; the recorded transcripts/challenges are checked against the proof equations.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CHALLENGE_DST,
  ciphertextEquals,
  ciphertextFromJSON,
  decryptToPoint,
  discreteLog,
  encryptWithNonce,
  hexToBytes,
  prepareElectionKey,
  ristretto255Group as g,
  sumCiphertexts,
  rerandomize,
} from '../../src/crypto';
import {
  chaumPedersenProofFromJSON,
  disjunctiveProofFromJSON,
  rangeProofFromJSON,
  schnorrProofFromJSON,
  verifyChaumPedersen,
  verifyDisjunctive,
  verifyRange,
  verifySchnorr,
} from '../../src/crypto/proofs';
import { GENERATOR, VECTOR_FILE, buildCryptoVectors, serializeCryptoVectors } from './crypto-vectors';

const text = readFileSync(resolve(__dirname, '..', '..', VECTOR_FILE), 'utf8');
const doc = JSON.parse(text);
const electionHash = hexToBytes(doc.electionHash, 32);
const ctxOf = (item: { context: string }) => ({ electionHash, context: hexToBytes(item.context) });
const challengeOf = (item: { transcript: string; challenge: string }) => {
  const c = g.hashToScalar(hexToBytes(item.transcript), CHALLENGE_DST);
  expect(g.scalarToHex(c)).toBe(item.challenge);
  return c;
};

describe('evote-proofs.json known-answer vectors', () => {
  test('provenance and byte-for-byte regeneration from the seed', () => {
    expect(doc.provenance.generator).toBe(GENERATOR);
    expect(doc.provenance.protocolVersion).toBe(1);
    expect(typeof doc.provenance.seed).toBe('string');
    expect(serializeCryptoVectors(buildCryptoVectors(doc.provenance.seed))).toBe(text);
  });

  test('hashing examples', () => {
    const { hashToScalar: s, hashToGroup: h } = doc.hashing;
    expect(g.scalarToHex(g.hashToScalar(hexToBytes(s.msg), s.dst))).toBe(s.output);
    expect(g.toHex(g.hashToGroup(hexToBytes(h.msg), h.dst))).toBe(h.output);
  });

  test('ElGamal: keys, encryptions, homomorphic sum, re-randomisation, decryption', () => {
    const e = doc.elgamal;
    const x = g.scalarFromHex(e.secretKey);
    const K = g.fromHex(e.publicKey);
    expect(g.equals(g.mulBase(x), K)).toBe(true);
    const key = prepareElectionKey(g, K);
    const cts = e.encryptions.map((it: { m: number; nonce: string; ciphertext: unknown }) => {
      const ct = ciphertextFromJSON(g, it.ciphertext);
      expect(ciphertextEquals(g, ct, encryptWithNonce(g, key, it.m, g.scalarFromHex(it.nonce)))).toBe(true);
      return ct;
    });
    const sum = ciphertextFromJSON(g, e.sum.ciphertext);
    expect(ciphertextEquals(g, sum, sumCiphertexts(g, cts))).toBe(true);
    expect(discreteLog(g, decryptToPoint(g, x, sum), { max: 100, babySteps: 16 })).toBe(e.sum.m);
    const rr = ciphertextFromJSON(g, e.rerandomized.ciphertext);
    expect(ciphertextEquals(g, rr, rerandomize(g, key, cts[e.rerandomized.of], g.scalarFromHex(e.rerandomized.nonce)))).toBe(true);
    expect(g.equals(g.fromHex(e.decryptionFactorOfSum), g.mul(x, sum.alpha))).toBe(true);
  });

  test('Schnorr and Chaum–Pedersen items verify, and their recorded challenges satisfy the equations', () => {
    for (const it of doc.schnorr) {
      const st = { base: g.fromHex(it.statement.base), publicKey: g.fromHex(it.statement.publicKey) };
      const p = schnorrProofFromJSON(g, it.proof);
      expect(verifySchnorr(g, st, p, ctxOf(it))).toBe(true);
      const c = challengeOf(it);
      expect(g.equals(g.mul(p.v, st.base), g.add(p.a, g.mul(c, st.publicKey)))).toBe(true);
    }
    for (const it of doc.chaumPedersen) {
      const s = it.statement;
      const st = { g: g.fromHex(s.g), h: g.fromHex(s.h), X: g.fromHex(s.X), Y: g.fromHex(s.Y) };
      const p = chaumPedersenProofFromJSON(g, it.proof);
      expect(verifyChaumPedersen(g, st, p, ctxOf(it))).toBe(true);
      const c = challengeOf(it);
      expect(g.equals(g.mul(p.v, st.g), g.add(p.a, g.mul(c, st.X)))).toBe(true);
      expect(g.equals(g.mul(p.v, st.h), g.add(p.b, g.mul(c, st.Y)))).toBe(true);
    }
  });

  test('disjunctive and range items verify, and Σc_j equals the recorded challenge', () => {
    for (const it of doc.disjunctive) {
      const st = { key: g.fromHex(it.statement.key), ciphertext: ciphertextFromJSON(g, it.statement.ciphertext) };
      const p = disjunctiveProofFromJSON(g, it.proof);
      expect(verifyDisjunctive(g, st, p, ctxOf(it))).toBe(true);
      expect(g.scalarAdd(p.c0, p.c1)).toBe(challengeOf(it));
    }
    for (const it of doc.range) {
      const s = it.statement;
      const st = { key: g.fromHex(s.key), ciphertext: ciphertextFromJSON(g, s.ciphertext), min: s.min, max: s.max };
      const p = rangeProofFromJSON(g, it.proof);
      expect(p.a).toHaveLength(s.max - s.min + 1);
      expect(verifyRange(g, st, p, ctxOf(it))).toBe(true);
      expect(p.c.reduce((acc, c) => g.scalarAdd(acc, c), 0n)).toBe(challengeOf(it));
    }
  });
});
