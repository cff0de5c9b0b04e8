import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sql } from './sql';

/** Where an official stands with respect to one election. */
export type ElectionOfficialStanding = 'official' | 'not_official' | 'no_election';

/**
 * The officials of each election (table election_officials), identified like the role lists:
 * HMAC(ROLL_HMAC_KEY, national number). Officials can be added and removed (never the last one); the
 * services that change the officials or the election's state lock the election row and check the
 * acting official again under that lock (isOfficial), so a removal and an action of the removed
 * official are serialized and the removed official's action is refused.
 */
@Injectable()
export class ElectionOfficials {
  constructor(private readonly db: DataSource) {}

  async standing(electionId: string, nationalNumberHmac: Buffer, manager?: EntityManager): Promise<ElectionOfficialStanding> {
    const [row] = await sql<{ election: boolean; official: boolean }>(
      manager ?? this.db,
      `SELECT EXISTS (SELECT 1 FROM elections WHERE id = $1) AS election,
              EXISTS (SELECT 1 FROM election_officials WHERE election_id = $1 AND national_number_hmac = $2) AS official`,
      [electionId, nationalNumberHmac],
    );
    return row.official ? 'official' : row.election ? 'not_official' : 'no_election';
  }

  /** Adds officials to an election (already there: unchanged); returns how many were new. */
  async add(electionId: string, nationalNumberHmacs: Buffer[], manager?: EntityManager): Promise<number> {
    if (nationalNumberHmacs.length === 0) return 0;
    const rows = await sql(
      manager ?? this.db,
      `INSERT INTO election_officials (election_id, national_number_hmac)
       SELECT $1::uuid, decode(h, 'hex') FROM unnest($2::text[]) AS t(h)
       ON CONFLICT ON CONSTRAINT election_officials_pk DO NOTHING RETURNING 1`,
      [electionId, nationalNumberHmacs.map((h) => h.toString('hex'))],
    );
    return rows.length;
  }

  /** Whether this keyed hash is an official of this election (in `manager`'s transaction, when given). */
  async isOfficial(electionId: string, nationalNumberHmac: Buffer | null, manager?: EntityManager): Promise<boolean> {
    return nationalNumberHmac !== null && (await this.standing(electionId, nationalNumberHmac, manager)) === 'official';
  }

  /** Removes one official of an election; returns whether it was one. The caller keeps at least one. */
  async remove(electionId: string, nationalNumberHmac: Buffer, manager?: EntityManager): Promise<boolean> {
    const rows = await sql(
      manager ?? this.db,
      `DELETE FROM election_officials WHERE election_id = $1 AND national_number_hmac = $2 RETURNING 1`,
      [electionId, nationalNumberHmac],
    );
    return rows.length === 1;
  }

  async count(electionId: string, manager?: EntityManager): Promise<number> {
    const [row] = await sql<{ n: number }>(manager ?? this.db, `SELECT count(*)::int AS n FROM election_officials WHERE election_id = $1`, [electionId]);
    return row.n;
  }
}
