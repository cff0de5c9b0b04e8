/**
 * The independent verifier of an election record (docs/protocol.md §70): from the record alone (the board's
 * entries, its signed head and key) it re-checks every step of the election in numbered checks that mirror
 * the specification. Pure TypeScript on src/crypto: it runs in the CLI (`evote verify`) and in a browser
 * (preferably in a Web Worker: it is synchronous). It never throws on bad data: every problem is a failed
 * check with its reason, and later checks still run on whatever content could be parsed.
 */
import {
  ballotFromJSON,
  createElection,
  type Election,
  type ElectionResult,
  type Manifest,
  manifestHash,
  parseManifest,
  resultFromTotals,
  tallyCiphertexts,
  tallyFromJSON,
} from '../ballot';
import { addCiphertextVectors, type Ciphertext, ciphertextFromJSON, type CiphertextJSON, identityCiphertexts, subtractCiphertextVectors } from '../elgamal';
import { bytesToHex, hexToBytes } from '../encoding';
import { CryptoError } from '../errors';
import { defaultGroup, type Group } from '../group';
import {
  checkCombination,
  checkDecryptionShare,
  type DecryptionShare,
  decryptionShareFromJSON,
} from '../threshold/decryption';
import {
  checkDealing,
  complaintFromJSON,
  createDkgParameters,
  dealingFromJSON,
  deriveElectionKeys,
  type DkgComplaint,
  type DkgDealing,
  type DkgParameters,
  type ElectionKeySet,
  electionKeySetEquals,
  electionKeySetFromJSON,
  judgeComplaint,
  qualifiedDealers,
} from '../threshold/dkg';
import type { TokenIssuer } from '../tokens/ballot-token';
import { type BoardLogReplay, verifyBoardLog } from './board-log';
import { electionBindingsFromEntries, issuersFromPayload } from './election-setup';
import { countedBallotSeqs, entryPseudonym, type RevotingPolicy } from './counting';
import { ballotCiphertexts, checkSubmissions, type SubmissionContext, type SubmissionVerdict } from './submissions';
import { checkHeldEvidence, type HeldReceipt } from './held-evidence';
import { heldSizes } from './receipt-file';
import type { SignedTreeHead } from './tree-head';

export type { HeldReceipt } from './held-evidence';

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One numbered check of the record. */
export interface RecordCheck {
  /** '1', '2', … (docs/protocol.md §70.3). */
  readonly id: string;
  readonly title: string;
  /** The protocol section the check comes from. */
  readonly section: string;
  readonly status: CheckStatus;
  /** The first failure (or why the check was skipped). */
  readonly reason?: string;
  /** Every failure (capped at 50). */
  readonly failures?: readonly string[];
  /** How many items were checked. */
  readonly checked?: number;
  /** How long the check took (milliseconds). */
  readonly ms?: number;
}

export interface RecordVerification {
  /** True only when every check passes. */
  readonly ok: boolean;
  readonly electionId: string | null;
  readonly checks: readonly RecordCheck[];
  /** The result on the board, if it could be read. */
  readonly result: ElectionResult | null;
  /** Each receipt held against the record (check 16), in the order given; absent when none was given. */
  readonly receipts?: readonly HeldReceipt[];
}


export interface VerifyRecordOptions {
  /** Called during long checks (tokens, signatures, proofs, audits). */
  onProgress?: (p: { check: string; title: string; done: number; total: number }) => void;
  /**
   * Results of the per-entry checks (tokens, signatures, ballot proofs, audits), keyed by the entry's exact
   * text and everything the check depends on (base hash, manifest hash, issuers). Pass the same Map again
   * to re-verify a grown or partly changed record quickly: only new or changed entries are checked.
   */
  cache?: Map<string, unknown>;
  /**
   * The election's fingerprint (its base hash H, 64 hex), as published out of band: check 4 fails unless
   * the record's H is this one. H binds the manifest entry, the issuer keys, the trustees' key and the board
   * key (§40.3), so a record rewritten and signed with another key cannot pass.
   */
  fingerprint?: string;
  /** The group backend (default: the reference backend). Results do not depend on it. */
  group?: Group;
  /**
   * The verdicts of checks 6, 7, 8 and 10 computed elsewhere for this same record (worker threads, see
   * src/verifier/), with the sum of the valid ballots; the verifier then only reports them.
   */
  submissions?: PrecomputedSubmissions;
  /**
   * The record read as a stream (src/parallel/verify-stream.ts): `record` then carries only the header
   * (format, version, electionId, boardPublicKey, head); the entries come from here, submissions without
   * their text, with `submissions` precomputed.
   */
  prepared?: PreparedRecord;
  /**
   * Receipt files (§55.7) and signed heads (§50) held by voters, observers, trustees or monitors: check 16
   * holds each against this record (signed by its board key, a prefix of it, the ballot's count status).
   */
  receipts?: readonly unknown[];
  heads?: readonly unknown[];
  /** Internal (see recordSubmissionContext): receives the submission context instead of checking them. */
  captureContext?: (ctx: SubmissionContext) => void;
}

/** A record replayed entry by entry instead of held whole. */
export interface PreparedRecord {
  /** The board log, every entry added in order. */
  readonly log: BoardLogReplay;
  /** Every parsed entry: non-submissions with payload and text; submissions with `{ token: { pseudonym } }` and no text. */
  readonly entries: readonly { seq: number; kind: string; payload: unknown; text: string }[];
  /** The text of the ballot entry claiming `seq`, for the few check 11 re-reads (see §70.3). */
  readonly textOf: (seq: number) => string | undefined;
}

/** Verdicts of every submission of a record and the sum of its valid ballots (JSON: crosses threads). */
export interface PrecomputedSubmissions {
  readonly verdicts: readonly SubmissionVerdict[];
  readonly validSeqs: readonly number[];
  /** Σ of the valid ballots' ciphertexts, flattened manifest order; null when there is none. */
  readonly validSum: readonly CiphertextJSON[] | null;
}

/** The record format version this verifier reads (protocol version 3, docs/protocol.md §70.1). */
export const RECORD_VERSION = 3;

/** Submissions per batch when the verifier checks them itself. */
const SUBMISSION_CHUNK = 256;

/** The checks, in order. */
export const RECORD_CHECKS = [
  { id: '1', title: 'Board log: entry framing, tree hash, signed tree head', section: '50' },
  { id: '2', title: 'Manifest and election parameters, manifest hash', section: '40.1–40.2' },
  { id: '3', title: 'Trustee commitments and proofs (every dealing on the board, at least k), complaints judged', section: '30.3–30.4, 35.4, 35.6' },
  { id: '4', title: 'Joint key, verification keys and election base hash recomputed', section: '30.5, 40.3' },
  { id: '5', title: 'Issuer keys and issuance logs', section: '20' },
  { id: '6', title: 'Every ballot token: k-of-n distinct issuers, bound to the base hash', section: '20' },
  { id: '7', title: 'Every pseudonym signature (and ballot credential = token pseudonym)', section: '20, 40.4' },
  { id: '8', title: 'Every cast ballot proof', section: '40.6' },
  { id: '9', title: 'Counted set: one ballot per pseudonym, revoting policy applied, audits excluded, cast while open', section: '70.2' },
  { id: '10', title: 'Every audited ballot opens to its reveal', section: '40.7' },
  { id: '11', title: 'Encrypted aggregate = sum of the counted ballots', section: '40.8, 70.2' },
  { id: '12', title: 'Every decryption share proof', section: '30.6' },
  { id: '13', title: 'Lagrange combination of the shares decrypts the aggregate to the totals', section: '30.6' },
  { id: '14', title: 'Published result = decrypted totals', section: '40.8, 70.2' },
  { id: '15', title: 'Counts within eligibility: tokens on the board ≤ Σ issuances / k, each issuer ≤ roll size', section: '20, 70.3' },
] as const;

/** Run only when receipts or heads are given (--receipt, --heads). */
export const HELD_EVIDENCE_CHECK = { id: '16', title: 'Receipts and heads held by voters and observers: signed by the board key, a prefix of this record, ballot counted', section: '50, 55.7, 70.3' } as const;

interface Entry {
  seq: number;
  kind: string;
  payload: unknown;
  text: string;
}

class CheckFailure extends Error {}
class CheckSkip extends Error {}

const MAX_FAILURES = 50;
const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const errText = (e: unknown): string => (e instanceof CryptoError ? e.message : e instanceof Error ? e.message : String(e));
const sameJSON = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Verifies an election record `{ format, version, electionId, boardPublicKey, head, entries }` (as served by
 * `GET /elections/:id/record`). Never throws.
 */
export function verifyElectionRecord(record: unknown, options: VerifyRecordOptions = {}): RecordVerification {
  const group = options.group ?? defaultGroup;
  const checks: RecordCheck[] = [];
  const r = obj(record);
  const electionId = typeof r.electionId === 'string' ? r.electionId : null;
  const prepared = options.prepared;
  const texts: string[] = prepared ? [] : Array.isArray(r.entries) ? r.entries.filter((x): x is string => typeof x === 'string') : [];

  // Parsed content, shared by the checks. Entries keep the seq they claim, so content checks still run on a
  // record whose log is broken (reordered, dropped or inserted entries).
  const entries: Entry[] = prepared ? (prepared.entries as Entry[]) : [];
  texts.forEach((text, position) => {
    try {
      const e = obj(JSON.parse(text));
      const kind = String(e.kind);
      // A submission's parsed payload is not kept (a million of them would not fit): the checks re-read its
      // text, and the counting rules need only the pseudonym.
      const payload = kind === 'ballot' || kind === 'audit' ? { token: { pseudonym: entryPseudonym(e.payload) } } : e.payload;
      entries.push({ seq: Number.isSafeInteger(e.seq) ? (e.seq as number) : position, kind, payload, text });
    } catch {
      /* reported by check 1 */
    }
  });
  const ofKind = (kind: string) => entries.filter((e) => e.kind === kind);
  const one = (kind: string): Entry => {
    const es = ofKind(kind);
    if (es.length !== 1) throw new CheckSkip(`the record has ${es.length} '${kind}' entries (expected 1)`);
    return es[0];
  };

  let manifest: Manifest | undefined;
  let mHash: Uint8Array | undefined;
  let params: DkgParameters | undefined;
  let revoting: RevotingPolicy = 'last';
  let election: Election | undefined;
  let keys: ElectionKeySet | undefined;
  let issuers: TokenIssuer[] | undefined;
  let issuerThreshold = 0;
  let boundRollSize: number | undefined; // the roll size H binds (check 4)
  const validTokens = new Map<number, readonly string[]>(); // seq → issuers whose signature counted
  const invalidBallots = new Set<number>(); // seqs failing 6, 7 or 8
  let tallyEntry: Entry | undefined;
  let ciphertexts: readonly Ciphertext[] | undefined;
  let totals: number[] | undefined;
  let result: ElectionResult | null = null;

  const run = (id: string, body: (fail: (m: string) => void, progress: (done: number, total: number) => void) => number | void) => {
    const def = [...RECORD_CHECKS, HELD_EVIDENCE_CHECK].find((c) => c.id === id)!;
    const failures: string[] = [];
    const fail = (m: string) => {
      if (failures.length < MAX_FAILURES) failures.push(m);
      else if (failures.length === MAX_FAILURES) failures.push('… more failures not shown');
    };
    const progress = (done: number, total: number) => options.onProgress?.({ check: id, title: def.title, done, total });
    let checked: number | undefined;
    let status: CheckStatus = 'pass';
    const started = Date.now();
    try {
      const n = body(fail, progress);
      if (typeof n === 'number') checked = n;
    } catch (e) {
      // A check that found failures before the part it had to skip has failed (e.g. check 9 on a record not yet tallied).
      if (e instanceof CheckSkip && failures.length === 0) {
        checks.push({ id, title: def.title, section: def.section, status: 'skip', reason: e.message, ms: Date.now() - started });
        return;
      }
      if (!(e instanceof CheckSkip)) fail(errText(e));
    }
    if (failures.length > 0) status = 'fail';
    checks.push({
      id,
      title: def.title,
      section: def.section,
      status,
      ...(failures.length ? { reason: failures[0], failures } : {}),
      ...(checked !== undefined ? { checked } : {}),
      ms: Date.now() - started,
    });
  };
  const cache = options.cache;
  const contextKey = () => `${election ? bytesToHex(election.electionHash) : '-'}|${mHash ? bytesToHex(mHash) : '-'}|${electionId}`;

  const held = options.receipts?.length || options.heads?.length ? { receipts: options.receipts ?? [], heads: options.heads ?? [] } : undefined;
  let prefixRoots: ReadonlyMap<number, string> | undefined;

  // 1. Board log.
  run('1', (fail) => {
    if (r.format !== 'evote-election-record' || r.version !== RECORD_VERSION) fail(`not an evote-election-record of version ${RECORD_VERSION}`);
    if (electionId === null) throw new CheckFailure('the record has no election id');
    if (prepared) {
      prefixRoots = prepared.log.prefixRoots;
      prepared.log.finish(r.head as SignedTreeHead, hexToBytes(String(r.boardPublicKey), 32, 'board public key')).failures.forEach(fail);
      return prepared.log.size;
    }
    if (!Array.isArray(r.entries) || texts.length !== r.entries.length) fail('entries must be an array of strings');
    const log = verifyBoardLog(electionId, texts, r.head as SignedTreeHead, hexToBytes(String(r.boardPublicKey), 32, 'board public key'), held ? heldSizes(held.receipts, held.heads) : []);
    prefixRoots = log.prefixRoots;
    log.failures.forEach(fail);
    return texts.length;
  });

  // 2. Manifest and parameters.
  run('2', (fail) => {
    const e = one('manifest');
    if (e.seq !== 0) fail('the manifest is not the first entry');
    const p = obj(e.payload);
    manifest = parseManifest(p.manifest);
    mHash = manifestHash(group, manifest);
    if (bytesToHex(mHash) !== p.manifestHash) fail('the manifest hash is not the hash of the manifest');
    if (manifest.electionId !== electionId) fail('the manifest is for another election');
    const par = obj(p.parameters);
    if (par.revoting !== 'last' && par.revoting !== 'first') fail(`revoting policy ${String(par.revoting)} unknown`);
    else revoting = par.revoting;
    const trustees = Array.isArray(par.trustees) ? par.trustees.map(obj) : [];
    const k = par.trusteeThreshold;
    if (trustees.length < 1 || trustees.length > 255) fail('1 to 255 trustees expected');
    if (!Number.isSafeInteger(k) || (k as number) < 1 || (k as number) > trustees.length) fail(`trustee threshold ${String(k)} not in [1, ${trustees.length}]`);
    trustees.forEach((t, i) => {
      if (t.index !== i + 1) fail(`trustee ${i + 1} listed with index ${String(t.index)}`);
    });
    params = createDkgParameters(group, mHash, k as number, trustees.map((t) => group.fromHex(String(t.publicKey))));
    return 1;
  });

  // 3. Trustee commitments and complaints.
  const dealings: DkgDealing[] = [];
  const complaints: DkgComplaint[] = [];
  run('3', (fail) => {
    if (!params) throw new CheckSkip('no valid election parameters (check 2)');
    const es = ofKind('trustee-commitments');
    // A trustee who did not deal by the deadline has no dealing on the board and is not a dealer (§35.6); with
    // fewer than k dealings no key can be formed, so such a record has no election key at all.
    if (es.length < params.threshold || es.length > params.trustees) fail(`${es.length} dealings on the board, for ${params.trustees} trustees with threshold ${params.threshold}`);
    const seen = new Set<number>();
    for (const e of es) {
      const p = obj(e.payload);
      if (p.setupHash !== bytesToHex(params.setupHash)) fail(`entry ${e.seq}: setup hash differs from the one recomputed from manifest hash, threshold and trustee keys`);
      let d: DkgDealing;
      try {
        d = dealingFromJSON(group, p.dealing);
      } catch (x) {
        fail(`entry ${e.seq}: malformed dealing: ${errText(x)}`);
        continue;
      }
      if (seen.has(d.dealer)) fail(`entry ${e.seq}: a second dealing from dealer ${d.dealer}`);
      seen.add(d.dealer);
      for (const f of checkDealing(group, params, d)) fail(`dealing ${d.dealer}: ${f}`);
      dealings.push(d);
    }
    const keyEntry = ofKind('election-key')[0];
    if (keyEntry && !Array.isArray(obj(keyEntry.payload).complaints)) fail('election-key: complaints must be an array (an empty one when there were none)');
    const listed = keyEntry && Array.isArray(obj(keyEntry.payload).complaints) ? (obj(keyEntry.payload).complaints as unknown[]).map(obj) : [];
    for (const c of listed) {
      let complaint: DkgComplaint;
      try {
        complaint = complaintFromJSON(group, c.complaint);
      } catch (x) {
        fail(`complaint of trustee ${String(c.trustee)}: malformed: ${errText(x)}`);
        continue;
      }
      const dealing = dealings.find((d) => d.dealer === complaint.dealer);
      if (!dealing || complaint.complainer !== c.trustee || complaint.dealer !== c.dealer) {
        fail(`complaint of trustee ${String(c.trustee)} against ${String(c.dealer)}: names no dealing on the board`);
        continue;
      }
      const verdict = judgeComplaint(group, params, dealing, complaint);
      if (verdict.verdict !== c.judgment) fail(`complaint of trustee ${complaint.complainer} against ${complaint.dealer}: judged ${verdict.verdict} (${verdict.reason}), the board says ${String(c.judgment)}`);
      complaints.push(complaint);
    }
    return es.length + listed.length;
  });

  // 4. Joint key and base hash.
  run('4', (fail) => {
    if (!manifest || !mHash || !params) throw new CheckSkip('no valid manifest and parameters (check 2)');
    const p = obj(one('election-key').payload);
    if (p.manifestHash !== bytesToHex(mHash)) fail('election-key: manifest hash differs');
    if (p.setupHash !== bytesToHex(params.setupHash)) fail('election-key: setup hash differs from the recomputed one');
    const published = electionKeySetFromJSON(group, p.keySet);
    keys = published;
    const issuerKeys = one('issuer-keys');
    if (issuerKeys.seq !== 1) fail('the issuer-keys entry is not at seq 1');
    const bindings = electionBindingsFromEntries(one('manifest').text, issuerKeys.text, String(r.boardPublicKey), p);
    boundRollSize = bindings.rollSize;
    // Later checks use the published key and base hash (what ballots and shares were made against).
    election = createElection(group, manifest, params.setupHash, published, bindings);
    if (bytesToHex(election.electionHash) !== p.baseHash) fail('election-key: the base hash is not the hash of manifest, setup, key set, setup entries, board key, roll size and witnesses');
    if (options.fingerprint !== undefined && options.fingerprint !== p.baseHash) fail(`the election's base hash ${String(p.baseHash)} is not the published fingerprint ${options.fingerprint}`);
    try {
      const q = qualifiedDealers(group, params, dealings, complaints);
      if (!sameJSON([...q], p.qualified)) fail(`qualified dealers recomputed as ${q.join(', ')}, the board says ${JSON.stringify(p.qualified)}`);
      if (q.length < params.threshold) fail(`only ${q.length} qualified dealers (${q.join(', ')}), fewer than the threshold ${params.threshold}`);
      const derived = deriveElectionKeys(group, params, dealings, q);
      if (!electionKeySetEquals(group, derived, published)) fail('the key set (joint key, verification keys) is not the one derived from the dealings');
    } catch (x) {
      fail(`the key set cannot be derived from the dealings: ${errText(x)}`);
    }
    return 1;
  });

  // 5. Issuer keys and issuance logs.
  const issuanceCounts = new Map<string, number>();
  run('5', (fail) => {
    const listed = issuersFromPayload(one('issuer-keys').payload);
    listed.failures.forEach(fail);
    issuers = listed.issuers.map((i) => ({ id: i.id, publicKey: i.publicKey }));
    issuerThreshold = listed.threshold;
    const ids = new Set(issuers.map((i) => i.id));
    const logs = ofKind('issuance-log').map((e) => obj(e.payload));
    for (const l of logs) {
      const id = String(l.issuerId);
      if (!ids.has(id)) fail(`issuance log of unknown issuer ${id}`);
      if (issuanceCounts.has(id)) fail(`two issuance logs of issuer ${id}`);
      const hashes = Array.isArray(l.blindedHashes) ? (l.blindedHashes as unknown[]) : [];
      if (l.count !== hashes.length) fail(`issuer ${id}: count ${String(l.count)} but ${hashes.length} blinded-request hashes`);
      if (hashes.some((h, i) => typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h) || (i > 0 && !(String(hashes[i - 1]) < h)))) fail(`issuer ${id}: blinded-request hashes not sorted, distinct, 64 hex characters`);
      issuanceCounts.set(id, hashes.length);
    }
    if (ofKind('close').length > 0) for (const id of ids) if (!issuanceCounts.has(id)) fail(`no issuance log of issuer ${id} at the close`);
    return listed.issuers.length + logs.length;
  });

  const castEntries = ofKind('ballot');
  const auditEntries = ofKind('audit');
  const submissions = [...castEntries, ...auditEntries].sort((a, b) => a.seq - b.seq);

  /**
   * Checks 6, 7, 8 and 10 share one pass over the submissions (src/crypto/record/submissions.ts): each
   * ballot is parsed and its points decoded once, its proofs join one batch per chunk, and the chunk's
   * valid ballots are summed for check 11. A caller may pass the verdicts precomputed (worker threads).
   */
  const verdicts = new Map<number, SubmissionVerdict>();
  let validSum: readonly Ciphertext[] | null | undefined; // undefined: not available, check 11 re-parses
  let validSeqs: readonly number[] | undefined; // one item per valid ballot entry (a seq twice if two entries claim it)
  // Two submissions claiming one seq (a broken log, check 1) share one verdict, the same whichever order
  // they were checked in (worker chunks finish in any order): the smaller of their JSON texts.
  const setVerdict = (v: SubmissionVerdict) => {
    const before = verdicts.get(v.seq);
    if (!before || JSON.stringify(v) < JSON.stringify(before)) verdicts.set(v.seq, v);
  };
  const submissionCheck = (progress: (done: number, total: number) => void): void => {
    if (!issuers || !election || !manifest || electionId === null) throw new CheckSkip('no valid manifest (check 2), election key (check 4) or issuers (check 5)');
    if (!(issuerThreshold >= 1 && issuerThreshold <= issuers.length)) throw new CheckSkip('no valid issuer threshold (check 5)');
    const pre = options.submissions;
    if (prepared && !pre) throw new CheckSkip('a prepared record needs its submission verdicts');
    if (pre) {
      for (const v of pre.verdicts) setVerdict(v);
      validSeqs = pre.validSeqs;
      validSum = pre.validSum === null ? null : pre.validSum.map((c) => ciphertextFromJSON(group, c, { allowIdentity: true }));
      return;
    }
    const ctx: SubmissionContext = { group, electionId, manifest, election, issuers, issuerThreshold };
    if (options.captureContext) {
      options.captureContext(ctx);
      throw new CheckSkip('context captured');
    }
    const issuersKey = issuers.map((i) => `${i.id}:${i.publicKey.n.toString(16)}`).join(',');
    const key = (e: Entry) => `S|${contextKey()}|${issuersKey}|${issuerThreshold}|${e.kind}|${e.text}`;
    const todo = cache ? submissions.filter((e) => !cache.has(key(e))) : submissions;
    let sum: readonly Ciphertext[] | null = null;
    const seqs: number[] = [];
    for (let i = 0; i < todo.length; i += SUBMISSION_CHUNK) {
      progress(i, todo.length);
      const chunk = todo.slice(i, i + SUBMISSION_CHUNK);
      const r = checkSubmissions(ctx, chunk.map((e) => ({ seq: e.seq, kind: e.kind as 'ballot' | 'audit', text: e.text })));
      r.verdicts.forEach((v, j) => {
        setVerdict(v);
        cache?.set(key(chunk[j]), v);
      });
      seqs.push(...r.validSeqs);
      sum = addCiphertextVectors(group, sum, r.validSum);
    }
    progress(todo.length, todo.length);
    if (cache) {
      const checked = new Set(todo);
      for (const e of submissions) if (!checked.has(e)) setVerdict({ ...(cache.get(key(e)) as SubmissionVerdict), seq: e.seq });
    }
    // With cached verdicts some ballots were not decoded in this run: check 11 then sums the counted ones.
    if (todo.length === submissions.length) {
      validSum = sum;
      validSeqs = seqs;
    }
  };
  const verdictOf = (e: Entry): SubmissionVerdict =>
    verdicts.get(e.seq) ?? { seq: e.seq, kind: e.kind as 'ballot' | 'audit', token: 'not checked', validIssuers: [], signature: 'not checked', proof: 'not checked', ballotHash: '', counter: 0 };

  // 6. Tokens.
  run('6', (fail, progress) => {
    submissionCheck(progress);
    for (const e of submissions) {
      const v = verdictOf(e);
      if (v.token) {
        invalidBallots.add(e.seq);
        fail(`entry ${e.seq}: ${v.token}`);
      } else validTokens.set(e.seq, v.validIssuers);
    }
    return submissions.length;
  });

  // 7. Pseudonym signatures.
  run('7', (fail) => {
    if (verdicts.size === 0 && submissions.length > 0) throw new CheckSkip('the submissions could not be checked (check 6)');
    for (const e of submissions) {
      const v = verdictOf(e);
      if (v.signature) {
        invalidBallots.add(e.seq);
        fail(`entry ${e.seq}: ${v.signature}`);
      }
    }
    return submissions.length;
  });

  // 8. Ballot proofs.
  run('8', (fail) => {
    if (verdicts.size === 0 && castEntries.length > 0) throw new CheckSkip('the submissions could not be checked (check 6)');
    for (const e of castEntries) {
      const v = verdictOf(e);
      if (v.proof) {
        invalidBallots.add(e.seq);
        fail(`entry ${e.seq}: ${v.proof}`);
      }
    }
    return castEntries.length;
  });

  // 9. Counted set.
  run('9', (fail) => {
    const open = ofKind('open');
    const close = ofKind('close');
    if (open.length !== 1) fail(`${open.length} 'open' entries`);
    if (close.length > 1) fail(`${close.length} 'close' entries`);
    const keyEntries = ofKind('election-key');
    if (open[0] && !(keyEntries.length > 0 && keyEntries[0].seq < open[0].seq)) fail('the election opened before its election key was on the board');
    for (const e of submissions) {
      if (open[0] && e.seq < open[0].seq) fail(`entry ${e.seq}: cast before the election opened`);
      if (close[0] && e.seq > close[0].seq) fail(`entry ${e.seq}: cast after the election closed`);
    }
    if (close[0] && obj(close[0].payload).ballotsCast !== castEntries.length) fail(`the close entry says ${String(obj(close[0].payload).ballotsCast)} ballots cast, the board has ${castEntries.length}`);
    // One board entry per ballot: a second copy of a ballot (a superseded one appended again after the
    // re-vote) or a cast copy of an audited ballot (its nonces are public) is not a valid ballot (§55.6).
    const firstByHash = new Map<string, Entry>();
    for (const e of submissions) {
      const h = verdictOf(e).ballotHash;
      if (!h) continue;
      const first = firstByHash.get(h);
      if (!first) {
        firstByHash.set(h, e);
        continue;
      }
      fail(`entry ${e.seq} (${e.kind}) repeats the ballot of entry ${first.seq} (${first.kind})${first.kind === 'audit' || e.kind === 'audit' ? ': an audited ballot is never cast' : ': a replayed ballot'}`);
      if (e.kind === 'ballot') invalidBallots.add(e.seq);
      if (first.kind === 'ballot' && e.kind === 'audit') invalidBallots.add(first.seq);
    }
    // Each pseudonym's submissions carry strictly increasing signed counters along the board (§20): a ballot
    // moved before another, or appended again, breaks the order and is not a valid ballot.
    const lastCounter = new Map<string, { counter: number; seq: number }>();
    for (const e of submissions) {
      const { counter } = verdictOf(e);
      const p = entryPseudonym(e.payload);
      if (!counter || p === undefined) continue;
      const before = lastCounter.get(p);
      if (before && counter <= before.counter) {
        fail(`entry ${e.seq}: counter ${counter} does not exceed the counter ${before.counter} of the pseudonym's entry ${before.seq} (reordered or replayed)`);
        if (e.kind === 'ballot') invalidBallots.add(e.seq);
        continue;
      }
      lastCounter.set(p, { counter, seq: e.seq });
    }
    const tallies = ofKind('tally');
    if (tallies.length === 0) throw new CheckSkip('no tally on the board yet');
    if (tallies.length > 1) fail(`${tallies.length} tally entries`);
    tallyEntry = tallies[0];
    const t = obj(tallyEntry.payload);
    const boardSize = t.boardSize as number;
    if (!Number.isSafeInteger(boardSize) || boardSize > tallyEntry.seq) fail('the tally names a tree size that does not precede it');
    if (!close[0] || !(close[0].seq < boardSize)) fail('the tally was not computed after the close');
    const published = Array.isArray(t.counted) ? (t.counted as unknown[]) : [];
    const bySeq = new Map(entries.map((e) => [e.seq, e]));
    const pseudonyms = new Map<string, number>();
    for (const s of published) {
      const e = bySeq.get(s as number);
      if (!e) {
        fail(`counted entry ${String(s)} is not on the board`);
        continue;
      }
      if (e.kind === 'audit') fail(`counted entry ${e.seq} is an audited ballot`);
      else if (e.kind !== 'ballot') fail(`counted entry ${e.seq} is not a ballot`);
      if (invalidBallots.has(e.seq)) fail(`counted entry ${e.seq} is not a valid ballot (checks 6–8)`);
      const p = entryPseudonym(e.payload) ?? '';
      if (pseudonyms.has(p)) fail(`pseudonym ${p.slice(0, 16)}… counted twice (entries ${pseudonyms.get(p)} and ${e.seq})`);
      pseudonyms.set(p, e.seq);
    }
    const valid = entries.filter((x) => !(x.kind === 'ballot' && invalidBallots.has(x.seq)));
    const expected = countedBallotSeqs(valid, revoting, Number.isSafeInteger(boardSize) ? boardSize : Infinity);
    if (!sameJSON(expected, published)) {
      const [publishedSet, expectedSet] = [new Set(published), new Set<unknown>(expected)];
      const missing = expected.filter((s) => !publishedSet.has(s));
      const extra = published.filter((s) => !expectedSet.has(s));
      fail(`the counted set is not the ${revoting} valid ballot of each pseudonym (${missing.length ? `missing ${missing.slice(0, 5).join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `not to be counted ${extra.slice(0, 5).join(', ')}` : ''})`);
    }
    return published.length;
  });

  // 10. Audits.
  run('10', (fail) => {
    if (verdicts.size === 0 && auditEntries.length > 0) throw new CheckSkip('the submissions could not be checked (check 6)');
    for (const e of auditEntries) {
      const v = verdictOf(e);
      if (v.proof) fail(`audit ${e.seq}: ${v.proof}`);
    }
    return auditEntries.length;
  });

  // 11. Aggregate.
  run('11', (fail) => {
    if (!manifest) throw new CheckSkip('no valid manifest (check 2)');
    if (!tallyEntry) throw new CheckSkip('no tally on the board');
    const t = obj(tallyEntry.payload);
    const published = tallyFromJSON(group, manifest, t.aggregate);
    ciphertexts = tallyCiphertexts(published);
    const counted = Array.isArray(t.counted) ? (t.counted as number[]) : [];
    // A ballot seq claimed by two entries (a duplicated or renumbered entry, check 1) names no one ballot:
    // the sum is not computed (the same verdict whether or not the entries' texts were kept).
    const claims = new Map<number, number>();
    for (const e of castEntries) claims.set(e.seq, (claims.get(e.seq) ?? 0) + 1);
    const ambiguous = [...claims].filter(([, n]) => n > 1).map(([s]) => s);
    if (ambiguous.length > 0) throw new CheckFailure(`ballot seq ${ambiguous.slice(0, 5).join(', ')} claimed by more than one entry (check 1): the counted ballots are ambiguous`);
    const bySeq = new Map(castEntries.map((e) => [e.seq, e]));
    const ballotAt = (seq: number): readonly Ciphertext[] => {
      const e = bySeq.get(seq);
      if (!e) throw new CheckFailure(`counted entry ${seq} is not a ballot on the board`);
      const text = prepared ? prepared.textOf(seq) : e.text;
      if (text === undefined) throw new CheckFailure(`entry ${seq} was not kept for the aggregate check`);
      return ballotCiphertexts(ballotFromJSON(group, manifest!, obj(obj(JSON.parse(text)).payload).ballot));
    };
    // The sum over `counted` as listed (a seq listed twice is summed twice, and check 9 fails it).
    // Σ counted = Σ valid (summed while checking the proofs) − valid-but-not-counted + counted-but-not-valid;
    // both corrections are empty for a correct record, except ballots superseded by a revote.
    let sum: readonly Ciphertext[] | null;
    if (validSum !== undefined && validSeqs) {
      const { subtract, add } = aggregateCorrections(counted, validSeqs);
      sum = validSum;
      for (const s of subtract) sum = subtractCiphertextVectors(group, sum!, ballotAt(s));
      for (const s of add) sum = addCiphertextVectors(group, sum, ballotAt(s));
    } else {
      sum = counted.reduce<readonly Ciphertext[] | null>((acc, s) => addCiphertextVectors(group, acc, ballotAt(s)), null);
    }
    const ours = sum ?? identityCiphertexts(group, ciphertexts.length);
    const bad = ciphertexts.map((c, i) => (group.equals(c.alpha, ours[i].alpha) && group.equals(c.beta, ours[i].beta) ? -1 : i)).filter((i) => i >= 0);
    if (bad.length > 0) fail(`the aggregate differs from the sum of the ${counted.length} counted ballots (ciphertexts ${bad.join(', ')})`);
    return counted.length;
  });

  // 12. Decryption shares.
  const sharesBySeq = new Map<number, DecryptionShare>();
  run('12', (fail) => {
    const es = ofKind('decryption-share');
    if (!tallyEntry) {
      if (es.length === 0) throw new CheckSkip('no tally on the board');
      fail('decryption shares without a tally');
    }
    if (!election || !keys || !ciphertexts) throw new CheckSkip('no election key (check 4) or aggregate (check 11)');
    const trustees = new Set<number>();
    for (const e of es) {
      const p = obj(e.payload);
      if (tallyEntry && !(e.seq > tallyEntry.seq)) fail(`share entry ${e.seq} precedes the tally`);
      if (tallyEntry && p.tallySeq !== tallyEntry.seq) fail(`share entry ${e.seq} names tally ${String(p.tallySeq)}`);
      let s: DecryptionShare;
      try {
        s = decryptionShareFromJSON(group, p.share);
      } catch (x) {
        fail(`share entry ${e.seq}: malformed: ${errText(x)}`);
        continue;
      }
      if (s.trustee !== p.trustee) fail(`share entry ${e.seq}: trustee ${String(p.trustee)} posted trustee ${s.trustee}'s share`);
      if (trustees.has(s.trustee)) fail(`trustee ${s.trustee} posted two shares`);
      trustees.add(s.trustee);
      const f = checkDecryptionShare(group, election.electionHash, keys, ciphertexts, s);
      f.forEach((m) => fail(`share entry ${e.seq}: ${m}`));
      if (f.length === 0) sharesBySeq.set(e.seq, s);
    }
    return es.length;
  });

  // 13. Combination.
  let resultPayload: Record<string, unknown> | undefined;
  run('13', (fail) => {
    const rs = ofKind('result');
    if (rs.length === 0) throw new CheckSkip('no result on the board yet');
    if (rs.length > 1) fail(`${rs.length} result entries`);
    resultPayload = obj(rs[0].payload);
    totals = Array.isArray(resultPayload.totals) ? (resultPayload.totals as number[]) : undefined;
    if (!election || !keys || !ciphertexts || !tallyEntry) throw new CheckSkip('no election key, aggregate or tally (checks 4, 9, 11)');
    if (resultPayload.tallySeq !== tallyEntry.seq) fail(`the result names tally ${String(resultPayload.tallySeq)}`);
    if (!totals || totals.length !== ciphertexts.length) throw new CheckFailure(`one total per ciphertext (${ciphertexts.length}) expected`);
    const trustees = Array.isArray(resultPayload.trustees) ? (resultPayload.trustees as number[]) : [];
    const seqs = Array.isArray(resultPayload.shareSeqs) ? (resultPayload.shareSeqs as number[]) : [];
    const counted = obj(tallyEntry.payload).counted;
    if (Array.isArray(counted) && counted.length === 0) {
      if (totals.some((x) => x !== 0)) fail('no ballot was counted, yet a total is not 0');
      return 0;
    }
    if (trustees.length !== seqs.length) fail('one share entry per combined trustee expected');
    const shares: DecryptionShare[] = [];
    seqs.forEach((s, i) => {
      const share = sharesBySeq.get(s);
      if (!share) fail(`share entry ${String(s)} is not a valid decryption share (check 12)`);
      else if (share.trustee !== trustees[i]) fail(`share entry ${s} is trustee ${share.trustee}'s, not ${String(trustees[i])}'s`);
      else shares.push(share);
    });
    if (rs[0].seq < Math.max(...seqs)) fail('the result precedes a share it combines');
    if (shares.length < keys.threshold) throw new CheckFailure(`${shares.length} valid shares combined, the threshold is ${keys.threshold}`);
    checkCombination(group, election.electionHash, keys, ciphertexts, shares, totals).forEach(fail);
    return shares.length;
  });

  // 14. Result.
  run('14', (fail) => {
    if (!resultPayload) throw new CheckSkip('no result on the board yet');
    if (!manifest) throw new CheckSkip('no valid manifest (check 2)');
    if (!totals) throw new CheckFailure('the result has no totals');
    const expected = resultFromTotals(manifest, totals);
    result = expected;
    if (!sameJSON(expected, resultPayload.results)) {
      const got = obj(resultPayload.results);
      let found = 0;
      for (const c of manifest.contests)
        for (const o of c.options)
          if (obj(got[c.id])[o.id] !== expected[c.id][o.id]) {
            found++;
            fail(`${c.id}/${o.id}: the board says ${String(obj(got[c.id])[o.id])}, the decrypted total is ${expected[c.id][o.id]}`);
          }
      if (found === 0) fail('the result is not exactly the decrypted totals by contest and option, in manifest order');
    }
    const counted = tallyEntry && Array.isArray(obj(tallyEntry.payload).counted) ? (obj(tallyEntry.payload).counted as unknown[]).length : 0;
    manifest.contests.forEach((c) => {
      const sum = c.options.reduce((a, o) => a + expected[c.id][o.id], 0);
      if (sum > counted * c.maxSelections) fail(`${c.id}: ${sum} selections from ${counted} ballots`);
      if (c.options.some((o) => expected[c.id][o.id] > counted)) fail(`${c.id}: an option has more votes than counted ballots`);
    });
    return manifest.contests.length;
  });

  // 15. Eligibility counts.
  run('15', (fail) => {
    const open = ofKind('open')[0];
    if (!open) throw new CheckSkip('the election never opened');
    const rollSize = obj(open.payload).rollSize;
    if (!Number.isSafeInteger(rollSize) || (rollSize as number) < 0) throw new CheckFailure('the open entry has no roll size');
    // The roll size is bound into H (the fingerprint); the open entry must repeat it, not inflate it.
    if (boundRollSize !== undefined && rollSize !== boundRollSize) fail(`the open entry says the roll has ${String(rollSize)} voters, the election key (bound into the fingerprint) says ${boundRollSize}`);
    if (issuanceCounts.size === 0) throw new CheckSkip('no issuance logs yet (the election is not closed)');
    const signedBy = new Map<string, Set<string>>();
    const bySeq = new Map(submissions.map((e) => [e.seq, e]));
    for (const [seq, ids] of validTokens) {
      const p = entryPseudonym(bySeq.get(seq)?.payload) ?? '';
      for (const id of ids) (signedBy.get(id) ?? signedBy.set(id, new Set()).get(id)!).add(p);
    }
    const counted = tallyEntry && Array.isArray(obj(tallyEntry.payload).counted) ? (obj(tallyEntry.payload).counted as unknown[]).length : undefined;
    let logged = 0;
    for (const [id, n] of issuanceCounts) {
      if (n > (rollSize as number)) fail(`issuer ${id} issued ${n} tokens for a roll of ${String(rollSize)}`);
      const used = signedBy.get(id)?.size ?? 0;
      if (used > n) fail(`issuer ${id} signed ${used} distinct tokens on the board but logged only ${n} issuances`);
      logged += n;
    }
    // Each valid token carries signatures of at least k distinct issuers, each one issuance of that issuer,
    // so the board can hold at most ⌊Σ counts / k⌋ distinct valid tokens (voters who got only k of the n
    // signatures are fine; §70.3).
    const tokens = new Set([...validTokens.keys()].map((seq) => entryPseudonym(bySeq.get(seq)?.payload) ?? '')).size;
    const bound = issuerThreshold >= 1 ? Math.floor(logged / issuerThreshold) : 0;
    if (tokens > bound) fail(`${tokens} distinct valid tokens on the board, but ${logged} logged issuances at k = ${issuerThreshold} support at most ${bound}`);
    if (counted !== undefined && counted > bound) fail(`${counted} ballots counted, but ${logged} logged issuances at k = ${issuerThreshold} support at most ${bound} tokens`);
    if (counted !== undefined && counted > (rollSize as number)) fail(`${counted} ballots counted for a roll of ${String(rollSize)}`);
    return issuanceCounts.size;
  });

  // 16. Receipts and heads held against the record (only when some are given).
  let heldReceipts: HeldReceipt[] = [];
  if (held)
    run('16', (fail) => {
      const bySeq = new Map(entries.map((e) => [e.seq, e]));
      const outcome = checkHeldEvidence(
        {
          electionId,
          boardPublicKey: String(r.boardPublicKey),
          baseHash: ofKind('election-key').length === 1 ? obj(one('election-key').payload).baseHash : undefined,
          ...(options.fingerprint !== undefined ? { fingerprint: options.fingerprint } : {}),
          size: prepared ? prepared.log.size : texts.length,
          prefixRoots,
          entryAt: (seq) => {
            const e = bySeq.get(seq);
            return e && { kind: e.kind, ballotHash: e.kind === 'ballot' || e.kind === 'audit' ? verdictOf(e).ballotHash : '' };
          },
          pseudonymOf: (seq) => {
            const e = bySeq.get(seq);
            return e && e.kind === 'ballot' ? entryPseudonym(e.payload) : undefined;
          },
          counted: tallyEntry && Array.isArray(obj(tallyEntry.payload).counted) ? (obj(tallyEntry.payload).counted as number[]) : undefined,
        },
        held.receipts,
        held.heads,
      );
      outcome.failures.forEach(fail);
      heldReceipts = outcome.receipts;
      return held.receipts.length + held.heads.length;
    });

  return { ok: checks.every((c) => c.status === 'pass'), electionId, checks, result, ...(held ? { receipts: heldReceipts } : {}) };
}

/**
 * The two corrections of check 11 (§70.3), as multiset differences: the valid ballots not counted (to
 * subtract from Σ valid) and the counted listings that are not a valid ballot (to add). `validSeqs` has one
 * item per valid ballot entry. The ballots whose texts check 11 re-reads (src/parallel/verify-stream.ts).
 */
export function aggregateCorrections(counted: readonly unknown[], validSeqs: readonly number[]): { subtract: number[]; add: number[] } {
  const listed = new Map<unknown, number>();
  for (const s of counted) listed.set(s, (listed.get(s) ?? 0) + 1);
  const subtract: number[] = [];
  for (const s of validSeqs) {
    const n = listed.get(s) ?? 0;
    if (n > 0) listed.set(s, n - 1);
    else subtract.push(s);
  }
  const add: number[] = [];
  for (const s of counted) {
    const n = listed.get(s) ?? 0;
    if (n > 0) {
      listed.set(s, n - 1);
      add.push(s as number);
    }
  }
  return { subtract, add };
}

/**
 * The context of the submission checks (manifest, election key and base hash, issuers), read from a record
 * by the same code as checks 2, 4 and 5; null if the record does not yield one. For worker threads, which
 * get the record without its submissions.
 */
export function recordSubmissionContext(record: unknown, group: Group = defaultGroup): SubmissionContext | null {
  let ctx: SubmissionContext | null = null;
  verifyElectionRecord(record, { group, captureContext: (c) => (ctx = c) });
  return ctx;
}

/** A compact text report: one line per check. */
export function formatRecordVerification(v: RecordVerification): string[] {
  const mark = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;
  return v.checks.map((c) => `${c.id.padStart(2)}. [${mark[c.status]}] ${c.title}${c.checked !== undefined ? ` (${c.checked} checked${c.ms !== undefined && c.ms >= 100 ? `, ${(c.ms / 1000).toFixed(1)} s` : ''})` : ''}${c.reason ? `\n      ${c.reason}` : ''}`);
}
