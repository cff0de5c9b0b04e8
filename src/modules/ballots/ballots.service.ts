import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { ConflictError, InvalidInputError, StateError, UnprocessableError } from '../../common/errors/domain-error';
import {
  auditedBallotFromJSON,
  ballotEquations,
  auditedBallotToJSON,
  ballotFromJSON,
  ballotHash,
  ballotToJSON,
  type EncryptedBallot,
  normalizeTrackingCode,
  trackingCode,
  verifyAuditedBallot,
  verifyBallot,
  createElection,
  type Election,
} from '../../crypto/ballot';
import { bytesToHex, hexToBytes } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import { batchHolds } from '../../crypto/batch';
import { electionKeySetFromJSON, electionKeySetToJSON } from '../../crypto/threshold/dkg';
import { loadGroupFor } from '../../crypto/backends';
import { defaultGroup, type Group } from '../../crypto/group';
import type { SignedTreeHead } from '../../crypto/record/tree-head';
import { type BallotToken, validateBallotToken, verifyTokenSignatures } from '../../crypto/tokens/ballot-token';
import { verifyBallotSignature } from '../../crypto/tokens/pseudonym';
import { BoardService } from '../board/board.service';
import { ElectionsService } from '../elections/elections.service';
import { acceptsBallots } from '../elections/lifecycle';
import { IssuerRegistry } from '../tokens/issuer-registry';
import type { AuditBallotDto, CastBallotDto } from './ballots.dto';

/** What a voter keeps: proof that the board took their ballot, signed by the board. */
export interface BallotReceipt {
  trackingCode: string;
  ballotHash: string;
  audited: boolean;
  /** Position on the election's board. */
  seq: number;
  /** The exact board entry (its UTF-8 bytes are the Merkle leaf). */
  entry: string;
  leafHash: string;
  /** The signed tree head that ends with this entry, and the entry's inclusion proof in it. */
  head: SignedTreeHead;
  path: string[];
}

interface CheckedSubmission {
  election: Election;
  token: BallotToken;
  ballot: EncryptedBallot;
  hash: Uint8Array;
  pseudonym: Buffer;
}

/**
 * Anonymous casting. Nothing here knows who the voter is: the request carries a token the issuers signed
 * blindly and a ballot signed by the token's pseudonym key. Every check runs before the database is
 * touched; the receipt is built only after the transaction that stores the ballot has committed.
 */
@Injectable()
export class BallotsService implements OnModuleInit {
  /**
   * The group backend of the cast path: libsodium when it loads (measured ~30% less CPU per ballot from
   * JSON, docs/performance.md), else the reference backend. Byte-identical, so receipts do not change.
   */
  private group: Group = defaultGroup;
  /** Elections rebuilt on that backend (points belong to the backend that decoded them). */
  private readonly castElections = new Map<string, Election>();

  async onModuleInit(): Promise<void> {
    this.group = await loadGroupFor('verify');
  }

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly elections: ElectionsService,
    private readonly board: BoardService,
    private readonly issuers: IssuerRegistry,
  ) {}

  async cast(electionId: string, dto: CastBallotDto): Promise<BallotReceipt> {
    const s = await this.check(electionId, dto);
    // All of the ballot's proof equations as one random linear combination (§10.11): about 4× faster than
    // one by one. Only a failing ballot pays for the detailed one-by-one report.
    const equations = ballotEquations(this.group, s.election, s.ballot);
    if (equations === false || !batchHolds(this.group, equations)) {
      const verdict = verifyBallot(this.group, s.election, s.ballot);
      const failures = verdict.valid ? [{ check: 'batch', message: 'the proof equations do not hold' }] : verdict.failures.map((f) => ({ ...f }));
      throw new UnprocessableError('invalid_ballot', 'The ballot does not verify', failures);
    }
    return this.store(electionId, s, dto, false);
  }

  async audit(electionId: string, dto: AuditBallotDto): Promise<BallotReceipt & { choices: Record<string, readonly string[]> }> {
    const s = await this.check(electionId, dto);
    let audited;
    try {
      audited = auditedBallotFromJSON(this.group, s.election.manifest, { ballot: dto.ballot, reveal: dto.reveal });
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_audit', e.message);
      throw e;
    }
    const verdict = verifyAuditedBallot(this.group, s.election, audited);
    if (!verdict.valid) throw new UnprocessableError('invalid_audit', 'The audited ballot does not open to its reveal', verdict.failures.map((f) => ({ ...f })));
    const receipt = await this.store(electionId, s, dto, true, auditedBallotToJSON(this.group, audited).reveal);
    return { ...receipt, choices: { ...verdict.choices } };
  }

  /** The board entry of a ballot or audit, by tracking code, with its inclusion proof in the latest head. */
  async findByTrackingCode(electionId: string, code: string) {
    let normalized: string;
    try {
      normalized = normalizeTrackingCode(code);
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_tracking_code', e.message);
      throw e;
    }
    const seq = await this.board.seqOfTrackingCode(electionId, normalized);
    const [entry] = await this.board.entries(electionId, seq, 1);
    return { trackingCode: normalized, entry, inclusion: await this.board.inclusion(electionId, seq) };
  }

  private async castElection(electionId: string): Promise<Election> {
    const cached = this.castElections.get(electionId);
    if (cached) return cached;
    const e = await this.elections.cryptoElection(electionId);
    const election = this.group === defaultGroup ? e : createElection(this.group, e.manifest, e.setupHash, electionKeySetFromJSON(this.group, electionKeySetToJSON(defaultGroup, e.keys)));
    this.castElections.set(electionId, election);
    return election;
  }

  private async check(electionId: string, dto: CastBallotDto): Promise<CheckedSubmission> {
    const row = await this.elections.get(electionId);
    if (!acceptsBallots(row.status, new Date(), { opensAt: row.opens_at, closesAt: row.closes_at })) {
      throw new StateError('election_not_open', `This election does not accept ballots now (it is ${row.status.replace('_', ' ')})`);
    }
    const election = await this.castElection(electionId);
    let token: BallotToken;
    let ballot: EncryptedBallot;
    try {
      token = validateBallotToken(dto.token);
      ballot = ballotFromJSON(this.group, election.manifest, dto.ballot);
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('malformed_submission', e.message);
      throw e;
    }
    if (token.electionId !== electionId) throw new UnprocessableError('wrong_election', 'The token was issued for another election');
    const issuers = row.issuer_ids.map((id) => this.issuers.get(id)).filter((i) => i !== undefined).map((i) => ({ id: i.id, publicKey: i.publicKey }));
    const tokenCheck = verifyTokenSignatures(token, issuers, row.issuer_threshold, { electionBaseHash: election.electionHash });
    if (!tokenCheck.valid) {
      throw new UnprocessableError('invalid_token', `The token does not carry valid signatures of ${row.issuer_threshold} distinct issuers of this election`, tokenCheck.error ? [tokenCheck.error] : tokenCheck.rejected.map((r) => ({ ...r })));
    }
    // The ballot's proofs are bound to the pseudonym key the token certifies.
    if (bytesToHex(ballot.credential) !== token.pseudonym) throw new UnprocessableError('credential_mismatch', "The ballot's credential is not the token's pseudonym");
    const hash = ballotHash(this.group, ballot);
    const pseudonym = Buffer.from(token.pseudonym, 'hex');
    if (!verifyBallotSignature(new Uint8Array(pseudonym), electionId, hash, hexToBytes(dto.signature, 64))) {
      throw new UnprocessableError('invalid_signature', "The signature is not the pseudonym's signature of this ballot");
    }
    return { election, token, ballot, hash, pseudonym };
  }

  private async store(electionId: string, s: CheckedSubmission, dto: CastBallotDto, audited: boolean, reveal?: unknown): Promise<BallotReceipt> {
    const code = trackingCode(s.hash);
    const payload = { token: s.token, ballot: ballotToJSON(this.group, s.ballot), signature: dto.signature, ...(audited ? { reveal } : {}) };
    try {
      return await this.dataSource.transaction(async (m) => {
        // Lock the election row: a concurrent close waits for this cast, and this cast sees a close that won.
        const [row] = await m.query(`SELECT status, revoting, opens_at, closes_at FROM elections WHERE id = $1 FOR SHARE`, [electionId]);
        if (!acceptsBallots(row.status, new Date(), { opensAt: row.opens_at, closesAt: row.closes_at })) {
          throw new StateError('election_not_open', 'This election closed before the ballot could be stored');
        }
        if (!audited && row.revoting === 'first') {
          const [prior] = await m.query(`SELECT 1 FROM counted_ballots WHERE election_id = $1 AND pseudonym = $2`, [electionId, s.pseudonym]);
          if (prior) throw new ConflictError('already_voted', 'A ballot was already cast with this token, and this election counts only the first');
        }
        const appended = await this.board.append(m, electionId, audited ? 'audit' : 'ballot', payload, code);
        await m.query(`INSERT INTO ballots (election_id, ballot_hash, seq, pseudonym, tracking_code, audited) VALUES ($1, $2, $3, $4, $5, $6)`, [
          electionId, Buffer.from(s.hash), appended.seq, s.pseudonym, code, audited,
        ]);
        if (!audited) {
          // Last ballot counts: the newest board position wins, even if concurrent casts commit out of order.
          await m.query(
            `INSERT INTO counted_ballots (election_id, pseudonym, seq) VALUES ($1, $2, $3)
             ON CONFLICT ON CONSTRAINT counted_ballots_pk DO UPDATE SET seq = EXCLUDED.seq WHERE counted_ballots.seq < EXCLUDED.seq`,
            [electionId, s.pseudonym, appended.seq],
          );
        }
        return { trackingCode: code, ballotHash: bytesToHex(s.hash), audited, seq: appended.seq, entry: appended.entry, leafHash: appended.leafHash, head: appended.head, path: appended.path };
      });
    } catch (e) {
      const constraint = e instanceof QueryFailedError ? (e as QueryFailedError & { driverError?: { constraint?: string } }).driverError?.constraint : undefined;
      if (constraint === 'ballots_pk' || constraint === 'board_entries_tracking_code_uq') {
        return this.existingReceipt(electionId, s.hash, audited);
      }
      throw e;
    }
  }

  /** The same ballot sent again (a retry after a lost answer): its receipt, not a second copy. */
  private async existingReceipt(electionId: string, hash: Uint8Array, audited: boolean): Promise<BallotReceipt> {
    const [row] = await this.dataSource.query(`SELECT seq, tracking_code, audited FROM ballots WHERE election_id = $1 AND ballot_hash = $2`, [electionId, Buffer.from(hash)]);
    if (!row) throw new ConflictError('duplicate_ballot', 'This ballot conflicts with one already on the board');
    if (row.audited !== audited) throw new ConflictError('duplicate_ballot', audited ? 'This ballot was cast; it cannot be audited' : 'This ballot was audited; it cannot be cast');
    const seq = Number(row.seq);
    const [entry] = await this.board.entries(electionId, seq, 1);
    const proof = await this.board.inclusion(electionId, seq, seq + 1);
    return { trackingCode: row.tracking_code, ballotHash: bytesToHex(hash), audited, seq, entry: entry.entry, leafHash: entry.leafHash, head: proof.head, path: proof.path };
  }
}
