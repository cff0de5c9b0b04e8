/**
 * A complete election record built without a server, in exactly the board format the server writes
 * (entry framing, payloads, signed head), for benchmarks at 10k–1M ballots and the tests that keep it
 * honest (a synthetic record must pass all 15 checks, and a tampered one must fail).
 *
 * Synthetic in two places only, both invisible to the verifier's checks: ballot tokens are signed directly
 * with RSASSA-PSS over prefix ‖ message (what an RFC 9474 blind signature finalizes to, without the
 * blinding round trip), and the issuance logs list random "blinded-request hashes" (one per token).
 * Everything else — DKG, ballots and their proofs, tally, decryption shares, result — is the real thing.
 */
import { constants, createPrivateKey, randomBytes as nodeRandomBytes, sign } from 'node:crypto';
import {
  ballotHash,
  ballotToJSON,
  createElection,
  encryptBallot,
  type Election,
  type Manifest,
  manifestHash,
  parseManifest,
  resultFromTotals,
  tallyCiphertexts,
  tallyFromCiphertexts,
  tallyToJSON,
  type EncryptedTally,
} from '../../src/crypto/ballot';
import type { Ciphertext } from '../../src/crypto/elgamal';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { defaultGroup as group, type Group } from '../../src/crypto/group';
import { CompactRange, leafHash } from '../../src/crypto/record/merkle';
import { signTreeHead } from '../../src/crypto/record/tree-head';
import {
  combineDecryptionShares,
  computeDecryptionShare,
  decryptionShareToJSON,
} from '../../src/crypto/threshold/decryption';
import { dealingToJSON, electionKeySetFromJSON, electionKeySetToJSON } from '../../src/crypto/threshold/dkg';
import { simulateDkg } from '../../src/crypto/threshold/simulate';
import { assembleBallotToken, prepareBallotToken } from '../../src/crypto/tokens/ballot-token';
import { generatePseudonymKeyPair, pseudonymPublicKey, signBallot } from '../../src/crypto/tokens/pseudonym';
import { generateIssuerKey } from '../../src/modules/tokens/blind-signer';
import { jwkThumbprint } from '../../src/modules/tokens/issuer-registry';

export const SYNTHETIC_OPTIONS = ['a', 'b', 'c', 'd', 'e'];

/** Everything needed to make ballots and the record; plain JSON so worker threads can rebuild it. */
export interface SyntheticElectionSpec {
  electionId: string;
  manifest: unknown;
  setupHash: string;
  keySet: unknown;
  /** x_ℓ per trustee (hex scalars): the simulated ceremony's secrets, for the decryption shares. */
  trusteeSecrets: string[];
  trusteeKeys: string[];
  dealings: unknown[];
  issuerThreshold: number;
  issuers: Array<{ id: string; publicJwk: unknown; privatePem: string }>;
  boardSecretKey: string;
}

export async function createSyntheticElection(electionId = crypto.randomUUID()): Promise<SyntheticElectionSpec> {
  const manifest = parseManifest({
    electionId,
    title: 'Synthetic benchmark election',
    contests: [{ id: 'c', title: 'One of five', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: false, options: SYNTHETIC_OPTIONS.map((id) => ({ id, title: `Option ${id}` })) }],
  });
  const mHash = manifestHash(group, manifest);
  const dkg = simulateDkg(group, mHash, 2, 3);
  const issuers = await Promise.all([generateIssuerKey(), generateIssuerKey(), generateIssuerKey()]);
  return {
    electionId,
    manifest,
    setupHash: bytesToHex(dkg.params.setupHash),
    keySet: electionKeySetToJSON(group, dkg.keys),
    trusteeSecrets: dkg.secretShares.map((x) => group.scalarToHex(x)),
    trusteeKeys: dkg.params.trusteeKeys.map((k) => group.toHex(k)),
    dealings: dkg.dealings.map((d) => dealingToJSON(group, d)),
    issuerThreshold: 2,
    issuers: issuers
      .map((i) => ({ id: jwkThumbprint(i.publicJwk), publicJwk: i.publicJwk, privatePem: i.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    boardSecretKey: bytesToHex(nodeRandomBytes(32)),
  };
}

export function syntheticElection(spec: SyntheticElectionSpec, g: Group = group): { manifest: Manifest; election: Election } {
  const manifest = parseManifest(spec.manifest);
  return { manifest, election: createElection(g, manifest, hexToBytes(spec.setupHash, 32), electionKeySetFromJSON(g, spec.keySet)) };
}

/**
 * `count` ballot payloads (the exact JSON text of a 'ballot' entry's payload), voter i choosing option
 * i mod 5, each with a fresh pseudonym and a token signed by the first `issuerThreshold` issuers.
 */
export function syntheticBallotPayloads(spec: SyntheticElectionSpec, from: number, count: number, g: Group = group): string[] {
  const { election } = syntheticElection(spec, g);
  const keys = spec.issuers.slice(0, spec.issuerThreshold).map((i) => ({ id: i.id, key: createPrivateKey(i.privatePem) }));
  const out: string[] = [];
  for (let i = from; i < from + count; i++) {
    const pseudonym = generatePseudonymKeyPair();
    const prepared = prepareBallotToken({ electionId: spec.electionId, electionBaseHash: election.electionHash, pseudonym: pseudonym.publicKey });
    const signatures = keys.map((k) => ({
      issuerId: k.id,
      signature: new Uint8Array(sign('sha384', prepared.preparedMsg, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 })),
    }));
    const token = assembleBallotToken({ electionId: spec.electionId, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    const { ballot } = encryptBallot(g, election, { c: [SYNTHETIC_OPTIONS[i % SYNTHETIC_OPTIONS.length]] }, pseudonym.publicKey);
    const signature = bytesToHex(signBallot(pseudonym.secretKey, spec.electionId, ballotHash(g, ballot)));
    out.push(JSON.stringify({ token, ballot: ballotToJSON(g, ballot), signature }));
  }
  return out;
}

/** The board's framing of one entry (as BoardService.append writes it), with a pre-serialized payload. */
export function entryText(electionId: string, seq: number, kind: string, payloadJson: string): string {
  return `{"v":1,"electionId":${JSON.stringify(electionId)},"seq":${seq},"kind":"${kind}","payload":${payloadJson}}`;
}

export interface SyntheticRecord {
  format: 'evote-election-record';
  version: 1;
  electionId: string;
  boardPublicKey: string;
  head: unknown;
  entries: string[];
}

/** Timings of the tally steps, for the benchmark. */
export interface TallyTimings {
  aggregateMs: number;
  sharesMs: number;
  combineMs: number;
}

/**
 * The whole record around the given ballot payloads: set-up entries, the ballots, issuance logs, close,
 * tally (aggregate from `aggregate`, which receives the ballot entry texts), two trustees' decryption
 * shares and the result.
 */
export async function assembleSyntheticRecord(
  spec: SyntheticElectionSpec,
  ballotPayloads: readonly string[],
  aggregate: (manifest: Manifest, ballotEntries: readonly string[]) => Promise<readonly Ciphertext[] | EncryptedTally>,
): Promise<{ record: SyntheticRecord; timings: TallyTimings }> {
  const { manifest, election } = syntheticElection(spec);
  const id = spec.electionId;
  const entries: string[] = [];
  const add = (kind: string, payload: unknown) => entries.push(entryText(id, entries.length, kind, typeof payload === 'string' ? payload : JSON.stringify(payload)));
  const keys = electionKeySetFromJSON(group, spec.keySet);
  add('manifest', {
    manifest,
    manifestHash: bytesToHex(manifestHash(group, manifest)),
    parameters: {
      kind: 'municipal',
      electionDay: '2026-10-11',
      constituency: null,
      revoting: 'last',
      trusteeThreshold: 2,
      trustees: spec.trusteeKeys.map((publicKey, i) => ({ index: i + 1, name: `Trustee ${i + 1}`, publicKey })),
      opensAt: null,
      closesAt: null,
    },
  });
  add('issuer-keys', { threshold: spec.issuerThreshold, issuers: spec.issuers.map((i) => ({ id: i.id, publicKey: i.publicJwk })) });
  for (const d of spec.dealings) add('trustee-commitments', { setupHash: spec.setupHash, dealing: d });
  add('election-key', {
    manifestHash: bytesToHex(manifestHash(group, manifest)),
    setupHash: spec.setupHash,
    keySet: spec.keySet,
    baseHash: bytesToHex(election.electionHash),
    qualified: [...keys.qualified],
    complaints: [],
  });
  add('open', { rollSize: ballotPayloads.length, scheduled: false });
  const firstBallot = entries.length;
  for (const p of ballotPayloads) add('ballot', p);
  const ballotEntries = entries.slice(firstBallot);
  const counted = ballotEntries.map((_, i) => firstBallot + i);
  for (const i of spec.issuers) {
    const hashes = Array.from({ length: ballotPayloads.length }, () => nodeRandomBytes(32).toString('hex')).sort();
    add('issuance-log', { issuerId: i.id, count: hashes.length, blindedHashes: hashes });
  }
  add('close', { ballotsCast: ballotPayloads.length, scheduled: false });

  let t = performance.now();
  const summed = await aggregate(manifest, ballotEntries);
  const tally = Array.isArray(summed) ? tallyFromCiphertexts(manifest, summed as readonly Ciphertext[]) : (summed as EncryptedTally);
  const aggregateMs = performance.now() - t;
  const tallySeq = entries.length;
  add('tally', { aggregate: tallyToJSON(group, tally), counted, boardSize: tallySeq });

  t = performance.now();
  const ciphertexts = tallyCiphertexts(tally);
  const shares = [1, 2].map((trustee) => computeDecryptionShare(group, election.electionHash, keys, trustee, group.scalarFromHex(spec.trusteeSecrets[trustee - 1]), ciphertexts));
  const shareSeqs: number[] = [];
  for (const s of shares) {
    shareSeqs.push(entries.length);
    add('decryption-share', { trustee: s.trustee, tallySeq, share: decryptionShareToJSON(group, s) });
  }
  const sharesMs = performance.now() - t;
  t = performance.now();
  const max = counted.length;
  const combined = combineDecryptionShares(group, election.electionHash, keys, ciphertexts, shares, { max, babySteps: Math.max(1, Math.ceil(Math.sqrt(max + 1))) });
  const combineMs = performance.now() - t;
  add('result', { tallySeq, trustees: [1, 2], shareSeqs, totals: [...combined.results], results: resultFromTotals(manifest, combined.results) });

  let range = CompactRange.empty();
  for (const e of entries) range = range.append(leafHash(utf8ToBytes(e)));
  const head = signTreeHead({ electionId: id, size: range.size, root: bytesToHex(range.root()), timestamp: 1_790_000_000_000 }, hexToBytes(spec.boardSecretKey, 32));
  return {
    record: { format: 'evote-election-record', version: 1, electionId: id, boardPublicKey: bytesToHex(pseudonymPublicKey(hexToBytes(spec.boardSecretKey, 32))), head, entries },
    timings: { aggregateMs, sharesMs, combineMs },
  };
}
