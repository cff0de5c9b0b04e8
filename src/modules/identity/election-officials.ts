import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sql } from './sql';

/** Where an official stands with respect to one election. */
export type ElectionOfficialStanding = 'official' | 'not_official' | 'no_election';

/**
 * The officials of each election (table election_officials), identified like the role lists:
 * HMAC(ROLL_HMAC_KEY, national number). Membership only grows (no removal), so a check made before an
 * action stays true while it runs.
 */
@Injectable()
export class ElectionOfficials {
  constructor(private readonly db: DataSource) {}

  async standing(electionId: string, nationalNumberHmac: Buffer): Promise<ElectionOfficialStanding> {
    const [row] = await sql<{ election: boolean; official: boolean }>(
      this.db,
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

  async count(electionId: string, manager?: EntityManager): Promise<number> {
    const [row] = await sql<{ n: number }>(manager ?? this.db, `SELECT count(*)::int AS n FROM election_officials WHERE election_id = $1`, [electionId]);
    return row.n;
  }
}
