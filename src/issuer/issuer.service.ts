import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, createPrivateKey, type KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, StateError } from '../common/errors/domain-error';
import { CryptoError } from '../crypto/errors';
import { toBase64Url } from '../crypto/encoding';
import { type IssuerPublicKeyJwk, issuerKeyThumbprint } from '../crypto/tokens/rsa-key';
import { tokenRequestNonce, type TokenRequestPart } from '../crypto/tokens/token-request';
import { evaluateEligibility, type EligibilityPolicy, type EligibilityReason, type RollBasis } from '../modules/eligibility/eligibility';
import { checkRollEntries, type RollInputEntry } from '../modules/eligibility/roll.service';
import { extractClaims } from '../modules/identity/claims';
import { normalizeNationalNumber } from '../modules/identity/national-number';
import { blindSign, generateIssuerKey } from '../modules/tokens/blind-signer';
import type { IssuanceLog } from '../modules/tokens/issuance.service';
import { unwrapPrivateKey, wrapAad, wrapPrivateKey } from '../modules/tokens/key-wrap';
import { rewriteInRandomOrder } from '../modules/tokens/no-order-at-rest';
import { IdTokenVerifier } from './id-token-verifier';
import { PublishedSetupCheck } from './published-setup';
import { ISSUER_IDENTITY, type IssuerIdentity } from './issuer-identity';

export const ISSUER_DATA_SOURCE = Symbol('ISSUER_DATA_SOURCE');

export interface IssuerElectionKey {
  issuerName: string;
  issuerId: string;
  publicKey: IssuerPublicKeyJwk;
}


export interface TokenRequest {
  idToken: string;
  issuerId: string;
  blindedMessage: Uint8Array;
  requests: TokenRequestPart[];
}

interface ElectionRow {
  status: 'setup' | 'open' | 'closed';
  kind: EligibilityPolicy['kind'];
  election_day: string;
  constituency: string | null;
  key_id: string;
  public_jwk: string;
  wrapped_key: Buffer | null;
  base_hash: Buffer | null;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

/**
 * One ballot-token issuer, on its own: it keeps its own key per election, its own copy of the roll and
 * its own record of whom it signed for, and decides eligibility itself from the identity provider's
 * signed ID token and that roll. The platform's word counts for nothing here: a request is signed only
 * when the ID token's nonce is the hash of exactly the blinded requests it came with (protocol §20
 * "Separate issuers"), so no one without the voter's own login can obtain the voter's signature.
 */
@Injectable()
export class IssuerService {
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    @Inject(ISSUER_DATA_SOURCE) private readonly db: DataSource,
    @Inject(ISSUER_IDENTITY) private readonly identity: IssuerIdentity,
    private readonly idTokens: IdTokenVerifier,
    private readonly setups: PublishedSetupCheck,
  ) {}

  /**
   * The election's key of this issuer: made on the first call, the same on every later one (a retry of
   * the platform's creation). The election's rules come with it and cannot change afterwards.
   */
  async createElection(electionId: string, policy: EligibilityPolicy): Promise<IssuerElectionKey> {
    const existing = await this.row(electionId);
    if (existing) {
      if (existing.kind !== policy.kind || existing.election_day !== policy.electionDay || (existing.constituency ?? undefined) !== (policy.constituency ?? undefined)) {
        throw new ConflictError('election_rules_differ', 'This issuer already holds a key for this election under other rules');
      }
      return this.keyView(existing);
    }
    const { privateKey, publicJwk } = await generateIssuerKey();
    const keyId = issuerKeyThumbprint(publicJwk);
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    await this.db.query(
      `INSERT INTO issuer_elections (election_id, kind, election_day, constituency, key_id, public_jwk, wrapped_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ON CONSTRAINT issuer_elections_pk DO NOTHING`,
      [electionId, policy.kind, policy.electionDay, policy.constituency ?? null, keyId, JSON.stringify(publicJwk), wrapPrivateKey(this.identity.wrapKey, wrapAad(electionId, this.identity.name, keyId), der)],
    );
    // A concurrent first call may have won: answer whatever key is stored.
    return this.createElection(electionId, policy);
  }

  /** Replaces this issuer's copy of the election's roll (while it has not opened), keyed by its own hash. */
  async replaceRoll(electionId: string, entries: Array<RollInputEntry & { line?: number }>): Promise<{ imported: number }> {
    const { hashes, constituencies, bases } = checkRollEntries(entries, (nn) => this.voterKey(nn));
    await this.db.transaction(async (m) => {
      const [row] = await m.query(`SELECT status FROM issuer_elections WHERE election_id = $1 FOR UPDATE`, [electionId]);
      if (row && row.status !== 'setup') throw new StateError('roll_frozen', `The roll cannot change once the election has opened (it is ${row.status})`);
      await m.query(`DELETE FROM issuer_roll_entries WHERE election_id = $1`, [electionId]);
      await m.query(
        `INSERT INTO issuer_roll_entries (election_id, national_number_hmac, constituency, basis)
         SELECT $1::uuid, decode(h, 'hex'), c, b FROM unnest($2::text[], $3::text[], $4::text[]) AS t(h, c, b)`,
        [electionId, hashes, constituencies, bases],
      );
    });
    return { imported: hashes.length };
  }

  /**
   * Opens the election here, once this issuer has read the election's setup from the public board and
   * found there what it was told: its own key in the issuer-keys entry, the rules it enforces in the
   * manifest's parameters, and the size of its own roll as the roll size H binds. A platform that gave
   * the issuers other rules or another roll than the ones it published is refused here, before any token.
   */
  async open(electionId: string): Promise<{ status: string; baseHash: string }> {
    const row = await this.requireRow(electionId);
    if (row.status === 'closed') throw new StateError('election_closed', 'This election is closed here; it cannot open again');
    if (row.status === 'open' && row.base_hash) return { status: 'open', baseHash: row.base_hash.toString('hex') };
    const [{ n: rollSize }] = await this.db.query(`SELECT count(*)::int AS n FROM issuer_roll_entries WHERE election_id = $1`, [electionId]);
    const baseHash = await this.setups.check(electionId, { keyId: row.key_id, kind: row.kind, electionDay: row.election_day, constituency: row.constituency, rollSize });
    await this.db.query(`UPDATE issuer_elections SET status = 'open', base_hash = $2 WHERE election_id = $1 AND status = 'setup'`, [electionId, Buffer.from(baseHash, 'hex')]);
    return { status: 'open', baseHash };
  }

  /**
   * Closes the election here, for good: the key is erased (no token of it can be signed again, by anyone)
   * and the issuance rows are rewritten in random order, so neither their physical order nor their
   * transaction ids say when a voter got a token. Idempotent: a repeated close answers the same log.
   */
  async close(electionId: string): Promise<IssuanceLog> {
    await this.db.transaction(async (m) => {
      const [row] = await m.query(`SELECT status FROM issuer_elections WHERE election_id = $1 FOR UPDATE`, [electionId]);
      if (!row) throw new NotFoundError('election_not_found', 'This issuer has no such election');
      if (row.status === 'closed') return;
      await rewriteInRandomOrder(m, 'issuer_issuances', electionId);
      await m.query(`UPDATE issuer_elections SET status = 'closed', wrapped_key = NULL WHERE election_id = $1`, [electionId]);
    });
    this.keys.delete(electionId);
    await this.db.query(`VACUUM issuer_issuances`).catch(() => undefined);
    return this.log(electionId);
  }

  /** Count and sorted hashes of the blinded requests signed (published only once closed: live counts would show turnout). */
  async log(electionId: string): Promise<IssuanceLog> {
    const row = await this.requireRow(electionId);
    if (row.status !== 'closed') throw new StateError('election_not_closed', 'The issuance log is published once the election is closed');
    const rows: Array<{ blinded_hash: Buffer }> = await this.db.query(`SELECT blinded_hash FROM issuer_issuances WHERE election_id = $1 ORDER BY blinded_hash`, [electionId]);
    return { issuerId: row.key_id, count: rows.length, blindedHashes: rows.map((r) => r.blinded_hash.toString('hex')) };
  }

  async electionKey(electionId: string): Promise<IssuerElectionKey> {
    return this.keyView(await this.requireRow(electionId));
  }

  /**
   * Signs one voter's blinded token request, once per voter and election. Refused unless: the election
   * is open here and `issuerId` is this issuer's key in it; the ID token is the identity provider's,
   * for the platform's client, fresh, and its nonce is the hash of exactly these requests (so a login
   * cannot be reused for other blinded messages, or a token minted without the voter's login); the
   * voter is eligible by this issuer's own roll and the election's rules.
   */
  async issue(electionId: string, req: TokenRequest): Promise<{ issuerId: string; blindSignature: string }> {
    const row = await this.requireRow(electionId);
    if (row.status !== 'open') throw new StateError('election_not_open', `Ballot tokens are issued only while the election is open (it is ${row.status} here)`);
    if (req.issuerId !== row.key_id) throw new NotFoundError('unknown_issuer', 'This issuer has another key in this election');
    const own = req.requests.find((p) => p.issuerId === row.key_id);
    const blindedHash = sha256(req.blindedMessage);
    if (!own || !blindedHash.equals(Buffer.from(own.blindedHash))) {
      throw new InvalidInputError('request_mismatch', "The request list must name this issuer with the hash of the blinded message sent to it");
    }
    let nonce: string;
    try {
      nonce = tokenRequestNonce(electionId, req.requests);
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_request_list', e.message);
      throw e;
    }
    const token = await this.idTokens.verify(req.idToken);
    if (token.nonce !== nonce) {
      throw new ForbiddenError('nonce_mismatch', "The ID token was not issued for these blinded requests (its nonce is not their hash): a login cannot be reused for another request");
    }
    const claims = extractClaims(token as Record<string, unknown>);
    const voterKey = claims.nationalNumber === null ? null : this.voterKey(claims.nationalNumber);
    const entry = voterKey ? await this.rollEntry(electionId, voterKey) : null;
    const policy: EligibilityPolicy = { kind: row.kind, electionDay: row.election_day, ...(row.constituency ? { constituency: row.constituency } : {}) };
    const verdict = evaluateEligibility({ ...claims.session, foreignDocument: voterKey === null }, policy, entry);
    if (!verdict.eligible || !voterKey) throw new ForbiddenError('not_eligible', 'You may not vote in this election', verdict.reasons as EligibilityReason[]);

    const key = await this.signingKey(electionId, row);
    let signature: Uint8Array;
    try {
      signature = blindSign(key, req.blindedMessage);
    } catch (e) {
      if (e instanceof CryptoError) throw new InvalidInputError('invalid_blinded_message', `The blinded message is not valid for this issuer: ${e.message}`);
      throw e;
    }
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO issuer_issuances (election_id, voter_key, blinded_hash, blind_signature) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT issuer_issuances_pk DO NOTHING RETURNING 1`,
      [electionId, voterKey, blindedHash, Buffer.from(signature)],
    );
    if (inserted.length === 1) return { issuerId: row.key_id, blindSignature: toBase64Url(signature) };
    const [existing]: Array<{ blinded_hash: Buffer; blind_signature: Buffer }> = await this.db.query(
      `SELECT blinded_hash, blind_signature FROM issuer_issuances WHERE election_id = $1 AND voter_key = $2`,
      [electionId, voterKey],
    );
    if (existing && existing.blinded_hash.equals(blindedHash)) return { issuerId: row.key_id, blindSignature: toBase64Url(new Uint8Array(existing.blind_signature)) };
    throw new ConflictError('already_issued', 'This issuer has already signed a different ballot token for you in this election');
  }

  /** This issuer's keyed hash of a national number (its own key: its rows join with no one else's). */
  private voterKey(nationalNumber: string): Buffer {
    return createHmac('sha256', this.identity.rollKey).update(normalizeNationalNumber(nationalNumber), 'utf8').digest();
  }

  private async rollEntry(electionId: string, voterKey: Buffer): Promise<{ constituency: string; basis: RollBasis } | null> {
    const [row] = await this.db.query(`SELECT constituency, basis FROM issuer_roll_entries WHERE election_id = $1 AND national_number_hmac = $2`, [electionId, voterKey]);
    return row ?? null;
  }

  private async signingKey(electionId: string, row: ElectionRow): Promise<KeyObject> {
    const cached = this.keys.get(electionId);
    if (cached) return cached;
    if (!row.wrapped_key) throw new StateError('election_not_open', 'This election is closed here');
    const der = unwrapPrivateKey(this.identity.wrapKey, wrapAad(electionId, this.identity.name, row.key_id), row.wrapped_key);
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    this.keys.set(electionId, key);
    return key;
  }

  private keyView(row: ElectionRow): IssuerElectionKey {
    return { issuerName: this.identity.name, issuerId: row.key_id, publicKey: JSON.parse(row.public_jwk) };
  }

  private async row(electionId: string): Promise<ElectionRow | undefined> {
    const [row]: ElectionRow[] = await this.db.query(
      `SELECT status, kind, to_char(election_day, 'YYYY-MM-DD') AS election_day, constituency, key_id, public_jwk, wrapped_key, base_hash FROM issuer_elections WHERE election_id = $1`,
      [electionId],
    );
    return row;
  }

  private async requireRow(electionId: string): Promise<ElectionRow> {
    const row = await this.row(electionId);
    if (!row) throw new NotFoundError('election_not_found', 'This issuer has no such election');
    return row;
  }
}
