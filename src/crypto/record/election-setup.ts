/**
 * An election's setup as a voter's device or a trustee program takes it: the board's manifest entry (seq 0),
 * issuer-keys entry (seq 1) and, once the key ceremony is done, its election-key entry, each with an
 * inclusion proof in one signed tree head (docs/protocol.md §55.9). Nothing here is taken on the server's
 * word: the head's signature, every inclusion proof, every issuer id (the key's RFC 7638 thumbprint), the
 * setup hash and the base hash H are recomputed. H binds the two entries' leaf hashes, the board key, the
 * roll size and the witnesses (§40.3), so a caller that pins H (or the board key) out of band detects any substituted entry.
 * Pure; never throws on bad data.
 */
import { type Election, type ElectionBindings, createElection, type Manifest, manifestHash, parseManifest, rollAndWitnessesFromJSON } from '../ballot';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding';
import { CryptoError } from '../errors';
import type { Group } from '../group';
import { createDkgParameters, electionKeySetFromJSON } from '../threshold/dkg';
import type { TokenIssuer } from '../tokens/ballot-token';
import { issuerKeyThumbprint, parseIssuerPublicKeyJwk } from '../tokens/rsa-key';
import { checkEntryFraming } from './board-log';
import { leafHash, verifyInclusion } from './merkle';
import { type SignedTreeHead, verifyTreeHead } from './tree-head';

/** `GET /elections/{id}/board/setup`: the setup entries with their inclusion proofs in `head`. */
export interface ElectionSetupProof {
  readonly electionId: string;
  readonly boardPublicKey: string;
  readonly head: SignedTreeHead;
  readonly entries: ReadonlyArray<{ readonly seq: number; readonly entry: string; readonly path: readonly string[] }>;
}

/** An issuer of one election as the devices use it: its id (thumbprint), JWK and parsed key. */
export interface ElectionIssuer extends TokenIssuer {
  readonly publicJwk: unknown;
}

export interface ElectionSetup {
  readonly electionId: string;
  readonly boardPublicKey: string;
  readonly manifest: Manifest;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly issuers: readonly ElectionIssuer[];
  readonly issuerThreshold: number;
  /** Present once the election-key entry is on the board (after the key ceremony), with `bindings`. */
  readonly election?: Election;
  readonly bindings?: ElectionBindings;
}

export type ElectionSetupCheck = { readonly ok: true; readonly setup: ElectionSetup } | { readonly ok: false; readonly failures: readonly string[] };

/** What the caller pins out of band (the election's published fingerprint H, the board key). */
export interface ElectionSetupPins {
  readonly baseHash?: string;
  readonly boardPublicKey?: string;
}

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const message = (e: unknown): string => (e instanceof CryptoError || e instanceof Error ? e.message : String(e));

/**
 * The election bindings of H (§40.3) from the texts of the board's first two entries, the board key, and
 * the roll size and witnesses the election-key entry's payload publishes.
 * @throws CryptoError `ENCODING` for a board key that is not 32 bytes of hex, or a malformed roll size or witness list.
 */
export function electionBindingsFromEntries(manifestEntry: string, issuerKeysEntry: string, boardPublicKeyHex: string, electionKeyPayload: unknown): ElectionBindings {
  const k = obj(electionKeyPayload);
  return {
    manifestEntry: leafHash(utf8ToBytes(manifestEntry)),
    issuerKeysEntry: leafHash(utf8ToBytes(issuerKeysEntry)),
    boardPublicKey: hexToBytes(boardPublicKeyHex, 32, 'board public key'),
    ...rollAndWitnessesFromJSON(k.rollSize, k.witnesses),
  };
}

/**
 * The issuers of an `issuer-keys` payload (§55.2): ids recomputed as thumbprints, distinct keys, a
 * majority threshold. Returns the failures instead of throwing.
 */
export function issuersFromPayload(payload: unknown): { issuers: ElectionIssuer[]; threshold: number; failures: string[] } {
  const p = obj(payload);
  const failures: string[] = [];
  const issuers: ElectionIssuer[] = [];
  const list = Array.isArray(p.issuers) ? p.issuers.map(obj) : [];
  if (!Array.isArray(p.issuers) || list.length === 0) failures.push('issuer-keys: no issuers');
  const ids = new Set<string>();
  for (const i of list) {
    const id = String(i.id);
    try {
      const publicKey = parseIssuerPublicKeyJwk(i.publicKey);
      if (issuerKeyThumbprint(obj(i.publicKey)) !== id) failures.push(`issuer ${id}: the id is not the key's RFC 7638 thumbprint`);
      else issuers.push({ id, publicKey, publicJwk: i.publicKey });
    } catch (e) {
      failures.push(`issuer ${id}: ${message(e)}`);
    }
    if (ids.has(id)) failures.push(`issuer ${id} listed twice`);
    ids.add(id);
  }
  const threshold = p.threshold as number;
  if (!Number.isSafeInteger(threshold) || threshold < 1 || threshold > list.length) failures.push(`issuer threshold ${String(p.threshold)} not in [1, ${list.length}]`);
  else if (2 * threshold <= list.length) failures.push(`issuer threshold ${threshold} is not a majority of ${list.length} issuers (a voter could obtain two tokens)`);
  return { issuers, threshold, failures };
}

/**
 * Checks an election's setup proof: the head is signed by the board key (the pinned one if given) for this
 * election; each entry frames itself at its seq and is included in the head; seq 0 is the manifest, seq 1
 * the issuer keys; with an election-key entry, setup hash and H are recomputed and must equal the
 * published ones (and the pinned H if given).
 */
export function verifyElectionSetup(group: Group, proof: unknown, expectedElectionId: string, pins: ElectionSetupPins = {}): ElectionSetupCheck {
  const failures: string[] = [];
  const fail = (m: string): ElectionSetupCheck => ({ ok: false, failures: [...failures, m] });
  const p = obj(proof);
  const head = obj(p.head) as unknown as SignedTreeHead;
  const boardKey = typeof p.boardPublicKey === 'string' ? p.boardPublicKey : '';
  if (p.electionId !== expectedElectionId || head.electionId !== expectedElectionId) return fail('the setup is for another election');
  if (pins.boardPublicKey !== undefined && pins.boardPublicKey !== boardKey) return fail('the board key is not the pinned one');
  let boardKeyBytes: Uint8Array;
  try {
    boardKeyBytes = hexToBytes(boardKey, 32, 'board public key');
  } catch (e) {
    return fail(message(e));
  }
  if (!verifyTreeHead(head, boardKeyBytes)) return fail('the tree head is not signed by the board key');
  let root: Uint8Array;
  try {
    root = hexToBytes(head.root, 32, 'tree root');
  } catch (e) {
    return fail(message(e));
  }
  const texts = new Map<string, { seq: number; text: string; payload: unknown }>();
  for (const e of Array.isArray(p.entries) ? p.entries.map(obj) : []) {
    const seq = e.seq as number;
    const text = typeof e.entry === 'string' ? e.entry : '';
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= head.size) return fail(`entry ${String(e.seq)}: not in the signed tree`);
    const framing = checkEntryFraming(expectedElectionId, text, seq);
    if (framing.failures.length > 0 || !framing.entry) return fail(framing.failures[0] ?? `entry ${seq}: malformed`);
    let path: Uint8Array[];
    try {
      path = (Array.isArray(e.path) ? e.path : [null]).map((h) => hexToBytes(String(h), 32, 'proof hash'));
    } catch (x) {
      return fail(`entry ${seq}: ${message(x)}`);
    }
    if (!verifyInclusion(framing.leaf, seq, head.size, path, root)) return fail(`entry ${seq}: the inclusion proof does not verify against the signed head`);
    const kind = String(framing.entry.kind);
    if (texts.has(kind)) return fail(`two ${kind} entries`);
    texts.set(kind, { seq, text, payload: framing.entry.payload });
  }
  const m = texts.get('manifest');
  const ik = texts.get('issuer-keys');
  if (!m || m.seq !== 0) return fail('no manifest entry at seq 0');
  if (!ik || ik.seq !== 1) return fail('no issuer-keys entry at seq 1');

  let manifest: Manifest;
  let mHash: Uint8Array;
  try {
    manifest = parseManifest(obj(m.payload).manifest);
    mHash = manifestHash(group, manifest);
  } catch (e) {
    return fail(`manifest: ${message(e)}`);
  }
  if (manifest.electionId !== expectedElectionId) return fail('the manifest is for another election');
  if (obj(m.payload).manifestHash !== bytesToHex(mHash)) return fail('the manifest hash is not the hash of the manifest');
  const parameters = obj(obj(m.payload).parameters);
  const iss = issuersFromPayload(ik.payload);
  if (iss.failures.length > 0) return fail(iss.failures[0]);
  let election: Election | undefined;
  const ek = texts.get('election-key');
  if (ek) {
    const k = obj(ek.payload);
    try {
      const trustees = Array.isArray(parameters.trustees) ? parameters.trustees.map(obj) : [];
      const params = createDkgParameters(group, mHash, parameters.trusteeThreshold as number, trustees.map((t) => group.fromHex(String(t.publicKey))));
      if (k.setupHash !== bytesToHex(params.setupHash)) return fail('election-key: the setup hash is not the one of the manifest, threshold and trustee keys');
      election = createElection(group, manifest, params.setupHash, electionKeySetFromJSON(group, k.keySet), electionBindingsFromEntries(m.text, ik.text, boardKey, k));
    } catch (e) {
      return fail(`election-key: ${message(e)}`);
    }
    if (bytesToHex(election.electionHash) !== k.baseHash) return fail('election-key: the base hash is not the hash of the setup entries, the key set, the board key, the roll size and the witnesses');
    if (pins.baseHash !== undefined && pins.baseHash !== k.baseHash) return fail('the election base hash is not the pinned fingerprint');
  } else if (pins.baseHash !== undefined) return fail('the election has no key yet, so its fingerprint cannot be checked');

  return {
    ok: true,
    setup: { electionId: expectedElectionId, boardPublicKey: boardKey, manifest, parameters, issuers: iss.issuers, issuerThreshold: iss.threshold, ...(election ? { election, bindings: election.bindings } : {}) },
  };
}
