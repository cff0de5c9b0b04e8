import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
import { issuerKeyThumbprint, type IssuerPublicKeyJwk, parseIssuerPublicKeyJwk } from '../../crypto/tokens/rsa-key';
import type { EligibilityPolicy } from '../eligibility/eligibility';
import { type IssuanceLog, IssuanceService } from './issuance.service';
import { IssuerKeyStore } from './issuer-keys.service';
import { IssuerUnavailableError, RemoteIssuers } from './remote-issuers';

/** An election's issuer keys, made and not yet stored. */
export interface PreparedIssuerKeys {
  readonly keys: ReadonlyArray<{ id: string; publicJwk: IssuerPublicKeyJwk }>;
  store(m: EntityManager): Promise<void>;
}

/** Where the booth sends each issuer's token request: the platform (`in-process`) or the issuer itself. */
export type IssuerEndpoints = { mode: 'in-process' } | { mode: 'separate'; issuers: Array<{ id: string; url: string }> };

/**
 * The election's side of its issuers, whichever way they run: the in-process issuers of this platform
 * (IssuerKeyStore, IssuanceService) or separate issuers reached over HTTP (RemoteIssuers). Elections
 * call this at creation, opening and closing; nothing else needs to know the difference.
 */
@Injectable()
export class ElectionIssuers {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly local: IssuerKeyStore,
    private readonly issuance: IssuanceService,
    private readonly remote: RemoteIssuers,
  ) {}

  get count(): number {
    return this.remote.enabled ? this.remote.urls.length : this.local.issuerCount;
  }

  /** Every issuer makes a fresh key pair for this election alone (protocol §55.2). */
  async prepare(electionId: string, policy: EligibilityPolicy): Promise<PreparedIssuerKeys> {
    if (!this.remote.enabled) {
      const keys = await this.local.generate();
      return { keys: keys.map((k) => ({ id: k.id, publicJwk: k.publicJwk })), store: (m) => this.local.store(m, electionId, keys) };
    }
    const remote = await this.remote.createElection(electionId, policy);
    for (const k of remote) {
      // What goes on the board must be a valid issuer key whose thumbprint is the id it is known by.
      let ok = false;
      try {
        parseIssuerPublicKeyJwk(k.publicKey);
        ok = issuerKeyThumbprint(k.publicKey) === k.issuerId && /^[A-Za-z0-9_-]{43}$/.test(k.issuerName);
      } catch {
        ok = false;
      }
      if (!ok) throw new IssuerUnavailableError('issuer_refused', `The token issuer at ${k.url} answered a key that is not a valid issuer key named by its thumbprint`);
    }
    if (new Set(remote.map((k) => k.issuerName)).size !== remote.length) throw new IssuerUnavailableError('issuer_refused', 'Two ISSUER_URLS answer as the same issuer');
    return {
      keys: remote.map((k) => ({ id: k.issuerId, publicJwk: k.publicKey })),
      store: async (m) => {
        for (const k of remote) {
          await m.query(
            `INSERT INTO issuer_election_keys (election_id, issuer_name, key_id, public_jwk, wrapped_key, destroyed, issuer_url) VALUES ($1, $2, $3, $4, NULL, false, $5)`,
            [electionId, k.issuerName, k.issuerId, JSON.stringify(k.publicKey), k.url],
          );
        }
      },
    };
  }

  /**
   * Separate issuers start signing for the election (in-process ones follow the election's status).
   * Called before the opening's transaction: each issuer first reads the election's setup from this
   * platform's board, which it could not while that transaction held the (embedded) database. An opening
   * that then fails leaves issuers signing tokens that count nowhere until the election opens.
   */
  async open(electionId: string): Promise<void> {
    const remote = await this.remoteRows(this.db, electionId);
    if (remote.length > 0) await this.remote.open(electionId, remote.map((r) => r.url));
  }

  /**
   * In the close transaction: every issuer stops for good (its key erased) and gives its issuance log,
   * checked to be under the key id this election knows it by.
   */
  async close(m: EntityManager, electionId: string): Promise<IssuanceLog[]> {
    const remote = await this.remoteRows(m, electionId);
    if (remote.length === 0) {
      const logs = await this.issuance.issuanceLogs(electionId, m);
      await this.issuance.retire(m, electionId);
      return logs;
    }
    const logs = await this.remote.close(electionId, remote.map((r) => r.url));
    logs.forEach((log, i) => {
      const valid = log && log.issuerId === remote[i].keyId && Number.isSafeInteger(log.count) && Array.isArray(log.blindedHashes) && log.blindedHashes.length === log.count
        && log.blindedHashes.every((h, j) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h) && (j === 0 || log.blindedHashes[j - 1] < h));
      if (!valid) throw new IssuerUnavailableError('issuer_refused', `The token issuer at ${remote[i].url} answered an issuance log that is not its own or not well formed`);
    });
    return logs.map((l) => ({ issuerId: l.issuerId, count: l.count, blindedHashes: l.blindedHashes }));
  }

  /** A draft set aside: every issuer erases its key for it (separate ones close it, with an empty log). */
  async discard(m: EntityManager, electionId: string): Promise<void> {
    const remote = await this.remoteRows(m, electionId);
    if (remote.length === 0) return this.local.destroy(m, electionId);
    await this.remote.close(electionId, remote.map((r) => r.url));
  }

  async afterClose(): Promise<void> {
    if (!this.remote.enabled) await this.issuance.vacuumIssuances();
  }

  async endpoints(electionId: string): Promise<IssuerEndpoints> {
    const [known]: unknown[] = await this.db.query(`SELECT 1 FROM elections WHERE id = $1`, [electionId]);
    if (!known) throw new NotFoundError('election_not_found', 'No such election');
    const remote = await this.remoteRows(this.db, electionId);
    if (remote.length === 0) return { mode: 'in-process' };
    return { mode: 'separate', issuers: remote.map((r) => ({ id: r.keyId, url: r.url })) };
  }

  /** The election's separate issuers: key id and where each is now. */
  private async remoteRows(m: EntityManager | DataSource, electionId: string): Promise<Array<{ keyId: string; url: string }>> {
    const rows: Array<{ key_id: string; issuer_name: string; issuer_url: string }> = await m.query(
      `SELECT key_id, issuer_name, issuer_url FROM issuer_election_keys WHERE election_id = $1 AND issuer_url IS NOT NULL ORDER BY key_id`,
      [electionId],
    );
    return Promise.all(rows.map(async (r) => ({ keyId: r.key_id, url: await this.remote.urlFor(r.issuer_name, r.issuer_url) })));
  }
}
