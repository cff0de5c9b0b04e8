/**
 * The trustee's side of the key ceremony (docs/protocol.md §30 and §35): a local key pair, then the two DKG
 * rounds through the server. Secrets never leave this process: the server sees the public dealing, the
 * encrypted shares and (only on a complaint) one revealed ECIES shared secret.
 *
 * Files (mode 0600):
 *   <key>                          { type: "evote-trustee-key", version, group, secretKey, publicKey }
 *   <key>.election-<id>.json       during the ceremony: the dealer's polynomial and dealing (so a restarted
 *                                  ceremony posts the same dealing); afterwards: only the final share x_ℓ,
 *                                  with the public key set and base hash (the polynomial is erased).
 */
import { createElection } from '../crypto/ballot/election';
import { manifestHash, parseManifest } from '../crypto/ballot/manifest';
import { bytesEqual, bytesToHex, hexToBytes } from '../crypto/encoding';
import { verifyElectionSetup } from '../crypto/record/election-setup';
import type { SignedTreeHead } from '../crypto/record/tree-head';
import { newBoardState, readBoardState, writeBoardState } from './trustee-board';
import { keygen } from '../crypto/elgamal';
import { ristretto255Group as group } from '../crypto/group';
import {
  type DkgDealerSecret,
  type DkgDealing,
  type ElectionKeySet,
  type DkgComplaint,
  complaintFromJSON,
  complaintToJSON,
  createDealing,
  createDkgParameters,
  dealingFromJSON,
  dealingToJSON,
  deriveElectionKeys,
  electionKeySetEquals,
  electionKeySetFromJSON,
  electionKeySetToJSON,
  finalSecretShare,
  qualifiedDealers,
  receiveShare,
} from '../crypto/threshold/dkg';
import { expectObject } from '../crypto/encoding';
import { ApiClient } from './http';
import { readSecretJson, writeSecretFile } from './files';
import { existsSync } from 'node:fs';

/** A trustee's key file. */
export interface TrusteeKeyFile {
  type: 'evote-trustee-key';
  version: 1;
  group: 'ristretto255';
  secretKey: string;
  publicKey: string;
}

/** Creates the trustee key pair in `out` (mode 0600). Returns the public key hex (for the official). */
export function trusteeInit(out: string, opts: { overwrite?: boolean } = {}): string {
  const kp = keygen(group);
  const file: TrusteeKeyFile = {
    type: 'evote-trustee-key',
    version: 1,
    group: 'ristretto255',
    secretKey: group.scalarToHex(kp.secretKey),
    publicKey: group.toHex(kp.publicKey),
  };
  writeSecretFile(out, JSON.stringify(file, null, 2) + '\n', opts);
  return file.publicKey;
}

/** Reads and checks a key file (e·G = E). */
export function readTrusteeKey(path: string, warn?: (m: string) => void): { secretKey: bigint; publicKey: string } {
  const o = expectObject(readSecretJson(path, warn), ['type', 'version', 'group', 'secretKey', 'publicKey'], 'trustee key file');
  if (o.type !== 'evote-trustee-key' || o.version !== 1 || o.group !== 'ristretto255') throw new Error(`${path} is not an evote trustee key file`);
  const secretKey = group.scalarFromHex(o.secretKey as string, { allowZero: false });
  const publicKey = group.toHex(group.mulBase(secretKey));
  if (publicKey !== o.publicKey) throw new Error(`${path}: the public key does not match the secret key`);
  return { secretKey, publicKey };
}

/** The per-election companion file of a key file. */
export function electionFilePath(keyPath: string, electionId: string): string {
  return `${keyPath}.election-${electionId}.json`;
}

interface ElectionFile {
  type: 'evote-trustee-election';
  version: 1;
  electionId: string;
  trustee: number;
  setupHash: string;
  /** During the ceremony only. */
  dealerSecret?: { dealer: number; coefficients: string[] };
  dealing?: unknown;
  /** After the ceremony. */
  secretShare?: string;
  verificationKey?: string;
  keySet?: unknown;
  baseHash?: string;
}

/** The public ceremony view served by `GET /elections/:id/key-ceremony`. */
export interface CeremonyView {
  electionId: string;
  status: string;
  state: 'not-started' | 'dealing' | 'checking' | 'complete' | 'failed';
  threshold: number;
  trustees: Array<{ index: number; name: string; publicKey: string }>;
  manifest: unknown;
  manifestHash: string;
  setupHash: string;
  dealt: number[];
  dealings: unknown[];
  /** When the dealing round closed (every trustee dealt, or its deadline passed); null while it is open. */
  dealingsClosedAt: string | null;
  deadlines: { dealing: string | null; verdicts: string | null };
  progress: Array<{ index: number; dealt: boolean; verdictsPosted: boolean; disqualified: 'no_dealing' | 'faulty_dealing' | null }>;
  verdictsFrom: number[];
  verdicts: Array<{ trustee: number; dealer: number; verdict: 'ok' | 'complaint'; complaint?: unknown; judgment?: string; reason?: string }>;
  qualified: number[] | null;
  failure: string | null;
  keySet: unknown;
  baseHash: string | null;
}

export interface CeremonyOptions {
  server: string;
  electionId: string;
  keyPath: string;
  pollMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** TESTS ONLY: alters this trustee's dealing before it is saved and posted (a dishonest dealer). */
  tamperDealing?: (d: DkgDealing) => DkgDealing;
}

export interface CeremonyResult {
  trustee: number;
  jointKey: string;
  baseHash: string;
  qualified: number[];
  complaints: number[];
  sharePath: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs trustee ℓ's whole ceremony: checks the server's parameters against the manifest and its own key,
 * deals (once; a restart re-posts the saved dealing), waits for every dealing, decrypts and checks its
 * shares, posts verdicts (complaints for bad shares), waits for the outcome, re-derives the key set and base
 * hash itself and compares, then saves x_ℓ. Throws with a clear message if anything does not add up.
 */
export async function trusteeCeremony(o: CeremonyOptions): Promise<CeremonyResult> {
  const log = o.log ?? (() => undefined);
  const pollMs = o.pollMs ?? 2000;
  const deadline = Date.now() + (o.timeoutMs ?? 24 * 3600_000);
  const api = new ApiClient(o.server);
  const key = readTrusteeKey(o.keyPath, log);
  const path = `/elections/${encodeURIComponent(o.electionId)}/key-ceremony`;
  const fetchView = () => api.get<CeremonyView>(path);
  const waitFor = async (what: string, done: (v: CeremonyView) => boolean): Promise<CeremonyView> => {
    for (;;) {
      const v = await fetchView();
      if (v.state === 'failed') throw new Error(`the key ceremony failed: ${v.failure ?? 'no reason given'}`);
      if (done(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(pollMs);
    }
  };

  let view = await waitFor('the official to start the key ceremony', (v) => v.state !== 'not-started');
  // Check the parameters ourselves: manifest hash, setup hash, our index.
  const manifest = parseManifest(view.manifest);
  const mHash = manifestHash(group, manifest);
  if (bytesToHex(mHash) !== view.manifestHash) throw new Error('the server manifest hash does not match its manifest');
  const params = createDkgParameters(group, mHash, view.threshold, view.trustees.map((t) => group.fromHex(t.publicKey)));
  if (bytesToHex(params.setupHash) !== view.setupHash) throw new Error('the server setup hash does not match the manifest, threshold and trustee keys');
  if (view.trustees.some((t, i) => t.index !== i + 1)) throw new Error('the server lists trustees out of order');
  const me = view.trustees.find((t) => t.publicKey === key.publicKey);
  if (!me) throw new Error(`this key (${key.publicKey}) is not a trustee of election ${o.electionId}`);
  const l = me.index;
  const n = view.trustees.length;
  log(`election "${manifest.title}": trustee ${l} of ${n}, threshold ${view.threshold}, setup hash ${view.setupHash}`);
  if (view.deadlines?.dealing) log(`deal before ${view.deadlines.dealing}, check shares before ${view.deadlines.verdicts ?? '(no deadline)'}: a trustee who misses a round is out of the ceremony`);
  const signer = { electionId: o.electionId, trustee: l, secretKey: key.secretKey, setupHash: params.setupHash };
  const filePath = electionFilePath(o.keyPath, o.electionId);
  let file: ElectionFile | null = existsSync(filePath) ? (readSecretJson(filePath, log) as ElectionFile) : null;
  if (file && (file.electionId !== o.electionId || file.trustee !== l || file.setupHash !== view.setupHash)) {
    throw new Error(`${filePath} belongs to another ceremony`);
  }
  if (file?.secretShare) {
    log('this ceremony is already complete for this trustee');
    return resultFromFile(file, filePath, view);
  }

  // Round 1: deal (once).
  if (view.state === 'complete') throw new Error('the ceremony is complete but this trustee has no saved share');
  let secret: DkgDealerSecret | undefined;
  if (file?.dealerSecret) {
    secret = { dealer: l, coefficients: file.dealerSecret.coefficients.map((c) => group.scalarFromHex(c)) };
  }
  if (!view.dealt.includes(l)) {
    if (!file?.dealing || !secret) {
      const d = createDealing(group, params, l);
      const dealing = o.tamperDealing ? o.tamperDealing(d.dealing) : d.dealing;
      secret = d.secret;
      file = {
        type: 'evote-trustee-election',
        version: 1,
        electionId: o.electionId,
        trustee: l,
        setupHash: view.setupHash,
        dealerSecret: { dealer: l, coefficients: d.secret.coefficients.map((c) => group.scalarToHex(c)) },
        dealing: dealingToJSON(group, dealing),
      };
      writeSecretFile(filePath, JSON.stringify(file, null, 2) + '\n', { overwrite: true });
    }
    await api.signedPost(`${path}/dealings`, { dealing: file.dealing }, signer);
    log(`posted dealing ${l}`);
  } else if (!secret) {
    throw new Error(`dealing ${l} is on the server but its secret polynomial is not in ${filePath}; this trustee cannot finish`);
  }

  // Round 2: the dealing round has closed (every trustee dealt, or its deadline passed); check our shares.
  view = await waitFor(`the dealing round to close (deadline ${view.deadlines?.dealing ?? 'none'})`, (v) => v.dealingsClosedAt !== null || v.state === 'complete');
  const dealings = view.dealings.map((j) => dealingFromJSON(group, j));
  const mine = dealings.find((d) => d.dealer === l);
  // The server took our dealing in time: leaving it out would form the key without us (§35.6).
  if (!mine) throw new Error('the server left our dealing out of the ceremony although it accepted it before the dealing round closed');
  if (JSON.stringify(dealingToJSON(group, mine)) !== JSON.stringify(file?.dealing)) throw new Error('the server shows a dealing of ours that we did not make');
  const received = new Map<number, bigint>();
  const verdicts: Array<{ dealer: number; verdict: 'ok' | 'complaint'; complaint?: unknown }> = [];
  for (const d of dealings) {
    if (d.dealer === l) continue;
    const r = receiveShare(group, params, d, l, key.secretKey);
    if (r.ok) {
      received.set(d.dealer, r.share);
      verdicts.push({ dealer: d.dealer, verdict: 'ok' });
    } else {
      log(`complaint against dealer ${d.dealer}: ${r.reason}`);
      verdicts.push({ dealer: d.dealer, verdict: 'complaint', complaint: complaintToJSON(group, r.complaint) });
    }
  }
  if (dealings.length > 1 && view.state === 'checking' && !view.verdictsFrom.includes(l)) {
    await api.signedPost(`${path}/verdicts`, { verdicts }, signer);
    log(`posted verdicts (${verdicts.filter((v) => v.verdict === 'complaint').length} complaints)`);
  }

  // Result: recompute the outcome ourselves and compare.
  view = await waitFor('the other trustees\' verdicts', (v) => v.state === 'complete');
  const complaints: DkgComplaint[] = view.verdicts.filter((v) => v.verdict === 'complaint').map((v) => complaintFromJSON(group, v.complaint));
  const qualified = qualifiedDealers(group, params, dealings, complaints);
  const keys: ElectionKeySet = deriveElectionKeys(group, params, dealings, qualified);
  if (!electionKeySetEquals(group, keys, electionKeySetFromJSON(group, view.keySet))) throw new Error('the server key set differs from the one derived from the dealings');
  // H binds the board's manifest and issuer-keys entries and the board key: take them from the board with
  // their inclusion proofs (§55.9), and require the manifest there to be the one this trustee dealt for.
  const setupProof = await api.get<{ head: SignedTreeHead }>(`/elections/${o.electionId}/board/setup`);
  const setupHead = setupProof.head;
  const setup = verifyElectionSetup(group, setupProof, o.electionId);
  if (!setup.ok) throw new Error(`the board's election setup does not verify: ${setup.failures[0]}`);
  if (!bytesEqual(manifestHash(group, setup.setup.manifest), manifestHash(group, manifest))) throw new Error("the board's manifest is not the one of the ceremony");
  if (!setup.setup.bindings) throw new Error("the board's setup has no election-key entry although the ceremony is complete");
  const election = createElection(group, manifest, params.setupHash, keys, setup.setup.bindings);
  if (bytesToHex(election.electionHash) !== view.baseHash) throw new Error('the server base hash differs from the one computed locally');
  const x = finalSecretShare(group, keys, l, received, secret);
  const done: ElectionFile = {
    type: 'evote-trustee-election',
    version: 1,
    electionId: o.electionId,
    trustee: l,
    setupHash: view.setupHash,
    secretShare: group.scalarToHex(x),
    verificationKey: group.toHex(keys.verificationKeys[l - 1]),
    keySet: electionKeySetToJSON(group, keys),
    baseHash: view.baseHash!,
  };
  // The polynomial and dealing are dropped here: only x_ℓ is needed from now on.
  writeSecretFile(filePath, JSON.stringify(done, null, 2) + '\n', { overwrite: true });
  // Pin the board key (bound into H) and the head that shows the ceremony's outcome: every head shown to
  // this trustee later must extend it (trustee-board.ts).
  const pinned = readBoardState(o.keyPath, o.electionId);
  if (!pinned) writeBoardState(o.keyPath, newBoardState(o.electionId, setup.setup.boardPublicKey, setupHead));
  log(`ceremony complete: qualified dealers ${qualified.join(', ')}; share saved in ${filePath}`);
  return {
    trustee: l,
    jointKey: group.toHex(keys.jointKey),
    baseHash: view.baseHash!,
    qualified: [...qualified],
    complaints: complaints.filter((c) => c.complainer === l).map((c) => c.dealer),
    sharePath: filePath,
  };
}

function resultFromFile(file: ElectionFile, filePath: string, view: CeremonyView): CeremonyResult {
  const keys = electionKeySetFromJSON(group, file.keySet);
  return {
    trustee: file.trustee,
    jointKey: group.toHex(keys.jointKey),
    baseHash: file.baseHash!,
    qualified: [...keys.qualified],
    complaints: view.verdicts.filter((v) => v.trustee === file.trustee && v.verdict === 'complaint').map((v) => v.dealer),
    sharePath: filePath,
  };
}

/** Reads x_ℓ saved by a completed ceremony (for `evote trustee decrypt`, later). */
export function readSecretShare(keyPath: string, electionId: string): { trustee: number; secretShare: bigint; keySet: ElectionKeySet; baseHash: Uint8Array } {
  const f = readSecretJson(electionFilePath(keyPath, electionId)) as ElectionFile;
  if (!f.secretShare) throw new Error('the key ceremony is not complete for this trustee');
  return {
    trustee: f.trustee,
    secretShare: group.scalarFromHex(f.secretShare),
    keySet: electionKeySetFromJSON(group, f.keySet),
    baseHash: hexToBytes(f.baseHash!, 32, 'base hash'),
  };
}
