import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidInputError, StateError } from '../../common/errors/domain-error';
import { NationalNumberHasher } from '../identity/national-number-hasher';
import { RemoteIssuers } from '../tokens/remote-issuers';
import { isValidNationalNumber, normalizeNationalNumber } from '../identity/national-number';
import { sql } from '../identity/sql';
import { ROLL_BASES, type RollBasis, type RollEntry } from './eligibility';

export interface RollInputEntry {
  nationalNumber: string;
  constituency: string;
  basis: string;
}

/** Most entries a single import may hold (the body limit usually stops it earlier). */
export const MAX_ROLL_ENTRIES = 200_000;

/**
 * Parses a roll in CSV: `national_number,constituency,basis` per line (comma or semicolon), an optional
 * header line, blank lines and lines starting with # ignored, fields optionally in double quotes.
 * Returns entries with their 1-based line numbers.
 */
export function parseRollCsv(text: string): Array<RollInputEntry & { line: number }> {
  const out: Array<RollInputEntry & { line: number }> = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/[;,]/).map((f) => f.trim().replace(/^"(.*)"$/, '$1').trim());
    if (out.length === 0 && i === lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#')) && /national/i.test(fields[0] ?? '')) return; // header
    out.push({ nationalNumber: fields[0] ?? '', constituency: fields[1] ?? '', basis: fields.length === 3 ? fields[2] : fields.length > 3 ? '\u0000' : '', line: i + 1 });
  });
  return out;
}

/** A roll's entries, checked and keyed: every bad line refuses the whole roll with a 400 naming the lines (never a national number). */
export function checkRollEntries(
  entries: Array<RollInputEntry & { line?: number }>,
  hash: (nationalNumber: string) => Buffer,
): { hashes: string[]; constituencies: string[]; bases: RollBasis[] } {
  if (entries.length === 0) throw new InvalidInputError('roll_empty', 'The roll has no entries');
  if (entries.length > MAX_ROLL_ENTRIES) throw new InvalidInputError('roll_too_large', `A roll import holds at most ${MAX_ROLL_ENTRIES} entries`);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const hashes: string[] = [];
  const constituencies: string[] = [];
  const bases: RollBasis[] = [];
  entries.forEach((e, i) => {
    const line = e.line ?? i + 1;
    const nn = normalizeNationalNumber(String(e.nationalNumber ?? ''));
    const own: string[] = [];
    if (!/^\d{11}$/.test(nn)) own.push('the national number must have 11 digits');
    else if (!isValidNationalNumber(nn)) own.push('the national number has a wrong check number');
    const constituency = String(e.constituency ?? '').trim();
    if (constituency.length < 1 || constituency.length > 100) own.push('the constituency must be 1 to 100 characters');
    if (!(ROLL_BASES as readonly string[]).includes(e.basis)) own.push(`the basis must be one of ${ROLL_BASES.join(', ')}`);
    if (own.length === 0) {
      const h = hash(nn).toString('hex');
      const first = seen.get(h);
      if (first !== undefined) own.push(`the same national number is already on line ${first}`);
      else {
        seen.set(h, line);
        hashes.push(h);
        constituencies.push(constituency);
        bases.push(e.basis as RollBasis);
      }
    }
    // The message names the line, never the national number itself.
    for (const p of own) problems.push(`line ${line}: ${p}`);
  });
  if (problems.length > 0) {
    throw new InvalidInputError('roll_invalid', `The roll has ${problems.length} problem(s); nothing was imported`, problems.slice(0, 1000));
  }
  return { hashes, constituencies, bases };
}

/** The voter roll of each election, keyed by HMAC(ROLL_HMAC_KEY, national number). */
@Injectable()
export class RollService {
  constructor(
    private readonly db: DataSource,
    @Inject(NationalNumberHasher) private readonly hasher: NationalNumberHasher,
    private readonly remoteIssuers: RemoteIssuers,
  ) {}

  /**
   * Replaces the roll of an election. Every line is checked first (national number checksum,
   * constituency, basis, duplicates); any bad line refuses the whole import with a 400 listing them.
   */
  async replace(electionId: string, entries: Array<RollInputEntry & { line?: number }>): Promise<{ imported: number; constituencies: Record<string, number> }> {
    const { hashes, constituencies, bases } = checkRollEntries(entries, (nn) => this.hasher.hash(nn));
    await this.db.transaction(async (m) => {
      // The roll is frozen once the key ceremony starts: its size goes on the board at opening, and
      // eligibility must not change under the voters' feet. (An election not defined yet may get a roll.)
      const [election] = await sql<{ status: string }>(m, `SELECT status FROM elections WHERE id = $1 FOR SHARE`, [electionId]);
      if (election && election.status !== 'draft') {
        throw new StateError('roll_frozen', `The roll can only change while the election is a draft (it is ${election.status.replace('_', ' ')})`);
      }
      // Separate issuers judge eligibility on their own copy of the roll: each gets it (and keys it with
      // its own hash) before the platform's changes, in this transaction, so a failed copy changes nothing here.
      if (this.remoteIssuers.enabled) await this.remoteIssuers.replaceRoll(electionId, entries);
      await sql(m, `DELETE FROM voter_roll_entries WHERE election_id = $1`, [electionId]);
      await sql(
        m,
        `INSERT INTO voter_roll_entries (election_id, national_number_hmac, constituency, basis)
         SELECT $1::uuid, decode(h, 'hex'), c, b FROM unnest($2::text[], $3::text[], $4::text[]) AS t(h, c, b)`,
        [electionId, hashes, constituencies, bases],
      );
    });
    return { imported: hashes.length, constituencies: countBy(constituencies) };
  }

  async summary(electionId: string): Promise<{ entries: number; constituencies: Record<string, number> }> {
    const rows = await sql<{ constituency: string; n: string }>(
      this.db,
      `SELECT constituency, count(*) AS n FROM voter_roll_entries WHERE election_id = $1 GROUP BY constituency ORDER BY constituency`,
      [electionId],
    );
    const constituencies: Record<string, number> = {};
    for (const r of rows) constituencies[r.constituency] = Number(r.n);
    return { entries: Object.values(constituencies).reduce((a, b) => a + b, 0), constituencies };
  }

  async find(electionId: string, nationalNumberHmac: Buffer): Promise<RollEntry | null> {
    const [row] = await sql<RollEntry>(
      this.db,
      `SELECT constituency, basis FROM voter_roll_entries WHERE election_id = $1 AND national_number_hmac = $2`,
      [electionId, nationalNumberHmac],
    );
    return row ?? null;
  }
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
