import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { SANDBOX_IDENTITIES } from '../sandbox-idp/identities';
import { cookieNames, readCookie } from './cookies';
import { NationalNumberHasher } from './national-number-hasher';
import { sql } from './sql';

export type Role = 'voter' | 'official' | 'trustee' | 'observer';
export type SessionRole = Exclude<Role, 'observer'>;

/** The verified claims a session keeps: what eligibility needs, nothing more (never the national number). */
export interface SessionClaims {
  /** YYYY-MM-DD; from `birthdate_as_string` the month or day may be 00 (unknown in the national register). Null: none or not a date. */
  birthdate: string | null;
  /** The document's citizenship text (itsme `claim_citizenship`), when sent. */
  citizenship: string | null;
  /** ISO 3166-1 alpha-3 (itsme `claim_citizenship_as_iso`, best effort), when sent. */
  citizenshipIso?: string | null;
  /** No national number came: the itsme account was enrolled with another country's document. */
  foreignDocument?: boolean;
  givenName: string | null;
  familyName: string | null;
}

/** A logged-in user, as the guards and `@CurrentUser()` give it to controllers. */
export interface SessionPrincipal {
  /** SHA-256 of the session id (the id itself only lives in the cookie). */
  idHash: Buffer;
  /** The identity provider's subject identifier for this user. */
  subject: string;
  /**
   * HMAC-SHA256(ROLL_HMAC_KEY, national number): the key into the voter roll. Null when itsme sent no
   * national number (an account enrolled with a foreign document): such a session is only a voter,
   * matches no roll entry, and eligibility says why.
   */
  nationalNumberHmac: Buffer | null;
  roles: SessionRole[];
  acr: string;
  authTime: Date;
  expiresAt: Date;
  claims: SessionClaims;
}

interface SessionRow {
  id_hash: Buffer;
  subject: string;
  national_number_hmac: Buffer | null;
  roles: SessionRole[];
  acr: string;
  auth_time: Date;
  expires_at: Date;
  claims: SessionClaims;
}

export const hashSessionId = (id: string): Buffer => createHash('sha256').update(id, 'utf8').digest();

/** Sessions in the database, keyed by the hash of a random id carried in an http-only cookie. */
@Injectable()
export class SessionService {
  private readonly officials: Set<string>;
  private readonly trustees: Set<string>;

  constructor(
    private readonly config: AppConfig,
    private readonly db: DataSource,
    @Inject(NationalNumberHasher) private readonly hasher: NationalNumberHasher,
  ) {
    const list = (v: string | undefined) =>
      new Set((v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').map((nn) => hasher.hash(nn).toString('hex')));
    // Against the sandbox (and only then: its fake numbers could be someone's real one), the fixture's
    // official and trustees get their roles unless the lists are configured.
    const sandbox = config.sandboxIdpEnabled && config.OIDC_ISSUER === undefined;
    const fixture = (role: 'official' | 'trustee') =>
      sandbox ? SANDBOX_IDENTITIES.filter((i) => i.roles.includes(role)).map((i) => i.nationalNumber).join(',') : undefined;
    this.officials = list(config.OFFICIAL_NATIONAL_NUMBERS ?? fixture('official'));
    this.trustees = list(config.TRUSTEE_NATIONAL_NUMBERS ?? fixture('trustee'));
  }

  /** Roles granted to the holder of this national number: everyone logged in is a voter. */
  rolesFor(nationalNumberHmac: Buffer | null): SessionRole[] {
    const roles: SessionRole[] = ['voter'];
    if (!nationalNumberHmac) return roles;
    const key = nationalNumberHmac.toString('hex');
    if (this.officials.has(key)) roles.push('official');
    if (this.trustees.has(key)) roles.push('trustee');
    return roles;
  }

  /** The keyed hashes of the platform's officials (configured, or the sandbox fixture's): the demo election's officials. */
  platformOfficials(): Buffer[] {
    return [...this.officials].map((h) => Buffer.from(h, 'hex'));
  }

  /** Creates a session; returns the session id for the cookie (only its hash is stored). */
  async create(
    input: { subject: string; nationalNumberHmac: Buffer | null; acr: string; authTime: Date; claims: SessionClaims },
    manager?: EntityManager,
  ): Promise<{ id: string; principal: SessionPrincipal }> {
    const id = randomBytes(32).toString('base64url');
    const idHash = hashSessionId(id);
    const roles = this.rolesFor(input.nationalNumberHmac);
    const [row] = await sql<{ expires_at: Date }>(
      manager ?? this.db,
      `INSERT INTO identity_sessions (id_hash, subject, national_number_hmac, roles, acr, auth_time, claims, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8)) RETURNING expires_at`,
      [idHash, input.subject, input.nationalNumberHmac, roles, input.acr, input.authTime, JSON.stringify(input.claims), this.config.SESSION_TTL_SECONDS],
    );
    return { id, principal: { idHash, roles, expiresAt: row.expires_at, ...input } };
  }

  async findById(id: string): Promise<SessionPrincipal | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const rows = await sql<SessionRow>(
      this.db,
      `SELECT id_hash, subject, national_number_hmac, roles, acr, auth_time, expires_at, claims
         FROM identity_sessions WHERE id_hash = $1 AND expires_at > now()`,
      [hashSessionId(id)],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      idHash: r.id_hash,
      subject: r.subject,
      nationalNumberHmac: r.national_number_hmac,
      roles: r.roles,
      acr: r.acr,
      authTime: r.auth_time,
      expiresAt: r.expires_at,
      claims: r.claims,
    };
  }

  /** The session the request's cookie names, if any and not expired. */
  async fromRequest(req: Request): Promise<SessionPrincipal | null> {
    const id = readCookie(req, cookieNames(this.config).session);
    return id ? this.findById(id) : null;
  }

  async destroy(idHash: Buffer): Promise<void> {
    await sql(this.db, `DELETE FROM identity_sessions WHERE id_hash = $1`, [idHash]);
  }

  /** Removes expired sessions and login flows (called opportunistically at login). */
  async purgeExpired(): Promise<void> {
    await sql(this.db, `DELETE FROM identity_sessions WHERE expires_at <= now()`);
    await sql(this.db, `DELETE FROM identity_login_flows WHERE expires_at <= now()`);
  }
}
