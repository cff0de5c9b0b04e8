/**
 * `evote trustee decrypt`: a trustee's decryption share of the tally (docs/protocol.md §30.6, §70). Before
 * using its secret share x_ℓ, the trustee checks the board itself: the log and its signed head, the key
 * set and base hash against its own saved ones, and the published aggregate against the sum it recomputes
 * from the counted ballots at the tree head the tally names, and every check of the record up to the tally
 * (tokens, signatures, proofs of every ballot) — so the server cannot have it decrypt a subset of the
 * ballots, a ballot it made up, or anything else. The record must also extend every signed head this trustee
 * saw (trustee-board.ts), under the board key pinned at the ceremony, and a trustee decrypts one aggregate
 * per election only: a server that forks the board cannot get shares of the fork and of the real board.
 */
import { parseManifest, tallyCiphertexts, tallyFromJSON, tallyToJSON } from '../crypto/ballot';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../crypto/encoding';
import { ristretto255Group as group } from '../crypto/group';
import { aggregateCounted, countedBallotSeqs, type RevotingPolicy } from '../crypto/record/counting';
import { verifyBoardLog } from '../crypto/record/board-log';
import { verifyElectionRecord } from '../crypto/record/verify-record';
import type { SignedTreeHead } from '../crypto/record/tree-head';
import { computeDecryptionShare, decryptionShareFromJSON, decryptionShareToJSON } from '../crypto/threshold/decryption';
import { electionKeySetEquals, electionKeySetFromJSON } from '../crypto/threshold/dkg';
import { readSecretJson } from './files';
import { ApiClient, ApiError } from './http';
import { electionFilePath, readSecretShare, readTrusteeKey } from './trustee';
import { BoardForkError, newBoardState, observeHead, readBoardState, writeBoardState } from './trustee-board';

export interface RecordJSON {
  format: string;
  version: number;
  electionId: string;
  boardPublicKey: string;
  head: SignedTreeHead;
  entries: string[];
}

export interface DecryptOptions {
  server: string;
  electionId: string;
  keyPath: string;
  log?: (line: string) => void;
}

export interface DecryptResult {
  trustee: number;
  created: boolean;
  seq: number;
  shares: number;
  result: unknown;
}

export async function trusteeDecrypt(o: DecryptOptions): Promise<DecryptResult> {
  const log = o.log ?? (() => undefined);
  const api = new ApiClient(o.server);
  const key = readTrusteeKey(o.keyPath, log);
  const mine = readSecretShare(o.keyPath, o.electionId);
  const file = readSecretJson(electionFilePath(o.keyPath, o.electionId)) as { setupHash: string };
  const id = encodeURIComponent(o.electionId);
  // The first read after the close makes the server compute the aggregate; its list of shares is not used.
  const tallyView = await api.get<{ tallySeq: number; result: unknown }>(`/elections/${id}/tally`);
  const record = await api.get<RecordJSON>(`/elections/${id}/record`);
  // The board key pinned at the ceremony (H binds it too), and a record that extends every head this
  // trustee has seen (a consistency proof from the last one): a fork shown to this trustee is refused.
  let state = readBoardState(o.keyPath, o.electionId);
  if (!state) {
    log('warning: no saved board state from the ceremony; pinning the board key and head of this record (run the ceremony with this version to pin them earlier)');
    state = newBoardState(o.electionId, record.boardPublicKey, record.head);
  }
  if (record.boardPublicKey !== state.boardPublicKey) throw new BoardForkError(`the record is signed with board key ${record.boardPublicKey}, not the one pinned at the ceremony (${state.boardPublicKey})`);
  state = await observeHead(api, state, record.head);
  writeBoardState(o.keyPath, state);
  const board = verifyBoardLog(o.electionId, record.entries, record.head, hexToBytes(record.boardPublicKey, 32, 'board key'));
  if (!board.ok) throw new Error(`the board does not verify: ${board.failures.slice(0, 3).join('; ')}`);
  // Everything up to the tally must verify (§70.3 checks 1–11 and 15): in particular every counted ballot's
  // token, signature and proofs, so that no ballot made up or copied by the server is ever decrypted.
  const v = verifyElectionRecord(record);
  const bad = v.checks.filter((c) => (Number(c.id) <= 11 || c.id === '15') && c.status !== 'pass');
  if (bad.length > 0) throw new Error(`the record does not verify up to the tally: ${bad.map((c) => `check ${c.id} (${c.title}): ${c.reason ?? c.status}`).join('; ')}`);
  const entry = (kind: string) => board.entries.find((e) => e.kind === kind);
  const manifestEntry = entry('manifest')?.payload as { manifest: unknown; parameters: { revoting: RevotingPolicy } } | undefined;
  const keyEntry = entry('election-key')?.payload as { keySet: unknown; baseHash: string } | undefined;
  const tallyEntry = board.entries.find((e) => e.kind === 'tally' && e.seq === tallyView.tallySeq);
  if (!manifestEntry || !keyEntry || !tallyEntry) throw new Error('the board has no manifest, election key or tally entry');
  if (!electionKeySetEquals(group, electionKeySetFromJSON(group, keyEntry.keySet), mine.keySet) || keyEntry.baseHash !== bytesToHex(mine.baseHash)) {
    throw new Error('the election key on the board differs from the one this trustee saved at the ceremony');
  }
  const manifest = parseManifest(manifestEntry.manifest);
  const t = tallyEntry.payload as { aggregate: unknown; counted: number[]; boardSize: number };
  if (!Number.isSafeInteger(t.boardSize) || t.boardSize > tallyEntry.seq) throw new Error('the tally names a tree head that does not precede it');
  const closeEntry = entry('close');
  if (!closeEntry || closeEntry.seq >= t.boardSize) throw new Error('the tally was not computed after the close');
  const counted = countedBallotSeqs(board.entries, manifestEntry.parameters.revoting, t.boardSize);
  if (JSON.stringify(counted) !== JSON.stringify(t.counted)) throw new Error('the tally does not count exactly the last valid ballot of each pseudonym');
  const aggregate = aggregateCounted(group, manifest, board.entries, counted);
  if (JSON.stringify(tallyToJSON(group, aggregate)) !== JSON.stringify(t.aggregate)) throw new Error('the published aggregate is not the sum of the counted ballots');
  const published = tallyFromJSON(group, manifest, t.aggregate);
  log(`aggregate of ${counted.length} counted ballots (board size ${t.boardSize}) recomputed and equal to the published one`);
  // A share of this trustee on the (verified) record can only be this trustee's: its proofs need x_ℓ.
  const mineOnBoard = board.entries.find((e) => e.kind === 'decryption-share' && (e.payload as { trustee?: unknown }).trustee === mine.trustee);
  const aggregateHash = bytesToHex(sha256(utf8ToBytes(JSON.stringify(t.aggregate))));
  // One aggregate per election, ever: a trustee who decrypted one tally refuses any other.
  if (state.decrypted && (state.decrypted.aggregate !== aggregateHash || state.decrypted.tallySeq !== tallyEntry.seq)) {
    throw new BoardForkError(
      `this trustee already decrypted another aggregate of this election (tally entry ${state.decrypted.tallySeq} at ${state.decrypted.head.size} entries, root ${state.decrypted.head.root}); it decrypts no second one`,
    );
  }
  if (mineOnBoard) {
    log(`the decryption share of trustee ${mine.trustee} is already on the board (entry ${mineOnBoard.seq})`);
    return { trustee: mine.trustee, created: false, seq: mineOnBoard.seq, shares: board.entries.filter((e) => e.kind === 'decryption-share').length, result: tallyView.result };
  }
  if (tallyView.result) log('the result is already published');
  // Recorded before it leaves: after a crash or a lost answer the same share is posted, never another.
  const share = state.decrypted
    ? decryptionShareFromJSON(group, state.decrypted.share)
    : computeDecryptionShare(group, mine.baseHash, mine.keySet, mine.trustee, mine.secretShare, tallyCiphertexts(published));
  const body = { share: decryptionShareToJSON(group, share) };
  if (!state.decrypted) writeBoardState(o.keyPath, (state = { ...state, decrypted: { tallySeq: tallyEntry.seq, aggregate: aggregateHash, head: record.head, share: body.share } }));
  const signer = { electionId: o.electionId, trustee: mine.trustee, secretKey: key.secretKey, setupHash: hexToBytes(file.setupHash, 32, 'setup hash') };
  const post = () => api.signedPost<DecryptResult>(`/elections/${id}/tally/shares`, body, signer);
  // A pooled keep-alive connection may have been closed by the server while we verified: retry (twice), with the
  // same share (re-signed, fresh nonce), which the server answers with created: false if it got the first.
  let r: DecryptResult | undefined;
  for (let attempt = 1; r === undefined; attempt++) {
    try {
      r = await post();
    } catch (e) {
      if (e instanceof ApiError || attempt >= 3) throw e; // an answer of the server is final; a network error is not
      await new Promise((done) => setTimeout(done, 250 * attempt));
    }
  }
  log(`decryption share of trustee ${mine.trustee} ${r.created ? 'posted' : 'was already on the board'} (entry ${r.seq}); ${r.shares} share(s) in${r.result ? '; result published' : ''}`);
  return r;
}
