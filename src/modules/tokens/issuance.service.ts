import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ConflictError, InvalidInputError, NotFoundError, StateError } from '../../common/errors/domain-error';
import { CryptoError } from '../../crypto/errors';
import { blindSign } from './blind-signer';
import { IssuerKeyStore } from './issuer-keys.service';
import { rewriteInRandomOrder } from './no-order-at-rest';

export interface IssuanceLog {
  issuerId: string;
  count: number;
  /** SHA-256 of every blinded request this issuer signed, sorted (not in issuance order). */
  blindedHashes: string[];
}

/**
 * Issues blind signatures on ballot tokens. The caller (the controller) has already authenticated the
 * voter and checked their eligibility; this service enforces "once per voter, election and issuer":
 * the database's primary key decides races, and a repeated request gets the same blind signature only
 * if it carries the same blinded message.
 */
@Injectable()
export class IssuanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: IssuerKeyStore,
  ) {}

  async issue(electionId: string, issuerId: string, voterKey: Uint8Array, blindedMessage: Uint8Array): Promise<Uint8Array> {
    if (voterKey.length !== 32) throw new Error('voter key must be a 32-byte keyed hash');
    await this.requireOpen(electionId);
    // This election's own key, looked up by (election, issuer): a request to this endpoint cannot be signed
    // with any other election's key, so what comes out counts in this election only.
    const key = await this.keys.signingKey(electionId, issuerId);
    if (!key) throw new NotFoundError('unknown_issuer', 'No such issuer in this election');
    let signature: Uint8Array;
    try {
      signature = blindSign(key, blindedMessage);
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_blinded_message', `The blinded message is not valid for this issuer: ${e.message}`);
      throw e;
    }
    const blindedHash = createHash('sha256').update(blindedMessage).digest();
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO token_issuances (election_id, issuer_id, voter_key, blinded_hash, blind_signature)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT ON CONSTRAINT token_issuances_pk DO NOTHING RETURNING 1`,
      [electionId, issuerId, Buffer.from(voterKey), blindedHash, Buffer.from(signature)],
    );
    if (inserted.length === 1) return signature;
    const [existing]: Array<{ blinded_hash: Buffer; blind_signature: Buffer }> = await this.dataSource.query(
      `SELECT blinded_hash, blind_signature FROM token_issuances WHERE election_id = $1 AND issuer_id = $2 AND voter_key = $3`,
      [electionId, issuerId, Buffer.from(voterKey)],
    );
    // Same request again (a retry after a lost answer): same answer. Anything else would be a second token.
    if (existing && existing.blinded_hash.equals(blindedHash)) return new Uint8Array(existing.blind_signature);
    throw new ConflictError('already_issued', 'This issuer has already signed a different ballot token for you in this election');
  }

  /** Per issuer: how many tokens it signed and the sorted hashes of the blinded requests. */
  async issuanceLogs(electionId: string, manager: EntityManager | DataSource = this.dataSource): Promise<IssuanceLog[]> {
    const rows: Array<{ issuer_id: string; blinded_hash: Buffer }> = await manager.query(
      `SELECT issuer_id, blinded_hash FROM token_issuances WHERE election_id = $1 ORDER BY issuer_id, blinded_hash`,
      [electionId],
    );
    return (await this.keys.keyIds(electionId, manager)).map((issuerId) => {
      const hashes = rows.filter((r) => r.issuer_id === issuerId).map((r) => r.blinded_hash.toString('hex'));
      return { issuerId, count: hashes.length, blindedHashes: hashes };
    });
  }

  /**
   * At the close, in its transaction: the election's issuance rows are rewritten in random order and its
   * issuer keys erased. Afterwards every row carries the close's transaction id and a random physical
   * position, so neither `xmin` nor the table's order says when a voter got a token relative to any
   * ballot (the board's rows do carry their order, which is public anyway). Dead row versions stay on
   * disk until vacuum: `vacuumIssuances` after the commit.
   */
  async retire(m: EntityManager, electionId: string): Promise<void> {
    await rewriteInRandomOrder(m, 'token_issuances', electionId);
    await this.keys.destroy(m, electionId);
  }

  /** Reclaims the dead row versions retire() left (outside any transaction; best effort). */
  async vacuumIssuances(): Promise<void> {
    await this.dataSource.query(`VACUUM token_issuances`);
  }

  private async requireOpen(electionId: string): Promise<void> {
    const rows: Array<{ status: string }> = await this.dataSource.query(`SELECT status FROM elections WHERE id = $1`, [electionId]);
    if (rows.length === 0) throw new NotFoundError('election_not_found', 'No such election');
    if (rows[0].status !== 'open') throw new StateError('election_not_open', `Ballot tokens are issued only while the election is open (it is ${rows[0].status})`);
  }
}
