import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ISSUER_MODULUS_BITS, type IssuerPublicKeyJwk, issuerKeyThumbprint } from '../../crypto/tokens/rsa-key';
import { issuerPublicJwk } from './blind-signer';
import { unwrapPrivateKey, wrapAad, wrapPrivateKey } from './key-wrap';
import { type Issuer, IssuerRegistry } from './issuer-registry';

/** One issuer's key pair for one election. */
export interface ElectionIssuerKey {
  readonly issuerName: string;
  /** The issuer's id in this election: the RFC 7638 thumbprint of `publicJwk`. */
  readonly id: string;
  readonly publicJwk: IssuerPublicKeyJwk;
  readonly privateKey: KeyObject;
}

/**
 * Per-election issuer keys (protocol §20, §55.2): made fresh for each election, used only for that
 * election's token requests, wrapped at rest under the issuer's long-term secret, erased at the close.
 * The lookup is by (election, key id), so a request to one election's endpoint can only ever be signed
 * with that election's key: a token for another election cannot come out of it.
 */
@Injectable()
export class IssuerKeyStore {
  /** Unwrapped keys of open elections, by `${electionId}|${keyId}`. Cleared by destroy. */
  private readonly cache = new Map<string, KeyObject>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: IssuerRegistry,
  ) {}

  /** How many issuers this process runs (each signs for every election). */
  get issuerCount(): number {
    return this.registry.issuers.length;
  }

  /** A fresh RSA-3072 key pair for every issuer, generated off the event loop (about a second each). */
  async generate(): Promise<ElectionIssuerKey[]> {
    return Promise.all(
      this.registry.issuers.map(async (issuer) => {
        const privateKey = await new Promise<KeyObject>((resolve, reject) =>
          generateKeyPair('rsa', { modulusLength: ISSUER_MODULUS_BITS, publicExponent: 65537 }, (err, _pub, priv) => (err ? reject(err) : resolve(priv))),
        );
        const publicJwk = issuerPublicJwk(privateKey);
        return { issuerName: issuer.name, id: issuerKeyThumbprint(publicJwk), publicJwk, privateKey };
      }),
    );
  }

  /** Stores the election's keys (wrapped), inside the caller's transaction. */
  async store(m: EntityManager, electionId: string, keys: readonly ElectionIssuerKey[]): Promise<void> {
    for (const k of keys) {
      const issuer = this.issuer(k.issuerName);
      const der = k.privateKey.export({ type: 'pkcs8', format: 'der' });
      await m.query(
        `INSERT INTO issuer_election_keys (election_id, issuer_name, key_id, public_jwk, wrapped_key) VALUES ($1, $2, $3, $4, $5)`,
        [electionId, k.issuerName, k.id, JSON.stringify(k.publicJwk), wrap(issuer, electionId, k.id, der)],
      );
    }
  }

  /** The private key of issuer `keyId` in `electionId`, or undefined (unknown here, or destroyed). */
  async signingKey(electionId: string, keyId: string): Promise<KeyObject | undefined> {
    const cacheKey = `${electionId}|${keyId}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const rows: Array<{ issuer_name: string; wrapped_key: Buffer | null }> = await this.dataSource.query(
      `SELECT issuer_name, wrapped_key FROM issuer_election_keys WHERE election_id = $1 AND key_id = $2`,
      [electionId, keyId],
    );
    const row = rows[0];
    const issuer = row && this.registry.get(row.issuer_name);
    if (!row?.wrapped_key || !issuer) return undefined;
    const key = createPrivateKey({ key: unwrap(issuer, electionId, keyId, row.wrapped_key), format: 'der', type: 'pkcs8' });
    this.cache.set(cacheKey, key);
    return key;
  }

  /** The key ids of the election's issuers (whether or not destroyed), in issuer-keys order. */
  async keyIds(electionId: string, manager: EntityManager | DataSource = this.dataSource): Promise<string[]> {
    const rows: Array<{ key_id: string }> = await manager.query(`SELECT key_id FROM issuer_election_keys WHERE election_id = $1 ORDER BY key_id`, [electionId]);
    return rows.map((r) => r.key_id);
  }

  /** Erases the election's private keys (the close), inside the caller's transaction. */
  async destroy(m: EntityManager, electionId: string): Promise<void> {
    await m.query(`UPDATE issuer_election_keys SET wrapped_key = NULL, destroyed = true WHERE election_id = $1`, [electionId]);
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${electionId}|`)) this.cache.delete(k);
  }

  private issuer(name: string): Issuer {
    const issuer = this.registry.get(name);
    if (!issuer) throw new Error(`issuer ${name} is not run by this process`);
    return issuer;
  }
}

function wrap(issuer: Issuer, electionId: string, keyId: string, der: Buffer): Buffer {
  return wrapPrivateKey(issuer.wrapKey, wrapAad(electionId, issuer.name, keyId), der);
}

function unwrap(issuer: Issuer, electionId: string, keyId: string, wrapped: Buffer): Buffer {
  return unwrapPrivateKey(issuer.wrapKey, wrapAad(electionId, issuer.name, keyId), wrapped);
}
