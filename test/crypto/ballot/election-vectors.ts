/**
 * Deterministic vectors for one whole small election (manifest, 2-of-3 DKG, ballots, one Benaloh audit, the
 * homomorphic tally, two trustees' decryption shares and the result), shared by scripts/gen-election-vectors.ts
 * (which writes test/vectors/evote-election.json) and the test that regenerates and verifies it.
 * Every secret and nonce comes from `deterministicNonces(seed, "evote-election/<item>")`: the file is a pure
 * function of the seed.
 */
import {
  type BallotChoices,
  aggregateBallots,
  auditBallot,
  auditedBallotToJSON,
  ballotHash,
  ballotToJSON,
  createElection,
  encryptBallot,
  manifestHash,
  manifestToJSON,
  parseManifest,
  resultFromTotals,
  tallyCiphertexts,
  tallyToJSON,
  trackingCode,
  type ElectionBindings,
  electionBindingsToJSON,
} from '../../../src/crypto/ballot';
import { leafHash } from '../../../src/crypto/record/merkle';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../../../src/crypto/encoding';
import { deterministicNonces, ristretto255Group as g } from '../../../src/crypto/group';
import { PROTOCOL_VERSION } from '../../../src/crypto/transcript';
import {
  combineDecryptionShares,
  complaintToJSON,
  computeDecryptionShare,
  dealingToJSON,
  decryptionShareToJSON,
  electionKeySetToJSON,
  simulateDkg,
} from '../../../src/crypto/threshold';
import { MANIFEST_JSON } from './fixture';

export const ELECTION_VECTOR_SEED_HEX = bytesToHex(utf8ToBytes('evote/v1/election-vectors/seed'));
export const ELECTION_VECTOR_FILE = 'test/vectors/evote-election.json';
export const ELECTION_VECTOR_GENERATOR = 'scripts/gen-election-vectors.ts';

/** Cast ballots of the vector election (the audited one is separate and not counted). */
export const CAST_CHOICES: readonly BallotChoices[] = Object.freeze([
  { mayor: ['bob'], council: ['d', 'g'], park: ['yes'] },
  { mayor: ['alice'], council: [], park: ['no'] },
  { mayor: ['bob'], council: ['e'], park: [] },
  { mayor: ['chloe'], council: ['d', 'e'], park: ['yes'] },
]);
export const AUDITED_CHOICES: BallotChoices = Object.freeze({ mayor: ['chloe'], council: ['f'], park: ['no'] });
/** Trustees who decrypt (any 2 of 3 would do). */
export const DECRYPTING_TRUSTEES = Object.freeze([1, 3]);

/** The credential of ballot i: 32 bytes, all equal to 0x10 + i (stand-ins for pseudonym public keys). */
export const credentialOf = (i: number): Uint8Array => new Uint8Array(32).fill(0x10 + i);

// ---- independent encoders (mirror docs/protocol.md §30 and §40 byte for byte) ----
type Field = [type: number, label: string, value: Uint8Array];
const u8 = (n: number) => Uint8Array.of(n);
const u32 = (n: number) => Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
/** header ‖ fields as in §10.4 (version 1). */
export function transcriptBytes(domain: string, electionHash: Uint8Array, fields: readonly Field[]): Uint8Array {
  const d = utf8ToBytes(domain);
  const parts: Uint8Array[] = [u8(d.length), d, u32(1), electionHash];
  for (const [t, label, value] of fields) {
    const l = utf8ToBytes(label);
    parts.push(u8(t), u8(l.length), l, u32(value.length), value);
  }
  return concatBytes(...parts);
}
/** indexContext(P, n...) of §30.1. */
export function indexContextBytes(purpose: string, ...ns: number[]): Uint8Array {
  const p = utf8ToBytes(purpose);
  return concatBytes(u8(p.length), p, ...ns.map(u32));
}
const ZERO32 = new Uint8Array(32);
const points = (hexes: readonly string[]) => concatBytes(...hexes.map((h) => hexToBytes(h)));

/**
 * Hash pre-images of the manifest, setup, election and first ballot hashes, built from the documented layouts
 * with the independent encoder above (not the library), so `SHA-256(preimage)` = the recorded hash checks that
 * the documentation and the code agree.
 */
export function hashPreimages(doc: any): Record<string, string> {
  const mHash = hexToBytes(doc.manifestHash);
  const setupHash = hexToBytes(doc.dkg.setupHash);
  const keys = doc.dkg.keys;
  return {
    manifest: bytesToHex(
      transcriptBytes('evote/v1/manifest', ZERO32, [[0x03, 'manifest', utf8ToBytes(JSON.stringify(MANIFEST_JSON))]]),
    ),
    setup: bytesToHex(
      transcriptBytes('evote/v1/dkg/setup', ZERO32, [
        [0x03, 'context-hash', mHash],
        [0x04, 'k', u32(doc.dkg.threshold)],
        [0x04, 'n', u32(doc.dkg.trusteeKeys.length)],
        [0x07, 'E', points(doc.dkg.trusteeKeys)],
      ]),
    ),
    election: bytesToHex(
      transcriptBytes('evote/v3/election', ZERO32, [
        [0x06, 'group', utf8ToBytes('ristretto255')],
        [0x03, 'manifest-hash', mHash],
        [0x03, 'setup-hash', setupHash],
        [0x04, 'k', u32(keys.threshold)],
        [0x04, 'n', u32(keys.verificationKeys.length)],
        [0x01, 'K', hexToBytes(keys.jointKey)],
        [0x07, 'X', points(keys.verificationKeys)],
        [0x03, 'manifest-entry', hexToBytes(doc.bindings.manifestEntry)],
        [0x03, 'issuer-keys-entry', hexToBytes(doc.bindings.issuerKeysEntry)],
        [0x03, 'board-key', hexToBytes(doc.bindings.boardPublicKey)],
        [0x04, 'roll-size', u32(doc.bindings.rollSize)],
        [0x03, 'witnesses', hexToBytes(doc.bindings.witnesses.join(''))],
      ]),
    ),
    ballot0: bytesToHex(
      transcriptBytes('evote/v1/ballot', hexToBytes(doc.electionHash), [[0x03, 'ballot', utf8ToBytes(JSON.stringify(doc.ballots[0].ballot))]]),
    ),
  };
}

/** ECIES of s_{1→2} (§30.3.1) step by step, from the test-only secret e_2, with the independent encoder. */
export function eciesExample(doc: any, e2: bigint): Record<string, unknown> {
  const share = doc.dkg.dealings[0].shares[0];
  const R = g.fromHex(share.ciphertext.R);
  const Z = g.mul(e2, R);
  const info = transcriptBytes('evote/v1/ecies', hexToBytes(doc.dkg.setupHash), [
    [0x01, 'R', g.encode(R)],
    [0x01, 'E', hexToBytes(doc.dkg.trusteeKeys[1])],
    [0x03, 'context', indexContextBytes('dkg/share', 1, 2)],
  ]);
  return {
    dealer: 1,
    recipient: share.recipient,
    Z: g.toHex(Z),
    info: bytesToHex(info),
    key: bytesToHex(hkdf(sha256, g.encode(Z), undefined, info, 32)),
  };
}

/**
 * What H binds of the board (§40.3) in the vectors: the leaf hashes of a manifest entry and an issuer-keys
 * entry (here of the fixed texts below; any 32 bytes would do) and an Ed25519 public key (RFC 8032 §7.1
 * TEST 1's).
 */
export const VECTOR_BINDINGS: ElectionBindings = Object.freeze({
  manifestEntry: leafHash(utf8ToBytes('evote vectors: manifest entry')),
  issuerKeysEntry: leafHash(utf8ToBytes('evote vectors: issuer-keys entry')),
  boardPublicKey: hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
  rollSize: 12,
  // Two stand-in witness keys (ascending), so the vectors show how the list is encoded.
  witnesses: [hexToBytes('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'), hexToBytes('fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025')],
});

/** Builds the whole vector document from a seed (hex). */
export function buildElectionVectors(seedHex: string = ELECTION_VECTOR_SEED_HEX): Record<string, any> {
  const seed = hexToBytes(seedHex);
  const nonces = (item: string) => deterministicNonces(seed, `evote-election/${item}`, g);
  const manifest = parseManifest(MANIFEST_JSON);
  const mHash = manifestHash(g, manifest);
  const dkg = simulateDkg(g, mHash, 2, 3, nonces('dkg'));
  const election = createElection(g, manifest, dkg.params.setupHash, dkg.keys, VECTOR_BINDINGS);
  const cast = CAST_CHOICES.map((c, i) => encryptBallot(g, election, c, credentialOf(i), nonces(`ballot-${i}`)).ballot);
  const a = encryptBallot(g, election, AUDITED_CHOICES, credentialOf(CAST_CHOICES.length), nonces('audited-ballot'));
  const audited = auditBallot(manifest, a.ballot, a.secrets, AUDITED_CHOICES);
  const tally = aggregateBallots(g, manifest, cast);
  const cts = tallyCiphertexts(tally);
  const shares = DECRYPTING_TRUSTEES.map((l) =>
    computeDecryptionShare(g, election.electionHash, dkg.keys, l, dkg.secretShares[l - 1], cts, nonces(`decryption-${l}`)),
  );
  const totals = combineDecryptionShares(g, election.electionHash, dkg.keys, cts, shares, { max: 1000 }).results;
  const withHash = (b: typeof cast[number]) => ({ ballotHash: bytesToHex(ballotHash(g, b)), trackingCode: trackingCode(ballotHash(g, b)) });
  const doc: Record<string, any> = {
    provenance: {
      generator: ELECTION_VECTOR_GENERATOR,
      command: `node -r @swc-node/register ${ELECTION_VECTOR_GENERATOR}`,
      seed: seedHex,
      nonceSource: 'deterministicNonces(seed, "evote-election/<item>") from src/crypto/group.ts; items: dkg, ballot-<i>, audited-ballot, decryption-<trustee>',
      protocolVersion: 3,
      transcriptVersion: PROTOCOL_VERSION,
      group: g.name,
      description:
        'One whole small election: manifest, 2-of-3 DKG (trustee ECIES keys, dealings, no complaints, derived keys), four cast ballots, one audited ballot (not counted), tally, decryption shares of trustees 1 and 3, result. Credentials are 32 bytes of 0x10+i. For independent implementations: testOnlySecrets (trustee ECIES secrets e_l and final shares x_l), eciesExample (s_{1->2} step by step) and hashPreimages (transcript bytes of the manifest, setup, election and first ballot hashes, built from the documented layouts by an independent encoder).',
    },
    manifest: manifestToJSON(manifest),
    manifestHash: bytesToHex(mHash),
    bindings: electionBindingsToJSON(VECTOR_BINDINGS),
    dkg: {
      contextHash: bytesToHex(mHash),
      threshold: dkg.params.threshold,
      trusteeKeys: dkg.params.trusteeKeys.map((E) => g.toHex(E)),
      setupHash: bytesToHex(dkg.params.setupHash),
      dealings: dkg.dealings.map((d) => dealingToJSON(g, d)),
      complaints: dkg.complaints.map((c) => complaintToJSON(g, c)),
      keys: electionKeySetToJSON(g, dkg.keys),
    },
    electionHash: bytesToHex(election.electionHash),
    ballots: cast.map((b) => ({ ballot: ballotToJSON(g, b), ...withHash(b) })),
    auditedBallot: { audited: auditedBallotToJSON(g, audited), ...withHash(a.ballot), choices: AUDITED_CHOICES },
    tally: tallyToJSON(g, tally),
    decryption: {
      trustees: DECRYPTING_TRUSTEES,
      shares: shares.map((s) => decryptionShareToJSON(g, s)),
      totals,
    },
    result: resultFromTotals(manifest, totals),
  };
  doc.testOnlySecrets = {
    note: 'derived from the public seed: for checking implementations only',
    trusteeEciesSecrets: dkg.trusteeSecrets.map((e) => g.scalarToHex(e)),
    secretShares: dkg.secretShares.map((x) => g.scalarToHex(x)),
  };
  doc.eciesExample = eciesExample(doc, dkg.trusteeSecrets[1]);
  doc.hashPreimages = hashPreimages(doc);
  return doc;
}

/** The file's text: JSON with one-space indentation and a final newline. */
export function serializeElectionVectors(doc: Record<string, unknown>): string {
  return JSON.stringify(doc, null, 1) + '\n';
}
