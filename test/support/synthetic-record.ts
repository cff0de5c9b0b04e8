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
import { addCiphertextVectors, type Ciphertext, identityCiphertexts } from '../../src/crypto/elgamal';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { defaultGroup as group, type Group } from '../../src/crypto/group';
import { CompactRange, leafHash } from '../../src/crypto/record/merkle';
import { signTreeHead } from '../../src/crypto/record/tree-head';
import { electionBindingsFromEntries } from '../../src/crypto/record/election-setup';
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
import { issuerKeyThumbprint } from '../../src/crypto/tokens/rsa-key';

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
  /** The roll size bound into H (and repeated by the open entry); at least the number of ballots. */
  rollSize: number;
}

export async function createSyntheticElection(electionId = crypto.randomUUID(), rollSize = 10_000_000): Promise<SyntheticElectionSpec> {
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
      .map((i) => ({ id: issuerKeyThumbprint(i.publicJwk), publicJwk: i.publicJwk, privatePem: i.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    boardSecretKey: bytesToHex(nodeRandomBytes(32)),
    rollSize,
  };
}

/** The texts of the record's first two entries (manifest, issuer keys), which H binds (§40.3). */
export function syntheticSetupEntries(spec: SyntheticElectionSpec): [string, string] {
  const manifest = parseManifest(spec.manifest);
  const manifestPayload = {
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
  };
  const issuerKeys = { threshold: spec.issuerThreshold, issuers: spec.issuers.map((i) => ({ id: i.id, publicKey: i.publicJwk })) };
  return [entryText(spec.electionId, 0, 'manifest', JSON.stringify(manifestPayload)), entryText(spec.electionId, 1, 'issuer-keys', JSON.stringify(issuerKeys))];
}

export function syntheticElection(spec: SyntheticElectionSpec, g: Group = group): { manifest: Manifest; election: Election } {
  const manifest = parseManifest(spec.manifest);
  const [m, ik] = syntheticSetupEntries(spec);
  const bindings = electionBindingsFromEntries(m, ik, bytesToHex(pseudonymPublicKey(hexToBytes(spec.boardSecretKey, 32))), { rollSize: spec.rollSize, witnesses: [] });
  return { manifest, election: createElection(g, manifest, hexToBytes(spec.setupHash, 32), electionKeySetFromJSON(g, spec.keySet), bindings) };
}

/**
 * `count` ballot payloads (the exact JSON text of a 'ballot' entry's payload), voter i choosing option
 * i mod 5, each with a fresh pseudonym and a token signed by exactly k of the n issuers ({@link syntheticSigners}),
 * as when voters stop after k signatures or an issuer is down: the k-of-n bound of check 15 must hold.
 */
export function syntheticBallotPayloads(spec: SyntheticElectionSpec, from: number, count: number, g: Group = group): string[] {
  const { election } = syntheticElection(spec, g);
  const all = spec.issuers.map((i) => ({ id: i.id, key: createPrivateKey(i.privatePem) }));
  const out: string[] = [];
  for (let i = from; i < from + count; i++) {
    const pseudonym = generatePseudonymKeyPair();
    const prepared = prepareBallotToken({ electionId: spec.electionId, electionBaseHash: election.electionHash, pseudonym: pseudonym.publicKey });
    const signatures = syntheticSigners(spec, i).map((j) => all[j]).sort((a, b) => (a.id < b.id ? -1 : 1)).map((k) => ({
      issuerId: k.id,
      signature: new Uint8Array(sign('sha384', prepared.preparedMsg, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 })),
    }));
    const token = assembleBallotToken({ electionId: spec.electionId, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    const { ballot } = encryptBallot(g, election, { c: [SYNTHETIC_OPTIONS[i % SYNTHETIC_OPTIONS.length]] }, pseudonym.publicKey);
    const signature = bytesToHex(signBallot(pseudonym.secretKey, spec.electionId, 1, ballotHash(g, ballot)));
    out.push(JSON.stringify({ token, ballot: ballotToJSON(g, ballot), counter: 1, signature }));
  }
  return out;
}

/** The issuers (indices into spec.issuers) that sign voter i's token: k of them, starting at i mod n. */
export function syntheticSigners(spec: SyntheticElectionSpec, i: number): number[] {
  const n = spec.issuers.length;
  return Array.from({ length: spec.issuerThreshold }, (_, j) => (i + j) % n);
}

/** The board's framing of one entry (as BoardService.append writes it), with a pre-serialized payload. */
export function entryText(electionId: string, seq: number, kind: string, payloadJson: string): string {
  return `{"v":1,"electionId":${JSON.stringify(electionId)},"seq":${seq},"kind":"${kind}","payload":${payloadJson}}`;
}

export interface SyntheticRecord {
  format: 'evote-election-record';
  version: 3;
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

/** The record's header: everything but the entries (the NDJSON form's first line). */
export type SyntheticRecordHeader = Omit<SyntheticRecord, 'entries'>;

/**
 * The whole record around the ballots, entry by entry into `emit` (so a million-ballot record never has to
 * be held): set-up entries, the ballots (in chunks from `ballotChunks`), issuance logs, close, tally (the
 * aggregate is the sum of what `aggregate` returns for each chunk of ballot entry texts), two trustees'
 * decryption shares and the result. Returns the header with the signed head, and the tally's timings.
 */
export async function buildSyntheticRecord(
  spec: SyntheticElectionSpec,
  ballotCount: number,
  ballotChunks: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
  aggregate: (manifest: Manifest, ballotEntries: readonly string[]) => Promise<readonly Ciphertext[] | EncryptedTally>,
  emit: (entry: string) => void | Promise<void>,
): Promise<{ header: SyntheticRecordHeader; timings: TallyTimings }> {
  const { manifest, election } = syntheticElection(spec);
  const id = spec.electionId;
  let range = CompactRange.empty();
  let seq = 0;
  const write = async (kind: string, payloadJson: string) => {
    const text = entryText(id, seq++, kind, payloadJson);
    range = range.append(leafHash(utf8ToBytes(text)));
    await emit(text);
  };
  const add = (kind: string, payload: unknown) => write(kind, JSON.stringify(payload));
  const keys = electionKeySetFromJSON(group, spec.keySet);
  for (const text of syntheticSetupEntries(spec)) await write(JSON.parse(text).kind, JSON.stringify(JSON.parse(text).payload));
  for (const d of spec.dealings) await add('trustee-commitments', { setupHash: spec.setupHash, dealing: d });
  await add('election-key', {
    manifestHash: bytesToHex(manifestHash(group, manifest)),
    setupHash: spec.setupHash,
    keySet: spec.keySet,
    baseHash: bytesToHex(election.electionHash),
    qualified: [...keys.qualified],
    complaints: [],
    rollSize: spec.rollSize,
    witnesses: [],
  });
  await add('open', { rollSize: spec.rollSize, scheduled: false });
  const firstBallot = seq;
  let aggregateMs = 0;
  let sum: readonly Ciphertext[] | null = null;
  for await (const chunk of ballotChunks) {
    const texts: string[] = [];
    for (const p of chunk) {
      texts.push(entryText(id, seq, 'ballot', p));
      await write('ballot', p);
    }
    const t = performance.now();
    const part = await aggregate(manifest, texts);
    const cts = Array.isArray(part) ? (part as readonly Ciphertext[]) : tallyCiphertexts(part as EncryptedTally);
    sum = addCiphertextVectors(group, sum, cts);
    aggregateMs += performance.now() - t;
  }
  const cast = seq - firstBallot;
  if (cast !== ballotCount) throw new Error(`${cast} ballots given, ${ballotCount} announced`);
  const counted = Array.from({ length: cast }, (_, i) => firstBallot + i);
  for (const [j, i] of spec.issuers.entries()) {
    const issued = Array.from({ length: cast }, (_, v) => v).filter((v) => syntheticSigners(spec, v).includes(j)).length;
    const hashes = Array.from({ length: issued }, () => nodeRandomBytes(32).toString('hex')).sort();
    await add('issuance-log', { issuerId: i.id, count: hashes.length, blindedHashes: hashes });
  }
  await add('close', { ballotsCast: cast, scheduled: false });
  const width = manifest.contests.reduce((n, c) => n + c.options.length, 0);
  const tally = tallyFromCiphertexts(manifest, sum ?? identityCiphertexts(group, width));
  const tallySeq = seq;
  await add('tally', { aggregate: tallyToJSON(group, tally), counted, boardSize: tallySeq });

  let t = performance.now();
  const ciphertexts = tallyCiphertexts(tally);
  const shares = [1, 2].map((trustee) => computeDecryptionShare(group, election.electionHash, keys, trustee, group.scalarFromHex(spec.trusteeSecrets[trustee - 1]), ciphertexts));
  const sharesMs = performance.now() - t;
  const shareSeqs: number[] = [];
  for (const s of shares) {
    shareSeqs.push(seq);
    await add('decryption-share', { trustee: s.trustee, tallySeq, share: decryptionShareToJSON(group, s) });
  }
  t = performance.now();
  const max = counted.length;
  const combined = combineDecryptionShares(group, election.electionHash, keys, ciphertexts, shares, { max, babySteps: Math.max(1, Math.ceil(Math.sqrt(max + 1))) });
  const combineMs = performance.now() - t;
  await add('result', { tallySeq, trustees: [1, 2], shareSeqs, totals: [...combined.results], results: resultFromTotals(manifest, combined.results) });

  const head = signTreeHead({ electionId: id, size: range.size, root: bytesToHex(range.root()), timestamp: 1_790_000_040_000 }, hexToBytes(spec.boardSecretKey, 32));
  const boardPublicKey = bytesToHex(pseudonymPublicKey(hexToBytes(spec.boardSecretKey, 32)));
  return { header: { format: 'evote-election-record', version: 3, electionId: id, boardPublicKey, head }, timings: { aggregateMs, sharesMs, combineMs } };
}

/** {@link buildSyntheticRecord} into memory, the ballots summed in one call of `aggregate`. */
export async function assembleSyntheticRecord(
  spec: SyntheticElectionSpec,
  ballotPayloads: readonly string[],
  aggregate: (manifest: Manifest, ballotEntries: readonly string[]) => Promise<readonly Ciphertext[] | EncryptedTally>,
): Promise<{ record: SyntheticRecord; timings: TallyTimings }> {
  const entries: string[] = [];
  const { header, timings } = await buildSyntheticRecord(spec, ballotPayloads.length, ballotPayloads.length ? [ballotPayloads] : [], aggregate, (e) => void entries.push(e));
  return { record: { ...header, entries }, timings };
}
