import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { ConflictError, InvalidInputError, StateError, UnprocessableError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { auditedBallotFromJSON, auditedBallotToJSON, electionBindingsToJSON, type EncryptedBallotJSON, normalizeTrackingCode, trackingCode, verifyAuditedBallot } from '../../crypto/ballot';
import { loadGroupFor } from '../../crypto/backends';
import { hexToBytes } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import { defaultGroup, type Group } from '../../crypto/group';
import type { SignedTreeHead } from '../../crypto/record/tree-head';
import { electionKeySetToJSON } from '../../crypto/threshold/dkg';
import type { BallotToken } from '../../crypto/tokens/ballot-token';
import { DEFAULT_WORKER_BACKEND } from '../../parallel/backend';
import { RecordWorkerPool } from '../../parallel/pool';
import { BoardService } from '../board/board.service';
import { ElectionsService } from '../elections/elections.service';
import { acceptsBallots } from '../elections/lifecycle';
import { issuersFromPayload } from '../../crypto/record/election-setup';
import type { AuditBallotDto, CastBallotDto } from './ballots.dto';
import { type CastCheckResult, type CastContext, type CastContextJSON, castContext, checkSubmission } from './cast-check';

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

/** A submission that passed every check: what is stored. */
interface CheckedSubmission {
  token: BallotToken;
  ballot: EncryptedBallotJSON;
  /** Ballot hash and pseudonym, hex. */
  hash: string;
  pseudonym: string;
}

/**
 * Anonymous casting. Nothing here knows who the voter is: the request carries a token the issuers signed
 * blindly and a ballot signed by the token's pseudonym key. Every check runs before the database is
 * touched; the receipt is built only after the transaction that stores the ballot has committed.
 */
@Injectable()
export class BallotsService implements OnModuleInit, OnModuleDestroy {
  /**
   * The group backend of the cast path: libsodium when it loads (less CPU per ballot from JSON,
   * docs/performance.md), else the reference backend. Byte-identical, so receipts do not change.
   */
  private group: Group = defaultGroup;
  /** Per election: the checks' context as data (for workers) and built on this thread's backend. */
  private readonly contexts = new Map<string, Promise<{ json: CastContextJSON; local?: CastContext }>>();
  /**
   * Worker threads for the checks (CAST_WORKERS), so the event loop stays free for the database: a cast
   * holds the board's lock for a few statements, and each one waited behind other ballots' verification.
   */
  private pool: Promise<RecordWorkerPool> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly elections: ElectionsService,
    private readonly board: BoardService,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.group = await loadGroupFor('verify');
  }

  async onModuleDestroy(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await (await pool?.catch(() => undefined))?.close();
  }

  async cast(electionId: string, dto: CastBallotDto): Promise<BallotReceipt> {
    const context = await this.context(electionId);
    let result: CastCheckResult;
    if (this.config.CAST_WORKERS > 0) {
      this.pool ??= RecordWorkerPool.start({ backend: DEFAULT_WORKER_BACKEND }, this.config.CAST_WORKERS);
      const reply = await (await this.pool).run({ type: 'cast', context: context.json, submission: { token: dto.token, ballot: dto.ballot, counter: dto.counter, signature: dto.signature } });
      if (reply.type !== 'cast') throw new Error('unexpected worker reply');
      result = reply.result;
    } else result = checkSubmission(this.localContext(context), dto, true);
    return this.store(electionId, accepted(result), dto, false);
  }

  async audit(electionId: string, dto: AuditBallotDto): Promise<BallotReceipt & { choices: Record<string, readonly string[]> }> {
    const ctx = this.localContext(await this.context(electionId));
    const s = accepted(checkSubmission(ctx, dto, false));
    let audited;
    try {
      audited = auditedBallotFromJSON(this.group, ctx.election.manifest, { ballot: dto.ballot, reveal: dto.reveal });
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_audit', e.message);
      throw e;
    }
    const verdict = verifyAuditedBallot(this.group, ctx.election, audited);
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

  /** The election must accept ballots now; its context for the checks (cached: it never changes once open). */
  private async context(electionId: string): Promise<{ json: CastContextJSON; local?: CastContext }> {
    const row = await this.elections.get(electionId);
    if (!acceptsBallots(row.status, new Date(), { opensAt: row.opens_at, closesAt: row.closes_at })) {
      throw new StateError('election_not_open', `This election does not accept ballots now (it is ${row.status.replace('_', ' ')})`);
    }
    let c = this.contexts.get(electionId);
    if (!c) {
      // The promise is cached, not its value: the first casts of an election arrive together, and each
      // building its own context repeated the election key's precomputation on the event loop.
      c = this.buildContext(electionId, row.issuer_threshold);
      this.contexts.set(electionId, c);
      c.catch(() => this.contexts.delete(electionId));
    }
    return c;
  }

  private async buildContext(electionId: string, issuerThreshold: number): Promise<{ json: CastContextJSON; local?: CastContext }> {
    const e = await this.elections.cryptoElection(electionId);
    // The issuers' keys as the board published them (seq 1, bound into H): the casting side holds no
    // issuer secret and asks the issuers nothing.
    const [entry] = await this.board.entries(electionId, 1, 1);
    const listed = issuersFromPayload(entry?.kind === 'issuer-keys' ? (JSON.parse(entry.entry) as { payload: unknown }).payload : undefined);
    if (listed.failures.length > 0) throw new Error(`election ${electionId}: its issuer-keys entry does not parse: ${listed.failures[0]}`);
    const issuers = listed.issuers.map((i) => ({ id: i.id, publicKey: i.publicJwk }));
    const json: CastContextJSON = {
      electionId,
      manifest: e.manifest,
      setupHash: Buffer.from(e.setupHash).toString('hex'),
      bindings: electionBindingsToJSON(e.bindings),
      keySet: electionKeySetToJSON(defaultGroup, e.keys),
      issuers,
      issuerThreshold,
    };
    return { json };
  }

  private localContext(c: { json: CastContextJSON; local?: CastContext }): CastContext {
    return (c.local ??= castContext(this.group, c.json));
  }

  private async store(electionId: string, s: CheckedSubmission, dto: CastBallotDto, audited: boolean, reveal?: unknown): Promise<BallotReceipt> {
    const hash = hexToBytes(s.hash, 32);
    const pseudonym = Buffer.from(s.pseudonym, 'hex');
    const code = trackingCode(hash);
    const payload = { token: s.token, ballot: s.ballot, counter: dto.counter, signature: dto.signature, ...(audited ? { reveal } : {}) };
    try {
      return await this.dataSource.transaction(async (m) => {
        // Lock the election row: a concurrent close waits for this cast, and this cast sees a close that won.
        const [row] = await m.query(`SELECT status, revoting, opens_at, closes_at FROM elections WHERE id = $1 FOR SHARE`, [electionId]);
        if (!acceptsBallots(row.status, new Date(), { opensAt: row.opens_at, closesAt: row.closes_at })) {
          throw new StateError('election_not_open', 'This election closed before the ballot could be stored');
        }
        if (!audited && row.revoting === 'first') {
          const [prior] = await m.query(`SELECT 1 FROM counted_ballots WHERE election_id = $1 AND pseudonym = $2`, [electionId, pseudonym]);
          if (prior) throw new ConflictError('already_voted', 'A ballot was already cast with this token, and this election counts only the first');
        }
        const appended = await this.board.append(m, electionId, audited ? 'audit' : 'ballot', payload, code);
        // The append holds the election's board lock, so this count sees every earlier submission of the
        // pseudonym and no concurrent one can slip past the cap (a refusal rolls the append back).
        await this.refuseStaleOrOverLimit(m, electionId, pseudonym, audited, hash, dto.counter);
        // The ballot row and, for a cast, the counted pointer in one statement (the board lock is held).
        // Last ballot counts: the newest board position wins, even if concurrent casts commit out of order.
        await m.query(
          `WITH ballot AS (
             INSERT INTO ballots (election_id, ballot_hash, seq, pseudonym, tracking_code, audited, counter) VALUES ($1, $2, $3, $4, $5, $6, $7)
           )
           INSERT INTO counted_ballots (election_id, pseudonym, seq) SELECT $1, $4, $3 WHERE NOT $6
           ON CONFLICT ON CONSTRAINT counted_ballots_pk DO UPDATE SET seq = EXCLUDED.seq WHERE counted_ballots.seq < EXCLUDED.seq`,
          [electionId, Buffer.from(hash), appended.seq, pseudonym, code, audited, dto.counter],
        );
        return { trackingCode: code, ballotHash: s.hash, audited, seq: appended.seq, entry: appended.entry, leafHash: appended.leafHash, head: appended.head, path: appended.path };
      });
    } catch (e) {
      const constraint = e instanceof QueryFailedError ? (e as QueryFailedError & { driverError?: { constraint?: string } }).driverError?.constraint : undefined;
      if (constraint === 'ballots_pk' || constraint === 'board_entries_tracking_code_uq') {
        return this.existingReceipt(electionId, hash, audited);
      }
      throw e;
    }
  }

  /**
   * Refuses the submission (409) when its counter does not exceed every earlier one of the pseudonym (a
   * replayed or reordered submission, §20), or when the pseudonym used up its audits or re-votes.
   */
  private async refuseStaleOrOverLimit(m: EntityManager, electionId: string, pseudonym: Buffer, audited: boolean, hash: Uint8Array, counter: number): Promise<void> {
    const [used]: Array<{ audits: number; casts: number; same: number; top: string | null }> = await m.query(
      `SELECT count(*) FILTER (WHERE audited)::int AS audits, count(*) FILTER (WHERE NOT audited)::int AS casts,
              count(*) FILTER (WHERE ballot_hash = $3)::int AS same, max(counter)::text AS top
         FROM ballots WHERE election_id = $1 AND pseudonym = $2`,
      [electionId, pseudonym, Buffer.from(hash)],
    );
    if (used.same > 0) return; // the same ballot again: the primary key answers with its receipt
    if (used.top !== null && counter <= Number(used.top)) {
      throw new ConflictError('stale_counter', `This token already submitted a ballot with counter ${used.top}; a new submission needs a higher counter`);
    }
    if (audited && used.audits >= this.config.MAX_AUDITS_PER_TOKEN) {
      throw new ConflictError('audit_limit', `This token has already audited ${used.audits} ballots, the most this election allows (${this.config.MAX_AUDITS_PER_TOKEN})`);
    }
    if (!audited && used.casts > this.config.MAX_REVOTES_PER_TOKEN) {
      throw new ConflictError('revote_limit', `This token has already cast ${used.casts} ballots; this election allows at most ${this.config.MAX_REVOTES_PER_TOKEN} re-votes`);
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
    return { trackingCode: row.tracking_code, ballotHash: Buffer.from(hash).toString('hex'), audited, seq, entry: entry.entry, leafHash: entry.leafHash, head: proof.head, path: proof.path };
  }
}

/** The checked submission, or the refusal as the API's typed error. */
function accepted(r: CastCheckResult): CheckedSubmission {
  if (r.ok) return { token: r.token, ballot: r.ballot, hash: r.hash, pseudonym: r.pseudonym };
  const { kind, code, message, details } = r.refusal;
  if (kind === 'malformed') throw new InvalidInputError(code, message);
  throw new UnprocessableError(code, message, details ? [...details] : undefined);
}
