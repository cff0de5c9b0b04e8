import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ConflictError, InvalidInputError, StateError, UnprocessableError } from '../../common/errors/domain-error';
import { type Election, resultFromTotals, tallyCiphertexts, tallyFromCiphertexts, tallyFromJSON, tallyToJSON, type EncryptedTallyJSON } from '../../crypto/ballot';
import { CryptoError } from '../../crypto/errors';
import { defaultGroup as group } from '../../crypto/group';
import { addCiphertextVectors, type Ciphertext } from '../../crypto/elgamal';
import { aggregateCounted, type CountableEntry, countedBallotSeqs, type RevotingPolicy } from '../../crypto/record/counting';
import { sumBallotEntriesParallel } from '../../parallel/aggregate-parallel';
import {
  checkDecryptionShare,
  combineDecryptionShares,
  type DecryptionShare,
  decryptionShareFromJSON,
  decryptionShareToJSON,
} from '../../crypto/threshold/decryption';
import { AppConfig } from '../../config/app-config';
import { BoardService } from '../board/board.service';
import { ElectionsService } from '../elections/elections.service';
import { nextStatus } from '../elections/lifecycle';

/** Counted ballots read (and summed) per page: bounds the memory of a million-ballot tally. */
const TALLY_PAGE = 50_000;

/** The public tally view served by `GET /elections/:id/tally` (docs/protocol.md §70). */
export interface TallyView {
  electionId: string;
  status: string;
  threshold: number;
  /** Board position of the 'tally' entry. */
  tallySeq: number;
  /** Size of the signed tree head the aggregate was computed at (every counted ballot is below it). */
  boardSize: number;
  counted: number[];
  aggregate: EncryptedTallyJSON;
  shares: Array<{ trustee: number; seq: number }>;
  result: ResultPayload | null;
}

/** Payload of the 'result' board entry. */
export interface ResultPayload {
  tallySeq: number;
  /** The trustees whose shares were combined (Lagrange over exactly this set), increasing. */
  trustees: number[];
  /** Board positions of those trustees' 'decryption-share' entries, same order. */
  shareSeqs: number[];
  /** m_t per ciphertext of the flattened tally (manifest order). */
  totals: number[];
  /** { contestId: { optionId: total } }. */
  results: Record<string, Record<string, number>>;
}

interface TallyRow {
  tally_seq: number;
  board_size: number;
  aggregate: string;
  counted: number[];
  result: string | null;
}

/**
 * The tally: after the close, the homomorphic sum of the counted ballots exactly as the board shows them;
 * trustees' decryption shares (proofs checked, one per trustee); with k valid shares, the combination,
 * the result on the board and the election moved closed → tallied (record_tally, no step-up).
 * The aggregate is computed lazily, by the first `GET /elections/:id/tally` or share after the close, in a
 * transaction that locks the election row, so it is computed once.
 */
@Injectable()
export class TallyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly elections: ElectionsService,
    private readonly board: BoardService,
    private readonly config: AppConfig,
  ) {}

  async view(electionId: string): Promise<TallyView> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.ensureTally(m, electionId);
      return this.viewOf(m, electionId, row);
    });
  }

  async submitShare(electionId: string, trustee: number, shareJson: unknown): Promise<{ trustee: number; created: boolean; seq: number; shares: number; result: ResultPayload | null }> {
    return this.dataSource.transaction(async (m) => {
      const tally = await this.ensureTally(m, electionId);
      const election = await this.elections.cryptoElection(electionId, m);
      let share: DecryptionShare;
      try {
        share = decryptionShareFromJSON(group, shareJson);
      } catch (e) {
        if (e instanceof CryptoError) throw new InvalidInputError('malformed_share', e.message);
        throw e;
      }
      if (share.trustee !== trustee) throw new UnprocessableError('trustee_mismatch', `The share is trustee ${share.trustee}'s; the request is signed by trustee ${trustee}`);
      const canonical = JSON.stringify(decryptionShareToJSON(group, share));
      const [existing]: Array<{ share: string; seq: number }> = await m.query(`SELECT share, seq FROM decryption_shares WHERE election_id = $1 AND trustee = $2`, [electionId, trustee]);
      if (existing) {
        if (existing.share !== canonical) throw new ConflictError('share_exists', `Trustee ${trustee} has already posted a different decryption share`);
        return { trustee, created: false, seq: Number(existing.seq), shares: await this.shareCount(m, electionId), result: tally.result ? JSON.parse(tally.result) : null };
      }
      if (tally.result) throw new StateError('tally_complete', 'The result is already on the board; no more shares are needed');
      const ciphertexts = tallyCiphertexts(tallyFromJSON(group, election.manifest, JSON.parse(tally.aggregate)));
      const failures = checkDecryptionShare(group, election.electionHash, election.keys, ciphertexts, share);
      if (failures.length > 0) throw new UnprocessableError('share_invalid', `The decryption share does not verify: ${failures[0]}`, [...failures]);
      const appended = await this.board.append(m, electionId, 'decryption-share', { trustee, tallySeq: tally.tally_seq, share: JSON.parse(canonical) });
      await m.query(`INSERT INTO decryption_shares (election_id, trustee, share, seq) VALUES ($1, $2, $3, $4)`, [electionId, trustee, canonical, appended.seq]);
      const rows: Array<{ trustee: number; share: string; seq: number }> = await m.query(
        `SELECT trustee, share, seq FROM decryption_shares WHERE election_id = $1 ORDER BY trustee`,
        [electionId],
      );
      let result: ResultPayload | null = null;
      if (rows.length >= election.keys.threshold) {
        const shares = rows.map((r) => decryptionShareFromJSON(group, JSON.parse(r.share)));
        const max = tally.counted.length;
        const combined = combineDecryptionShares(group, election.electionHash, election.keys, ciphertexts, shares, { max, babySteps: Math.max(1, Math.ceil(Math.sqrt(max + 1))) });
        result = {
          tallySeq: tally.tally_seq,
          trustees: rows.map((r) => Number(r.trustee)),
          shareSeqs: rows.map((r) => Number(r.seq)),
          totals: [...combined.results],
          results: resultFromTotals(election.manifest, combined.results) as Record<string, Record<string, number>>,
        };
        await this.publishResult(m, electionId, result);
      }
      return { trustee, created: true, seq: appended.seq, shares: rows.length, result };
    });
  }

  private async shareCount(m: EntityManager, electionId: string): Promise<number> {
    const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM decryption_shares WHERE election_id = $1`, [electionId]);
    return n;
  }

  /** Appends the 'result' entry, stores it and moves the election closed → tallied. */
  private async publishResult(m: EntityManager, electionId: string, result: ResultPayload): Promise<void> {
    const appended = await this.board.append(m, electionId, 'result', result);
    await m.query(`UPDATE election_tallies SET result = $2, result_seq = $3 WHERE election_id = $1`, [electionId, JSON.stringify(result), appended.seq]);
    const row = await this.elections.get(electionId, m);
    await m.query(`UPDATE elections SET status = $2 WHERE id = $1`, [electionId, nextStatus(row.status, 'record_tally')]);
  }

  /**
   * The tally row, computed first if the election is closed and has none: counted ballots and their sum
   * from the board entries themselves, then the 'tally' entry. Locks the election row.
   */
  private async ensureTally(m: EntityManager, electionId: string): Promise<TallyRow> {
    const row = await this.elections.get(electionId, m, true);
    const [existing]: TallyRow[] = await m.query(`SELECT tally_seq, board_size, aggregate, counted, result FROM election_tallies WHERE election_id = $1`, [electionId]);
    if (existing) return existing;
    if (row.status !== 'closed') throw new StateError('tally_not_ready', `The tally starts when the election is closed (it is ${row.status.replace('_', ' ')})`);
    const election: Election = await this.elections.cryptoElection(electionId, m);
    const [{ size }] = await m.query(`SELECT size FROM board_logs WHERE election_id = $1`, [electionId]);
    const boardSize = Number(size);
    const counted = countedBallotSeqs(await this.ballotPseudonyms(m, electionId), row.revoting as RevotingPolicy, boardSize);
    const aggregate = tallyToJSON(group, tallyFromCiphertexts(election.manifest, await this.sumCounted(m, electionId, election, counted)));
    const appended = await this.board.append(m, electionId, 'tally', { aggregate, counted, boardSize });
    await m.query(`INSERT INTO election_tallies (election_id, tally_seq, board_size, aggregate, counted) VALUES ($1, $2, $3, $4, $5)`, [
      electionId, appended.seq, boardSize, JSON.stringify(aggregate), counted,
    ]);
    const tally: TallyRow = { tally_seq: appended.seq, board_size: boardSize, aggregate: JSON.stringify(aggregate), counted, result: null };
    if (counted.length === 0) {
      // Nothing to decrypt (§30.6: an empty tally's α is the identity): every total is 0.
      const totals = tallyCiphertexts(tallyFromJSON(group, election.manifest, aggregate)).map(() => 0);
      const result: ResultPayload = { tallySeq: appended.seq, trustees: [], shareSeqs: [], totals, results: resultFromTotals(election.manifest, totals) as Record<string, Record<string, number>> };
      await this.publishResult(m, electionId, result);
      tally.result = JSON.stringify(result);
    }
    return tally;
  }

  /**
   * Every 'ballot' entry's position and token pseudonym, read from the entry text itself (PostgreSQL
   * extracts the one field, so a million entries never travel to this process).
   */
  private async ballotPseudonyms(m: EntityManager, electionId: string): Promise<CountableEntry[]> {
    const rows: Array<{ seq: string; pseudonym: string | null }> = await m.query(
      `SELECT seq, entry::json #>> '{payload,token,pseudonym}' AS pseudonym FROM board_entries WHERE election_id = $1 AND kind = 'ballot' ORDER BY seq`,
      [electionId],
    );
    return rows.map((r) => ({ seq: Number(r.seq), kind: 'ballot', payload: { token: { pseudonym: r.pseudonym ?? undefined } } }));
  }

  /**
   * Σ of the counted ballots, read in pages of entry texts. Large tallies are summed on every core
   * (src/parallel), small ones here (starting workers costs more than it saves).
   */
  private async sumCounted(m: EntityManager, electionId: string, election: Election, counted: readonly number[]): Promise<Ciphertext[]> {
    const page = async (seqs: readonly number[]) => {
      const rows: Array<{ entry: string }> = await m.query(`SELECT entry FROM board_entries WHERE election_id = $1 AND seq = ANY($2::bigint[]) ORDER BY seq`, [electionId, seqs]);
      return rows.map((r) => r.entry);
    };
    const from = this.config.TALLY_WORKERS_FROM_BALLOTS;
    if (from === 0 || counted.length < from) {
      const entries = (await page(counted)).map((text, i) => ({ seq: counted[i], kind: 'ballot', payload: (JSON.parse(text) as { payload: unknown }).payload }));
      return [...tallyCiphertexts(aggregateCounted(group, election.manifest, entries, counted))];
    }
    let sum: readonly Ciphertext[] | null = null;
    for (let i = 0; i < counted.length; i += TALLY_PAGE) {
      const part = await sumBallotEntriesParallel(election.manifest, await page(counted.slice(i, i + TALLY_PAGE)));
      sum = addCiphertextVectors(group, sum, part);
    }
    return [...sum!];
  }

  private async viewOf(m: EntityManager, electionId: string, t: TallyRow): Promise<TallyView> {
    const row = await this.elections.get(electionId, m);
    const shares: Array<{ trustee: number; seq: number }> = await m.query(`SELECT trustee, seq FROM decryption_shares WHERE election_id = $1 ORDER BY trustee`, [electionId]);
    return {
      electionId,
      status: row.status,
      threshold: row.trustee_threshold,
      tallySeq: Number(t.tally_seq),
      boardSize: Number(t.board_size),
      counted: t.counted.map(Number),
      aggregate: JSON.parse(t.aggregate),
      shares: shares.map((s) => ({ trustee: Number(s.trustee), seq: Number(s.seq) })),
      result: t.result ? JSON.parse(t.result) : null,
    };
  }
}
