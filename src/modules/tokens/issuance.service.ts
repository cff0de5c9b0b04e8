import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ConflictError, InvalidInputError, NotFoundError, StateError } from '../../common/errors/domain-error';
import { CryptoError } from '../../crypto/errors';
import { blindSign } from './blind-signer';
import { IssuerRegistry } from './issuer-registry';

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
    private readonly registry: IssuerRegistry,
  ) {}

  async issue(electionId: string, issuerId: string, voterKey: Uint8Array, blindedMessage: Uint8Array): Promise<Uint8Array> {
    if (voterKey.length !== 32) throw new Error('voter key must be a 32-byte keyed hash');
    const issuer = this.registry.get(issuerId);
    if (!issuer) throw new NotFoundError('unknown_issuer', 'No such issuer');
    await this.requireOpen(electionId);
    let signature: Uint8Array;
    try {
      signature = blindSign(issuer.privateKey, blindedMessage);
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
    return this.registry.issuers.map((issuer) => {
      const hashes = rows.filter((r) => r.issuer_id === issuer.id).map((r) => r.blinded_hash.toString('hex'));
      return { issuerId: issuer.id, count: hashes.length, blindedHashes: hashes };
    });
  }

  private async requireOpen(electionId: string): Promise<void> {
    const rows: Array<{ status: string }> = await this.dataSource.query(`SELECT status FROM elections WHERE id = $1`, [electionId]);
    if (rows.length === 0) throw new NotFoundError('election_not_found', 'No such election');
    if (rows[0].status !== 'open') throw new StateError('election_not_open', `Ballot tokens are issued only while the election is open (it is ${rows[0].status})`);
  }
}
