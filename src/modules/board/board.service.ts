import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, InvalidInputError, StateError } from '../../common/errors/domain-error';
import type { ElectionBindings } from '../../crypto/ballot/election';
import type { ElectionSetupProof } from '../../crypto/record/election-setup';
import { bytesToHex, utf8ToBytes } from '../../crypto/encoding';
import { CompactRange, consistencyProof, inclusionProof, leafHash } from '../../crypto/record/merkle';
import { assembleProof, consistencyPlan, inclusionPlan, nodeKey, planNodes, type NodeId, type ProofPlan } from '../../crypto/record/merkle-nodes';
import { signTreeHead, type SignedTreeHead } from '../../crypto/record/tree-head';
import { BOARD_ENTRY_KINDS, type BoardEntryKind } from '../../crypto/record/board-log';
import { RECORD_VERSION } from '../../crypto/record/verify-record';
import { BoardKey } from './board-key';

export { BOARD_ENTRY_KINDS, type BoardEntryKind };

/** Tree-head times are coarse so that signed heads do not publish when each ballot arrived. */
export const TREE_HEAD_TIME_GRANULARITY_MS = 60_000;

/** Entries per database read when streaming the record. */
export const RECORD_PAGE_SIZE = 1000;

/** `json`: the record of docs/protocol.md §70.1; `ndjson`: its header on one line, then one entry text per line. */
export type RecordFormat = 'json' | 'ndjson';

export interface AppendedEntry {
  seq: number;
  /** The exact entry text (its UTF-8 bytes are the leaf). */
  entry: string;
  leafHash: string;
  /** The signed head of the tree that ends with this entry. */
  head: SignedTreeHead;
  /**
   * Inclusion proof of this entry in `head`. For the last leaf of a tree, the RFC 9162 audit path is the
   * roots of the perfect subtrees to its left, nearest first: the log's peaks before the append.
   */
  path: string[];
}

export interface ElectionRecord {
  format: 'evote-election-record';
  version: typeof RECORD_VERSION;
  electionId: string;
  boardPublicKey: string;
  head: SignedTreeHead;
  /** The board's entries in order, each the exact JSON text that is its Merkle leaf. */
  entries: string[];
}

export interface BoardEntryView {
  seq: number;
  kind: BoardEntryKind;
  /** The exact JSON text whose UTF-8 bytes are the Merkle leaf. */
  entry: string;
  leafHash: string;
}

/**
 * The bulletin board: one append-only RFC 9162 log per election. An append locks the election's log
 * row, so appends are totally ordered even with several server instances on one database; the log's
 * compact state makes an append O(log n). Every append is signed, so a receipt can carry a tree head
 * that includes the new entry. Each append also stores the subtrees it completes (board_nodes), so
 * proofs read O(log n) rows, never every leaf.
 */
@Injectable()
export class BoardService {
  private readonly logger = new Logger(BoardService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly key: BoardKey,
  ) {}

  /** The clock; replaceable in tests. */
  now: () => number = Date.now;

  /** Creates the (empty) log of a new election, inside the caller's transaction. */
  async createLog(manager: EntityManager, electionId: string): Promise<void> {
    await manager.query(`INSERT INTO board_logs (election_id) VALUES ($1)`, [electionId]);
  }

  /**
   * Appends one entry inside the caller's transaction: it becomes visible, and the returned signed head
   * valid, only when that transaction commits.
   */
  async append(manager: EntityManager, electionId: string, kind: BoardEntryKind, payload: unknown, trackingCode?: string): Promise<AppendedEntry> {
    const rows: Array<{ size: string; peaks: Buffer[] }> = await manager.query(
      `SELECT size, peaks FROM board_logs WHERE election_id = $1 FOR UPDATE`,
      [electionId],
    );
    if (rows.length === 0) throw new NotFoundError('election_not_found', 'No such election');
    const range = CompactRange.of(Number(rows[0].size), rows[0].peaks.map((p) => new Uint8Array(p)));
    const seq = range.size;
    const entry = JSON.stringify({ v: 1, electionId, seq, kind, payload });
    const leaf = leafHash(utf8ToBytes(entry));
    const { range: next, completed } = range.appendCompleting(leaf);
    const head = signTreeHead(
      { electionId, size: next.size, root: bytesToHex(next.root()), timestamp: Math.floor(this.now() / TREE_HEAD_TIME_GRANULARITY_MS) * TREE_HEAD_TIME_GRANULARITY_MS },
      this.key.secretKey,
    );
    // One statement for the four writes: the log row stays locked until commit, and every round trip to
    // the database while holding it is time no other cast of this election can use.
    await manager.query(
      `WITH entry AS (
         INSERT INTO board_entries (election_id, seq, kind, entry, leaf_hash, tracking_code) VALUES ($1, $2, $3, $4, $5, $6)
       ), nodes AS (
         INSERT INTO board_nodes (election_id, level, idx, hash) SELECT $1, * FROM unnest($7::smallint[], $8::bigint[], $9::bytea[])
       ), head AS (
         INSERT INTO board_tree_heads (election_id, size, root, signed_at, signature) VALUES ($1, $10, $11, $12, $13)
       )
       UPDATE board_logs SET size = $10, peaks = $14 WHERE election_id = $1`,
      [
        electionId, seq, kind, entry, Buffer.from(leaf), trackingCode ?? null,
        completed.map((n) => n.level), completed.map((n) => n.index), completed.map((n) => Buffer.from(n.hash)),
        head.size, Buffer.from(next.root()), head.timestamp, Buffer.from(head.signature, 'hex'),
        next.peaks.map((p) => Buffer.from(p)),
      ],
    );
    return { seq, entry, leafHash: bytesToHex(leaf), head, path: [...range.peaks].reverse().map(bytesToHex) };
  }

  /**
   * What the election base hash binds of the board (protocol §40.3): the leaf hashes of its manifest
   * (seq 0) and issuer-keys (seq 1) entries, this board's public key, the roll size and the witnesses.
   */
  async electionBindings(manager: EntityManager | DataSource, electionId: string): Promise<ElectionBindings> {
    const rows: Array<{ seq: string; kind: string; leaf_hash: Buffer }> = await manager.query(
      `SELECT seq, kind, leaf_hash FROM board_entries WHERE election_id = $1 AND seq < 2 ORDER BY seq`,
      [electionId],
    );
    if (rows.length !== 2 || rows[0].kind !== 'manifest' || rows[1].kind !== 'issuer-keys') {
      throw new StateError('board_setup_missing', 'The board does not start with the manifest and issuer-keys entries');
    }
    // The roll is frozen once the election leaves the draft (RollService), before H is computed.
    const [{ n }]: Array<{ n: number }> = await manager.query(`SELECT count(*)::int AS n FROM voter_roll_entries WHERE election_id = $1`, [electionId]);
    // No witnesses yet (the witness protocol is future work); H binds the empty list.
    return { manifestEntry: new Uint8Array(rows[0].leaf_hash), issuerKeysEntry: new Uint8Array(rows[1].leaf_hash), boardPublicKey: this.key.publicKey, rollSize: n, witnesses: [] };
  }

  /**
   * The setup entries (manifest, issuer keys, election key once there) with inclusion proofs in the latest
   * signed head: what a voter's device checks instead of trusting a convenience endpoint (§55.9).
   */
  async setupProof(electionId: string): Promise<ElectionSetupProof> {
    const head = await this.latestHead(electionId).catch((e: unknown) => {
      throw e instanceof NotFoundError ? new NotFoundError('election_not_found', 'No such election') : e;
    });
    const rows: Array<{ seq: string; entry: string }> = await this.dataSource.query(
      `SELECT seq, entry FROM board_entries WHERE election_id = $1 AND seq < $2 AND (seq < 2 OR kind = 'election-key') ORDER BY seq`,
      [electionId, head.size],
    );
    const entries = [];
    for (const r of rows) entries.push({ seq: Number(r.seq), entry: r.entry, path: (await this.inclusion(electionId, Number(r.seq), head.size)).path });
    return { electionId, boardPublicKey: this.key.publicKeyHex, head, entries };
  }

  async latestHead(electionId: string): Promise<SignedTreeHead> {
    const rows: Array<{ size: string; root: Buffer; signed_at: string; signature: Buffer }> = await this.dataSource.query(
      `SELECT size, root, signed_at, signature FROM board_tree_heads WHERE election_id = $1 ORDER BY size DESC LIMIT 1`,
      [electionId],
    );
    if (rows.length === 0) throw new NotFoundError('board_empty', 'This election has no board entries yet');
    const r = rows[0];
    return { electionId, size: Number(r.size), root: r.root.toString('hex'), timestamp: Number(r.signed_at), signature: r.signature.toString('hex') };
  }

  async entries(electionId: string, from: number, limit: number): Promise<BoardEntryView[]> {
    const rows: Array<{ seq: string; kind: BoardEntryKind; entry: string; leaf_hash: Buffer }> = await this.dataSource.query(
      `SELECT seq, kind, entry, leaf_hash FROM board_entries WHERE election_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
      [electionId, from, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), kind: r.kind, entry: r.entry, leafHash: r.leaf_hash.toString('hex') }));
  }

  async seqOfTrackingCode(electionId: string, trackingCode: string): Promise<number> {
    const rows: Array<{ seq: string }> = await this.dataSource.query(
      `SELECT seq FROM board_entries WHERE election_id = $1 AND tracking_code = $2`,
      [electionId, trackingCode],
    );
    if (rows.length === 0) throw new NotFoundError('not_on_board', 'No board entry has this tracking code');
    return Number(rows[0].seq);
  }

  /** Audit path of entry `seq` in the tree of `size` entries (default: the latest signed head). */
  async inclusion(electionId: string, seq: number, size?: number): Promise<{ seq: number; leafHash: string; head: SignedTreeHead; path: string[] }> {
    const head = size === undefined ? await this.latestHead(electionId) : await this.headAt(electionId, size);
    if (seq >= head.size) throw new InvalidInputError('not_in_tree', `Entry ${seq} is not in the tree of size ${head.size}`);
    const leaf: NodeId = { level: 0, index: seq };
    const plan = inclusionPlan(seq, head.size);
    const hashes = await this.subtrees(electionId, [leaf, ...planNodes(plan)]);
    const path = this.fromNodes(electionId, plan, hashes) ?? inclusionProof(await this.leafHashes(electionId, head.size), seq, head.size);
    const leafHash = hashes.get(nodeKey(leaf));
    if (!leafHash) throw new NotFoundError('not_on_board', `Entry ${seq} is not on the board`); // unreachable: the head covers it
    return { seq, leafHash: bytesToHex(leafHash), head, path: path.map(bytesToHex) };
  }

  async consistency(electionId: string, from: number, to: number): Promise<{ from: SignedTreeHead; to: SignedTreeHead; path: string[] }> {
    if (from > to) throw new InvalidInputError('bad_range', 'from must not exceed to');
    const [a, b] = [await this.headAt(electionId, from), await this.headAt(electionId, to)];
    const plan = consistencyPlan(from, to);
    const path = this.fromNodes(electionId, plan, await this.subtrees(electionId, planNodes(plan))) ?? consistencyProof(await this.leafHashes(electionId, to), from, to);
    return { from: a, to: b, path: path.map(bytesToHex) };
  }

  async headAt(electionId: string, size: number): Promise<SignedTreeHead> {
    const rows: Array<{ root: Buffer; signed_at: string; signature: Buffer }> = await this.dataSource.query(
      `SELECT root, signed_at, signature FROM board_tree_heads WHERE election_id = $1 AND size = $2`,
      [electionId, size],
    );
    if (rows.length === 0) throw new NotFoundError('no_tree_head', `No signed tree head of size ${size}`);
    const r = rows[0];
    return { electionId, size, root: r.root.toString('hex'), timestamp: Number(r.signed_at), signature: r.signature.toString('hex') };
  }

  /**
   * The election record (docs/protocol.md §70): every board entry's exact text, the latest signed head
   * and the board key. Everything an observer needs; nothing else is trusted. Whole in memory: HTTP
   * serves recordStream instead (same bytes).
   */
  async record(electionId: string): Promise<ElectionRecord> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const heads: Array<{ size: string; root: Buffer; signed_at: string; signature: Buffer }> = await m.query(
        `SELECT size, root, signed_at, signature FROM board_tree_heads WHERE election_id = $1 ORDER BY size DESC LIMIT 1`,
        [electionId],
      );
      if (heads.length === 0) throw new NotFoundError('election_not_found', 'No such election');
      const h = heads[0];
      const rows: Array<{ entry: string }> = await m.query(`SELECT entry FROM board_entries WHERE election_id = $1 AND seq < $2 ORDER BY seq`, [electionId, h.size]);
      return {
        format: 'evote-election-record',
        version: RECORD_VERSION,
        electionId,
        boardPublicKey: this.key.publicKeyHex,
        head: { electionId, size: Number(h.size), root: h.root.toString('hex'), timestamp: Number(h.signed_at), signature: h.signature.toString('hex') },
        entries: rows.map((r) => r.entry),
      };
    });
  }

  /**
   * The election record as a stream of text chunks: the same bytes as JSON.stringify(record()) for
   * `json`. The head is read first, so an unknown election fails before anything is sent; then the
   * entries below that head, a page at a time as the consumer pulls. Each page is its own statement
   * rather than one long REPEATABLE READ transaction: entries below a signed head are all committed
   * (the head is written in the transaction of its last entry) and can never change (append-only), so
   * the pages read exactly what a snapshot would, without holding a connection while a slow client
   * downloads (PGlite has only one, PostgreSQL a pool of ten).
   */
  async recordStream(electionId: string, format: RecordFormat = 'json', pageSize = RECORD_PAGE_SIZE): Promise<AsyncGenerator<string, void, undefined>> {
    const head = await this.latestHead(electionId).catch((e: unknown) => {
      throw e instanceof NotFoundError ? new NotFoundError('election_not_found', 'No such election') : e;
    });
    return this.recordChunks(head, format, pageSize);
  }

  private async *recordChunks(head: SignedTreeHead, format: RecordFormat, pageSize: number): AsyncGenerator<string, void, undefined> {
    const { electionId, size } = head;
    const header = JSON.stringify({ format: 'evote-election-record', version: RECORD_VERSION, electionId, boardPublicKey: this.key.publicKeyHex, head });
    yield format === 'json' ? `${header.slice(0, -1)},"entries":[` : `${header}\n`;
    for (let from = 0; from < size; ) {
      const rows: Array<{ seq: string; entry: string }> = await this.dataSource.query(
        `SELECT seq, entry FROM board_entries WHERE election_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq LIMIT $4`,
        [electionId, from, size, pageSize],
      );
      // Entries are gapless below every signed head; anything else must abort the response, not end it.
      if (rows.length === 0 || Number(rows[rows.length - 1].seq) !== from + rows.length - 1) throw new Error(`board entries missing from seq ${from}`);
      yield format === 'json' ? (from === 0 ? '' : ',') + rows.map((r) => JSON.stringify(r.entry)).join(',') : rows.map((r) => `${r.entry}\n`).join('');
      from += rows.length;
    }
    if (format === 'json') yield ']}';
  }

  /** Hashes of the given subtrees (level 0: leaf hashes from board_entries) in one round trip, by nodeKey. */
  private async subtrees(electionId: string, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const nodes = ids.filter((id) => id.level > 0);
    const rows: Array<{ level: number; idx: string; hash: Buffer }> = await this.dataSource.query(
      `SELECT 0 AS level, seq AS idx, leaf_hash AS hash FROM board_entries WHERE election_id = $1 AND seq = ANY($2::bigint[])
       UNION ALL
       SELECT n.level, n.idx, n.hash FROM board_nodes n JOIN unnest($3::smallint[], $4::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx
       WHERE n.election_id = $1`,
      [electionId, leaves, nodes.map((id) => id.level), nodes.map((id) => id.index)],
    );
    return new Map(rows.map((r) => [nodeKey({ level: Number(r.level), index: Number(r.idx) }), new Uint8Array(r.hash)]));
  }

  /**
   * The proof from stored subtrees, or undefined when some are missing: entries appended by a server
   * version older than board_nodes after the migration's backfill (a rolling upgrade). The caller then
   * falls back to reading the leaves, slower but still right.
   */
  private fromNodes(electionId: string, plan: ProofPlan, hashes: ReadonlyMap<string, Uint8Array>): Uint8Array[] | undefined {
    const missing = planNodes(plan).filter((id) => !hashes.has(nodeKey(id)));
    if (missing.length === 0) return assembleProof(plan, (id) => hashes.get(nodeKey(id)));
    this.logger.warn(`board ${electionId}: ${missing.length} stored subtree(s) missing (${missing.slice(0, 3).map(nodeKey).join(', ')}…), proof computed from all leaves`);
    return undefined;
  }

  /** Every leaf hash below `size`: O(n), only for the fallback of fromNodes. */
  private async leafHashes(electionId: string, size: number): Promise<Uint8Array[]> {
    const rows: Array<{ leaf_hash: Buffer }> = await this.dataSource.query(
      `SELECT leaf_hash FROM board_entries WHERE election_id = $1 AND seq < $2 ORDER BY seq`,
      [electionId, size],
    );
    return rows.map((r) => new Uint8Array(r.leaf_hash));
  }
}
