import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, InvalidInputError } from '../../common/errors/domain-error';
import { bytesToHex, utf8ToBytes } from '../../crypto/encoding';
import { CompactRange, consistencyProof, inclusionProof, leafHash } from '../../crypto/record/merkle';
import { signTreeHead, type SignedTreeHead } from '../../crypto/record/tree-head';
import { BOARD_ENTRY_KINDS, type BoardEntryKind } from '../../crypto/record/board-log';
import { BoardKey } from './board-key';

export { BOARD_ENTRY_KINDS, type BoardEntryKind };

/** Tree-head times are coarse so that signed heads do not publish when each ballot arrived. */
export const TREE_HEAD_TIME_GRANULARITY_MS = 60_000;

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
  version: 1;
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
 * that includes the new entry.
 */
@Injectable()
export class BoardService {
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
    const next = range.append(leaf);
    const head = signTreeHead(
      { electionId, size: next.size, root: bytesToHex(next.root()), timestamp: Math.floor(this.now() / TREE_HEAD_TIME_GRANULARITY_MS) * TREE_HEAD_TIME_GRANULARITY_MS },
      this.key.secretKey,
    );
    await manager.query(
      `INSERT INTO board_entries (election_id, seq, kind, entry, leaf_hash, tracking_code) VALUES ($1, $2, $3, $4, $5, $6)`,
      [electionId, seq, kind, entry, Buffer.from(leaf), trackingCode ?? null],
    );
    await manager.query(`UPDATE board_logs SET size = $2, peaks = $3 WHERE election_id = $1`, [electionId, next.size, next.peaks.map((p) => Buffer.from(p))]);
    await manager.query(
      `INSERT INTO board_tree_heads (election_id, size, root, signed_at, signature) VALUES ($1, $2, $3, $4, $5)`,
      [electionId, head.size, Buffer.from(next.root()), head.timestamp, Buffer.from(head.signature, 'hex')],
    );
    return { seq, entry, leafHash: bytesToHex(leaf), head, path: [...range.peaks].reverse().map(bytesToHex) };
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
    const leaves = await this.leafHashes(electionId, head.size);
    return { seq, leafHash: bytesToHex(leaves[seq]), head, path: inclusionProof(leaves, seq, head.size).map(bytesToHex) };
  }

  async consistency(electionId: string, from: number, to: number): Promise<{ from: SignedTreeHead; to: SignedTreeHead; path: string[] }> {
    if (from > to) throw new InvalidInputError('bad_range', 'from must not exceed to');
    const [a, b] = [await this.headAt(electionId, from), await this.headAt(electionId, to)];
    const leaves = await this.leafHashes(electionId, to);
    return { from: a, to: b, path: consistencyProof(leaves, from, to).map(bytesToHex) };
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
   * and the board key. Everything an observer needs; nothing else is trusted.
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
        version: 1,
        electionId,
        boardPublicKey: this.key.publicKeyHex,
        head: { electionId, size: Number(h.size), root: h.root.toString('hex'), timestamp: Number(h.signed_at), signature: h.signature.toString('hex') },
        entries: rows.map((r) => r.entry),
      };
    });
  }

  private async leafHashes(electionId: string, size: number): Promise<Uint8Array[]> {
    const rows: Array<{ leaf_hash: Buffer }> = await this.dataSource.query(
      `SELECT leaf_hash FROM board_entries WHERE election_id = $1 AND seq < $2 ORDER BY seq`,
      [electionId, size],
    );
    return rows.map((r) => new Uint8Array(r.leaf_hash));
  }
}
