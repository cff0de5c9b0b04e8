/**
 * Deterministic known-answer vectors for the crypto core (ElGamal and every proof), shared by
 * scripts/gen-crypto-vectors.ts (which writes test/vectors/evote-proofs.json) and the test that recomputes them.
 *
 * All secrets and nonces come from `deterministicNonces(seed, purpose)` with one purpose per item, so the file
 * is a pure function of the seed. Each proof item also carries its full Fiat–Shamir transcript and challenge,
 * rebuilt here independently from the byte layout documented in docs/protocol.md §10
 * (not via the proof modules), so an independent verifier can check its transcript code against them.
 */
import {
  CHALLENGE_DST,
  DOMAIN_TAGS,
  PROTOCOL_VERSION,
  type Ciphertext,
  type Group,
  type GroupElement,
  addCiphertexts,
  bytesToHex,
  ciphertextToJSON,
  concatBytes,
  deterministicNonces,
  encrypt,
  hexToBytes,
  keygen,
  prepareElectionKey,
  rerandomize,
  ristretto255Group,
  utf8ToBytes,
} from '../../src/crypto';
import {
  chaumPedersenProofToJSON,
  disjunctiveProofToJSON,
  proveChaumPedersen,
  proveDisjunctive,
  proveRange,
  proveSchnorr,
  rangeProofToJSON,
  schnorrProofToJSON,
} from '../../src/crypto/proofs';

/** The seed: UTF-8 of "evote/v1/test-vectors/seed", in hex. */
export const VECTOR_SEED_HEX = bytesToHex(utf8ToBytes('evote/v1/test-vectors/seed'));
export const VECTOR_FILE = 'test/vectors/evote-proofs.json';
export const GENERATOR = 'scripts/gen-crypto-vectors.ts';

// ---- independent transcript encoder (mirrors the documented layout byte for byte) ----
type Field = [type: number, label: string, value: Uint8Array];
const u8 = (n: number) => Uint8Array.of(n);
const u32 = (n: number) => Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
function transcriptBytes(domain: string, electionHash: Uint8Array, fields: Field[]): Uint8Array {
  const d = utf8ToBytes(domain);
  const parts: Uint8Array[] = [u8(d.length), d, u32(PROTOCOL_VERSION), electionHash];
  for (const [t, label, value] of fields) {
    const l = utf8ToBytes(label);
    parts.push(u8(t), u8(l.length), l, u32(value.length), value);
  }
  return concatBytes(...parts);
}
const P = (g: Group, label: string, p: GroupElement): Field => [0x01, label, g.encode(p)];
const PS = (g: Group, label: string, ps: readonly GroupElement[]): Field => [0x07, label, concatBytes(...ps.map((p) => g.encode(p)))];
const B = (label: string, b: Uint8Array): Field => [0x03, label, b];
const U32 = (label: string, n: number): Field => [0x04, label, u32(n)];

function fs(g: Group, domain: string, electionHash: Uint8Array, fields: Field[]) {
  const bytes = transcriptBytes(domain, electionHash, fields);
  return { transcript: bytesToHex(bytes), challenge: g.scalarToHex(g.hashToScalar(bytes, CHALLENGE_DST)) };
}

/** Builds the whole vector document from the seed. Pure (deterministic) apart from CPU time. */
export function buildCryptoVectors(seedHex: string = VECTOR_SEED_HEX): Record<string, unknown> {
  const g = ristretto255Group;
  const seed = hexToBytes(seedHex);
  const nonces = (purpose: string) => deterministicNonces(seed, `evote-proofs/${purpose}`, g);
  const electionHash = g.encodeScalar(g.hashToScalar(seed, 'evote/v1/test-vectors/election-hash'));
  const ctxFor = (c: string) => ({ electionHash, context: utf8ToBytes(c) });
  const hex = bytesToHex;

  // ElGamal
  const kp = keygen(g, nonces('elgamal/keygen'));
  const key = prepareElectionKey(g, kp.publicKey);
  const encs = [0, 1, 5].map((m) => {
    const { ciphertext, nonce } = encrypt(g, key, m, nonces(`elgamal/encrypt/${m}`));
    return { m, ciphertext, nonce };
  });
  const sum = encs.reduce<Ciphertext>((acc, e) => addCiphertexts(g, acc, e.ciphertext), { alpha: g.identity, beta: g.identity });
  const reR = nonces('elgamal/rerandomize')('r');
  const rerand = rerandomize(g, key, encs[2].ciphertext, reR);

  // Schnorr: knowledge of the election secret key, base G
  const schCtx = ctxFor('trustee/1/key');
  const sch = proveSchnorr(g, { publicKey: kp.publicKey }, kp.secretKey, schCtx, nonces('schnorr'));
  const schFs = fs(g, DOMAIN_TAGS.schnorr, electionHash, [
    B('context', schCtx.context),
    P(g, 'B', g.generator),
    P(g, 'X', kp.publicKey),
    P(g, 'a', sch.a),
  ]);

  // Chaum–Pedersen: decryption factor of the sum ciphertext
  const cpCtx = ctxFor('trustee/1/decrypt/sum');
  const D = g.mul(kp.secretKey, sum.alpha);
  const cpSt = { g: g.generator, h: sum.alpha, X: kp.publicKey, Y: D };
  const cp = proveChaumPedersen(g, cpSt, kp.secretKey, cpCtx, nonces('chaum-pedersen'));
  const cpFs = fs(g, DOMAIN_TAGS.chaumPedersen, electionHash, [
    B('context', cpCtx.context),
    P(g, 'g', cpSt.g),
    P(g, 'h', cpSt.h),
    P(g, 'X', cpSt.X),
    P(g, 'Y', cpSt.Y),
    P(g, 'a', cp.a),
    P(g, 'b', cp.b),
  ]);

  // Disjunctive for m = 0 and m = 1
  const disj = [0, 1].map((m) => {
    const e = encs[m];
    const ctx = ctxFor(`ballot/1/contest/1/option/${m}`);
    const proof = proveDisjunctive(g, { key: key.point, ciphertext: e.ciphertext }, m, e.nonce, ctx, nonces(`disjunctive/${m}`));
    const f = fs(g, DOMAIN_TAGS.disjunctive, electionHash, [
      B('context', ctx.context),
      P(g, 'K', key.point),
      P(g, 'alpha', e.ciphertext.alpha),
      P(g, 'beta', e.ciphertext.beta),
      P(g, 'a0', proof.a0),
      P(g, 'b0', proof.b0),
      P(g, 'a1', proof.a1),
      P(g, 'b1', proof.b1),
    ]);
    return {
      m,
      context: hex(ctx.context),
      statement: { key: g.toHex(key.point), ciphertext: ciphertextToJSON(g, e.ciphertext) },
      proof: disjunctiveProofToJSON(g, proof),
      ...f,
    };
  });

  // Range: the sum (m = 6) in [0, 7], and m = 5 in [5, 5]
  const ranges = [
    { ct: sum, r: encs.reduce((acc, e) => g.scalarAdd(acc, e.nonce), 0n), m: 6, min: 0, max: 7 },
    { ct: encs[2].ciphertext, r: encs[2].nonce, m: 5, min: 5, max: 5 },
  ].map(({ ct, r, m, min, max }) => {
    const ctx = ctxFor(`ballot/1/contest/1/range/${min}-${max}`);
    const st = { key: key.point, ciphertext: ct, min, max };
    const proof = proveRange(g, st, m, r, ctx, nonces(`range/${min}-${max}`));
    const f = fs(g, DOMAIN_TAGS.range, electionHash, [
      B('context', ctx.context),
      P(g, 'K', key.point),
      P(g, 'alpha', ct.alpha),
      P(g, 'beta', ct.beta),
      U32('min', min),
      U32('max', max),
      PS(g, 'a', proof.a),
      PS(g, 'b', proof.b),
    ]);
    return {
      m,
      context: hex(ctx.context),
      statement: { key: g.toHex(key.point), ciphertext: ciphertextToJSON(g, ct), min, max },
      proof: rangeProofToJSON(g, proof),
      ...f,
    };
  });

  const h2sMsg = utf8ToBytes('evote');
  return {
    provenance: {
      generator: GENERATOR,
      command: `node -r @swc-node/register ${GENERATOR}`,
      seed: seedHex,
      nonceSource: 'deterministicNonces(seed, "evote-proofs/<item>") from src/crypto/group.ts',
      protocolVersion: PROTOCOL_VERSION,
      group: g.name,
      challengeDst: CHALLENGE_DST,
      note: 'Known answers for exponential ElGamal and the sigma proofs of docs/protocol.md §10. Hex is lowercase; scalars are 32-byte little-endian. TEST ONLY: every secret is derivable from the seed.',
    },
    electionHash: hex(electionHash),
    hashing: {
      hashToScalar: { msg: hex(h2sMsg), dst: CHALLENGE_DST, output: g.scalarToHex(g.hashToScalar(h2sMsg, CHALLENGE_DST)) },
      hashToGroup: { msg: hex(h2sMsg), dst: 'evote/v1/test-vectors/h2g', output: g.toHex(g.hashToGroup(h2sMsg, 'evote/v1/test-vectors/h2g')) },
    },
    elgamal: {
      secretKey: g.scalarToHex(kp.secretKey),
      publicKey: g.toHex(kp.publicKey),
      encryptions: encs.map((e) => ({ m: e.m, nonce: g.scalarToHex(e.nonce), ciphertext: ciphertextToJSON(g, e.ciphertext) })),
      sum: { m: 6, ciphertext: ciphertextToJSON(g, sum) },
      rerandomized: { of: 2, nonce: g.scalarToHex(reR), ciphertext: ciphertextToJSON(g, rerand) },
      decryptionFactorOfSum: g.toHex(D),
    },
    schnorr: [
      {
        context: hex(schCtx.context),
        statement: { base: g.toHex(g.generator), publicKey: g.toHex(kp.publicKey) },
        proof: schnorrProofToJSON(g, sch),
        ...schFs,
      },
    ],
    chaumPedersen: [
      {
        context: hex(cpCtx.context),
        statement: { g: g.toHex(cpSt.g), h: g.toHex(cpSt.h), X: g.toHex(cpSt.X), Y: g.toHex(cpSt.Y) },
        proof: chaumPedersenProofToJSON(g, cp),
        ...cpFs,
      },
    ],
    disjunctive: disj,
    range: ranges,
  };
}

/** The exact text written to {@link VECTOR_FILE}. */
export function serializeCryptoVectors(doc: Record<string, unknown>): string {
  return JSON.stringify(doc, null, 1) + '\n';
}
